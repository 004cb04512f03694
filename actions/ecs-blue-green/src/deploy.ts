import {
  ContinueDeploymentCommand,
  CreateDeploymentCommand,
  GetDeploymentCommand,
  GetDeploymentConfigCommand,
  GetDeploymentGroupCommand,
  ListDeploymentsCommand,
  type DeploymentGroupInfo,
  type DeploymentInfo,
} from '@aws-sdk/client-codedeploy';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  type Service,
} from '@aws-sdk/client-ecs';
import { ConfigurationError, OperationError, errorMessage, formatDuration, quote } from '@oaktree/action-kit';
import { awsErrorName, consoleHost, consoleUrl, PollCancelledError, PollTimeoutError } from '@oaktree/aws';
import {
  appSpecContent,
  appSpecFromFile,
  checkAppSpecContainer,
  generateAppSpec,
  strategyWarning,
  type AppSpec,
  type AppSpecSource,
} from './appspec.js';
import { diagnoseService, type EcsDiagnosis } from './diagnose.js';
import { readStructured } from './files.js';
import { follow, type FollowResult } from './follow.js';
import type { Config, SmokeTest } from './inputs.js';
import { ACTIVE_STATUSES, type EventView } from './progress.js';
import type { SmokeResult } from './smoke.js';
import type { SavedDeployment } from './state.js';
import { stopWithRollback, type Sender } from './stop.js';
import { applyImages, cleanTaskDefinition, sameTaskDefinition, type TaskDef } from './taskdef.js';
import {
  BUILT_IN_SHIFT_MINUTES,
  MAX_TIMEOUT_MINUTES,
  defaultTimeoutMinutes,
  shiftMinutes,
} from './timeout.js';

/** CreateDeployment's description limit (longer ones answer DescriptionTooLongException). */
export const DESCRIPTION_LIMIT = 512;

export interface Deps {
  ecs: Sender;
  codedeploy: Sender;
  log: {
    info(line: string): void;
    notice(line: string): void;
    warning(line: string): void;
  };
  setOutputs(values: Record<string, string | undefined>): void;
  save(state: SavedDeployment): void;
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
  probe?: (test: SmokeTest, signal?: AbortSignal) => Promise<SmokeResult>;
}

/** Everything known at the end, for the job summary. */
export interface Report {
  command: Config['command'];
  cluster: string;
  service: string;
  region: string;
  taskDefinitionArn?: string;
  registered?: boolean;
  deploymentId?: string;
  status?: string;
  rollbackDeploymentId?: string;
  rollbackStatus?: string;
  consoleUrl?: string;
  ecsConsoleUrl?: string;
  smoke?: SmokeResult;
  events: EventView[];
  timeline: Array<{ atMs: number; text: string }>;
  reasons: string[];
  ecs?: EcsDiagnosis & { error?: string };
  outcome:
    | 'succeeded'
    | 'ready'
    | 'created'
    | 'continued'
    | 'failed'
    | 'cancelled'
    | 'timed-out'
    | 'stopped'
    | 'invalid';
  error?: string;
}

export function codeDeployConsoleUrl(region: string, deploymentId: string): string {
  return `https://${region}.${consoleHost(region)}/codesuite/codedeploy/deployments/${deploymentId}?region=${region}`;
}

export function ecsConsoleUrl(region: string, cluster: string, service: string): string {
  return consoleUrl(region, 'ecs', `#/clusters/${cluster}/services/${service}/deployments`);
}

/** Called right before each change in AWS: once the job is cancelled, nothing more is changed. */
function stopIfCancelled(deps: Deps, report: Report, before: string, left: string): void {
  const signal = deps.signal;
  if (!signal?.aborted) return;
  report.outcome = 'cancelled';
  report.error = `cancelled (${String(signal.reason ?? 'signal')}) ${before}: ${left}`;
  throw new OperationError(report.error);
}

