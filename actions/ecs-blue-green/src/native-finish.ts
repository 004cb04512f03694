import type { ServiceDeployment } from '@aws-sdk/client-ecs';
import { OperationError } from '@oaktree/action-kit';
import type { Deps, Report } from './deploy.js';
import { endUnfinished, showServiceDiagnosis } from './finish-shared.js';
import { followDepsOf } from './guard.js';
import type { Config } from './inputs.js';
import {
  followNative,
  pausedHook,
  pauseText,
  shortDeployment,
  stopNative,
  type NativeFollowResult,
} from './native-follow.js';
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
 * Follow our service deployment to its end (or, with wait-for ready, until it pauses at a PAUSE hook,
 * or for a service without one until the target serves the test listener rule) and say how it went,
 * as the CodeDeploy path does: a timeout or cancel rolls it back (on-cancel: rollback); a failure
 * shows ECS's reason, the alarms, service events and stopped tasks. After `command: stop`, a
 * completed rollback is the outcome asked for.
 */
export async function followNativeToEnd(
  config: Config,
  deps: Deps,
  report: Report,
  target: { arn: string; deadline: number; tracker: ProgressTracker; readyAt?: 'pause' | 'test-traffic' },
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
        readyAt: target.readyAt,
        smokeTest: config.smokeTest,
        tracker,
      },
      { ...followDepsOf(deps), ecs: deps.ecs },
    );
  } catch (err) {
    return endUnfinished(err, config, deps, report, {
      tracker,
      setStatus,
      rollback: async () => {
        const outcome = await stopNative(deps.ecs, target.arn, deps.log.info, {
          now: deps.now,
          sleep: deps.sleep,
          random: deps.random,
        });
        if (outcome === 'stopped') setStatus('ROLLBACK_REQUESTED');
        return outcome === 'stopped'
          ? `rolled back service deployment ${id} (StopServiceDeployment ROLLBACK; on-cancel: rollback)`
          : `service deployment ${id} had already completed`;
      },
      left: `left service deployment ${id} running (on-cancel: leave): ${report.consoleUrl ?? ''}`,
    });
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
  if (config.waitFor === 'ready' && result.status === 'IN_PROGRESS' && pausedHook(result.deployment)) {
    report.outcome = 'ready';
    deps.log.info(`service deployment ${id} ${pauseText(result.deployment, pausedHook(result.deployment)!)}`);
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

  if (config.command === 'stop' && result.status !== 'ROLLBACK_FAILED') {
    report.outcome = 'stopped';
    if (result.status.startsWith('ROLLBACK')) report.rollbackStatus = result.status;
    deps.log.info(`service deployment ${id} stopped as asked: ${result.status}`);
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

  await showServiceDiagnosis(config, deps, report, createdAt, target.deadline);

  const first = reasons.length ? reasons.slice(0, 2).join('; ') : `status ${result.status}`;
  report.error =
    `service deployment ${id} ${result.status === 'STOPPED' ? 'was stopped' : 'failed'}: ${first}` +
    (report.rollbackStatus ? `; ${report.rollbackStatus}` : '') +
    (report.consoleUrl ? `; see ${report.consoleUrl}` : '');
  throw new OperationError(report.error);
}
