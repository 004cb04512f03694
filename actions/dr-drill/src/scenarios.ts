import type { DrillContext, EngineDeps } from './engine.js';
import type { Endpoint } from './health.js';
import type { DrillConfig } from './inputs.js';
import { failoverPlan } from './scenarios/cluster-failover.js';
import { pitrPlan } from './scenarios/pitr-restore.js';
import { replicaPlan } from './scenarios/replica-promote.js';
import { loadSourceCluster } from './scenarios/shared.js';
import { snapshotPlan } from './scenarios/snapshot-restore.js';
import { switchoverPlan } from './switchover.js';

export { parity } from './scenarios/shared.js';
export { pickReplicatedBackup } from './scenarios/pitr-restore.js';
export { isPromoted, isReplicating } from './scenarios/replica-promote.js';
export { writerOf } from './scenarios/cluster-failover.js';

/** A checked, ready-to-run scenario. Building it only reads; running it creates or moves things. */
export interface Plan {
  /** One line saying what will happen. */
  summary: string;
  /** The source's endpoint, for the heartbeat write. */
  sourceEndpoint?: Endpoint;
  /** The scenario writes the heartbeat marker itself (ctx.writeMarker), just before its move. */
  placesMarker?: boolean;
  run(ctx: DrillContext): Promise<void>;
}

export async function preflight(cfg: DrillConfig, deps: EngineDeps): Promise<Plan> {
  switch (cfg.scenario) {
    case 'pitr-restore':
      return pitrPlan(cfg, deps);
    case 'snapshot-restore':
      return snapshotPlan(cfg, deps);
    case 'replica-promote':
      return replicaPlan(cfg, deps);
    case 'cluster-failover':
      return failoverPlan(cfg, deps);
    case 'global-switchover':
      return switchoverPlan(cfg, deps, await loadSourceCluster(cfg, deps.rds(cfg.sourceRegion)));
  }
}
