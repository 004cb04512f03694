/**
 * The ECS-native blue/green state of the emulator: the services it runs (deployment controller ECS,
 * strategy BLUE_GREEN/LINEAR/CANARY), their service revisions and service deployments, and the
 * five service-deployment operations. The HTTP front (index.ts) forwards everything else to moto and
 * asks this model to start deployments and to overlay its view on moto's services.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { fail } from '../codedeploy/errors.js';
import { isObject, type NativeConfig } from './config.js';
import {
  EVENTS_KEPT,
  overlay,
  renderDeployment,
  revisionFields,
  secs,
  strip,
  type Service,
} from './render.js';
import { continueServiceDeployment } from './continue.js';
import {
  ALL_STATUSES,
  DEPLOYMENT_ARN,
  ONGOING,
  type Clock,
  type Deployment,
  type DeploymentStatus,
  type Revision,
  type Scenario,
  type TimelineSink,
} from './deployment.js';
import { advance, failDeployment, requestStop, stagesFor } from './timeline.js';

export interface ModelOptions {
  /** how long each lifecycle stage takes (default 150) */
  stepMs?: number;
  /** how long a new deployment stays PENDING (default = stepMs) */
  pendingMs?: number;
  /** how long one AWS minute (bake times) lasts (default = stepMs) */
  minuteMs?: number;
  region?: string;
  accountId?: string;
  /** the clock (tests of the model pass their own) */
  now?: () => number;
}

/** Called when a deployment ends with a task definition moto should now run. */
export type SyncBackend = (cluster: string, service: string, taskDefinition: string) => Promise<void>;

const DEFAULT_PAGE = 20;
const MAX_PAGE = 100;
const DESCRIBE_LIMIT = 20;

const lastSegment = (v: string): string => v.slice(v.lastIndexOf('/') + 1);
/** cluster name from a name or ARN (default: "default") */
export const clusterName = (v: unknown): string =>
  typeof v === 'string' && v !== '' ? lastSegment(v) : 'default';
/** service name from a name or an ARN (`service/<cluster>/<name>` or the old `service/<name>`) */
export const serviceName = (v: string): string => lastSegment(v);

export class EcsNativeModel {
  readonly clock: Clock;
  private readonly region: string;
  private readonly account: string;
  private readonly now: () => number;
  private services = new Map<string, Service>();
  private byArn = new Map<string, { svc: Service; d: Deployment }>();
  private revisionsByArn = new Map<string, { svc: Service; r: Revision }>();
  private scenarios = new Map<string, Scenario>();
  private pending: Promise<unknown>[] = [];
  private readonly sink: TimelineSink;

  constructor(
    opts: ModelOptions = {},
    private readonly sync?: SyncBackend,
  ) {
    const stepMs = opts.stepMs ?? 150;
    this.clock = { stepMs, pendingMs: opts.pendingMs ?? stepMs, minuteMs: opts.minuteMs ?? stepMs };
    this.region = opts.region ?? 'us-east-1';
    this.account = opts.accountId ?? '123456789012';
    this.now = opts.now ?? Date.now;
    this.sink = {
      event: (d, at, message) => this.event(this.byArn.get(d.arn)!.svc, at, message),
      succeeded: (d, at) => {
        const svc = this.byArn.get(d.arn)!.svc;
        svc.production = d.target;
        this.event(svc, at, `service deployment ${d.id} completed.`);
        this.event(svc, at, `(service ${svc.name}) has reached a steady state.`);
        if (!d.initial && this.sync)
          this.pending.push(this.sync(svc.cluster, svc.name, d.target.taskDefinition));
      },
      rolledBack: (d, at) => {
        const svc = this.byArn.get(d.arn)!.svc;
        this.event(svc, at, `service deployment ${d.id} rolled back to ${d.rollback?.serviceRevisionArn}.`);
        this.event(svc, at, `(service ${svc.name}) has reached a steady state.`);
      },
    };
  }

  reset(): void {
    this.services.clear();
    this.byArn.clear();
    this.revisionsByArn.clear();
    this.scenarios.clear();
  }

  /** Scenario for the next deployments of that service (by name), or of every service. */
  setScenario(scenario: Scenario, service?: string): void {
    this.scenarios.set(service ?? '', scenario);
  }

  /** Wait for the moto updates of deployments that finished (so moto agrees before we answer). */
  async flush(): Promise<void> {
    const failed: string[] = [];
    while (this.pending.length > 0) {
      for (const r of await Promise.allSettled(this.pending.splice(0))) {
        if (r.status === 'rejected') failed.push(String((r.reason as Error)?.message ?? r.reason));
      }
    }
    // loud on purpose: moto now disagrees with the deployment's outcome
    if (failed.length > 0)
      throw new Error(`moto could not follow a finished deployment: ${failed.join('; ')}`);
  }

