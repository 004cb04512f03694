import {
  ListServiceDeploymentsCommand,
  UpdateServiceCommand,
  type Service,
  type ServiceDeploymentBrief,
} from '@aws-sdk/client-ecs';
import { ConfigurationError, OperationError, formatDuration } from '@oaktree/action-kit';
import { retryTransient } from '@oaktree/aws';
import type { Deps, Report } from './deploy.js';
import { followDepsOf, retrySeams, stopIfCancelled } from './guard.js';
import type { Config } from './inputs.js';
import { NATIVE_ACTIVE, followNative, shortDeployment, stopNative } from './native-follow.js';
import type { ProgressTracker } from './progress.js';
import { MAX_TIMEOUT_MINUTES } from './timeout.js';

/** The strategies ECS runs as blue/green itself (deployment controller ECS). */
export const NATIVE_STRATEGIES = ['BLUE_GREEN', 'LINEAR', 'CANARY'] as const;

export type Controller = 'CODE_DEPLOY' | 'ECS';

/**
 * Which path deploys this service: CodeDeploy (controller CODE_DEPLOY) or ECS itself (controller
 * ECS with a blue/green, linear or canary strategy). Anything else is a one-line error naming the
 * service input; so is a CodeDeploy-only input given for an ECS-native service.
 */
export function controllerOf(config: Config, service: Service): Controller {
  const type = service.deploymentController?.type ?? 'ECS';
  if (type === 'CODE_DEPLOY') return 'CODE_DEPLOY';
  const strategy = service.deploymentConfiguration?.strategy ?? 'ROLLING';
  if (type !== 'ECS' || !(NATIVE_STRATEGIES as readonly string[]).includes(strategy))
    throw new ConfigurationError(
      `input "service": service ${config.serviceName} uses the ${type} deployment controller` +
        (type === 'ECS' ? ` with strategy ${strategy}` : '') +
        `, not CODE_DEPLOY nor ECS blue/green: this action drives blue/green deployments; set the service's ` +
        `deploymentConfiguration.strategy to BLUE_GREEN, LINEAR or CANARY (or deploymentController CODE_DEPLOY), or use a rolling-update action`,
      'service',
    );
  const given = config.codeDeployInputs[0];
  if (given)
    throw new ConfigurationError(
      `input "${given}" applies to CodeDeploy, but service ${config.serviceName} is deployed by ECS itself ` +
        `(strategy ${strategy}): remove it; hooks, bake time and alarms are set on the service's deploymentConfiguration`,
      given,
    );
  return 'ECS';
}

/** Whether the service's deployments stop at a PAUSE lifecycle hook (ContinueServiceDeployment). */
export function hasPauseHook(service: Service): boolean {
  return (service.deploymentConfiguration?.lifecycleHooks ?? []).some((h) => h.targetType === 'PAUSE');
}

/**
 * The default timeout of an ECS-native deployment: its bake times, plus the time each PAUSE hook may
 * wait for continue before ECS acts by itself, + 30 minutes, at most 360.
 */
export function nativeTimeoutMinutes(service: Service): number {
  const c = service.deploymentConfiguration;
  let bake = c?.bakeTimeInMinutes ?? 0;
  for (const h of c?.lifecycleHooks ?? [])
    if (h.targetType === 'PAUSE')
      bake += (h.timeoutConfiguration?.timeoutInMinutes ?? 1440) * (h.lifecycleStages?.length ?? 1);
  if (c?.strategy === 'CANARY') bake += c.canaryConfiguration?.canaryBakeTimeInMinutes ?? 10;
  if (c?.strategy === 'LINEAR') {
    const step = c.linearConfiguration?.stepPercent ?? 10;
    bake += (c.linearConfiguration?.stepBakeTimeInMinutes ?? 6) * Math.max(0, Math.ceil(100 / step) - 1);
  }
  return Math.min(MAX_TIMEOUT_MINUTES, bake + 30);
}

async function activeDeployments(config: Config, deps: Deps): Promise<ServiceDeploymentBrief[]> {
  const out = (await deps.ecs.send(
    new ListServiceDeploymentsCommand({
      cluster: config.cluster,
      service: config.service,
      status: [...NATIVE_ACTIVE],
    }),
  )) as { serviceDeployments?: ServiceDeploymentBrief[] };
  return out.serviceDeployments ?? [];
}

/**
 * if-deployment-active for an ECS-native service: ECS would supersede a service deployment in flight
 * with ours; the policy decides first. `fail` names it, `wait` follows it to its end, `stop` rolls it
 * back (StopServiceDeployment ROLLBACK) and waits. A rollback or stop in progress is only waited for.
 */