export function truncateDescription(text: string | undefined): string | undefined {
  if (!text) return undefined;
  return text.length > DESCRIPTION_LIMIT ? `${text.slice(0, DESCRIPTION_LIMIT - 1)}…` : text;
}

/** The service, checked: it exists, is active and is deployed by CodeDeploy. */
async function readService(config: Config, ecs: Sender): Promise<Service> {
  let out: { services?: Service[]; failures?: Array<{ reason?: string }> };
  try {
    out = (await ecs.send(
      new DescribeServicesCommand({ cluster: config.cluster, services: [config.service] }),
    )) as typeof out;
  } catch (err) {
    if (awsErrorName(err) === 'ClusterNotFoundException')
      throw new ConfigurationError(
        `input "cluster" is ${quote(config.cluster)}: no such ECS cluster in ${config.region}: ` +
          `set it to the name or ARN of the cluster that runs the service (and check the region)`,
        'cluster',
      );
    throw err;
  }
  const svc = out.services?.[0];
  if (!svc || svc.status === 'INACTIVE')
    throw new ConfigurationError(
      `input "service" is ${quote(config.service)}: no such active service in cluster ${quote(config.cluster)}` +
        (out.failures?.[0]?.reason ? ` (${out.failures[0].reason})` : '') +
        `: check the cluster and service names`,
      'service',
    );
  if (svc.deploymentController?.type !== 'CODE_DEPLOY')
    throw new ConfigurationError(
      `input "service": service ${config.serviceName} uses the ${svc.deploymentController?.type ?? 'ECS'} deployment ` +
        `controller, not CODE_DEPLOY: this action drives CodeDeploy blue/green deployments; recreate the service with ` +
        `deploymentController CODE_DEPLOY or use a rolling-update action`,
      'service',
    );
  return svc;
}

/** The deployment group, checked: ECS, BLUE_GREEN, and targeting this cluster and service. */
async function readGroup(config: Config, codedeploy: Sender): Promise<DeploymentGroupInfo> {
  let group: DeploymentGroupInfo | undefined;
  try {
    const out = (await codedeploy.send(
      new GetDeploymentGroupCommand({
        applicationName: config.application,
        deploymentGroupName: config.deploymentGroup,
      }),
    )) as { deploymentGroupInfo?: DeploymentGroupInfo };
    group = out.deploymentGroupInfo;
  } catch (err) {
    if (awsErrorName(err) === 'ApplicationDoesNotExistException')
      throw new ConfigurationError(
        `input "codedeploy-application" is ${quote(config.application)}: no such CodeDeploy application: ` +
          `set it to the application of the service's deployment group`,
        'codedeploy-application',
      );
    if (awsErrorName(err) === 'DeploymentGroupDoesNotExistException')
      throw new ConfigurationError(
        `input "codedeploy-deployment-group" is ${quote(config.deploymentGroup)}: no such deployment group in ` +
          `application ${config.application}: set it to the group that deploys ${config.clusterName}/${config.serviceName}`,
        'codedeploy-deployment-group',
      );
    throw err;
  }
  if (!group) throw new OperationError(`GetDeploymentGroup returned nothing for ${config.deploymentGroup}`);
  const where = `input "codedeploy-deployment-group" is ${quote(config.deploymentGroup)}:`;
  if (group.computePlatform && group.computePlatform !== 'ECS')
    throw new ConfigurationError(
      `${where} the group deploys to ${group.computePlatform}, not ECS: name the ECS deployment group of the service`,
      'codedeploy-deployment-group',
    );
  if (group.deploymentStyle?.deploymentType && group.deploymentStyle.deploymentType !== 'BLUE_GREEN')
    throw new ConfigurationError(
      `${where} the group's deployment type is ${group.deploymentStyle.deploymentType}, not BLUE_GREEN: use a blue/green group`,
      'codedeploy-deployment-group',
    );
  const targets = group.ecsServices ?? [];
  const ours = targets.some(
    (t) =>
      (t.clusterName === config.clusterName || t.clusterName === config.cluster) &&
      (t.serviceName === config.serviceName || t.serviceName === config.service),
  );
  if (!ours)
    throw new ConfigurationError(
      `${where} it targets ${targets.map((t) => `${t.clusterName}/${t.serviceName}`).join(', ') || 'no ECS service'}, ` +
        `not ${config.clusterName}/${config.serviceName}: name the group of this service`,
      'codedeploy-deployment-group',
    );
  return group;
}

