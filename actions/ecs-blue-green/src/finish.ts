import { OperationError } from '@oaktree/action-kit';
import { PollCancelledError, PollTimeoutError } from '@oaktree/aws';
import type { Deps, Report } from './deploy.js';
import { endUnfinished, showServiceDiagnosis } from './finish-shared.js';
import { follow, type FollowDeps, type FollowResult } from './follow.js';
import type { Config } from './inputs.js';
import type { ProgressTracker } from './progress.js';
import { type EventView } from './progress.js';
import { stopWithRollback } from './stop.js';

function failedEventText(events: EventView[]): string | undefined {
  const failed = events.find((e) => e.status === 'Failed');
  if (!failed) return undefined;
  const d = failed.diagnostics;
  const detail = [d?.errorCode, d?.scriptName ? `hook ${d.scriptName}` : undefined, d?.message]
    .filter(Boolean)
    .join(': ');
  return `${failed.name} failed${detail ? `: ${detail}` : ''}`;
}

/**
 * Follow our deployment to its end (or Ready) and say how it went. Whatever ends the follow (the end,
 * a timeout, a cancel, an AWS error) leaves the lifecycle events and the timeline seen so far in
 * `report`, for the job summary.
 */
export async function followToEnd(
  config: Config,
  deps: Deps,
  report: Report,
  target: { deploymentId: string; targetId: string; deadline?: number; tracker: ProgressTracker },
  followDeps: FollowDeps,
): Promise<void> {
  const now = deps.now ?? Date.now;
  const createdAt = new Date(now());
  const tracker = target.tracker;
  report.timeline = tracker.timeline;
  const seams = { now: deps.now, sleep: deps.sleep, random: deps.random };
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
        tracker,
      },
      followDeps,
    );
  } catch (err) {
    return endUnfinished(err, config, deps, report, {
      tracker,
      setStatus,
      rollback: async () => {
        const outcome = await stopWithRollback(deps.codedeploy, target.deploymentId, seams);
        setStatus(outcome === 'stopped' ? 'Stopped' : report.status);
        return outcome === 'stopped'
          ? `stopped deployment ${target.deploymentId} with rollback (on-cancel: rollback)`
          : `deployment ${target.deploymentId} had already ended`;
      },
      left: `left deployment ${target.deploymentId} running (on-cancel: leave): ${report.consoleUrl ?? ''}`,
    });
  }
  report.events = result.tracker.last?.events ?? [];
  report.smoke = result.smoke;
  setStatus(result.status);
  deps.inflight.settled();

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

  await showServiceDiagnosis(config, deps, report, createdAt, target.deadline);

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
