import {
  CreateDBInstanceCommand,
  RestoreDBClusterFromSnapshotCommand,
  RestoreDBClusterToPointInTimeCommand,
  type DBCluster,
} from '@aws-sdk/client-rds';
import { ConfigurationError } from '@oaktree/action-kit';
import {
  clusterEndpointOf,
  describeCluster,
  describeInstance,
  mustDescribeCluster,
  type Rds,
} from '../aws.js';
import { enter, waitFor, type DrillContext, type EngineDeps } from '../engine.js';
import type { DrillConfig } from '../inputs.js';
import { createOnce } from '../once.js';
import { type SnapshotInfo } from '../snapshots.js';
import { resourceId } from '../tags.js';
import { Timeline, noBound, restorePointRpo, snapshotAgeRpo } from '../timeline.js';

import type { Checked } from './scenario.js';
import { noteParity, observeInstance, parity, waitUntilRecovered, type Parity } from './shared.js';

/**
 * A cluster restored as a new cluster (pitr-restore and snapshot-restore of a cluster): from `snap`,
 * or to the latest restorable time without one. Aurora gets a writer instance; a Multi-AZ DB cluster
 * brings its own instances.
 */
export interface ClusterRestore {
  restore: 'cluster';
  src: Rds;
  dr: Rds;
  snap?: SnapshotInfo;
  engine: string;
  aurora: boolean;
  writerClass: string;
  /** The source's port, for a restored cluster that reports none. */
  clusterPort?: number;
  parity: Parity;
}

export async function checkClusterRestore(
  cfg: DrillConfig,
  deps: EngineDeps,
  c: DBCluster | undefined,
  snap: SnapshotInfo | undefined,
): Promise<Checked<ClusterRestore>> {
  const src = deps.rds(cfg.sourceRegion);
  const dr = deps.rds(cfg.drRegion);
  const engine = c?.Engine ?? snap?.engine ?? 'aurora-postgresql';
  const aurora = engine.startsWith('aurora');
  let writerClass = cfg.instanceClass;
  if (!writerClass && c) {
    const writer = c.DBClusterMembers?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier;
    writerClass = writer ? (await describeInstance(src, writer))?.DBInstanceClass : undefined;
    if (!aurora) writerClass = c.DBClusterInstanceClass;
  }
  if (!writerClass)
    throw new ConfigurationError(
      `input "instance-class" is empty and the class of ${cfg.source.id}'s writer is unknown: set instance-class`,
      'instance-class',
    );
  const p = await parity(cfg, dr, {
    subnetGroup: c?.DBSubnetGroup,
    securityGroups: (c?.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId!).filter(Boolean),
  });
  return {
    summary: snap
      ? `restore cluster snapshot ${snap.id} (${snap.takenAt?.toISOString()}) as a new cluster in ${cfg.drRegion}`
      : `restore cluster ${cfg.source.id} to its latest restorable time as a new cluster in ${cfg.drRegion}`,
    sourceEndpoint: clusterEndpointOf(c),
    found: {
      restore: 'cluster',
      src,
      dr,
      snap,
      engine,
      aurora,
      writerClass,
      clusterPort: c?.Port,
      parity: p,
    },
  };
}

export async function recoverCluster(ctx: DrillContext, found: ClusterRestore): Promise<void> {
  const { cfg } = ctx;
  const { src, dr, snap, engine, aurora, writerClass, parity: p } = found;
  noteParity(ctx, p);
  const clusterId = resourceId(ctx.drillId, 'cluster');
  const writerId = resourceId(ctx.drillId, 'writer');
  const leg = new Timeline('restore');
  ctx.result.legs.push(leg);
  ctx.result.recoveredRegion = cfg.drRegion;
  const common = {
    DBClusterIdentifier: clusterId,
    ...(p.DBSubnetGroupName ? { DBSubnetGroupName: p.DBSubnetGroupName } : {}),
    ...(p.VpcSecurityGroupIds ? { VpcSecurityGroupIds: p.VpcSecurityGroupIds } : {}),
    ...(aurora ? {} : { DBClusterInstanceClass: writerClass }),
    DeletionProtection: false,
    Tags: ctx.tags,
  };
  let restorePoint: Date | undefined;
  if (!snap) {
    // The restore point, read just before the restore (it moves forward all the time).
    const fresh = await describeCluster(src, cfg.source.id);
    restorePoint = fresh?.LatestRestorableTime ? new Date(fresh.LatestRestorableTime) : undefined;
  }
  enter(ctx, 'restoring-cluster');
  const t0 = ctx.deps.now();
  leg.begin(t0);
  if (snap?.takenAt) ctx.result.rpoBound = snapshotAgeRpo(snap.takenAt.getTime(), t0, snap.id);
  else if (restorePoint) ctx.result.rpoBound = restorePointRpo(restorePoint.getTime(), t0);
  else
    ctx.result.rpoBound = noBound(
      snap
        ? `RDS reported no creation time for snapshot ${snap.id}`
        : `RDS reported no latest restorable time for ${cfg.source.id}`,
    );
  await createOnce(ctx, {
    kind: 'cluster',
    id: clusterId,
    region: cfg.drRegion,
    role: 'cluster',
    rds: dr,
    call: async () =>
      (snap
        ? await dr.send(
            new RestoreDBClusterFromSnapshotCommand({
              ...common,
              SnapshotIdentifier: snap.id,
              Engine: engine,
            }),
          )
        : await dr.send(
            new RestoreDBClusterToPointInTimeCommand({
              ...common,
              SourceDBClusterIdentifier: cfg.source.id,
              UseLatestRestorableTime: true,
            }),
          )
      ).DBCluster?.DBClusterArn,
  });
  leg.mark('api-accepted', ctx.deps.now());
  enter(ctx, 'waiting-for-cluster');
  await waitFor(ctx, `cluster ${clusterId}`, cfg.pollIntervalMs, async () => {
    const cl = await mustDescribeCluster(dr, clusterId);
    return { done: cl.Status === 'available', status: cl.Status ?? 'unknown' };
  });
  leg.mark('cluster-available', ctx.deps.now(), cfg.pollIntervalMs);
  if (aurora) {
    enter(ctx, 'creating-writer');
    await createOnce(ctx, {
      kind: 'instance',
      id: writerId,
      region: cfg.drRegion,
      role: 'writer',
      clusterId,
      rds: dr,
      call: async () =>
        (
          await dr.send(
            new CreateDBInstanceCommand({
              DBInstanceIdentifier: writerId,
              DBClusterIdentifier: clusterId,
              Engine: engine,
              DBInstanceClass: writerClass,
              ...(p.DBParameterGroupName ? { DBParameterGroupName: p.DBParameterGroupName } : {}),
              Tags: ctx.tags,
            }),
          )
        ).DBInstance?.DBInstanceArn,
    });
  }
  await waitUntilRecovered(ctx, leg, {
    what: aurora ? `writer ${writerId}` : `cluster ${clusterId}`,
    describe: async () => {
      const endpoint = clusterEndpointOf(await describeCluster(dr, clusterId), found.clusterPort ?? 5432);
      if (!aurora) return { status: 'available', endpoint, ready: true };
      const o = await observeInstance(dr, writerId)();
      return { ...o, endpoint };
    },
    gate: 'ready',
    pollMs: cfg.pollIntervalMs,
  });
}