/** Traffic shift minutes of the configuration, checking a custom one exists. */
async function shiftOf(name: string, input: boolean, codedeploy: Sender, deps: Deps): Promise<number> {
  if (name in BUILT_IN_SHIFT_MINUTES) return BUILT_IN_SHIFT_MINUTES[name]!;
  try {
    const out = (await codedeploy.send(new GetDeploymentConfigCommand({ deploymentConfigName: name }))) as {
      deploymentConfigInfo?: {
        trafficRoutingConfig?: Parameters<typeof shiftMinutes>[0];
        computePlatform?: string;
      };
    };
    return shiftMinutes(out.deploymentConfigInfo?.trafficRoutingConfig);
  } catch (err) {
    if (input && awsErrorName(err) === 'DeploymentConfigDoesNotExistException')
      throw new ConfigurationError(
        `input "deployment-config" is ${quote(name)}: no such deployment configuration: use a CodeDeployDefault.ECS* name or create it first`,
        'deployment-config',
      );
    deps.log.warning(
      `could not read deployment configuration ${name} (${awsErrorName(err) || errorMessage(err)}); the default timeout assumes no traffic shift time`,
    );
    return 0;
  }
}

/**
 * `deployment-id` must name a deployment of this service's group: continue and stop act on it, and a
 * pasted id from another application must not shift or roll back someone else's traffic.
 */
async function checkDeploymentBelongs(config: Config, deps: Deps, id: string): Promise<void> {
  let info: { applicationName?: string; deploymentGroupName?: string } | undefined;
  try {
    const got = (await deps.codedeploy.send(new GetDeploymentCommand({ deploymentId: id }))) as {
      deploymentInfo?: typeof info;
    };
    info = got.deploymentInfo;
  } catch (err) {
    if (awsErrorName(err) !== 'DeploymentDoesNotExistException') throw err;
  }
  if (!info)
    throw new ConfigurationError(
      `input "deployment-id" is ${quote(id)}: no such deployment in ${config.region}; use the deployment-id output of the deploy step`,
      'deployment-id',
    );
  const group = `${config.application}/${config.deploymentGroup}`;
  const actual = `${info.applicationName}/${info.deploymentGroupName}`;
  if (actual !== group)
    throw new ConfigurationError(
      `input "deployment-id" is ${quote(id)}: it belongs to ${actual}, not ${group}; set codedeploy-application and codedeploy-deployment-group to that group, or use this service's deployment id`,
      'deployment-id',
    );
}

/**
 * The whole run for `command: deploy|continue|stop`. Validates everything before the first
 * mutation, keeps `report` up to date (the caller writes the summary even when this throws).
 */
