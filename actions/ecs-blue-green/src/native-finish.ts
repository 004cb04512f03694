import type { ServiceDeployment } from '@aws-sdk/client-ecs';
import { errorMessage, formatDuration, OperationError } from '@oaktree/action-kit';
import { awsErrorName, PollCancelledError, PollTimeoutError } from '@oaktree/aws';
import type { Deps, Report } from './deploy.js';
import { diagnoseService } from './diagnose.js';
import { followDepsOf } from './guard.js';
import type { Config } from './inputs.js';
import { followNative, shortDeployment, stopNative, type NativeFollowResult } from './native-follow.js';
import type { ProgressTracker } from './progress.js';

/** Why a service deployment did not succeed, from what ECS says about it. */
export function nativeReasons(d: ServiceDeployment): string[] {
  const out: string[] = [];
  if (d.statusReason) out.push(`statusReason: ${d.statusReason}`);
  if (d.rollback?.reason && d.rollback.reason !== d.statusReason) out.push(`rollback: ${d.rollback.reason}`);
  const alarms = d.alarms?.triggeredAlarmNames ?? [];
  if (alarms.length) out.push(`alarms in ALARM: ${alarms.join(', ')}`);
  return out;
}

/**
 * Follow our service deployment to its end (or, with wait-for ready, until the target serves the test
 * listener rule) and say how it went, as the CodeDeploy path does: a timeout or cancel rolls it back
 * (on-cancel: rollback); a failure shows ECS's reason, the alarms, service events and stopped tasks.
 */
export async function followNativeToEnd(
  config: Config,
  deps: Deps,
  report: Report,
  target: { arn: string; deadline: number; tracker: ProgressTracker },
): Promise<void> {
  const now = deps.now ?? Date.now;
  const createdAt = new Date(now());
  const tracker = target.tracker;
  report.timeline = tracker.timeline;
  const id = shortDeployment(target.arn);
  const setStatus = (status: string | undefined) => {
    report.status = status;
    deps.setOutputs({ status });
  };
  let result: NativeFollowResult;
  try {
    result = await followNative(
      {
        arn: target.arn,
        intervalMs: config.pollIntervalMs,
        deadline: target.deadline,
        until: config.waitFor === 'ready' ? 'ready' : 'final',
        smokeTest: config.smokeTest,
        tracker,
      },
      { ...followDepsOf(deps), ecs: deps.ecs },
    );
  } catch (err) {
    report.events = tracker.last?.events ?? [];
    if (tracker.last?.status) setStatus(tracker.last.status);
    if (err instanceof PollCancelledError || err instanceof PollTimeoutError) {
      const cancelled = err instanceof PollCancelledError;
      report.outcome = cancelled ? 'cancelled' : 'timed-out';
      const why = cancelled
        ? `cancelled (${String(err.reason ?? 'signal')})`
        : `timed out after ${formatDuration(err.waitedMs)} (timeout-minutes)`;
      tracker.record(why);
      let what: string;
      if (config.onCancel === 'rollback') {
        const outcome = await stopNative(deps.ecs, target.arn, deps.log.info, {
          now: deps.now,
          sleep: deps.sleep,
          random: deps.random,
        });
        what =
          outcome === 'stopped'
            ? `rolled back service deployment ${id} (StopServiceDeployment ROLLBACK; on-cancel: rollback)`
            : `service deployment ${id} had already completed`;
        if (outcome === 'stopped') setStatus('ROLLBACK_REQUESTED');
      } else what = `left service deployment ${id} running (on-cancel: leave): ${report.consoleUrl ?? ''}`;
      tracker.record(what);
      deps.inflight.settled();
      report.error = `${why}: ${what}`;
      throw new OperationError(report.error);
    }
    report.outcome = 'aws-error';
    tracker.record(`stopped following: ${awsErrorName(err) || 'error'}: ${errorMessage(err)}`);
    throw err;
  }
  report.events = result.tracker.last?.events ?? [];
  report.smoke = result.smoke;
  setStatus(result.status);
  deps.inflight.settled();

  if (result.status === 'SUCCESSFUL') {
    report.outcome = 'succeeded';
    deps.log.info(`service deployment ${id} succeeded: ${config.serviceName} runs the new revision`);
    return;
  }
  if (config.waitFor === 'ready' && result.status === 'IN_PROGRESS') {
    report.outcome = 'ready';
    deps.log.info(
      `service deployment ${id} serves the test listener rule (${result.deployment.lifecycleStage}); ` +
        `ECS goes on to production traffic by itself (it waits only at a PAUSE lifecycle hook): not following it (wait-for: ready)`,
    );
    return;
  }

  // STOPPED, ROLLBACK_SUCCESSFUL or ROLLBACK_FAILED: say why and show what ECS says.
  report.outcome = result.status === 'STOPPED' ? 'stopped' : 'failed';
  const reasons: string[] = [];
  if (result.stoppedForSmoke && result.smoke) reasons.push(result.smoke.text);
  reasons.push(...nativeReasons(result.deployment));
  report.reasons = reasons;
  for (const r of reasons) deps.log.info(r);
  if (result.status.startsWith('ROLLBACK')) report.rollbackStatus = result.status;

  report.ecs = await diagnoseService(deps.ecs, config.cluster, config.service, createdAt, {
    now: deps.now,
    sleep: deps.sleep,
    random: deps.random,
    deadline: target.deadline,
    log: deps.log.info,
  });
  if (report.ecs.events.length) {
    deps.log.info(`last ECS service events of ${config.serviceName}:`);
    for (const e of report.ecs.events) deps.log.info(`  ${e.at?.toISOString() ?? ''} ${e.message}`);
  }
  if (report.ecs.stoppedTasks.length) {
    deps.log.info(`stopped tasks:`);
    for (const t of report.ecs.stoppedTasks) deps.log.info(`  ${t.taskArn.split('/').pop()}: ${t.reason}`);
  }
  if (report.ecs.error) deps.log.info(report.ecs.error);

  const first = reasons.length ? reasons.slice(0, 2).join('; ') : `status ${result.status}`;
  report.error =
    `service deployment ${id} ${result.status === 'STOPPED' ? 'was stopped' : 'failed'}: ${first}` +
    (report.rollbackStatus ? `; ${report.rollbackStatus}` : '') +
    (report.consoleUrl ? `; see ${report.consoleUrl}` : '');
  throw new OperationError(report.error);
}
