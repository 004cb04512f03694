import { stateSlot } from '@oaktree/action-kit';

export interface CreatedResource {
  kind: 'instance' | 'cluster';
  id: string;
  arn: string;
  region: string;
  role: string;
  createdAt: string;
}

/** What main leaves for post. Saved before anything is created, and again as things change. */
export interface DrillState {
  drillId: string;
  regions: string[];
  cleanup: 'always' | 'on-success' | 'never';
  startedAt: string;
  reportFile?: string;
  pollIntervalMs: number;
  cleanupTimeoutMs: number;
  created: CreatedResource[];
  /** running until main finishes; then passed / failed / error / cancelled. */
  outcome: 'running' | 'passed' | 'failed' | 'error' | 'cancelled';
  /** True once main deleted everything and saw it gone. */
  cleanedUp: boolean;
  /** ARNs main could not delete. */
  left: string[];
  /** Set while a global switchover has the writer away from its home region; post switches it back. */
  pendingFailback?: { globalClusterId: string; primaryArn: string; region: string };
}

export const drillState = stateSlot<DrillState>('drill');