export async function handleActiveNative(
  config: Config,
  deps: Deps,
  report: Report,
  deadline: number,
  done: string,
): Promise<void> {
  for (let round = 0; round < 5; round++) {
    const active = (await activeDeployments(config, deps))[0];
    if (!active?.serviceDeploymentArn) return;
    const arn = active.serviceDeploymentArn;
    const id = shortDeployment(arn);
    if (config.ifDeploymentActive === 'fail')
      throw new OperationError(
        `service deployment ${id} of ${config.serviceName} is still ${active.status}: ` +
          `wait for it, or set if-deployment-active to wait (follow it to the end first) or stop (roll it back)`,
      );
    const winding = active.status !== 'PENDING' && active.status !== 'IN_PROGRESS';
    if (winding)
      deps.log.info(
        `service deployment ${id} is ${active.status}; waiting for it to end (a rollback or stop is never stopped)`,
      );
    else if (config.ifDeploymentActive === 'stop') {
      deps.log.info(
        `service deployment ${id} is ${active.status}; rolling it back (if-deployment-active: stop)`,
      );
      stopIfCancelled(
        deps,
        report,
        `before stopping ${id}`,
        `nothing stopped${done ? `, ${done}` : ''}, nothing deployed`,
      );
      await stopNative(deps.ecs, arn, deps.log.info, {
        now: deps.now,
        sleep: deps.sleep,
        random: deps.random,
      });
    } else
      deps.log.info(
        `service deployment ${id} is ${active.status}; waiting for it to end (if-deployment-active: wait)`,
      );
    const r = await followNative(
      { arn, intervalMs: config.pollIntervalMs, deadline, until: 'final', label: `active ${id}` },
      { ...followDepsOf(deps), ecs: deps.ecs, probe: undefined },
    );
    deps.log.info(`active service deployment ${id} ended ${r.status}`);
  }
  throw new OperationError(
    `service deployments of ${config.serviceName} kept starting; gave up after 5 rounds`,
  );
}

export interface NativeStarted {
  arn?: string;
  adopted: boolean;
}

/**
 * UpdateService with the new task definition, exactly once. UpdateService with the task definition
 * the service already deploys starts nothing, so repeating it after a lost reply (the SDK's retries
 * and ours) is safe; the deployment is the service's currentServiceDeployment when it differs from
 * the one before. A repeated call that answers with a new deployment adopts it (reported as ours,
 * started by the attempt whose reply was lost). No new deployment: the service already runs it.
 */
export async function startNative(
  config: Config,
  deps: Deps,
  report: Report,
  service: Service,
  taskDefinitionArn: string,
  deadline: number,
): Promise<NativeStarted> {
  const before = service.currentServiceDeployment;
  let attempts = 0;
  stopIfCancelled(
    deps,
    report,
    'before UpdateService',
    report.registered ? `registered ${taskDefinitionArn}, nothing deployed` : 'nothing deployed',
  );
  const out = (await retryTransient(
    async () => {
      attempts++;
      const r = (await deps.ecs.send(
        new UpdateServiceCommand({
          cluster: config.cluster,
          service: config.service,
          taskDefinition: taskDefinitionArn,
        }),
      )) as { service?: Service; $metadata?: { attempts?: number } };
      attempts += Math.max(0, (r.$metadata?.attempts ?? 1) - 1);
      return r;
    },
    {
      what: `UpdateService ${config.serviceName}`,
      deadline: Math.min(deadline, (deps.now ?? Date.now)() + 5 * 60_000),
      ...retrySeams(deps),
      onRetry: (e) =>
        deps.log.info(
          `UpdateService: AWS answered ${e.code} (transient); the same call again starts no second deployment; trying again in ${formatDuration(e.retryInMs)}`,
        ),
    },
  )) as { service?: Service };
  const arn = out.service?.currentServiceDeployment;
  if (!arn || arn === before) return { arn: undefined, adopted: false };
  return { arn, adopted: attempts > 1 };
}

/** Hand a native deployment of ours to `inflight` and say so; returns the tracker's first entry. */
export function announceNative(
  config: Config,
  deps: Deps,
  report: Report,
  started: NativeStarted & { arn: string },
  taskDefinitionArn: string,
  tracker: ProgressTracker,
): void {
  report.deploymentId = started.arn;
  report.adopted = started.adopted;
  report.consoleUrl = report.ecsConsoleUrl;
  deps.inflight.started({
    deploymentId: started.arn,
    controller: 'ECS',
    onCancel: config.onCancel,
    region: config.region,
    adopted: started.adopted || undefined,
  });
  report.status = 'PENDING';
  deps.setOutputs({ 'deployment-id': started.arn, 'console-url': report.consoleUrl, status: report.status });
  const id = shortDeployment(started.arn);
  const text = started.adopted
    ? `adopted service deployment ${id} started by this step's earlier UpdateService (reply lost)`
    : `UpdateService started service deployment ${id} of ${taskDefinitionArn}`;
  tracker.record(text);
  deps.log.info(`${text}: ${report.consoleUrl}`);
}