export async function run(config: Config, deps: Deps, report: Report): Promise<void> {
  const now = deps.now ?? Date.now;
  const started = now();
  report.ecsConsoleUrl = ecsConsoleUrl(config.region, config.clusterName, config.serviceName);
  const targetId = `${config.clusterName}:${config.serviceName}`;
  const followDeps = {
    codedeploy: deps.codedeploy,
    log: deps.log.info,
    now: deps.now,
    random: deps.random,
    sleep: deps.sleep,
    signal: deps.signal,
    probe: deps.probe,
  };

  if (config.command !== 'deploy') {
    const id = config.deploymentId!;
    report.deploymentId = id;
    report.consoleUrl = codeDeployConsoleUrl(config.region, id);
    deps.setOutputs({ 'deployment-id': id, 'console-url': report.consoleUrl });
    await checkDeploymentBelongs(config, deps, id);
    // Nothing is saved for post before the call succeeded: a refused continue or stop leaves the
    // deployment as it was. After a stop there is nothing left for post to roll back.
    stopIfCancelled(
      deps,
      report,
      `before ${config.command === 'continue' ? 'continuing' : 'stopping'} ${id}`,
      'the deployment was left as it was',
    );
    if (config.command === 'continue') {
      try {
        await deps.codedeploy.send(
          new ContinueDeploymentCommand({ deploymentId: id, deploymentWaitType: 'READY_WAIT' }),
        );
      } catch (err) {
        if (
          awsErrorName(err) === 'DeploymentIsNotInReadyStateException' ||
          awsErrorName(err) === 'DeploymentAlreadyCompletedException'
        )
          throw new OperationError(
            `cannot continue ${id}: ${awsErrorName(err)}: ${(err as Error).message} (is it waiting in Ready? see ${report.consoleUrl})`,
          );
        throw err;
      }
      deps.log.info(`continued ${id}: shifting production traffic to the green task set`);
    } else {
      await stopWithRollback(deps.codedeploy, id);
    }
    const returnsNow = config.waitFor === 'created' || config.waitFor === 'ready';
    deps.save({
      deploymentId: id,
      onCancel: config.onCancel,
      region: config.region,
      finished: returnsNow || config.command === 'stop',
    });
    if (returnsNow) {
      report.outcome = config.command === 'stop' ? 'stopped' : 'continued';
      // The status output says where the deployment stands now, as it does after following one.
      try {
        const got = (await deps.codedeploy.send(new GetDeploymentCommand({ deploymentId: id }))) as {
          deploymentInfo?: { status?: string };
        };
        report.status = got.deploymentInfo?.status;
        deps.setOutputs({ status: report.status });
      } catch (err) {
        deps.log.info(`could not read the status of ${id} after the call: ${errorMessage(err)}`);
      }
      deps.log.info(
        config.command === 'stop'
          ? `deployment ${id} stopped with rollback; not following the rollback (wait-for: ${config.waitFor}): ${report.consoleUrl}`
          : `deployment ${id} continued from Ready; not following it (wait-for: ${config.waitFor}): ${report.consoleUrl}`,
      );
      return;
    }
    // No group is read here; without timeout-minutes the longest allowed wait applies.
    const deadline = started + (config.timeoutMinutes ?? MAX_TIMEOUT_MINUTES) * 60_000;
    await followToEnd(config, deps, report, { deploymentId: id, targetId, deadline }, followDeps);
    return;
  }

  // 1. Local files: the task definition and the appspec.
  let desired: TaskDef | undefined;
  if (config.taskDefinitionFile) {
    const file = readStructured(config.workspace, config.taskDefinitionFile, 'task-definition');
    const { taskDefinition, dropped } = cleanTaskDefinition(file);
    if (dropped.length)
      deps.log.notice(
        `${config.taskDefinitionFile}: dropped ${dropped.join(', ')} (DescribeTaskDefinition output that RegisterTaskDefinition does not accept)`,
      );
    desired = applyImages(taskDefinition, config.containerImages);
  }
  const overrides = {
    containerName: config.containerName,
    containerPort: config.containerPort,
    hooks: config.hooks,
  };
  let plan: { appspec: AppSpec; source: AppSpecSource } | undefined;
  if (config.appspecFile)
    plan = appSpecFromFile(readStructured(config.workspace, config.appspecFile, 'appspec'), overrides);

  // 2. Read-only checks against AWS: service, group, task definition, configuration.
  const service = await readService(config, deps.ecs);
  const group = await readGroup(config, deps.codedeploy);

  let family: string;
  let containers: Array<{ name?: string; portMappings?: Array<{ containerPort?: number }> }>;
  let existingArn: string | undefined;
  if (desired) {
    family = desired.family;
    containers = desired.containerDefinitions as typeof containers;
  } else {
    try {
      const out = (await deps.ecs.send(
        new DescribeTaskDefinitionCommand({ taskDefinition: config.taskDefinitionArn }),
      )) as {
        taskDefinition?: {
          family?: string;
          taskDefinitionArn?: string;
          status?: string;
          containerDefinitions?: typeof containers;
        };
      };
      family = out.taskDefinition?.family ?? '';
      containers = out.taskDefinition?.containerDefinitions ?? [];
      existingArn = out.taskDefinition?.taskDefinitionArn;
    } catch (err) {
      if (awsErrorName(err) === 'ClientException' || awsErrorName(err) === 'InvalidParameterException')
        throw new ConfigurationError(
          `input "task-definition-arn" is ${quote(config.taskDefinitionArn!)}: no such task definition (${(err as Error).message}): ` +
            `give an existing revision ARN or family:revision`,
          'task-definition-arn',
        );
      throw err;
    }
  }
  if (!plan) plan = generateAppSpec(service, overrides);
  checkAppSpecContainer(plan.appspec, plan.source, family, containers);
  const warning = strategyWarning(plan.appspec, service);
  if (warning) deps.log.warning(warning);

  const configName =
    config.deploymentConfig ?? group.deploymentConfigName ?? 'CodeDeployDefault.ECSAllAtOnce';
  const shift = await shiftOf(configName, config.deploymentConfig !== undefined, deps.codedeploy, deps);
  const bg = group.blueGreenDeploymentConfiguration;
  const timeoutMinutes =
    config.timeoutMinutes ??
    defaultTimeoutMinutes(
      {
        readyOption: bg?.deploymentReadyOption,
        terminationWaitMinutes: bg?.terminateBlueInstancesOnDeploymentSuccess?.terminationWaitTimeInMinutes,
      },
      shift,
    );
  const deadline = started + timeoutMinutes * 60_000;
  const readyWaits = bg?.deploymentReadyOption?.actionOnTimeout === 'STOP_DEPLOYMENT';
  if (config.waitFor === 'ready' && !readyWaits)
    deps.log.warning(
      `wait-for is ready, but deployment group ${config.deploymentGroup} does not stop at Ready ` +
        `(deploymentReadyOption.actionOnTimeout is ${bg?.deploymentReadyOption?.actionOnTimeout ?? 'CONTINUE_DEPLOYMENT'}): following it to the end`,
    );

  // 3. Another deployment in the group.
  await handleActive(config, deps, report, deadline, targetId, followDeps);

  // 4. Register (or reuse) the task definition.
  let taskDefinitionArn = existingArn ?? config.taskDefinitionArn!;
  if (desired) {
    let latest: Record<string, unknown> | undefined;
    try {
      const out = (await deps.ecs.send(
        new DescribeTaskDefinitionCommand({ taskDefinition: desired.family }),
      )) as {
        taskDefinition?: Record<string, unknown>;
      };
      latest = out.taskDefinition;
    } catch (err) {
      if (awsErrorName(err) !== 'ClientException') throw err; // a new family
    }
    if (latest && latest.status !== 'INACTIVE' && sameTaskDefinition(desired, latest)) {
      taskDefinitionArn = String(latest.taskDefinitionArn);
      report.registered = false;
      deps.log.info(
        `task definition unchanged: deploying the latest active revision ${taskDefinitionArn} (not registering a copy)`,
      );
    } else {
      stopIfCancelled(
        deps,
        report,
        'before registering the task definition',
        'nothing registered or deployed',
      );
      const out = (await deps.ecs.send(
        new RegisterTaskDefinitionCommand(desired as unknown as RegisterTaskDefinitionCommandInput),
      )) as { taskDefinition?: { taskDefinitionArn?: string } };
      taskDefinitionArn = out.taskDefinition?.taskDefinitionArn ?? '';
      report.registered = true;
      deps.log.info(`registered task definition ${taskDefinitionArn}`);
    }
  }
  report.taskDefinitionArn = taskDefinitionArn;
  deps.setOutputs({ 'task-definition-arn': taskDefinitionArn });

  // 5. Create the deployment.
  stopIfCancelled(
    deps,
    report,
    'before creating the deployment',
    report.registered ? `registered ${taskDefinitionArn}, nothing deployed` : 'nothing deployed',
  );
  const { content, sha256 } = appSpecContent(plan.appspec, taskDefinitionArn);
  let deploymentId: string;
  try {
    const out = (await deps.codedeploy.send(
      new CreateDeploymentCommand({
        applicationName: config.application,
        deploymentGroupName: config.deploymentGroup,
        revision: { revisionType: 'AppSpecContent', appSpecContent: { content, sha256 } },
        deploymentConfigName: config.deploymentConfig,
        description: truncateDescription(config.description),
        autoRollbackConfiguration:
          config.autoRollbackEvents === undefined
            ? undefined
            : config.autoRollbackEvents.length
              ? { enabled: true, events: config.autoRollbackEvents }
              : { enabled: false },
      }),
    )) as { deploymentId?: string };
    deploymentId = out.deploymentId ?? '';
  } catch (err) {
    if (awsErrorName(err) === 'DeploymentLimitExceededException')
      throw new OperationError(
        `another deployment started in ${config.deploymentGroup} just now (DeploymentLimitExceededException): ` +
          `run again, or set if-deployment-active to wait or stop`,
      );
    throw err;
  }
  report.deploymentId = deploymentId;
  report.status = 'Created';
  report.consoleUrl = codeDeployConsoleUrl(config.region, deploymentId);
  deps.save({
    deploymentId,
    applicationName: config.application,
    onCancel: config.onCancel,
    region: config.region,
    finished: false,
  });
  deps.setOutputs({ 'deployment-id': deploymentId, 'console-url': report.consoleUrl, status: 'Created' });
  deps.log.info(
    `created deployment ${deploymentId} of ${taskDefinitionArn} (${configName}): ${report.consoleUrl}`,
  );

  if (config.waitFor === 'created') {
    deps.save({ deploymentId, onCancel: config.onCancel, region: config.region, finished: true });
    report.outcome = 'created';
    return;
  }
  await followToEnd(config, deps, report, { deploymentId, targetId, deadline }, followDeps);
}