  /** Bring every deployment to now and wait for the moto updates that follow. */
  async tick(): Promise<void> {
    this.advanceAll(this.now());
    await this.flush();
  }

  /** The deploymentConfiguration of a service of ours, as answered. */
  configOf(cluster: unknown, service: string): Record<string, unknown> | undefined {
    return this.services.get(`${clusterName(cluster)}/${serviceName(service)}`)?.config.raw;
  }

  isNative(cluster: unknown, service: string): boolean {
    return this.services.has(`${clusterName(cluster)}/${serviceName(service)}`);
  }

  forget(cluster: unknown, service: string): void {
    const svc = this.services.get(`${clusterName(cluster)}/${serviceName(service)}`);
    if (!svc) return;
    this.services.delete(svc.key);
    for (const d of svc.deployments) this.byArn.delete(d.arn);
    for (const r of svc.revisions) this.revisionsByArn.delete(r.arn);
  }

  private event(svc: Service, at: number, message: string): void {
    const text = message.startsWith('(service ') ? message : `(service ${svc.name}) ${message}`;
    svc.events.unshift({ id: randomUUID(), at, message: text });
    svc.events.length = Math.min(svc.events.length, EVENTS_KEPT);
  }

  private advanceAll(now: number): void {
    for (const svc of this.services.values()) {
      for (const d of svc.deployments) if (ONGOING.has(d.status)) advance(d, this.clock, this.sink, now);
    }
  }

  private newRevision(svc: Service, taskDefinition: string, fields: Record<string, unknown>, at: number) {
    const digits = BigInt('0x' + randomBytes(8).toString('hex')) % 10n ** 19n;
    const r: Revision = {
      arn: `arn:aws:ecs:${this.region}:${this.account}:service-revision/${svc.cluster}/${svc.name}/${digits}`,
      ecsId: `ecs-svc/${BigInt('0x' + randomBytes(8).toString('hex')) % 10n ** 19n}`,
      taskDefinition,
      createdAt: at,
      fields,
    };
    svc.revisions.push(r);
    this.revisionsByArn.set(r.arn, { svc, r });
    return r;
  }

  /**
   * Take over a service moto holds (from moto's CreateService/DescribeServices answer). With
   * `firstDeployment` (CreateService) its first service deployment starts; otherwise (UpdateService
   * switching an existing service to a blue/green strategy) its current task definition is production.
   */
  registerService(moto: Record<string, unknown>, config: NativeConfig, firstDeployment: boolean): void {
    const now = this.now();
    const name = String(moto.serviceName);
    const clusterArn = String(moto.clusterArn);
    const cluster = clusterName(clusterArn);
    const svc: Service = {
      key: `${cluster}/${name}`,
      name,
      cluster,
      arn: String(moto.serviceArn),
      clusterArn,
      config,
      desiredCount: Number(moto.desiredCount ?? 0),
      revisions: [],
      deployments: [],
      events: [],
    };
    this.services.set(svc.key, svc);
    const r = this.newRevision(svc, String(moto.taskDefinition), revisionFields(moto), now);
    if (firstDeployment) this.startDeployment(svc, r, now, true);
    else svc.production = r;
  }

  /**
   * UpdateService on a service of ours. A new task definition (or forceNewDeployment) starts a service
   * deployment; a newer deployment stops the one in flight (which then counts as a source revision).
   * Returns the new deployment's ARN, if any.
   */
  updateService(
    cluster: unknown,
    service: string,
    change: { taskDefinition?: string; force: boolean; config?: NativeConfig; moto: Record<string, unknown> },
  ): string | undefined {
    const now = this.now();
    this.advanceAll(now);
    const svc = this.services.get(`${clusterName(cluster)}/${serviceName(service)}`);
    if (!svc) return undefined;
    if (change.config) svc.config = change.config;
    svc.desiredCount = Number(change.moto.desiredCount ?? svc.desiredCount);
    const latest = svc.deployments[svc.deployments.length - 1];
    const current = latest && ONGOING.has(latest.status) ? latest.target : svc.production;
    const td = change.taskDefinition ?? current?.taskDefinition ?? String(change.moto.taskDefinition);
    if (!change.force && current && td === current.taskDefinition) return undefined;
    const fields = { ...revisionFields(change.moto) };
    const d = this.startDeployment(svc, this.newRevision(svc, td, fields, now), now, false);
    return d.arn;
  }

