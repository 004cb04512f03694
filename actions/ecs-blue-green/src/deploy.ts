import {
  ContinueDeploymentCommand,
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
import { ConfigurationError, OperationError, errorMessage, quote } from '@oaktree/action-kit';
import { awsErrorName, consoleHost, consoleUrl, PollCancelledError } from '@oaktree/aws';
import { findOwnDeployment, isCreateConflict, namedDeployment } from './adopt.js';
import {
  appSpecContent,
  appSpecFromFile,
  checkAppSpecContainer,
  generateAppSpec,
  strategyWarning,
  type AppSpec,
  type AppSpecSource,
} from './appspec.js';
import type { EcsDiagnosis } from './diagnose.js';
import { readStructured } from './files.js';
import { createOnce, type Created } from './create.js';
import { followToEnd } from './finish.js';
import { follow, type FollowDeps } from './follow.js';
import type { InFlight } from './inflight.js';
import type { Config, SmokeTest } from './inputs.js';
import { ACTIVE_STATUSES, ProgressTracker, type EventView } from './progress.js';
import type { SmokeResult } from './smoke.js';
import { stopWithRollback, type Sender } from './stop.js';
import { applyImages, cleanTaskDefinition, sameTaskDefinition, type TaskDef } from './taskdef.js';
import {
  BUILT_IN_SHIFT_MINUTES,
  MAX_TIMEOUT_MINUTES,
  defaultTimeoutMinutes,
  shiftMinutes,
} from './timeout.js';

export interface Deps {
  ecs: Sender;
  codedeploy: Sender;
  log: {
    info(line: string): void;
    notice(line: string): void;
    warning(line: string): void;
  };
  setOutputs(values: Record<string, string | undefined>): void;
  /** The one owner of "is a deployment of ours in flight" for the post step. */
  inflight: InFlight;
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
  /** The deployment was created by this step's earlier attempt whose reply was lost. */
  adopted?: boolean;
  /** Set when main could not see the deployment to its end and left it to the post step. */
  left?: string;
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
    | 'aws-error'
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
  const followDeps: FollowDeps = {
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
    deps.inflight.started({ deploymentId: id, onCancel: config.onCancel, region: config.region });
    if (returnsNow || config.command === 'stop') deps.inflight.settled();
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
    const tracker = new ProgressTracker(`deployment ${id}`, now);
    tracker.record(config.command === 'stop' ? `StopDeployment with rollback` : `ContinueDeployment`);
    await followToEnd(config, deps, report, { deploymentId: id, targetId, deadline, tracker }, followDeps);
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

  // 5. Create the deployment exactly once (or adopt the one this step's lost reply created).
  const { content, sha256 } = appSpecContent(plan.appspec, taskDefinitionArn);
  const request = {
    applicationName: config.application,
    deploymentGroupName: config.deploymentGroup,
    revision: { revisionType: 'AppSpecContent' as const, appSpecContent: { content, sha256 } },
    deploymentConfigName: config.deploymentConfig,
    description: config.description,
    autoRollbackConfiguration:
      config.autoRollbackEvents === undefined
        ? undefined
        : config.autoRollbackEvents.length
          ? { enabled: true, events: config.autoRollbackEvents }
          : { enabled: false },
  };
  let created: Created | undefined;
  for (let round = 1; !created; round++) {
    stopIfCancelled(
      deps,
      report,
      'before creating the deployment',
      report.registered ? `registered ${taskDefinitionArn}, nothing deployed` : 'nothing deployed',
    );
    try {
      created = await createOnce(
        deps.codedeploy,
        request,
        {
          application: config.application,
          deploymentGroup: config.deploymentGroup,
          marker: config.runMarker,
        },
        {
          since: started,
          deadline: Math.min(deadline, now() + 5 * 60_000),
          log: deps.log.info,
          now: deps.now,
          sleep: deps.sleep,
          random: deps.random,
          signal: deps.signal,
        },
      );
    } catch (err) {
      if (err instanceof PollCancelledError) await cancelledWhileCreating(config, deps, report, started);
      if (!isCreateConflict(err)) throw err;
      // Not ours (no run marker): someone else's deployment got in first; the policy applies to it.
      const other = namedDeployment(err);
      const who = `${other ? `deployment ${other}` : 'a deployment'} of another run`;
      if (config.ifDeploymentActive === 'fail' || round >= 3)
        throw new OperationError(
          `${who} became active in ${config.deploymentGroup} just before ours (${awsErrorName(err)}; it does not carry this step's run marker): ` +
            `run again, or set if-deployment-active to wait or stop`,
        );
      deps.log.info(
        `${who} became active in ${config.deploymentGroup} just before ours (it does not carry this step's run marker); ` +
          `if-deployment-active: ${config.ifDeploymentActive} applies to it`,
      );
      await handleActive(config, deps, report, deadline, targetId, followDeps);
    }
  }
  const deploymentId = created.deploymentId;
  report.deploymentId = deploymentId;
  report.adopted = created.adopted;
  report.consoleUrl = codeDeployConsoleUrl(config.region, deploymentId);
  deps.inflight.started({
    deploymentId,
    applicationName: config.application,
    onCancel: config.onCancel,
    region: config.region,
    adopted: created.adopted || undefined,
  });
  if (!created.adopted) report.status = 'Created';
  deps.setOutputs({ 'deployment-id': deploymentId, 'console-url': report.consoleUrl, status: report.status });
  const tracker = new ProgressTracker(`deployment ${deploymentId}`, now);
  report.timeline = tracker.timeline;
  if (created.adopted) {
    const text = `adopted deployment ${deploymentId} created by this run's earlier attempt (reply lost)`;
    tracker.record(text);
    deps.log.info(`${text}: ${report.consoleUrl}`);
  } else {
    tracker.record(`created deployment ${deploymentId}`);
    deps.log.info(
      `created deployment ${deploymentId} of ${taskDefinitionArn} (${configName}): ${report.consoleUrl}`,
    );
  }

  if (config.waitFor === 'created') {
    deps.inflight.settled();
    report.outcome = 'created';
    return;
  }
  await followToEnd(config, deps, report, { deploymentId, targetId, deadline, tracker }, followDeps);
}

/**
 * Cancelled while CreateDeployment was being retried after transient failures: an attempt whose reply
 * was lost may have created the deployment. One look for this step's marker; what is found is ours and
 * gets the on-cancel policy, like any deployment of ours in flight, so nothing is left unattended.
 */
async function cancelledWhileCreating(
  config: Config,
  deps: Deps,
  report: Report,
  since: number,
): Promise<never> {
  report.outcome = 'cancelled';
  const where = {
    application: config.application,
    deploymentGroup: config.deploymentGroup,
    marker: config.runMarker,
  };
  let mine: { deploymentId?: string; status?: string } | undefined;
  try {
    mine = await findOwnDeployment(deps.codedeploy, where, { since });
  } catch (err) {
    deps.log.info(`could not look for a deployment of this step after the cancel: ${errorMessage(err)}`);
  }
  const id = mine?.deploymentId;
  if (!id) {
    report.error = 'cancelled while CreateDeployment was being retried: no deployment of this step was found';
    throw new OperationError(report.error);
  }
  report.deploymentId = id;
  report.adopted = true;
  report.status = mine?.status;
  report.consoleUrl = codeDeployConsoleUrl(config.region, id);
  deps.inflight.started({
    deploymentId: id,
    applicationName: config.application,
    onCancel: config.onCancel,
    region: config.region,
    adopted: true,
  });
  deps.setOutputs({ 'deployment-id': id, 'console-url': report.consoleUrl, status: report.status });
  const found = `cancelled while CreateDeployment was being retried; deployment ${id} of this step was created by an attempt whose reply was lost`;
  if (config.onCancel === 'rollback') {
    const outcome = await stopWithRollback(deps.codedeploy, id, {
      now: deps.now,
      sleep: deps.sleep,
      random: deps.random,
    });
    if (outcome === 'stopped') report.status = 'Stopped';
    report.error = `${found}: stopped it with rollback (on-cancel: rollback)`;
  } else report.error = `${found}: left it running (on-cancel: leave): ${report.consoleUrl}`;
  deps.setOutputs({ status: report.status });
  deps.inflight.settled();
  throw new OperationError(report.error);
}

async function handleActive(
  config: Config,
  deps: Deps,
  report: Report,
  deadline: number,
  targetId: string,
  followDeps: FollowDeps,
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
