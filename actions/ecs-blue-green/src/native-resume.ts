import {
  ContinueServiceDeploymentCommand,
  type DeploymentLifecycleHookAction,
  type ServiceDeployment,
} from '@aws-sdk/client-ecs';
import { ConfigurationError, OperationError, errorMessage } from '@oaktree/action-kit';
import { onceByReadBack, singleAttempt } from '@oaktree/aws';
import type { Deps, Report } from './deploy.js';
import { retrySeams, stopIfCancelled } from './guard.js';
import type { Config } from './inputs.js';
import { followNativeToEnd } from './native-finish.js';
import { describeServiceDeployment, pausedHook, shortDeployment, stopNative } from './native-follow.js';
import { ProgressTracker } from './progress.js';
import { MAX_TIMEOUT_MINUTES } from './timeout.js';

/**
 * `command: continue|stop` on an ECS-native service deployment (its ARN in deployment-id, already
 * checked to be of this service). continue ends the PAUSE hook the deployment waits at
 * (ContinueServiceDeployment CONTINUE); stop rolls the deployment back: ContinueServiceDeployment
 * ROLLBACK when it is paused, StopServiceDeployment ROLLBACK otherwise. Then followed to its end, or
 * not with wait-for created/ready, as for CodeDeploy.
 */
export async function resumeNative(
  config: Config,
  deps: Deps,
  report: Report,
  started: number,
): Promise<void> {
  const arn = config.deploymentId!;
  const id = shortDeployment(arn);
  const verb = config.command === 'continue' ? 'continue' : 'stop';
  report.deploymentId = arn;
  report.consoleUrl = report.ecsConsoleUrl;
  deps.setOutputs({ 'deployment-id': arn, 'console-url': report.consoleUrl });
  const d = await readOrExplain(deps, arn);
  const paused = pausedHook(d);
  if (verb === 'continue' && !paused)
    throw new OperationError(
      `cannot continue service deployment ${id}: it is ${d.status ?? 'unknown'}` +
        (d.lifecycleStage ? ` at ${d.lifecycleStage}` : '') +
        `, not paused at a PAUSE lifecycle hook (only a PAUSE hook waits for continue); see ${report.consoleUrl ?? ''}`,
    );
  // Nothing is saved for post before the call went through: a refused continue or stop leaves the
  // deployment as it was. After a stop there is nothing left for post to roll back.
  stopIfCancelled(
    deps,
    report,
    `before ${verb === 'continue' ? 'continuing' : 'stopping'} ${id}`,
    'the deployment was left as it was',
  );
  const tracker = new ProgressTracker(`service deployment ${id}`, deps.now ?? Date.now);
  report.timeline = tracker.timeline;
  if (paused) {
    const action = verb === 'continue' ? 'CONTINUE' : 'ROLLBACK';
    await actOnPause(deps, arn, paused.hookId, action);
    tracker.record(`ContinueServiceDeployment ${action} at ${d.lifecycleStage ?? '?'}`);
  } else {
    const outcome = await stopNative(deps.ecs, arn, deps.log.info, retrySeams(deps));
    tracker.record(
      outcome === 'stopped' ? 'StopServiceDeployment ROLLBACK' : 'already completed: nothing to stop',
    );
  }
  const returnsNow = config.waitFor === 'created' || config.waitFor === 'ready';
  deps.inflight.started({
    deploymentId: arn,
    controller: 'ECS',
    onCancel: config.onCancel,
    region: config.region,
  });
  if (returnsNow || verb === 'stop') deps.inflight.settled();
  if (returnsNow) {
    report.outcome = verb === 'stop' ? 'stopped' : 'continued';
    try {
      report.status = (await describeServiceDeployment(deps.ecs, arn)).status;
      deps.setOutputs({ status: report.status });
    } catch (err) {
      deps.log.info(`could not read the status of ${id} after the call: ${errorMessage(err)}`);
    }
    deps.log.info(
      `service deployment ${id} ${verb === 'stop' ? 'is rolling back' : 'goes on'}; not following it (wait-for: ${config.waitFor}): ${report.consoleUrl ?? ''}`,
    );
    return;
  }
  // Without timeout-minutes the longest allowed wait applies (no service configuration read here).
  const deadline = started + (config.timeoutMinutes ?? MAX_TIMEOUT_MINUTES) * 60_000;
  await followNativeToEnd(config, deps, report, { arn, deadline, tracker, readyAt: 'pause' });
}

async function readOrExplain(deps: Deps, arn: string): Promise<ServiceDeployment> {
  try {
    return await describeServiceDeployment(deps.ecs, arn);
  } catch (err) {
    if (!(err instanceof OperationError) || !/ not found /.test(err.message)) throw err;
    throw new ConfigurationError(
      `input "deployment-id" is ${arn}: ECS knows no such service deployment; use the deployment-id output of the deploy step`,
      'deployment-id',
    );
  }
}

/**
 * ContinueServiceDeployment exactly once: sent as a single attempt, and after a transient failure
 * (a lost reply looks the same) the hook is read back first: a hook no longer awaiting action took
 * the call. A refusal of a hook that ended meanwhile (its timeout, someone in the console) says so.
 */
async function actOnPause(
  deps: Deps,
  arn: string,
  hookId: string,
  action: DeploymentLifecycleHookAction,
): Promise<void> {
  const id = shortDeployment(arn);
  const hookNow = async () =>
    (await describeServiceDeployment(deps.ecs, arn)).lifecycleHookDetails?.find((h) => h.hookId === hookId);
  try {
    await onceByReadBack({
      what: `ContinueServiceDeployment ${id} (${action})`,
      call: () =>
        deps.ecs.send(
          singleAttempt(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId, action })),
        ),
      applied: async () => {
        const h = await hookNow();
        return h && h.status !== 'AWAITING_ACTION' ? {} : undefined;
      },
      maxElapsedMs: 60_000,
      ...retrySeams(deps),
      onRetry: (e) =>
        deps.log.info(
          `ContinueServiceDeployment ${id}: AWS answered ${e.code} (transient); reading the PAUSE hook back before trying again`,
        ),
    });
  } catch (err) {
    if (err instanceof OperationError) throw err;
    const h = await hookNow().catch(() => undefined);
    if (h && h.status !== 'AWAITING_ACTION')
      throw new OperationError(
        `cannot ${action === 'CONTINUE' ? 'continue' : 'roll back'} service deployment ${id}: its PAUSE hook is ${h.status ?? 'no longer awaiting action'} (${errorMessage(err)})`,
      );
    throw err;
  }
  deps.log.info(
    action === 'CONTINUE'
      ? `continued service deployment ${id} from its PAUSE hook (ContinueServiceDeployment CONTINUE)`
      : `rollback requested for service deployment ${id} at its PAUSE hook (ContinueServiceDeployment ROLLBACK)`,
  );
}
