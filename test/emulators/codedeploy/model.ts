/**
 * The CodeDeploy state of the emulator: applications, ECS deployment groups, deployments and their
 * progress. Progress is computed lazily from timestamps on each request ("advance to now"), so no
 * timer runs and the emulated clock never drifts with the polling rate.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { HOOK_EVENTS, parseEcsAppSpec, sha256Hex, type EcsAppSpec } from './appspec.js';
import {
  builtInEcsConfigs,
  trafficPlan,
  type DeploymentConfig,
  type TrafficRoutingConfig,
} from './configs.js';
import { ApiError, fail } from './errors.js';
import { EcsBridge } from './ecs.js';
import type { CodeDeployEmulatorOptions, LifecycleEventName, Scenario } from './index.js';

export const LIFECYCLE_EVENTS: LifecycleEventName[] = [
  'BeforeInstall',
  'Install',
  'AfterInstall',
  'AllowTestTraffic',
  'AfterAllowTestTraffic',
  'BeforeAllowTraffic',
  'AllowTraffic',
  'AfterAllowTraffic',
];
const HOOKED = new Set<string>(HOOK_EVENTS);
const ACTIVE = new Set(['Created', 'Queued', 'InProgress', 'Ready', 'Baking']);
const ALL_STATUSES = ['Created', 'Queued', 'InProgress', 'Baking', 'Ready', 'Succeeded', 'Failed', 'Stopped'];
const ROLLBACK_EVENTS = ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM', 'DEPLOYMENT_STOP_ON_REQUEST'];
/** Our limit for CreateDeployment's description (the API answers DescriptionTooLongException). */
export const DESCRIPTION_LIMIT = 1024;
const BATCH_LIMIT = 25;
const PAGE_SIZE = 100;
const READY_WAIT_MAX_MINUTES = 2880;

type DeploymentStatus =
  'Created' | 'Queued' | 'InProgress' | 'Baking' | 'Ready' | 'Succeeded' | 'Failed' | 'Stopped';
type EventStatus = 'Pending' | 'InProgress' | 'Succeeded' | 'Failed' | 'Skipped' | 'Unknown';

interface Diagnostics {
  errorCode: string;
  scriptName: string;
  message: string;
  logTail: string;
}
interface EventState {
  name: LifecycleEventName;
  status: EventStatus;
  start?: number;
  end?: number;
  diagnostics?: Diagnostics;
}
interface AutoRollback {
  enabled: boolean;
  events: string[];
}
interface Application {
  id: string;
  name: string;
  computePlatform: string;
  createTime: number;
  revisions: Map<string, RevisionRecord>;
}
interface RevisionRecord {
  revision: Record<string, unknown>;
  description?: string;
  registerTime: number;
  firstUsedTime?: number;
  lastUsedTime?: number;
  groups: Set<string>;
}
interface Group {
  id: string;
  app: string;
  name: string;
  raw: Record<string, unknown>;
  configName: string;
  cluster: string;
  service: string;
  autoRollback?: AutoRollback;
  blueTaskSetId: string;
  blueTgIndex: 0 | 1;
  lastSuccessful?: Deployment;
  lastAttempted?: Deployment;
  lastSuccessfulRevision?: Record<string, unknown>;
}
interface Deployment {
  id: string;
  group: Group;
  /** the group's definition when the deployment was created (UpdateDeploymentGroup does not change it) */
  groupRaw: Record<string, unknown>;
  configName: string;
  routing: TrafficRoutingConfig;
  revision: Record<string, unknown>;
  previousRevision?: Record<string, unknown>;
  appspec?: EcsAppSpec;
  description?: string;
  creator: 'user' | 'codeDeployRollback';
  autoRollback?: AutoRollback;
  scenario: Scenario;
  stepMs: number;
  createdMs: number;
  createTime: number;
  startTime?: number;
  completeTime?: number;
  lastUpdated: number;
  status: DeploymentStatus;
  events: EventState[];
  current: number;
  readyDeadline?: number;
  readyAction?: 'STOP_DEPLOYMENT';
  bakeUntil?: number;
  terminationWaitStarted: boolean;
  errorInformation?: { code: string; message: string };
  rollbackInfo?: {
    rollbackDeploymentId?: string;
    rollbackTriggeringDeploymentId?: string;
    rollbackMessage: string;
  };
  /** a problem ECS would report when CodeDeploy creates the green task set */
  ecsProblem?: string;
  desiredCount: number;
  blueTaskSetId: string;
  greenTaskSetId: string;
  greenCreated: boolean;
  tgBlue?: string;
  tgGreen?: string;
  /** green traffic weight when this deployment started (a rollback starts from where its trigger stopped) */
  greenAtStart: number;
  rollbackOf?: Deployment;
  statusMessages: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const secs = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : ms / 1000);
const DEPLOYMENT_ID = /^d-[A-Z0-9]{9}$/;

function newDeploymentId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const bytes = randomBytes(9);
  let s = 'd-';
  for (const b of bytes) s += alphabet[b % alphabet.length];
  return s;
}
const newTaskSetId = (): string => `ecs-svc/${BigInt('0x' + randomBytes(8).toString('hex')) % 10n ** 19n}`;

function parseAutoRollback(v: unknown): AutoRollback | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v))
    return fail('InvalidAutoRollbackConfigException', 'autoRollbackConfiguration must be an object.');
  const enabled = v.enabled === true;
  const events = Array.isArray(v.events) ? v.events.map(String) : [];
  for (const e of events) {
    if (!ROLLBACK_EVENTS.includes(e)) {
      fail('InvalidAutoRollbackConfigException', `The automatic rollback event type ${e} is not valid.`);
    }
  }
  if (enabled && events.length === 0) {
    fail(
      'InvalidAutoRollbackConfigException',
      'Automatic rollback is enabled but no event types that trigger a rollback are listed.',
    );
  }
  return { enabled, events };
}

const rollsBackOn = (ar: AutoRollback | undefined, event: string): boolean =>
  !!ar && ar.enabled && ar.events.includes(event);

export class CodeDeployModel {
  private readonly stepMs: number;
  private readonly createdMs: number;
  private readonly minuteMs: number;
  private readonly region: string;
  private readonly account: string;
  private readonly ecs: EcsBridge | undefined;
  private apps = new Map<string, Application>();
  private groups = new Map<string, Group>(); // key app\0group
  private deployments: Deployment[] = [];
  private byId = new Map<string, Deployment>();
  private configs = new Map<string, DeploymentConfig>();
  private scenarios = new Map<string, Scenario>(); // '' = every group
  private pending: Promise<unknown>[] = [];

  constructor(opts: CodeDeployEmulatorOptions) {
    this.stepMs = opts.stepMs ?? 150;
    this.createdMs = opts.createdMs ?? this.stepMs;
    this.minuteMs = opts.minuteMs ?? this.stepMs;
    this.region = opts.region ?? 'us-east-1';
    this.account = opts.accountId ?? '123456789012';
    this.ecs = opts.ecsEndpoint ? new EcsBridge(opts.ecsEndpoint, this.region) : undefined;
    this.reset();
  }

