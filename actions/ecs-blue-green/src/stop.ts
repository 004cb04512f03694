import { StopDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { log } from '@oaktree/action-kit';
import { awsErrorName, retryTransient, type RetryOptions } from '@oaktree/aws';

export type StopOutcome = 'stopped' | 'already-completed';

/** Minimal client shape, so tests can inject a mock. */
export interface Sender {
  send(command: unknown): Promise<unknown>;
}

/** Seams for the transient retries of a stop (tests pass a fake clock). */
export type RetrySeams = Partial<Pick<RetryOptions, 'now' | 'sleep' | 'random' | 'maxElapsedMs'>>;

/**
 * `false`: no retries of its own, a transient error is thrown as it came (the follow's poller retries
 * the whole look, so it must see the error itself, not a converted one).
 */
export type StopRetries = RetrySeams | false;

/**
 * StopDeployment with automatic rollback. A deployment that already ended answers
 * DeploymentAlreadyCompletedException, which counts as done. Throttling, 5xx and resets are retried
 * with backoff for up to a minute (a stop that went through but whose reply was lost meets "already
 * completed" or stops it again: both are fine).
 */
export async function stopWithRollback(
  codedeploy: Sender,
  deploymentId: string,
  seams: StopRetries = {},
): Promise<StopOutcome> {
  const stop = () =>
    codedeploy.send(new StopDeploymentCommand({ deploymentId, autoRollbackEnabled: true })) as Promise<{
      status?: string;
      statusMessage?: string;
    }>;
  try {
    const out =
      seams === false
        ? await stop()
        : await retryTransient(stop, {
            what: `StopDeployment ${deploymentId}`,
            maxElapsedMs: 60_000,
            ...seams,
            onRetry: (e) =>
              log.info(`StopDeployment ${deploymentId}: AWS answered ${e.code} (transient); trying again`),
          });
    log.info(
      `stop requested for ${deploymentId} with rollback: ${out.status ?? 'Pending'}` +
        (out.statusMessage ? ` (${out.statusMessage})` : ''),
    );
    return 'stopped';
  } catch (err) {
    if (awsErrorName(err) === 'DeploymentAlreadyCompletedException') {
      log.info(`deployment ${deploymentId} had already ended; nothing to stop`);
      return 'already-completed';
    }
    throw err;
  }
}