async function handleActive(
  config: Config,
  deps: Deps,
  report: Report,
  deadline: number,
  targetId: string,
  followDeps: Parameters<typeof follow>[1],
): Promise<void> {
  const followOne = async (deploymentId: string, label: string) =>
    follow(
      { deploymentId, targetId, intervalMs: config.pollIntervalMs, deadline, until: 'final', label },
      { ...followDeps, probe: undefined },
    );
  for (let round = 0; round < 5; round++) {
    const out = (await deps.codedeploy.send(
      new ListDeploymentsCommand({
        applicationName: config.application,
        deploymentGroupName: config.deploymentGroup,
        includeOnlyStatuses: [...ACTIVE_STATUSES],
      }),
    )) as { deployments?: string[] };
    const active = out.deployments?.[0];
    if (!active) return;
    if (config.ifDeploymentActive === 'fail')
      throw new OperationError(
        `deployment ${active} is still active in ${config.deploymentGroup} (CodeDeploy runs one at a time): ` +
          `wait for it, or set if-deployment-active to wait (follow it to the end first) or stop (stop it with rollback)`,
      );
    const got = (await deps.codedeploy.send(new GetDeploymentCommand({ deploymentId: active }))) as {
      deploymentInfo?: DeploymentInfo;
    };
    // A rollback CodeDeploy started is never stopped: stopping it would leave the service half rolled back.
    const isRollback = got.deploymentInfo?.creator === 'codeDeployRollback';
    if (isRollback) {
      const of = got.deploymentInfo?.rollbackInfo?.rollbackTriggeringDeploymentId;
      deps.log.info(
        `deployment ${active} active in ${config.deploymentGroup} is a rollback${of ? ` of ${of}` : ''}; ` +
          `waiting for it to end (a rollback is never stopped)`,
      );
    } else if (config.ifDeploymentActive === 'stop') {
      deps.log.info(
        `deployment ${active} is active in ${config.deploymentGroup}; stopping it with rollback (if-deployment-active: stop)`,
      );
      stopIfCancelled(deps, report, `before stopping ${active}`, 'nothing stopped, registered or deployed');
      await stopWithRollback(deps.codedeploy, active);
    } else {
      deps.log.info(
        `deployment ${active} is active in ${config.deploymentGroup}; waiting for it to end (if-deployment-active: wait)`,
      );
    }
    const r = await followOne(active, `active ${active}`);
    deps.log.info(`active deployment ${active} ended ${r.status}`);
    const rollbackId = r.info.rollbackInfo?.rollbackDeploymentId || undefined;
    if (rollbackId) {
      deps.log.info(`waiting for its rollback deployment ${rollbackId} to end`);
      const rb = await followOne(rollbackId, `rollback ${rollbackId}`);
      deps.log.info(`rollback deployment ${rollbackId} ended ${rb.status}`);
    }
  }
  throw new OperationError(`deployments kept starting in ${config.deploymentGroup}; gave up after 5 rounds`);
}