  private startDeployment(svc: Service, target: Revision, now: number, initial: boolean): Deployment {
    const inFlight = svc.deployments.filter((x) => ONGOING.has(x.status));
    const source = svc.production ? [svc.production] : [];
    const id = randomBytes(16).toString('base64url').slice(0, 22);
    for (const old of inFlight) {
      if (old.scaled && !source.includes(old.target)) source.push(old.target);
    }
    const d: Deployment = {
      arn: `arn:aws:ecs:${this.region}:${this.account}:service-deployment/${svc.cluster}/${svc.name}/${id}`,
      id,
      createdAt: now,
      updatedAt: now,
      source,
      target,
      config: svc.config,
      scenario: this.scenarios.get(svc.name) ?? this.scenarios.get('') ?? { kind: 'success' },
      stepMs: 0,
      initial,
      status: 'PENDING',
      stages: stagesFor(source.length),
      stageIdx: 0,
      since: now,
      rollbackStages: [],
      prodWeight: 0,
      testWeight: 0,
      scaled: false,
      triggeredAlarms: [],
      hookRuns: [],
    };
    const s = d.scenario;
    d.stepMs = s.stepMs ?? (s.kind === 'slow' ? Math.max(20 * this.clock.stepMs, 3000) : this.clock.stepMs);
    svc.deployments.push(d);
    this.byArn.set(d.arn, { svc, d });
    for (const old of inFlight) {
      requestStop(old, this.clock, this.sink, now, `superseded by service deployment ${d.id}.`);
      old.supersededBy = d.arn;
    }
    this.event(svc, now, `service deployment ${d.id} created for task definition ${target.taskDefinition}.`);
    return d;
  }

  // ---- the service-deployment operations ----

  async handle(operation: string, input: Record<string, unknown>): Promise<unknown> {
    await this.tick();
    switch (operation) {
      case 'DescribeServiceDeployments':
        return this.describeServiceDeployments(input);
      case 'DescribeServiceRevisions':
        return this.describeServiceRevisions(input);
      case 'StopServiceDeployment':
        return this.stopServiceDeployment(input);
      case 'ContinueServiceDeployment':
        return continueServiceDeployment(
          input,
          (arn) => this.byArn.get(arn)?.d,
          this.clock,
          this.sink,
          this.now(),
        );
      default:
        return fail('InvalidParameterException', `The emulator model does not serve ${operation}.`);
    }
  }

