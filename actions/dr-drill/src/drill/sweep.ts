import { sweepOrphans } from '../cleanup.js';
import type { DrillReport } from '../drill.js';
import type { EngineDeps } from '../engine.js';
import type { DrillConfig } from '../inputs.js';
import { cleanupPollMs, type Drill } from './start.js';

/** Orphans of earlier drills: expired ones are deleted, younger ones spared (sweep-orphans). */
export async function sweep(cfg: DrillConfig, deps: EngineDeps, drill: Drill): Promise<DrillReport['sweep']> {
  const { log } = deps;
  log.info(
    `sweeping expired drill resources in ${drill.regions.join(', ')} (ttl ${cfg.orphanTtlHours} h without an expiry tag)`,
  );
  const s = await sweepOrphans({ rds: deps.rds, now: deps.now, sleep: deps.sleep, log }, drill.regions, {
    now: new Date(deps.now()),
    ttlHours: cfg.orphanTtlHours,
    currentDrillId: drill.drillId,
    deadline: deps.now() + cfg.cleanupTimeoutMs,
    intervalMs: cleanupPollMs(cfg),
    signal: deps.signal,
  });
  log.info(`  swept ${s.deleted.length}, spared ${s.spared.length} younger drill resource(s)`);
  for (const l of s.left) log.warning(`could not delete orphan ${l.arn}: ${l.error}`);
  return {
    deleted: s.deleted.map((d) => ({ arn: d.arn, reason: d.reason })),
    spared: s.spared,
    left: s.left.map((l) => ({ arn: l.arn, error: l.error })),
  };
}