function failedEventText(events: EventView[]): string | undefined {
  const failed = events.find((e) => e.status === 'Failed');
  if (!failed) return undefined;
  const d = failed.diagnostics;
  const detail = [d?.errorCode, d?.scriptName ? `hook ${d.scriptName}` : undefined, d?.message]
    .filter(Boolean)
    .join(': ');
  return `${failed.name} failed${detail ? `: ${detail}` : ''}`;
}

async function followToEnd(
  config: Config,
  deps: Deps,
  report: Report,
  target: { deploymentId: string; targetId: string; deadline?: number },
  followDeps: Parameters<typeof follow>[1],
): Promise<void> {
  const now = deps.now ?? Date.now;
  const createdAt = new Date(now());
  const setStatus = (status: string | undefined) => {
    report.status = status;
    deps.setOutputs({ status });
  };
  let result: FollowResult;
  try {
    result = await follow(
      {
        deploymentId: target.deploymentId,
        targetId: target.targetId,
        intervalMs: config.pollIntervalMs,
        deadline: target.deadline,
        until: config.waitFor === 'ready' ? 'ready' : 'final',
        smokeTest: config.command === 'deploy' ? config.smokeTest : undefined,
      },
      followDeps,
    );
  } catch (err) {
    if (err instanceof PollCancelledError || err instanceof PollTimeoutError) {
      const cancelled = err instanceof PollCancelledError;
      report.outcome = cancelled ? 'cancelled' : 'timed-out';
      const why = cancelled
        ? `cancelled (${String(err.reason ?? 'signal')})`
        : `timed out after ${formatDuration(err.waitedMs)} (timeout-minutes)`;
      let what: string;
      if (config.onCancel === 'rollback') {
        const outcome = await stopWithRollback(deps.codedeploy, target.deploymentId);
        what =
          outcome === 'stopped'
            ? `stopped deployment ${target.deploymentId} with rollback (on-cancel: rollback)`
            : `deployment ${target.deploymentId} had already ended`;
        setStatus(outcome === 'stopped' ? 'Stopped' : report.status);
      } else {
        what = `left deployment ${target.deploymentId} running (on-cancel: leave): ${report.consoleUrl ?? ''}`;
      }
      deps.save({
        deploymentId: target.deploymentId,
        onCancel: config.onCancel,
        region: config.region,
        finished: true,
      });
      report.error = `${why}: ${what}`;
      throw new OperationError(report.error);
    }
    throw err;
  }
  report.events = result.tracker.last?.events ?? [];
  report.timeline = result.tracker.timeline;
  report.smoke = result.smoke;
  setStatus(result.status);
  deps.save({
    deploymentId: target.deploymentId,
    onCancel: config.onCancel,
    region: config.region,
    finished: true,
  });

  if (result.status === 'Succeeded') {
    report.outcome = 'succeeded';
    deps.log.info(`deployment ${target.deploymentId} succeeded: ${config.serviceName} runs the new task set`);
    return;
  }
  if (result.status === 'Ready') {
    report.outcome = 'ready';
    deps.log.info(
      `deployment ${target.deploymentId} is Ready: the green task set serves the test listener; ` +
        `run this action with command: continue (or stop) and deployment-id: ${target.deploymentId}`,
    );
    return;
  }

  // Failed or Stopped: say why, show what ECS says, follow the rollback.
  report.outcome = result.status === 'Stopped' ? 'stopped' : 'failed';
  const reasons: string[] = [];
  if (result.stoppedForSmoke && result.smoke) reasons.push(result.smoke.text);
  const failedEvent = failedEventText(report.events);
  if (failedEvent) reasons.push(failedEvent);
  const ei = result.info.errorInformation;
  if (ei?.code || ei?.message)
    reasons.push(`errorInformation: ${[ei.code, ei.message].filter(Boolean).join(': ')}`);
  report.reasons = reasons;
  for (const r of reasons) deps.log.info(r);

  report.ecs = await diagnoseService(deps.ecs, config.cluster, config.service, createdAt);
  if (report.ecs.events.length) {
    deps.log.info(`last ECS service events of ${config.serviceName}:`);
    for (const e of report.ecs.events) deps.log.info(`  ${e.at?.toISOString() ?? ''} ${e.message}`);
  }
  if (report.ecs.stoppedTasks.length) {
    deps.log.info(`stopped tasks:`);
    for (const t of report.ecs.stoppedTasks) deps.log.info(`  ${t.taskArn.split('/').pop()}: ${t.reason}`);
  }
  if (report.ecs.error) deps.log.info(report.ecs.error);

  const rollbackId = result.info.rollbackInfo?.rollbackDeploymentId || undefined;
  if (rollbackId) {
    report.rollbackDeploymentId = rollbackId;
    deps.setOutputs({ 'rollback-deployment-id': rollbackId });
    deps.log.info(`rollback deployment ${rollbackId} started; following it`);
    try {
      const rb = await follow(
        {
          deploymentId: rollbackId,
          targetId: target.targetId,
          intervalMs: config.pollIntervalMs,
          deadline: Math.max(target.deadline ?? 0, now() + 30 * 60_000),
          until: 'final',
          label: `rollback ${rollbackId}`,
        },
        { ...followDeps, probe: undefined },
      );
      report.rollbackStatus = rb.status;
      for (const t of rb.tracker.timeline)
        report.timeline.push({
          atMs: t.atMs + (rb.tracker.start - result.tracker.start),
          text: t.text.startsWith('rollback ') ? t.text : `rollback ${rollbackId}: ${t.text.trim()}`,
        });
    } catch (err) {
      if (!(err instanceof PollCancelledError || err instanceof PollTimeoutError)) throw err;
      report.rollbackStatus = 'unknown (stopped following)';
    }
  }
  if (config.command === 'stop' && result.status === 'Stopped') {
    deps.log.info(
      `deployment ${target.deploymentId} stopped as asked` +
        (rollbackId ? `; rollback ${rollbackId} ended ${report.rollbackStatus ?? 'unknown'}` : ''),
    );
    if (rollbackId && report.rollbackStatus !== 'Succeeded')
      throw new OperationError(
        `deployment ${target.deploymentId} stopped, but its rollback ${rollbackId} ended ${report.rollbackStatus}`,
      );
    return;
  }
  const first = reasons.length ? reasons.slice(0, 2).join('; ') : `status ${result.status}`;
  report.error =
    `deployment ${target.deploymentId} ${result.status === 'Stopped' ? 'was stopped' : 'failed'}: ${first}` +
    (rollbackId ? `; rolled back by ${rollbackId} (${report.rollbackStatus ?? 'unknown'})` : '') +
    (report.consoleUrl ? `; see ${report.consoleUrl}` : '');
  throw new OperationError(report.error);
}
