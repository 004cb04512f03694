import { errorMessage, formatDuration, OperationError } from '@oaktree/action-kit';
import { awsErrorName, PollCancelledError, PollTimeoutError } from '@oaktree/aws';
import type { Deps, Report } from './deploy.js';
import { diagnoseService } from './diagnose.js';
import type { Config } from './inputs.js';
import type { ProgressTracker } from './progress.js';

/**
 * What the CodeDeploy and the ECS-native follow (finish.ts, native-finish.ts) do alike when the
 * follow ends without a final status, and when a deployment did not succeed.
 */

/**
 * The follow threw. A timeout or a cancel rolls the deployment back (`rollback()`, on-cancel:
 * rollback) or leaves it running (`left`); a terminal AWS error (transient ones were retried until
 * the timeout) means main cannot see the deployment to its end, and execute leaves it to the post
 * step. Always throws; the events and status seen so far stay in `report`.
 */
export async function endUnfinished(
  err: unknown,
  config: Config,
  deps: Deps,
  report: Report,
  o: {
    tracker: ProgressTracker;
    setStatus: (s: string | undefined) => void;
    rollback: () => Promise<string>;
    left: string;
  },
): Promise<never> {
  const { tracker } = o;
  report.events = tracker.last?.events ?? [];
  if (tracker.last?.status) o.setStatus(tracker.last.status);
  if (err instanceof PollCancelledError || err instanceof PollTimeoutError) {
    const cancelled = err instanceof PollCancelledError;
    report.outcome = cancelled ? 'cancelled' : 'timed-out';
    const why = cancelled
      ? `cancelled (${String(err.reason ?? 'signal')})`
      : `timed out after ${formatDuration(err.waitedMs)} (timeout-minutes)`;
    tracker.record(why);
    const what = config.onCancel === 'rollback' ? await o.rollback() : o.left;
    tracker.record(what);
    deps.inflight.settled();
    report.error = `${why}: ${what}`;
    throw new OperationError(report.error);
  }
  report.outcome = 'aws-error';
  tracker.record(`stopped following: ${awsErrorName(err) || 'error'}: ${errorMessage(err)}`);
  throw err;
}

/** A deployment did not succeed: the service's recent events and stopped tasks, in the report and log. */
export async function showServiceDiagnosis(
  config: Config,
  deps: Deps,
  report: Report,
  since: Date,
  deadline: number | undefined,
): Promise<void> {
  report.ecs = await diagnoseService(deps.ecs, config.cluster, config.service, since, {
    now: deps.now,
    sleep: deps.sleep,
    random: deps.random,
    deadline,
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
}
