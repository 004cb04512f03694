import { stateSlot } from '@oaktree/action-kit';

export interface CreatedResource {
  kind: 'instance' | 'cluster';
  id: string;
  arn: string;
  region: string;
  role: string;
  /** When the create was sent (requested) or answered (created, adopted). */
  createdAt: string;
  /**
   * requested: the create call was sent and its answer is not known yet (a lost reply, a crash);
   * created: RDS answered with it; adopted: a retry met "already exists" for a resource carrying this
   * drill's dr-drill-id tag. Absent in state saved by older versions: treat as created.
   */
  status?: 'requested' | 'created' | 'adopted';
  /** Set once a cleanup saw it gone or had its delete accepted: the tag listing alone looks for it after. */
  deletedAt?: string;
  /** For an instance created inside a cluster (the Aurora writer). */
  clusterId?: string;
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
  /**
   * Set from just before a global switchover is sent until the writer is home again: post checks
   * where the writer is and switches it back when it is away (nothing when it never left).
   */
  pendingFailback?: { globalClusterId: string; primaryArn: string; region: string };
}

export const drillState = stateSlot<DrillState>('drill');
