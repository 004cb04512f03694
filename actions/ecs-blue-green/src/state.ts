import { stateSlot } from '@oaktree/action-kit';

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
