import { CodeDeployClient, StopDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { log } from '@oaktree/action-kit';
import { awsErrorName, createClient } from '@oaktree/aws';
import { ACTION } from './inputs.js';
import type { SavedDeployment } from './state.js';

export type StopOutcome = 'stopped' | 'already-completed';

/** Minimal client shape, so tests can inject a mock. */
export interface Sender {
  send(command: unknown): Promise<unknown>;
}

/**
 * StopDeployment with automatic rollback. A deployment that already ended answers
 * DeploymentAlreadyCompletedException, which counts as done.
 */
export async function stopWithRollback(codedeploy: Sender, deploymentId: string): Promise<StopOutcome> {
  try {
    const out = (await codedeploy.send(
      new StopDeploymentCommand({ deploymentId, autoRollbackEnabled: true }),
    )) as { status?: string; statusMessage?: string };
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

export async function stopFromPost(saved: SavedDeployment): Promise<void> {
  const codedeploy = createClient(CodeDeployClient, { region: saved.region, action: ACTION });
  log.info(
    `post: main did not finish deployment ${saved.deploymentId}; stopping it with rollback (on-cancel: rollback)`,
  );
  await stopWithRollback(codedeploy, saved.deploymentId);
}
