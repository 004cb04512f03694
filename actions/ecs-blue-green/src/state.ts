import { stateSlot } from '@oaktree/action-kit';
import { isFinal } from './progress.js';

/** What main leaves for post: enough to stop a deployment main could not stop itself. */
export interface SavedDeployment {
  deploymentId: string;
  applicationName?: string;
  onCancel: 'rollback' | 'leave';
  region: string;
  /** True once main is done with the deployment (it ended, main returned on purpose, or main stopped it). */
  finished: boolean;
}

export const savedDeployment = stateSlot<SavedDeployment>('deployment');

/**
 * What to leave for post once main failed with an error. Post only rolls back a deployment that main
 * may have been kept from stopping itself: one still in flight when the job was cancelled or timed
 * out (where on-cancel applies). Any other failure (the deployment failed, was stopped or rolled
 * back, a call was refused) is main's final word: the deployment is marked finished.
 */
export function stateAfterFailure(
  saved: SavedDeployment | undefined,
  seen: { interrupted: boolean; status?: string },
): SavedDeployment | undefined {
  if (!saved || saved.finished) return saved;
  if (seen.interrupted && !isFinal(seen.status)) return saved;
  return { ...saved, finished: true };
}