  /** ListServiceDeployments for a service of ours; undefined when the service is not ours. */
  listServiceDeployments(input: Record<string, unknown>): Record<string, unknown> | undefined {
    const now = this.now();
    this.advanceAll(now);
    if (typeof input.service !== 'string' || input.service === '') {
      fail('InvalidParameterException', 'service is required.');
    }
    const statuses = input.status;
    if (statuses !== undefined) {
      if (!Array.isArray(statuses) || statuses.some((s) => !ALL_STATUSES.includes(s as DeploymentStatus))) {
        fail('InvalidParameterException', `status must list values of: ${ALL_STATUSES.join(', ')}.`);
      }
    }
    const created = input.createdAt;
    if (created !== undefined && !isObject(created))
      fail('InvalidParameterException', 'createdAt must be an object.');
    const max = input.maxResults ?? DEFAULT_PAGE;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > MAX_PAGE) {
      fail('InvalidParameterException', `maxResults must be between 1 and ${MAX_PAGE}.`);
    }
    const svc = this.services.get(`${clusterName(input.cluster)}/${serviceName(input.service as string)}`);
    if (!svc) return undefined;
    const before = isObject(created) && typeof created.before === 'number' ? created.before * 1000 : Infinity;
    const after = isObject(created) && typeof created.after === 'number' ? created.after * 1000 : -Infinity;
    const matching = [...svc.deployments]
      .reverse()
      .filter(
        (d) =>
          (statuses === undefined || (statuses as string[]).includes(d.status)) &&
          d.createdAt < before &&
          d.createdAt > after,
      );
    let start = 0;
    if (input.nextToken !== undefined) {
      const decoded = /^p:(\d+):(.+)$/.exec(Buffer.from(String(input.nextToken), 'base64url').toString());
      if (!decoded || decoded[2] !== svc.key)
        fail('InvalidParameterException', 'The nextToken is not valid.');
      start = Number(decoded![1]);
    }
    const page = matching.slice(start, start + (max as number));
    const more = start + page.length < matching.length;
    return strip({
      serviceDeployments: page.map((d) =>
        strip({
          serviceDeploymentArn: d.arn,
          serviceArn: svc.arn,
          clusterArn: svc.clusterArn,
          startedAt: secs(d.startedAt),
          createdAt: secs(d.createdAt),
          finishedAt: secs(d.finishedAt),
          targetServiceRevisionArn: d.target.arn,
          status: d.status,
          statusReason: d.statusReason,
        }),
      ),
      nextToken: more ? Buffer.from(`p:${start + page.length}:${svc.key}`).toString('base64url') : undefined,
    });
  }

  private describeServiceDeployments(input: Record<string, unknown>): unknown {
    const arns = input.serviceDeploymentArns;
    if (!Array.isArray(arns) || arns.length === 0 || arns.length > DESCRIBE_LIMIT) {
      fail('InvalidParameterException', `serviceDeploymentArns must list 1 to ${DESCRIBE_LIMIT} ARNs.`);
    }
    const now = this.now();
    const found: unknown[] = [];
    const failures: unknown[] = [];
    for (const arn of arns as unknown[]) {
      const hit = typeof arn === 'string' ? this.byArn.get(arn) : undefined;
      if (hit) found.push(renderDeployment(hit.svc, hit.d, this.clock, now));
      else failures.push({ arn: String(arn), reason: 'MISSING' });
    }
    return { serviceDeployments: found, failures };
  }

  private describeServiceRevisions(input: Record<string, unknown>): unknown {
    const arns = input.serviceRevisionArns;
    if (!Array.isArray(arns) || arns.length === 0 || arns.length > DESCRIBE_LIMIT) {
      fail('InvalidParameterException', `serviceRevisionArns must list 1 to ${DESCRIBE_LIMIT} ARNs.`);
    }
    const found: unknown[] = [];
    const failures: unknown[] = [];
    for (const arn of arns as unknown[]) {
      const hit = typeof arn === 'string' ? this.revisionsByArn.get(arn) : undefined;
      if (!hit) {
        failures.push({ arn: String(arn), reason: 'MISSING' });
        continue;
      }
      found.push({
        ...hit.r.fields,
        serviceRevisionArn: hit.r.arn,
        serviceArn: hit.svc.arn,
        clusterArn: hit.svc.clusterArn,
        taskDefinition: hit.r.taskDefinition,
        createdAt: secs(hit.r.createdAt),
      });
    }
    return { serviceRevisions: found, failures };
  }

  private stopServiceDeployment(input: Record<string, unknown>): unknown {
    const arn = input.serviceDeploymentArn;
    if (typeof arn !== 'string' || arn === '')
      fail('InvalidParameterException', 'serviceDeploymentArn is required.');
    if (!DEPLOYMENT_ARN.test(arn as string)) {
      fail('InvalidParameterException', `${String(arn)} is not a service deployment ARN.`);
    }
    const stopType = input.stopType ?? 'ROLLBACK';
    if (stopType !== 'ROLLBACK' && stopType !== 'ABORT') {
      fail('InvalidParameterException', 'stopType must be ROLLBACK or ABORT.');
    }
    const hit = this.byArn.get(arn as string);
    if (!hit)
      return fail('ServiceDeploymentNotFoundException', `Service deployment ${String(arn)} not found.`);
    const { d } = hit;
    const now = this.now();
    if (!ONGOING.has(d.status)) {
      fail('ConflictException', `Service deployment ${d.arn} is ${d.status} and can no longer be stopped.`);
    }
    if (d.status === 'PENDING' || d.status === 'IN_PROGRESS') {
      if (stopType === 'ROLLBACK') {
        failDeployment(
          d,
          this.clock,
          this.sink,
          now,
          'Service deployment rolled back by StopServiceDeployment.',
          true,
        );
      } else {
        requestStop(
          d,
          this.clock,
          this.sink,
          now,
          'Service deployment stopped by StopServiceDeployment (ABORT).',
        );
      }
    }
    // STOP_REQUESTED / ROLLBACK_REQUESTED / ROLLBACK_IN_PROGRESS: the stop or rollback continues.
    return { serviceDeploymentArn: d.arn };
  }

  /**
   * Put our view on a service moto answered (DescribeServices, CreateService, UpdateService); a
   * service that is not ours is left as moto said.
   */
  overlayService(moto: Record<string, unknown>): void {
    const now = this.now();
    this.advanceAll(now);
    const svc = this.services.get(`${clusterName(moto.clusterArn)}/${String(moto.serviceName)}`);
    if (svc) overlay(svc, moto);
  }
}