  reset(): void {
    this.apps.clear();
    this.groups.clear();
    this.deployments = [];
    this.byId.clear();
    this.scenarios.clear();
    this.configs.clear();
    for (const c of builtInEcsConfigs()) this.configs.set(c.deploymentConfigName, c);
  }

  dispose(): void {
    this.ecs?.destroy();
  }

  setScenario(scenario: Scenario, groupName?: string): void {
    this.scenarios.set(groupName ?? '', { ...scenario });
  }

  async handle(operation: string, input: Record<string, unknown>): Promise<unknown> {
    const now = Date.now();
    this.advanceAll(now);
    await this.flush();
    const op = (this as unknown as Record<string, unknown>)[`op${operation}`];
    if (typeof op !== 'function') {
      throw new ApiError('UnknownOperationException', `The emulator does not implement ${operation}.`);
    }
    const out =
      (await (op as (i: Record<string, unknown>, now: number) => unknown).call(this, input, now)) ?? {};
    await this.flush();
    return out;
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0);
      await Promise.allSettled(batch);
    }
  }

  // ---------------------------------------------------------------- applications

  private requireApp(name: unknown): Application {
    const n = str(name);
    if (!n)
      return fail(
        'ApplicationNameRequiredException',
        'The minimum number of required application names was not specified.',
      );
    if (n.length > 100)
      return fail('InvalidApplicationNameException', `The application name ${n} is too long.`);
    const app = this.apps.get(n);
    if (!app) return fail('ApplicationDoesNotExistException', `No application found for name: ${n}`);
    return app;
  }

  private requireGroup(appName: unknown, groupName: unknown): Group {
    const app = this.requireApp(appName);
    const g = str(groupName);
    if (!g)
      return fail('DeploymentGroupNameRequiredException', 'The deployment group name was not specified.');
    const group = this.groups.get(`${app.name}\0${g}`);
    if (!group) {
      return fail('DeploymentGroupDoesNotExistException', `No Deployment Group found for name: ${g}`);
    }
    return group;
  }

  opCreateApplication(input: Record<string, unknown>, now: number) {
    const name = str(input.applicationName);
    if (!name)
      return fail(
        'ApplicationNameRequiredException',
        'The minimum number of required application names was not specified.',
      );
    if (name.length > 100)
      return fail('InvalidApplicationNameException', `The application name ${name} is too long.`);
    if (this.apps.has(name)) {
      return fail('ApplicationAlreadyExistsException', `The application ${name} already exists.`);
    }
    const computePlatform = str(input.computePlatform) ?? 'Server';
    if (!['Server', 'Lambda', 'ECS'].includes(computePlatform)) {
      return fail('InvalidComputePlatformException', `The compute platform ${computePlatform} is not valid.`);
    }
    const app: Application = {
      id: randomUUID(),
      name,
      computePlatform,
      createTime: now,
      revisions: new Map(),
    };
    this.apps.set(name, app);
    return { applicationId: app.id };
  }

  private appInfo(app: Application) {
    return {
      applicationId: app.id,
      applicationName: app.name,
      createTime: secs(app.createTime),
      linkedToGitHub: false,
      computePlatform: app.computePlatform,
    };
  }

  opGetApplication(input: Record<string, unknown>) {
    return { application: this.appInfo(this.requireApp(input.applicationName)) };
  }

  opBatchGetApplications(input: Record<string, unknown>) {
    const names = Array.isArray(input.applicationNames) ? input.applicationNames : [];
    if (names.length > 100)
      return fail('BatchLimitExceededException', 'The maximum number of names was exceeded.');
    return { applicationsInfo: names.map((n) => this.appInfo(this.requireApp(n))) };
  }

  opListApplications() {
    return { applications: [...this.apps.keys()].sort() };
  }

  // ---------------------------------------------------------------- deployment configs

  private requireConfig(name: unknown): DeploymentConfig {
    const n = str(name);
    if (!n)
      return fail(
        'DeploymentConfigNameRequiredException',
        'The deployment configuration name was not specified.',
      );
    const c = this.configs.get(n);
    if (!c)
      return fail(
        'DeploymentConfigDoesNotExistException',
        `No deployment configuration found for name: ${n}`,
      );
    return c;
  }

  opGetDeploymentConfig(input: Record<string, unknown>) {
    const c = this.requireConfig(input.deploymentConfigName);
    return {
      deploymentConfigInfo: {
        deploymentConfigId: c.deploymentConfigId,
        deploymentConfigName: c.deploymentConfigName,
        createTime: secs(c.createTime),
        computePlatform: c.computePlatform,
        trafficRoutingConfig: c.trafficRoutingConfig,
      },
    };
  }

  opListDeploymentConfigs() {
    return { deploymentConfigsList: [...this.configs.keys()].sort() };
  }

  opCreateDeploymentConfig(input: Record<string, unknown>, now: number) {
    const name = str(input.deploymentConfigName);
    if (!name)
      return fail(
        'DeploymentConfigNameRequiredException',
        'The deployment configuration name was not specified.',
      );
    if (this.configs.has(name)) {
      return fail(
        'DeploymentConfigAlreadyExistsException',
        `A deployment configuration named ${name} already exists.`,
      );
    }
    if (name.startsWith('CodeDeployDefault.')) {
      return fail('InvalidDeploymentConfigNameException', 'The CodeDeployDefault. prefix is reserved.');
    }
    const platform = str(input.computePlatform) ?? 'Server';
    if (platform !== 'ECS') {
      return fail(
        'InvalidComputePlatformException',
        'The emulator only supports ECS deployment configurations.',
      );
    }
    const trc = input.trafficRoutingConfig;
    const bad = (): never =>
      fail('InvalidTrafficRoutingConfigurationException', 'The traffic routing configuration is not valid.');
    if (!isObject(trc)) return bad();
    const type = trc.type;
    const pct = (v: unknown) => typeof v === 'number' && v >= 1 && v <= 99;
    const mins = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 2880;
    if (type === 'TimeBasedCanary') {
      const c = trc.timeBasedCanary;
      if (!isObject(c) || !pct(c.canaryPercentage) || !mins(c.canaryInterval)) bad();
    } else if (type === 'TimeBasedLinear') {
      const l = trc.timeBasedLinear;
      if (!isObject(l) || !pct(l.linearPercentage) || !mins(l.linearInterval)) bad();
    } else if (type !== 'AllAtOnce') bad();
    const c: DeploymentConfig = {
      deploymentConfigId: randomUUID(),
      deploymentConfigName: name,
      computePlatform: 'ECS',
      trafficRoutingConfig: trc as unknown as TrafficRoutingConfig,
      createTime: now,
      builtIn: false,
    };
    this.configs.set(name, c);
    return { deploymentConfigId: c.deploymentConfigId };
  }

  // ---------------------------------------------------------------- deployment groups

  /**
   * Check an ECS deployment group definition (CreateDeploymentGroup input, or an existing group with
   * UpdateDeploymentGroup's changes applied) and answer what the group stores.
   */
  private async checkGroupSpec(app: Application, input: Record<string, unknown>, self?: Group) {
    if (!str(input.serviceRoleArn))
      return fail('RoleRequiredException', 'The service role ARN was not specified.');
    if (app.computePlatform !== 'ECS') {
      return fail('InvalidComputePlatformException', 'The emulator only supports ECS applications.');
    }
    const services = input.ecsServices;
    if (!Array.isArray(services) || services.length !== 1 || !isObject(services[0])) {
      return fail('InvalidECSServiceException', 'An ECS deployment group needs exactly one ECS service.');
    }
    const cluster = str(services[0].clusterName);
    const service = str(services[0].serviceName);
    if (!cluster || !service) {
      return fail('InvalidECSServiceException', 'The ECS service needs a clusterName and a serviceName.');
    }
    const style = input.deploymentStyle;
    if (
      !isObject(style) ||
      style.deploymentType !== 'BLUE_GREEN' ||
      style.deploymentOption !== 'WITH_TRAFFIC_CONTROL'
    ) {
      return fail(
        'InvalidDeploymentStyleException',
        'An ECS deployment group must use deploymentType BLUE_GREEN with deploymentOption WITH_TRAFFIC_CONTROL.',
      );
    }
    const bg = input.blueGreenDeploymentConfiguration;
    const badBg = (m: string): never => fail('InvalidBlueGreenDeploymentConfigurationException', m);
    if (!isObject(bg)) return badBg('An ECS deployment group needs a blueGreenDeploymentConfiguration.');
    const term = bg.terminateBlueInstancesOnDeploymentSuccess;
    if (!isObject(term)) return badBg('terminateBlueInstancesOnDeploymentSuccess is required for ECS.');
    if (term.action !== undefined && term.action !== 'TERMINATE' && term.action !== 'KEEP_ALIVE') {
      badBg(`The action ${String(term.action)} is not valid.`);
    }
    const tw = term.terminationWaitTimeInMinutes;
    if (tw !== undefined && (typeof tw !== 'number' || tw < 0 || tw > 2880)) {
      badBg('terminationWaitTimeInMinutes must be between 0 and 2880.');
    }
    const ready = bg.deploymentReadyOption;
    if (ready !== undefined) {
      if (!isObject(ready)) return badBg('deploymentReadyOption must be an object.');
      if (
        ready.actionOnTimeout !== undefined &&
        !['CONTINUE_DEPLOYMENT', 'STOP_DEPLOYMENT'].includes(String(ready.actionOnTimeout))
      ) {
        badBg(`The actionOnTimeout ${String(ready.actionOnTimeout)} is not valid.`);
      }
      const w = ready.waitTimeInMinutes;
      if (w !== undefined && (typeof w !== 'number' || w < 0 || w > READY_WAIT_MAX_MINUTES)) {
        badBg('waitTimeInMinutes must be between 0 and 2880.');
      }
    }
    const lb = input.loadBalancerInfo;
    if (
      !isObject(lb) ||
      !Array.isArray(lb.targetGroupPairInfoList) ||
      lb.targetGroupPairInfoList.length !== 1
    ) {
      return fail('InvalidLoadBalancerInfoException', 'An ECS deployment group needs one target group pair.');
    }
    const pair = lb.targetGroupPairInfoList[0];
    if (
      !isObject(pair) ||
      !Array.isArray(pair.targetGroups) ||
      pair.targetGroups.length !== 2 ||
      !pair.targetGroups.every((t) => isObject(t) && str(t.name)) ||
      !isObject(pair.prodTrafficRoute) ||
      !Array.isArray(pair.prodTrafficRoute.listenerArns) ||
      pair.prodTrafficRoute.listenerArns.length !== 1
    ) {
      return fail(
        'InvalidTargetGroupPairException',
        'The target group pair needs two named target groups and one production listener.',
      );
    }
    for (const g of this.groups.values()) {
      if (g !== self && g.cluster === cluster && g.service === service) {
        return fail(
          'ECSServiceMappingLimitExceededException',
          `The ECS service ${cluster}:${service} is already the target of deployment group ${g.name}.`,
        );
      }
    }
    const configName = str(input.deploymentConfigName) ?? 'CodeDeployDefault.ECSAllAtOnce';
    const cfg = this.requireConfig(configName);
    if (cfg.computePlatform !== 'ECS') {
      return fail(
        'InvalidDeploymentConfigNameException',
        `The deployment configuration ${configName} is not for ECS.`,
      );
    }
    const autoRollback = parseAutoRollback(input.autoRollbackConfiguration);
    if (this.ecs) {
      const problem = await this.ecs.checkService(cluster, service);
      if (problem) return fail('InvalidECSServiceException', problem);
    }
    const raw: Record<string, unknown> = {
      ...input,
      deploymentConfigName: configName,
      // what the API answers for options left out
      blueGreenDeploymentConfiguration: {
        ...bg,
        deploymentReadyOption: {
          actionOnTimeout: 'CONTINUE_DEPLOYMENT',
          waitTimeInMinutes: 0,
          ...(isObject(ready) ? ready : {}),
        },
        terminateBlueInstancesOnDeploymentSuccess: {
          action: 'TERMINATE',
          terminationWaitTimeInMinutes: 0,
          ...term,
        },
      },
    };
    return { raw, configName, cluster, service, autoRollback };
  }

  async opCreateDeploymentGroup(input: Record<string, unknown>) {
    const app = this.requireApp(input.applicationName);
    const name = str(input.deploymentGroupName);
    if (!name)
      return fail('DeploymentGroupNameRequiredException', 'The deployment group name was not specified.');
    if (this.groups.has(`${app.name}\0${name}`)) {
      return fail('DeploymentGroupAlreadyExistsException', `The deployment group ${name} already exists.`);
    }
    const spec = await this.checkGroupSpec(app, input);
    // the name may have been taken while ECS answered
    if (this.groups.has(`${app.name}\0${name}`)) {
      return fail('DeploymentGroupAlreadyExistsException', `The deployment group ${name} already exists.`);
    }
    const group: Group = {
      id: randomUUID(),
      app: app.name,
      name,
      ...spec,
      blueTaskSetId: newTaskSetId(),
      blueTgIndex: 0,
    };
    this.groups.set(`${app.name}\0${name}`, group);
    return { deploymentGroupId: group.id };
  }

  async opUpdateDeploymentGroup(input: Record<string, unknown>) {
    const app = this.requireApp(input.applicationName);
    const current = str(input.currentDeploymentGroupName);
    if (!current)
      return fail('DeploymentGroupNameRequiredException', 'The deployment group name was not specified.');
    const group = this.requireGroup(app.name, current);
    const newName = str(input.newDeploymentGroupName) ?? group.name;
    if (newName !== group.name && this.groups.has(`${app.name}\0${newName}`)) {
      return fail('DeploymentGroupAlreadyExistsException', `The deployment group ${newName} already exists.`);
    }
    const changes = Object.fromEntries(
      Object.entries(input).filter(
        ([k, v]) =>
          v !== undefined &&
          v !== null &&
          !['applicationName', 'currentDeploymentGroupName', 'newDeploymentGroupName'].includes(k),
      ),
    );
    const merged = { ...group.raw, ...changes, deploymentGroupName: newName };
    const spec = await this.checkGroupSpec(app, merged, group);
    this.groups.delete(`${app.name}\0${group.name}`);
    Object.assign(group, spec, { name: newName });
    this.groups.set(`${app.name}\0${newName}`, group);
    return { hooksNotCleanedUp: [] };
  }

  opDeleteDeploymentGroup(input: Record<string, unknown>) {
    const group = this.requireGroup(input.applicationName, input.deploymentGroupName);
    this.groups.delete(`${group.app}\0${group.name}`);
    return { hooksNotCleanedUp: [] };
  }

  opDeleteApplication(input: Record<string, unknown>) {
    const name = str(input.applicationName);
    if (!name)
      return fail(
        'ApplicationNameRequiredException',
        'The minimum number of required application names was not specified.',
      );
    for (const g of [...this.groups.values()]) if (g.app === name) this.groups.delete(`${g.app}\0${g.name}`);
    this.apps.delete(name); // deleting an application that does not exist succeeds
    return {};
  }

  private deploymentSummary(d: Deployment | undefined) {
    if (!d) return undefined;
    return {
      deploymentId: d.id,
      status: d.status,
      endTime: secs(d.completeTime),
      createTime: secs(d.createTime),
    };
  }

  private groupInfo(g: Group) {
    const r = g.raw;
    return {
      applicationName: g.app,
      deploymentGroupId: g.id,
      deploymentGroupName: g.name,
      deploymentConfigName: g.configName,
      ec2TagFilters: [],
      onPremisesInstanceTagFilters: [],
      autoScalingGroups: [],
      serviceRoleArn: r.serviceRoleArn,
      triggerConfigurations: Array.isArray(r.triggerConfigurations) ? r.triggerConfigurations : [],
      alarmConfiguration: isObject(r.alarmConfiguration)
        ? r.alarmConfiguration
        : { enabled: false, ignorePollAlarmFailure: false, alarms: [] },
      autoRollbackConfiguration: g.autoRollback ?? { enabled: false, events: [] },
      deploymentStyle: r.deploymentStyle,
      outdatedInstancesStrategy: 'UPDATE',
      blueGreenDeploymentConfiguration: r.blueGreenDeploymentConfiguration,
      loadBalancerInfo: r.loadBalancerInfo,
      lastSuccessfulDeployment: this.deploymentSummary(g.lastSuccessful),
      lastAttemptedDeployment: this.deploymentSummary(g.lastAttempted),
      computePlatform: 'ECS',
      ecsServices: [{ serviceName: g.service, clusterName: g.cluster }],
      terminationHookEnabled: false,
    };
  }

  opGetDeploymentGroup(input: Record<string, unknown>) {
    return {
      deploymentGroupInfo: this.groupInfo(
        this.requireGroup(input.applicationName, input.deploymentGroupName),
      ),
    };
  }

  opBatchGetDeploymentGroups(input: Record<string, unknown>) {
    const app = this.requireApp(input.applicationName);
    const names = Array.isArray(input.deploymentGroupNames) ? input.deploymentGroupNames.map(String) : [];
    if (names.length === 0)
      return fail('DeploymentGroupNameRequiredException', 'The deployment group name was not specified.');
    if (names.length > 100)
      return fail('BatchLimitExceededException', 'The maximum number of names was exceeded.');
    const found: unknown[] = [];
    const missing: string[] = [];
    for (const n of names) {
      const g = this.groups.get(`${app.name}\0${n}`);
      if (g) found.push(this.groupInfo(g));
      else missing.push(n);
    }
    return {
      deploymentGroupsInfo: found,
      errorMessage: missing.length ? `Deployment groups not found: ${missing.join(', ')}` : undefined,
    };
  }

  opListDeploymentGroups(input: Record<string, unknown>) {
    const app = this.requireApp(input.applicationName);
    const names = [...this.groups.values()]
      .filter((g) => g.app === app.name)
      .map((g) => g.name)
      .sort();
    const { page, nextToken } = this.paginate(names, input.nextToken);
    return { applicationName: app.name, deploymentGroups: page, nextToken };
  }

  private paginate<T>(items: T[], token: unknown): { page: T[]; nextToken?: string } {
    let start = 0;
    if (token !== undefined && token !== null) {
      const decoded = typeof token === 'string' ? Number(Buffer.from(token, 'base64').toString('utf8')) : NaN;
      if (!Number.isInteger(decoded) || decoded < 0 || decoded > items.length) {
        return fail('InvalidNextTokenException', 'The next token was specified in an invalid format.');
      }
      start = decoded;
    }
    const end = start + PAGE_SIZE;
    return {
      page: items.slice(start, end),
      nextToken: end < items.length ? Buffer.from(String(end)).toString('base64') : undefined,
    };
  }

  // ---------------------------------------------------------------- revisions

  private revisionKey(rev: Record<string, unknown>): string {
    if (rev.revisionType === 'AppSpecContent' && isObject(rev.appSpecContent)) {
      return `appspec:${sha256Hex(String(rev.appSpecContent.content ?? ''))}`;
    }
    return JSON.stringify(rev);
  }

  private checkRevision(rev: unknown): { revision: Record<string, unknown>; appspec: EcsAppSpec } {
    if (!isObject(rev)) return fail('RevisionRequiredException', 'The revision ID was not specified.');
    if (rev.revisionType !== 'AppSpecContent') {
      return fail(
        'InvalidRevisionException',
        `The revision type ${String(rev.revisionType)} is not supported here: ECS deployments in the emulator take AppSpecContent.`,
      );
    }
    const appspec = parseEcsAppSpec(rev.appSpecContent);
    const content = (rev.appSpecContent as Record<string, unknown>).content as string;
    const revision = {
      revisionType: 'AppSpecContent',
      appSpecContent: { content, sha256: sha256Hex(content) },
    };
    return { revision, appspec };
  }

  opRegisterApplicationRevision(input: Record<string, unknown>, now: number) {
    const app = this.requireApp(input.applicationName);
    const description = typeof input.description === 'string' ? input.description : undefined;
    if (description && description.length > DESCRIPTION_LIMIT) {
      return fail(
        'DescriptionTooLongException',
        `The description is longer than ${DESCRIPTION_LIMIT} characters.`,
      );
    }
    const { revision } = this.checkRevision(input.revision);
    const key = this.revisionKey(revision);
    const existing = app.revisions.get(key);
    if (existing) {
      existing.description = description ?? existing.description;
    } else {
      app.revisions.set(key, { revision, description, registerTime: now, groups: new Set() });
    }
    return {};
  }

  opGetApplicationRevision(input: Record<string, unknown>) {
    const app = this.requireApp(input.applicationName);
    if (!isObject(input.revision))
      return fail('RevisionRequiredException', 'The revision ID was not specified.');
    const rec = app.revisions.get(this.revisionKey(input.revision));
    if (!rec)
      return fail('RevisionDoesNotExistException', 'The revision does not exist in this application.');
    return {
      applicationName: app.name,
      revision: rec.revision,
      revisionInfo: {
        description: rec.description,
        deploymentGroups: [...rec.groups].sort(),
        firstUsedTime: secs(rec.firstUsedTime),
        lastUsedTime: secs(rec.lastUsedTime),
        registerTime: secs(rec.registerTime),
      },
    };
  }

  // ---------------------------------------------------------------- deployments

  private activeIn(group: Group): Deployment | undefined {
    return this.deployments.find((d) => d.group === group && ACTIVE.has(d.status));
  }

  private scenarioFor(group: Group): Scenario {
    return this.scenarios.get(group.name) ?? this.scenarios.get('') ?? { kind: 'success' };
  }

  async opCreateDeployment(input: Record<string, unknown>, now: number) {
    const group = this.requireGroup(input.applicationName, input.deploymentGroupName);
    const app = this.apps.get(group.app)!;
    if (input.revision === undefined || input.revision === null) {
      return fail('RevisionRequiredException', 'The revision ID was not specified.');
    }
    const description = typeof input.description === 'string' ? input.description : undefined;
    if (description && description.length > DESCRIPTION_LIMIT) {
      return fail(
        'DescriptionTooLongException',
        `The description is longer than ${DESCRIPTION_LIMIT} characters.`,
      );
    }
    const configName = str(input.deploymentConfigName) ?? group.configName;
    const cfg = this.requireConfig(configName);
    if (cfg.computePlatform !== 'ECS') {
      return fail(
        'InvalidDeploymentConfigNameException',
        `The deployment configuration ${configName} is not for ECS.`,
      );
    }
    const autoRollback =
      input.autoRollbackConfiguration !== undefined && input.autoRollbackConfiguration !== null
        ? parseAutoRollback(input.autoRollbackConfiguration)
        : group.autoRollback;
    const { revision, appspec } = this.checkRevision(input.revision);
    const limit = (active: Deployment): never =>
      fail(
        'DeploymentLimitExceededException',
        // the shape AWS answers, which clients parse for the active deployment's id
        `The Deployment Group '${group.name}' already has an active Deployment '${active.id}'`,
      );
    const activeBefore = this.activeIn(group);
    if (activeBefore) return limit(activeBefore);

    let desiredCount = 1;
    let ecsProblem: string | undefined;
    if (this.ecs) {
      const svc = await this.ecs.describeService(group.cluster, group.service);
      if (svc.desiredCount !== undefined) desiredCount = Math.max(1, svc.desiredCount);
      ecsProblem = svc.problem ?? (await this.ecs.checkTaskDefinition(appspec));
      this.advanceAll(Date.now());
      const activeAfter = this.activeIn(group);
      if (activeAfter) return limit(activeAfter);
    }
    const scenario = { ...this.scenarioFor(group) };
    const created = Date.now() > now ? Date.now() : now;
    const d = this.newDeployment({
      group,
      configName,
      routing: cfg.trafficRoutingConfig,
      revision,
      previousRevision: group.lastSuccessfulRevision,
      appspec,
      description,
      creator: 'user',
      autoRollback,
      scenario,
      createTime: created,
      desiredCount,
      ecsProblem,
      greenAtStart: 0,
    });
    const key = this.revisionKey(revision);
    const rec = app.revisions.get(key) ?? { revision, registerTime: created, groups: new Set<string>() };
    rec.firstUsedTime ??= created;
    rec.lastUsedTime = created;
    rec.groups.add(group.name);
    app.revisions.set(key, rec);
    return { deploymentId: d.id };
  }

  private newDeployment(p: {
    group: Group;
    configName: string;
    routing: TrafficRoutingConfig;
    revision: Record<string, unknown>;
    previousRevision?: Record<string, unknown>;
    appspec?: EcsAppSpec;
    description?: string;
    creator: 'user' | 'codeDeployRollback';
    autoRollback?: AutoRollback;
    scenario: Scenario;
    createTime: number;
    desiredCount: number;
    ecsProblem?: string;
    greenAtStart: number;
    rollbackOf?: Deployment;
  }): Deployment {
    const stepMs =
      p.scenario.stepMs ?? (p.scenario.kind === 'slow' ? Math.max(this.stepMs * 20, 3000) : this.stepMs);
    const g = p.group;
    const tgs = this.targetGroupNames(g);
    const rb = p.rollbackOf;
    const d: Deployment = {
      id: newDeploymentId(),
      group: g,
      groupRaw: g.raw,
      configName: p.configName,
      routing: p.routing,
      revision: p.revision,
      previousRevision: p.previousRevision,
      appspec: p.appspec,
      description: p.description,
      creator: p.creator,
      autoRollback: p.autoRollback,
      scenario: p.scenario,
      stepMs,
      createdMs: this.createdMs,
      createTime: p.createTime,
      lastUpdated: p.createTime,
      status: 'Created',
      events: LIFECYCLE_EVENTS.map((name) => ({ name, status: 'Pending' as EventStatus })),
      current: -1,
      terminationWaitStarted: false,
      ecsProblem: p.ecsProblem,
      desiredCount: p.desiredCount,
      blueTaskSetId: rb ? rb.blueTaskSetId : g.blueTaskSetId,
      greenTaskSetId: rb ? rb.greenTaskSetId : newTaskSetId(),
      greenCreated: rb ? rb.greenCreated : false,
      tgBlue: rb ? rb.tgBlue : tgs[g.blueTgIndex],
      tgGreen: rb ? rb.tgGreen : tgs[1 - g.blueTgIndex],
      greenAtStart: p.greenAtStart,
      rollbackOf: rb,
      statusMessages: [],
    };
    this.deployments.push(d);
    this.byId.set(d.id, d);
    g.lastAttempted = d;
    return d;
  }

  private targetGroupNames(g: Group): string[] {
    const lb = g.raw.loadBalancerInfo as { targetGroupPairInfoList: { targetGroups: { name: string }[] }[] };
    return lb.targetGroupPairInfoList[0]!.targetGroups.map((t) => t.name);
  }

  private requireDeployment(id: unknown): Deployment {
    const s = str(id);
    if (!s) return fail('DeploymentIdRequiredException', 'At least one deployment ID must be specified.');
    if (!DEPLOYMENT_ID.test(s)) {
      return fail('InvalidDeploymentIdException', `The deployment ID ${s} is not in a valid format.`);
    }
    const d = this.byId.get(s);
    if (!d) return fail('DeploymentDoesNotExistException', `The deployment ${s} could not be found.`);
    return d;
  }

  // ---------------------------------------------------------------- the clock

  private readyWaitFor(d: Deployment): { minutes: number } | undefined {
    if (d.creator !== 'user') return undefined;
    const bg = d.groupRaw.blueGreenDeploymentConfiguration as Record<string, unknown>;
    const ready = isObject(bg.deploymentReadyOption) ? bg.deploymentReadyOption : undefined;
    const wait = typeof ready?.waitTimeInMinutes === 'number' ? ready.waitTimeInMinutes : 0;
    if (ready?.actionOnTimeout === 'STOP_DEPLOYMENT')
      return { minutes: wait > 0 ? wait : READY_WAIT_MAX_MINUTES };
    if (d.scenario.kind === 'ready-wait') return { minutes: wait > 0 ? wait : READY_WAIT_MAX_MINUTES };
    return undefined;
  }

  private terminationWaitMs(d: Deployment): number {
    if (d.creator !== 'user') return 0;
    const bg = d.groupRaw.blueGreenDeploymentConfiguration as Record<string, unknown>;
    const term = bg.terminateBlueInstancesOnDeploymentSuccess as Record<string, unknown>;
    if (term.action === 'KEEP_ALIVE') return 0;
    const m = typeof term.terminationWaitTimeInMinutes === 'number' ? term.terminationWaitTimeInMinutes : 0;
    return m * this.minuteMs;
  }

  private eventDuration(d: Deployment, ev: EventState): number {
    if (ev.name === 'AllowTraffic') {
      if (d.creator !== 'user') return d.stepMs;
      return trafficPlan(d.routing, d.stepMs, this.minuteMs).durationMs;
    }
    return d.stepMs;
  }

  private failsAt(d: Deployment, ev: EventState): boolean {
    return d.scenario.kind === 'hook-failure' && ev.name === (d.scenario.failAt ?? 'AfterAllowTestTraffic');
  }

  private alarmsAt(d: Deployment, ev: EventState): boolean {
    return d.scenario.kind === 'alarm-stop' && ev.name === (d.scenario.alarmAt ?? 'AllowTraffic');
  }

  private advanceAll(now: number): void {
    // a rollback created while advancing is pushed to the end and advanced in the same pass
    for (let i = 0; i < this.deployments.length; i++) {
      const d = this.deployments[i]!;
      for (let guard = 0; guard < 64 && this.step(d, now); guard++);
    }
  }

  private startEvent(d: Deployment, i: number, at: number): void {
    d.current = i;
    const ev = d.events[i]!;
    ev.status = 'InProgress';
    ev.start = at;
    d.lastUpdated = at;
    if (ev.name === 'Install' && !d.rollbackOf && !d.ecsProblem) d.greenCreated = true;
  }

  /** One due transition of `d`, if any. */
  private step(d: Deployment, now: number): boolean {
    switch (d.status) {
      case 'Created': {
        const at = d.createTime + d.createdMs;
        if (now < at) return false;
        d.status = 'InProgress';
        d.startTime = at;
        this.startEvent(d, 0, at);
        return true;
      }
      case 'InProgress': {
        const ev = d.events[d.current]!;
        const start = ev.start!;
        const dur = this.eventDuration(d, ev);
        if (this.alarmsAt(d, ev)) {
          const at = start + Math.floor(dur / 2);
          if (now < at) return false;
          this.alarmStop(d, at);
          return true;
        }
        const end = start + dur;
        if (now < end) return false;
        if (ev.name === 'Install' && d.ecsProblem) {
          ev.status = 'Failed';
          ev.end = end;
          this.finish(
            d,
            'Failed',
            end,
            { code: 'ECS_UPDATE_ERROR', message: d.ecsProblem },
            'DEPLOYMENT_FAILURE',
          );
          return true;
        }
        if (this.failsAt(d, ev)) {
          const scriptName = d.appspec?.hooks[ev.name] ?? '';
          const message =
            d.scenario.diagnosticsMessage ??
            `The ${ev.name} hook ${scriptName || '(emulated)'} reported failure.`;
          ev.status = 'Failed';
          ev.end = end;
          ev.diagnostics = { errorCode: 'ScriptFailed', scriptName, message, logTail: '' };
          const hooked = HOOKED.has(ev.name);
          this.finish(
            d,
            'Failed',
            end,
            hooked
              ? {
                  code: 'HOOK_EXECUTION_FAILURE',
                  message: `The deployment failed because one or more of the lifecycle event validations failed: ${ev.name}.`,
                }
              : { code: 'ECS_UPDATE_ERROR', message: `The ${ev.name} step failed: ${message}` },
            'DEPLOYMENT_FAILURE',
          );
          return true;
        }
        ev.status = 'Succeeded';
        ev.end = end;
        d.lastUpdated = end;
        if (d.current === d.events.length - 1) {
          const wait = this.terminationWaitMs(d);
          if (wait > 0) {
            d.status = 'Baking';
            d.bakeUntil = end + wait;
            d.terminationWaitStarted = true;
          } else {
            this.finish(d, 'Succeeded', end);
          }
          return true;
        }
        const ready = ev.name === 'AfterAllowTestTraffic' ? this.readyWaitFor(d) : undefined;
        if (ready) {
          d.status = 'Ready';
          d.readyDeadline = end + ready.minutes * this.minuteMs;
          return true;
        }
        this.startEvent(d, d.current + 1, end);
        return true;
      }
      case 'Ready': {
        if (d.readyDeadline === undefined || now < d.readyDeadline) return false;
        this.finish(
          d,
          'Stopped',
          d.readyDeadline,
          {
            code: 'TIMEOUT',
            message:
              'The deployment was stopped because traffic was not rerouted before the ready wait time ran out.',
          },
          undefined,
        );
        return true;
      }
      case 'Baking': {
        if (d.bakeUntil === undefined || now < d.bakeUntil) return false;
        this.finish(d, 'Succeeded', d.bakeUntil);
        return true;
      }
      default:
        return false;
    }
  }

  private alarmStop(d: Deployment, at: number): void {
    const cfg = d.groupRaw.alarmConfiguration;
    const names =
      isObject(cfg) && Array.isArray(cfg.alarms)
        ? cfg.alarms.map((a) => (isObject(a) ? String(a.name) : '')).filter(Boolean)
        : [];
    const alarms = names.length ? names : ['emulator-alarm'];
    this.finish(
      d,
      'Stopped',
      at,
      {
        code: 'ALARM_ACTIVE',
        message: `One or more alarms have been activated according to the CloudWatch metrics you selected, and the affected deployments have been stopped. Activated alarms: <${alarms.join(', ')}>`,
      },
      'DEPLOYMENT_STOP_ON_ALARM',
    );
  }

  /**
   * End `d` at `at`. The event in progress (if any) is marked Failed and the rest Skipped; a
   * rollback deployment starts when `rollbackTrigger` says so (or `forceRollback`).
   */
  private finish(
    d: Deployment,
    status: 'Succeeded' | 'Failed' | 'Stopped',
    at: number,
    error?: { code: string; message: string },
    rollbackTrigger?: string,
    forceRollback?: boolean,
  ): void {
    for (const ev of d.events) {
      if (ev.status === 'InProgress') {
        ev.status = status === 'Succeeded' ? 'Succeeded' : 'Failed';
        ev.end = at;
      } else if (ev.status === 'Pending' && status !== 'Succeeded') {
        ev.status = 'Skipped';
      }
    }
    d.status = status;
    d.completeTime = at;
    d.lastUpdated = at;
    if (error) d.errorInformation = error;
    if (status === 'Succeeded') {
      const g = d.group;
      if (d.creator === 'user') {
        g.lastSuccessful = d;
        g.lastSuccessfulRevision = d.revision;
        g.blueTaskSetId = d.greenTaskSetId;
        g.blueTgIndex = g.blueTgIndex === 0 ? 1 : 0;
        if (this.ecs && d.appspec) {
          const ecs = this.ecs;
          const td = d.appspec.taskDefinition;
          this.pending.push(
            ecs.pointServiceAt(g.cluster, g.service, td).catch((err: unknown) => {
              d.statusMessages.push(`ECS UpdateService failed in the emulator: ${String(err)}`);
            }),
          );
        }
      }
      return;
    }
    const started = d.startTime !== undefined;
    const rollback =
      d.creator === 'user' &&
      started &&
      (forceRollback ?? (rollbackTrigger !== undefined && rollsBackOn(d.autoRollback, rollbackTrigger)));
    if (rollback) this.startRollback(d, at);
  }

  private greenWeight(d: Deployment, at: number): number {
    const i = LIFECYCLE_EVENTS.indexOf('AllowTraffic');
    const ev = d.events[i]!;
    if (ev.start === undefined || at < ev.start) return d.greenAtStart;
    if (d.creator !== 'user') return 0; // a rollback moves all traffic back at once
    if (ev.status === 'Succeeded' && ev.end !== undefined && at >= ev.end) return 100;
    const until = ev.end !== undefined ? Math.min(at, ev.end) : at;
    return trafficPlan(d.routing, d.stepMs, this.minuteMs).greenWeightAt(until - ev.start);
  }

  private startRollback(d: Deployment, at: number): void {
    const rb = this.newDeployment({
      group: d.group,
      configName: 'CodeDeployDefault.ECSAllAtOnce',
      routing: { type: 'AllAtOnce' },
      revision: d.group.lastSuccessfulRevision ?? d.previousRevision ?? d.revision,
      previousRevision: d.revision,
      creator: 'codeDeployRollback',
      description: `Rollback of ${d.id}`,
      scenario: { kind: 'success' },
      createTime: at,
      desiredCount: d.desiredCount,
      greenAtStart: this.greenWeight(d, at),
      rollbackOf: d,
    });
    d.rollbackInfo = {
      rollbackDeploymentId: rb.id,
      rollbackMessage: `Deployment ${d.id} was rolled back by deployment ${rb.id}.`,
    };
    rb.rollbackInfo = {
      rollbackTriggeringDeploymentId: d.id,
      rollbackMessage: `Rolling back deployment ${d.id}.`,
    };
  }

  // ---------------------------------------------------------------- reading deployments

  private targetStatus(d: Deployment): string {
    switch (d.status) {
      case 'Created':
      case 'Queued':
        return 'Pending';
      case 'InProgress':
      case 'Baking':
        return 'InProgress';
      case 'Ready':
        return 'Ready';
      case 'Succeeded':
        return 'Succeeded';
      default:
        return 'Failed';
    }
  }

  private deploymentInfo(d: Deployment) {
    const g = d.group;
    const overview = { Pending: 0, InProgress: 0, Succeeded: 0, Failed: 0, Skipped: 0, Ready: 0 };
    overview[this.targetStatus(d) as keyof typeof overview] = 1;
    const bg = d.groupRaw.blueGreenDeploymentConfiguration as Record<string, unknown>;
    return {
      applicationName: g.app,
      deploymentGroupName: g.name,
      deploymentConfigName: d.configName,
      deploymentId: d.id,
      previousRevision: d.previousRevision,
      revision: d.revision,
      status: d.status,
      errorInformation: d.errorInformation,
      createTime: secs(d.createTime),
      startTime: secs(d.startTime),
      completeTime: secs(d.completeTime),
      deploymentOverview: overview,
      description: d.description,
      creator: d.creator,
      ignoreApplicationStopFailures: false,
      autoRollbackConfiguration: d.autoRollback ?? { enabled: false, events: [] },
      updateOutdatedInstancesOnly: false,
      rollbackInfo: d.rollbackInfo,
      deploymentStyle: d.groupRaw.deploymentStyle,
      targetInstances: undefined,
      instanceTerminationWaitTimeStarted: d.terminationWaitStarted,
      blueGreenDeploymentConfiguration: bg,
      loadBalancerInfo: d.groupRaw.loadBalancerInfo,
      additionalDeploymentStatusInfo: undefined,
      fileExistsBehavior: 'DISALLOW',
      deploymentStatusMessages: d.statusMessages,
      computePlatform: 'ECS',
    };
  }

  opGetDeployment(input: Record<string, unknown>) {
    return { deploymentInfo: this.deploymentInfo(this.requireDeployment(input.deploymentId)) };
  }

  opBatchGetDeployments(input: Record<string, unknown>) {
    const ids = Array.isArray(input.deploymentIds) ? input.deploymentIds : [];
    if (ids.length === 0)
      return fail('DeploymentIdRequiredException', 'At least one deployment ID must be specified.');
    if (ids.length > BATCH_LIMIT) {
      return fail('BatchLimitExceededException', `At most ${BATCH_LIMIT} deployment IDs can be given.`);
    }
    const out: unknown[] = [];
    for (const id of ids) {
      const s = String(id);
      if (!DEPLOYMENT_ID.test(s)) {
        return fail('InvalidDeploymentIdException', `The deployment ID ${s} is not in a valid format.`);
      }
      const d = this.byId.get(s);
      if (d) out.push(this.deploymentInfo(d));
    }
    return { deploymentsInfo: out };
  }

  opListDeployments(input: Record<string, unknown>) {
    let list = [...this.deployments];
    if (input.deploymentGroupName !== undefined && input.applicationName === undefined) {
      return fail(
        'ApplicationNameRequiredException',
        'An application name is needed with a deployment group name.',
      );
    }
    if (input.applicationName !== undefined) {
      const app = this.requireApp(input.applicationName);
      list = list.filter((d) => d.group.app === app.name);
      if (input.deploymentGroupName !== undefined) {
        const g = this.requireGroup(app.name, input.deploymentGroupName);
        list = list.filter((d) => d.group === g);
      }
    }
    if (input.includeOnlyStatuses !== undefined) {
      const statuses = Array.isArray(input.includeOnlyStatuses) ? input.includeOnlyStatuses.map(String) : [];
      for (const s of statuses) {
        if (!ALL_STATUSES.includes(s))
          return fail('InvalidDeploymentStatusException', `The status ${s} is not valid.`);
      }
      if (statuses.length) list = list.filter((d) => statuses.includes(d.status));
    }
    const range = input.createTimeRange;
    if (isObject(range)) {
      const start = typeof range.start === 'number' ? range.start * 1000 : -Infinity;
      const end = typeof range.end === 'number' ? range.end * 1000 : Infinity;
      if (start > end) return fail('InvalidTimeRangeException', 'The time range start is after its end.');
      list = list.filter((d) => d.createTime >= start && d.createTime <= end);
    }
    list.sort((a, b) => b.createTime - a.createTime);
    const { page, nextToken } = this.paginate(
      list.map((d) => d.id),
      input.nextToken,
    );
    return { deployments: page, nextToken };
  }

  private requireStarted(input: Record<string, unknown>): Deployment {
    const d = this.requireDeployment(input.deploymentId);
    if (d.startTime === undefined) {
      return fail('DeploymentNotStartedException', `The deployment ${d.id} has not started yet.`);
    }
    return d;
  }

  private targetId(d: Deployment): string {
    return `${d.group.cluster}:${d.group.service}`;
  }

  private ecsTarget(d: Deployment, now: number) {
    const g = d.group;
    const at = d.completeTime ?? now;
    const green = this.greenWeight(d, at);
    const installEv = d.events[LIFECYCLE_EVENTS.indexOf('Install')]!;
    const installed = d.rollbackOf ? d.greenCreated : installEv.status === 'Succeeded';
    const greenExists = d.greenCreated; // ECS refused the green task set when ecsProblem is set
    const terminated = d.status === 'Succeeded';
    const taskSets: Record<string, unknown>[] = [];
    const n = d.desiredCount;
    // after a successful deployment the blue task set is gone; after a rollback the green one is
    const blueGone = terminated && d.creator === 'user';
    const greenGone = terminated && d.creator !== 'user';
    taskSets.push({
      identifer: d.blueTaskSetId,
      desiredCount: blueGone ? 0 : n,
      pendingCount: 0,
      runningCount: blueGone ? 0 : n,
      status: blueGone ? 'DRAINING' : green === 100 ? 'ACTIVE' : 'PRIMARY',
      trafficWeight: 100 - green,
      targetGroup: { name: d.tgBlue },
      taskSetLabel: 'Blue',
    });
    if (greenExists) {
      taskSets.push({
        identifer: d.greenTaskSetId,
        desiredCount: greenGone ? 0 : n,
        pendingCount: greenGone || installed ? 0 : n,
        runningCount: greenGone || !installed ? 0 : n,
        status: greenGone ? 'DRAINING' : green === 100 ? 'PRIMARY' : 'ACTIVE',
        trafficWeight: green,
        targetGroup: { name: d.tgGreen },
        taskSetLabel: 'Green',
      });
    }
    return {
      deploymentTargetType: 'ECSTarget',
      ecsTarget: {
        deploymentId: d.id,
        targetId: this.targetId(d),
        targetArn: `arn:aws:ecs:${this.region}:${this.account}:service/${g.cluster}/${g.service}`,
        lastUpdatedAt: secs(d.lastUpdated),
        lifecycleEvents: d.events.map((e) => ({
          lifecycleEventName: e.name,
          startTime: secs(e.start),
          endTime: secs(e.end),
          status: e.status,
          diagnostics: e.diagnostics,
        })),
        status: this.targetStatus(d),
        taskSetsInfo: taskSets,
      },
    };
  }

  opListDeploymentTargets(input: Record<string, unknown>) {
    const d = this.requireStarted(input);
    let ids = [this.targetId(d)];
    const filters = input.targetFilters;
    if (isObject(filters)) {
      for (const [k, v] of Object.entries(filters)) {
        if (k !== 'TargetStatus' && k !== 'ServerInstanceLabel') {
          return fail('InvalidTargetFilterNameException', `The target filter ${k} is not valid.`);
        }
        if (k === 'TargetStatus' && Array.isArray(v) && v.length && !v.includes(this.targetStatus(d)))
          ids = [];
      }
    }
    const { page, nextToken } = this.paginate(ids, input.nextToken);
    return { targetIds: page, nextToken };
  }

  private requireTargetIn(d: Deployment, id: unknown): void {
    const s = str(id);
    if (!s) fail('DeploymentTargetIdRequiredException', 'A deployment target ID was not provided.');
    if (s !== this.targetId(d)) {
      fail('DeploymentTargetDoesNotExistException', `The deployment target ${s} does not exist in ${d.id}.`);
    }
  }

  opBatchGetDeploymentTargets(input: Record<string, unknown>, now: number) {
    const d = this.requireDeployment(input.deploymentId);
    const ids = Array.isArray(input.targetIds) ? input.targetIds : [];
    if (ids.length === 0)
      return fail('DeploymentTargetIdRequiredException', 'A deployment target ID was not provided.');
    if (ids.length > BATCH_LIMIT) {
      return fail(
        'DeploymentTargetListSizeExceededException',
        `The maximum number of targets that can be associated with a request is ${BATCH_LIMIT}.`,
      );
    }
    this.requireStarted(input);
    for (const id of ids) this.requireTargetIn(d, id);
    return { deploymentTargets: ids.map(() => this.ecsTarget(d, now)) };
  }

  opGetDeploymentTarget(input: Record<string, unknown>, now: number) {
    const d = this.requireStarted(input);
    this.requireTargetIn(d, input.targetId);
    return { deploymentTarget: this.ecsTarget(d, now) };
  }

  // ---------------------------------------------------------------- continue and stop

  opContinueDeployment(input: Record<string, unknown>, now: number) {
    const d = this.requireDeployment(input.deploymentId);
    const wait = input.deploymentWaitType ?? 'READY_WAIT';
    if (wait !== 'READY_WAIT' && wait !== 'TERMINATION_WAIT') {
      return fail('InvalidDeploymentWaitTypeException', `The wait type ${String(wait)} is not valid.`);
    }
    if (!ACTIVE.has(d.status)) {
      return fail('DeploymentAlreadyCompletedException', `The deployment ${d.id} has already completed.`);
    }
    if (wait === 'READY_WAIT') {
      if (d.status !== 'Ready') {
        return fail(
          'DeploymentIsNotInReadyStateException',
          `The deployment ${d.id} is not in the Ready state.`,
        );
      }
      d.status = 'InProgress';
      d.readyDeadline = undefined;
      this.startEvent(d, d.current + 1, now);
      return {};
    }
    if (d.status !== 'Baking') {
      return fail(
        'DeploymentIsNotInReadyStateException',
        `The deployment ${d.id} is not waiting to terminate the original task set.`,
      );
    }
    this.finish(d, 'Succeeded', now);
    return {};
  }

  opStopDeployment(input: Record<string, unknown>, now: number) {
    const d = this.requireDeployment(input.deploymentId);
    if (!ACTIVE.has(d.status)) {
      return fail('DeploymentAlreadyCompletedException', `The deployment ${d.id} has already completed.`);
    }
    const explicit = typeof input.autoRollbackEnabled === 'boolean' ? input.autoRollbackEnabled : undefined;
    this.finish(
      d,
      'Stopped',
      now,
      { code: 'MANUAL_STOP', message: 'The deployment was stopped by a StopDeployment request.' },
      'DEPLOYMENT_STOP_ON_REQUEST',
      explicit,
    );
    return { status: 'Succeeded', statusMessage: `Deployment ${d.id} was stopped.` };
  }
}
