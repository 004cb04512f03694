import { RestoreDBInstanceFromDBSnapshotCommand } from '@aws-sdk/client-rds';
import { endpointOf } from '../aws.js';
import { enter, recoverLeg, type EngineDeps } from '../engine.js';
import type { DrillConfig } from '../inputs.js';
import { createOnce } from '../once.js';
import { findSnapshot } from '../snapshots.js';
import { resourceId } from '../tags.js';
import { Timeline, noBound, snapshotAgeRpo } from '../timeline.js';

import {
  loadSourceCluster,
  loadSourceInstance,
  instanceParitySource,
  noteParity,
  observeInstance,
  parity,
  parityParams,
} from './shared.js';
import type { Plan } from '../scenarios.js';
import { clusterRestorePlan } from './cluster-restore.js';

// ---------------------------------------------------------------- snapshot-restore

export async function snapshotPlan(cfg: DrillConfig, deps: EngineDeps): Promise<Plan> {
  const src = deps.rds(cfg.sourceRegion);
  const dr = deps.rds(cfg.drRegion);
  if (cfg.source.kind === 'cluster') {
    const c = await loadSourceCluster(cfg, src);
    const snap = await findSnapshot(dr, {
      kind: 'cluster',
      sourceId: cfg.source.id,
      sourceRegion: cfg.sourceRegion,
      drRegion: cfg.drRegion,
      explicit: cfg.snapshotIdentifier,
    });
    return clusterRestorePlan(cfg, deps, c, snap);
  }
  const i = await loadSourceInstance(cfg, src);
  const snap = await findSnapshot(dr, {
    kind: 'instance',
    sourceId: cfg.source.id,
    sourceRegion: cfg.sourceRegion,
    drRegion: cfg.drRegion,
    explicit: cfg.snapshotIdentifier,
  });
  const p = await parity(cfg, dr, instanceParitySource(i));
  return {
    summary: `restore snapshot ${snap.id} of ${cfg.source.id} (taken ${snap.takenAt?.toISOString()}) as a new instance in ${cfg.drRegion}`,
    sourceEndpoint: endpointOf(i),
    async run(ctx) {
      noteParity(ctx, p);
      ctx.result.notes.push(`snapshot ${snap.arn || snap.id}`);
      const id = resourceId(ctx.drillId, 'restore');
      const leg = new Timeline('restore');
      ctx.result.legs.push(leg);
      ctx.result.recoveredRegion = cfg.drRegion;
      enter(ctx, 'restoring');
      const t0 = ctx.deps.now();
      leg.begin(t0);
      ctx.result.rpoBound = snap.takenAt
        ? snapshotAgeRpo(snap.takenAt.getTime(), t0, snap.id)
        : noBound(`RDS reported no creation time for snapshot ${snap.id}`);
      await createOnce(ctx, {
        kind: 'instance',
        id,
        region: cfg.drRegion,
        role: 'restore',
        rds: dr,
        call: async () =>
          (
            await dr.send(
              new RestoreDBInstanceFromDBSnapshotCommand({
                DBInstanceIdentifier: id,
                DBSnapshotIdentifier: snap.id,
                ...parityParams(p),
                MultiAZ: false,
                DeletionProtection: false,
                CopyTagsToSnapshot: false,
                Tags: ctx.tags,
              }),
            )
          ).DBInstance?.DBInstanceArn,
      });
      leg.mark('api-accepted', ctx.deps.now());
      enter(ctx, 'waiting-for-recovery');
      const ep = await recoverLeg(ctx, leg, {
        what: `instance ${id}`,
        describe: observeInstance(dr, id),
        gate: 'endpoint',
        pollMs: cfg.pollIntervalMs,
      });
      ctx.result.endpoint = ep;
      enter(ctx, 'recovered');
      await ctx.onRecovered(ep);
    },
  };
}
