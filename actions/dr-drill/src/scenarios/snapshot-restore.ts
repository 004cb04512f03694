import { RestoreDBInstanceFromDBSnapshotCommand } from '@aws-sdk/client-rds';
import { endpointOf, type Rds } from '../aws.js';
import type { DrillContext } from '../engine.js';
import { findSnapshot, type SnapshotInfo } from '../snapshots.js';
import { noBound, snapshotAgeRpo } from '../timeline.js';

import { checkClusterRestore, recoverCluster, type ClusterRestore } from './cluster-restore.js';
import type { Scenario } from './scenario.js';
import {
  instanceParitySource,
  loadSourceCluster,
  loadSourceInstance,
  noteParity,
  parity,
  parityParams,
  restoreInstance,
  type Parity,
} from './shared.js';

/** The newest (or the named) snapshot of an instance, restored as a new instance. */
interface InstanceSnapshot {
  restore: 'instance';
  dr: Rds;
  snap: SnapshotInfo;
  parity: Parity;
}

/** snapshot-restore: a new instance or cluster from the source's newest snapshot in the DR region. */
export const snapshotRestore: Scenario<InstanceSnapshot | ClusterRestore> = {
  name: 'snapshot-restore',
  sources: ['instance', 'cluster'],

  async preflight(cfg, deps) {
    const src = deps.rds(cfg.sourceRegion);
    const dr = deps.rds(cfg.drRegion);
    const wanted = (kind: 'instance' | 'cluster') => ({
      kind,
      sourceId: cfg.source.id,
      sourceRegion: cfg.sourceRegion,
      drRegion: cfg.drRegion,
      explicit: cfg.snapshotIdentifier,
    });
    if (cfg.source.kind === 'cluster') {
      const c = await loadSourceCluster(cfg, src);
      return checkClusterRestore(cfg, deps, c, await findSnapshot(dr, wanted('cluster')));
    }
    const i = await loadSourceInstance(cfg, src);
    const snap = await findSnapshot(dr, wanted('instance'));
    const p = await parity(cfg, dr, instanceParitySource(i));
    return {
      summary: `restore snapshot ${snap.id} of ${cfg.source.id} (taken ${snap.takenAt?.toISOString()}) as a new instance in ${cfg.drRegion}`,
      sourceEndpoint: endpointOf(i),
      found: { restore: 'instance', dr, snap, parity: p },
    };
  },

  recover: (ctx, found) =>
    found.restore === 'cluster' ? recoverCluster(ctx, found) : recoverInstance(ctx, found),
};

async function recoverInstance(ctx: DrillContext, { dr, snap, parity: p }: InstanceSnapshot) {
  noteParity(ctx, p);
  ctx.result.notes.push(`snapshot ${snap.arn || snap.id}`);
  await restoreInstance(ctx, {
    dr,
    rpo: (t0) =>
      snap.takenAt
        ? snapshotAgeRpo(snap.takenAt.getTime(), t0, snap.id)
        : noBound(`RDS reported no creation time for snapshot ${snap.id}`),
    restore: async (id) =>
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
}
