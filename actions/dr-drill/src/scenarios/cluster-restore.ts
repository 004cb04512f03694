import {
  CreateDBInstanceCommand,
  RestoreDBClusterFromSnapshotCommand,
  RestoreDBClusterToPointInTimeCommand,
  type DBCluster,
} from '@aws-sdk/client-rds';
import { ConfigurationError } from '@oaktree/action-kit';
import { describeCluster, describeInstance, mustDescribeCluster } from '../aws.js';
import { enter, recoverLeg, waitFor, type EngineDeps } from '../engine.js';
import { type Endpoint } from '../health.js';
import type { DrillConfig } from '../inputs.js';
import { createOnce } from '../once.js';
import { type SnapshotInfo } from '../snapshots.js';
import { resourceId } from '../tags.js';
import { Timeline, noBound, restorePointRpo, snapshotAgeRpo } from '../timeline.js';

import { noteParity, observeInstance, parity } from './shared.js';
import type { Plan } from '../scenarios.js';

// ---------------------------------------------------------------- cluster restore (pitr or snapshot)

export async function clusterRestorePlan(
  cfg: DrillConfig,
  deps: EngineDeps,
  c: DBCluster | undefined,
  snap: SnapshotInfo | undefined,
): Promise<Plan> {
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
  const clusterPort = c?.Port;
  return {
    summary: snap
      ? `restore cluster snapshot ${snap.id} (${snap.takenAt?.toISOString()}) as a new cluster in ${cfg.drRegion}`
      : `restore cluster ${cfg.source.id} to its latest restorable time as a new cluster in ${cfg.drRegion}`,
    sourceEndpoint: c?.Endpoint ? { host: c.Endpoint, port: c.Port ?? 5432 } : undefined,
    async run(ctx) {
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
      const clusterEndpoint = async (): Promise<Endpoint | undefined> => {
        const cl = await describeCluster(dr, clusterId);
        return cl?.Endpoint ? { host: cl.Endpoint, port: cl.Port ?? clusterPort ?? 5432 } : undefined;
      };
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
      enter(ctx, 'waiting-for-recovery');
      const ep = await recoverLeg(ctx, leg, {
        what: aurora ? `writer ${writerId}` : `cluster ${clusterId}`,
        describe: async () => {
          const endpoint = await clusterEndpoint();
          if (!aurora) return { status: 'available', endpoint, ready: true };
          const o = await observeInstance(dr, writerId)();
          return { ...o, endpoint };
        },
        gate: 'ready',
        pollMs: cfg.pollIntervalMs,
      });
      ctx.result.endpoint = ep;
      enter(ctx, 'recovered');
      await ctx.onRecovered(ep);
    },
  };
}
