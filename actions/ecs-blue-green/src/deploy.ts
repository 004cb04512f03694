import type { SmokeTest } from './inputs.js';
import { consoleHost, consoleUrl } from '@oaktree/aws';
import { handleActive } from './active.js';
import { readService } from './checks.js';
import {
  controllerOf,
  handleActiveNative,
  hasPauseHook,
  nativeTimeoutMinutes,
  startNative,
  announceNative,
} from './native.js';
import { followNativeToEnd } from './native-finish.js';
import { shortDeployment } from './native-follow.js';
import { ProgressTracker } from './progress.js';
import type { Service } from '@aws-sdk/client-ecs';
import type { EcsDiagnosis } from './diagnose.js';
import { startCodeDeploy } from './deployment.js';
import { followToEnd } from './finish.js';
import { followDepsOf } from './guard.js';
import type { InFlight } from './inflight.js';
import type { Config } from './inputs.js';
import { planCodeDeploy, readLocalFiles, taskDefinitionShape, type LocalFiles } from './plan.js';
import type { EventView } from './progress.js';
import { registerTaskDefinition } from './register.js';
import { isServiceDeploymentArn } from './deployment-id.js';
import { resumeNative } from './native-resume.js';
import { resume } from './resume.js';
import { preDeployContainer, runPreDeployTask, type ContainerShape, type LogTail } from './predeploy.js';
import type { SmokeResult } from './smoke.js';
import type { Sender } from './stop.js';

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
  /** Told right before the first change that deploys (after every check): the GitHub deployment. */
  beforeDeploy?: (taskDefinitionArn: string) => Promise<void>;
  /** Reads the pre-deploy task's log tail (CloudWatch Logs). */
  logTail?: LogTail;
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
  /** The pre-deploy task, once started, and its essential container's exit code once it stopped. */
  preDeploy?: { taskArn: string; exitCode?: number };
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

/**
 * The whole run for `command: deploy|continue|stop`, in phases: local files, read-only checks, plan,
 * register, the active-deployment policy, create, follow/finish. Everything is validated before the
 * first change; the task definition is registered before another deployment is stopped, so a failed
 * register leaves the service as it was. `report` is kept up to date (the caller writes the summary
 * even when this throws); `deps.inflight` alone decides what the post step looks after.
 */
export async function run(config: Config, deps: Deps, report: Report): Promise<void> {
  const started = (deps.now ?? Date.now)();
  report.ecsConsoleUrl = ecsConsoleUrl(config.region, config.clusterName, config.serviceName);
  if (config.command !== 'deploy')
    return isServiceDeploymentArn(config.deploymentId)
      ? resumeNative(config, deps, report, started)
      : resume(config, deps, report, started);

  const local = readLocalFiles(config, deps);
  const service = await readService(config, deps.ecs);
  if (controllerOf(config, service) === 'ECS')
    return runNative(config, deps, report, local, service, started);
  const plan = await planCodeDeploy(config, deps, local, service, started);
  const taskDefinitionArn = await registerTaskDefinition(
    deps,
    report,
    local.desired,
    plan.existingArn ?? config.taskDefinitionArn!,
  );
  await handleActive(
    config,
    deps,
    report,
    plan.deadline,
    report.registered ? `registered ${taskDefinitionArn}` : '',
  );
  await deps.beforeDeploy?.(taskDefinitionArn);
  if (plan.preDeployContainer)
    await runPreDeployTask(
      config,
      deps,
      report,
      service,
      taskDefinitionArn,
      plan.preDeployContainer,
      plan.deadline,
    );
  const { deploymentId, tracker } = await startCodeDeploy(
    config,
    deps,
    report,
    plan,
    taskDefinitionArn,
    started,
  );
  if (config.waitFor === 'created') {
    deps.inflight.settled();
    report.outcome = 'created';
    return;
  }
  const targetId = `${config.clusterName}:${config.serviceName}`;
  await followToEnd(
    config,
    deps,
    report,
    { deploymentId, targetId, deadline: plan.deadline, tracker },
    followDepsOf(deps),
  );
}

/**
 * The ECS-native path (controller ECS, strategy BLUE_GREEN/LINEAR/CANARY), in the same phases:
 * checks, plan (the timeout from the service's bake times), register, active-deployment policy,
 * UpdateService exactly once, follow/finish.
 */
async function runNative(
  config: Config,
  deps: Deps,
  report: Report,
  local: LocalFiles,
  service: Service,
  started: number,
): Promise<void> {
  const shape = await taskDefinitionShape(config, deps, local);
  const deadline = started + (config.timeoutMinutes ?? nativeTimeoutMinutes(service)) * 60_000;
  const container = config.preDeploy
    ? preDeployContainer(config.preDeploy, shape.containers as ContainerShape[])
    : undefined;
  const readyAt = hasPauseHook(service) ? 'pause' : 'test-traffic';
  if (config.waitFor === 'ready' && readyAt === 'test-traffic')
    deps.log.warning(
      `wait-for is ready: this service has no PAUSE lifecycle hook, so its deployment does not wait for continue; ` +
        `this step returns once the new revision serves the test listener rule and ECS goes on by itself`,
    );
  const taskDefinitionArn = await registerTaskDefinition(
    deps,
    report,
    local.desired,
    shape.taskDefinitionArn ?? config.taskDefinitionArn!,
  );
  await handleActiveNative(
    config,
    deps,
    report,
    deadline,
    report.registered ? `registered ${taskDefinitionArn}` : '',
  );
  await deps.beforeDeploy?.(taskDefinitionArn);
  if (container)
    await runPreDeployTask(config, deps, report, service, taskDefinitionArn, container, deadline);
  const startedDeployment = await startNative(config, deps, report, service, taskDefinitionArn, deadline);
  const arn = startedDeployment.arn;
  if (!arn) {
    report.outcome = 'succeeded';
    report.status = 'SUCCESSFUL';
    deps.setOutputs({ status: report.status, 'console-url': report.ecsConsoleUrl });
    deps.log.info(
      `service ${config.serviceName} already runs ${taskDefinitionArn}: UpdateService started no service deployment; nothing to follow`,
    );
    return;
  }
  const tracker = new ProgressTracker(`service deployment ${shortDeployment(arn)}`, deps.now ?? Date.now);
  report.timeline = tracker.timeline;
  announceNative(config, deps, report, { ...startedDeployment, arn }, taskDefinitionArn, tracker);
  if (config.waitFor === 'created') {
    deps.inflight.settled();
    report.outcome = 'created';
    return;
  }
  await followNativeToEnd(config, deps, report, { arn, deadline, tracker, readyAt });
}
