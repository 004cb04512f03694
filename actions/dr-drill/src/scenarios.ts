import {
  CreateDBInstanceCommand,
  CreateDBInstanceReadReplicaCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBParameterGroupsCommand,
  DescribeDBSubnetGroupsCommand,
  FailoverDBClusterCommand,
  PromoteReadReplicaCommand,
  RestoreDBClusterFromSnapshotCommand,
  RestoreDBClusterToPointInTimeCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
  RestoreDBInstanceToPointInTimeCommand,
  type DBCluster,
  type DBInstance,
  type DBInstanceAutomatedBackup,
} from '@aws-sdk/client-rds';
import { ConfigurationError } from '@oaktree/action-kit';
import { isNotFound } from '@oaktree/aws';
import {
  describeCluster,
  describeInstance,
  endpointOf,
  mustDescribeCluster,
  mustDescribeInstance,
  type Rds,
} from './aws.js';
import {
  enter,
  fastPollMs,
  recoverLeg,
  waitFor,
  type DrillContext,
  type EngineDeps,
  type Observation,
} from './engine.js';
import { probeError, type Endpoint } from './health.js';
import type { DrillConfig } from './inputs.js';
import { createOnce, isInvalidState, moveOnce } from './once.js';
import { fillEndpoint, isMysql } from './probes.js';
import { lagBefore, replayLagRpo, replicaLagRpo, synchronousRpo, worstOf } from './rpo.js';
import { findSnapshot, type SnapshotInfo } from './snapshots.js';
import { switchoverPlan } from './switchover.js';
import { resourceId } from './tags.js';
import { Timeline, noBound, restorePointRpo, snapshotAgeRpo, type RpoFigure } from './timeline.js';

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

async function loadSourceInstance(cfg: DrillConfig, rds: Rds): Promise<DBInstance> {
  const i = await describeInstance(rds, cfg.source.id);
  if (!i)
    throw new ConfigurationError(
      `input "source-db-instance" is "${cfg.source.id}": no such DB instance in ${cfg.sourceRegion} (check source-region)`,
      'source-db-instance',
    );
  if (i.DBClusterIdentifier)
    throw new ConfigurationError(
      `input "source-db-instance" is "${cfg.source.id}": it belongs to cluster ${i.DBClusterIdentifier}; set source-db-cluster instead`,
      'source-db-instance',
    );
  if (
    i.ReadReplicaSourceDBInstanceIdentifier &&
    cfg.scenario === 'replica-promote' &&
    !i.ReadReplicaSourceDBInstanceIdentifier.endsWith(`:${cfg.source.id}`)
  ) {
    // A replica as the source of replica-promote would chain replicas; RDS allows it only for some engines.
    throw new ConfigurationError(
      `input "source-db-instance" is "${cfg.source.id}": it is itself a read replica of ${i.ReadReplicaSourceDBInstanceIdentifier}; name the primary`,
      'source-db-instance',
    );
  }
  return i;
}

async function loadSourceCluster(cfg: DrillConfig, rds: Rds): Promise<DBCluster> {
  const c = await describeCluster(rds, cfg.source.id);
  if (!c)
    throw new ConfigurationError(
      `input "source-db-cluster" is "${cfg.source.id}": no such DB cluster in ${cfg.sourceRegion} (check source-region)`,
      'source-db-cluster',
    );
  return c;
}

interface Parity {
  DBInstanceClass?: string;
  DBSubnetGroupName?: string;
  VpcSecurityGroupIds?: string[];
  DBParameterGroupName?: string;
  notes: string[];
}

async function subnetGroupExists(rds: Rds, name: string): Promise<boolean> {
  try {
    await rds.send(new DescribeDBSubnetGroupsCommand({ DBSubnetGroupName: name }));
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

async function parameterGroupExists(rds: Rds, name: string): Promise<boolean> {
  try {
    await rds.send(new DescribeDBParameterGroupsCommand({ DBParameterGroupName: name }));
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/**
 * Configuration parity: the recovered database gets the source's class, subnet group, security groups
 * and parameter group unless inputs say otherwise. Across regions only what exists there by the same
 * name can be reused; explicit inputs are checked to exist before anything is created.
 */
export async function parity(
  cfg: DrillConfig,
  dr: Rds,
  src: { instanceClass?: string; subnetGroup?: string; securityGroups: string[]; parameterGroup?: string },
): Promise<Parity> {
  const same = cfg.sourceRegion === cfg.drRegion;
  const notes: string[] = [];
  const p: Parity = { notes, DBInstanceClass: cfg.instanceClass ?? src.instanceClass };
  if (cfg.dbSubnetGroup) {
    if (!(await subnetGroupExists(dr, cfg.dbSubnetGroup)))
      throw new ConfigurationError(
        `input "db-subnet-group" is "${cfg.dbSubnetGroup}": no such DB subnet group in ${cfg.drRegion}`,
        'db-subnet-group',
      );
    p.DBSubnetGroupName = cfg.dbSubnetGroup;
  } else if (src.subnetGroup && src.subnetGroup !== 'default') {
    if (same || (await subnetGroupExists(dr, src.subnetGroup))) p.DBSubnetGroupName = src.subnetGroup;
    else
      notes.push(
        `subnet group ${src.subnetGroup} does not exist in ${cfg.drRegion}; the default VPC is used (set db-subnet-group)`,
      );
  }
  if (cfg.vpcSecurityGroupIds.length) p.VpcSecurityGroupIds = cfg.vpcSecurityGroupIds;
  else if (same && src.securityGroups.length) p.VpcSecurityGroupIds = src.securityGroups;
  else if (!same && src.securityGroups.length)
    notes.push(
      `security groups are regional; the default group of the subnet group's VPC is used in ${cfg.drRegion} (set vpc-security-group-ids)`,
    );
  if (cfg.dbParameterGroup) {
    if (!(await parameterGroupExists(dr, cfg.dbParameterGroup)))
      throw new ConfigurationError(
        `input "db-parameter-group" is "${cfg.dbParameterGroup}": no such DB parameter group in ${cfg.drRegion}`,
        'db-parameter-group',
      );
    p.DBParameterGroupName = cfg.dbParameterGroup;
  } else if (src.parameterGroup && !src.parameterGroup.startsWith('default.')) {
    if (same || (await parameterGroupExists(dr, src.parameterGroup)))
      p.DBParameterGroupName = src.parameterGroup;
    else
      notes.push(
        `parameter group ${src.parameterGroup} does not exist in ${cfg.drRegion}; the engine default is used (set db-parameter-group)`,
      );
  }
  return p;
}

function instanceParitySource(i: DBInstance) {
  return {
    instanceClass: i.DBInstanceClass,
    subnetGroup: i.DBSubnetGroup?.DBSubnetGroupName,
    securityGroups: (i.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId!).filter(Boolean),
    parameterGroup: i.DBParameterGroups?.[0]?.DBParameterGroupName,
  };
}

function parityParams(p: Parity) {
  const { notes: _notes, ...rest } = p;
  void _notes;
  return Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
}

/** Observe a DB instance for recoverLeg. */
function observeInstance(
  rds: Rds,
  id: string,
  ready: (i: DBInstance) => boolean = (i) => i.DBInstanceStatus === 'available',
) {
  return async (): Promise<Observation> => {
    // "Not found" is thrown: the wait counts it as "not visible yet" within its grace only.
    const i = await mustDescribeInstance(rds, id);
    return { status: i.DBInstanceStatus ?? 'unknown', endpoint: endpointOf(i), ready: ready(i) };
  };
}

function noteParity(ctx: DrillContext, p: Parity): void {
  for (const n of p.notes) {
    ctx.deps.log.warning(n);
    ctx.result.notes.push(n);
  }
}

// ---------------------------------------------------------------- pitr-restore

async function pitrPlan(cfg: DrillConfig, deps: EngineDeps): Promise<Plan> {
  const src = deps.rds(cfg.sourceRegion);
  const dr = deps.rds(cfg.drRegion);
  if (cfg.source.kind === 'cluster') {
    const c = await loadSourceCluster(cfg, src);
    if (!c.BackupRetentionPeriod)
      throw new ConfigurationError(
        `input "source-db-cluster" is "${cfg.source.id}": it has no automated backups (backup retention 0), so it has no restorable time`,
        'source-db-cluster',
      );
    return clusterRestorePlan(cfg, deps, c, undefined);
  }
  const i = await loadSourceInstance(cfg, src);
  if (!i.BackupRetentionPeriod)
    throw new ConfigurationError(
      `input "source-db-instance" is "${cfg.source.id}": automated backups are off (backup retention 0), so point-in-time restore is impossible`,
      'source-db-instance',
    );
  let backup: DBInstanceAutomatedBackup | undefined;
  if (cfg.drRegion !== cfg.sourceRegion) {
    const all: DBInstanceAutomatedBackup[] = [];
    let Marker: string | undefined;
    do {
      const r = await dr.send(new DescribeDBInstanceAutomatedBackupsCommand({ Marker, MaxRecords: 100 }));
      all.push(...(r.DBInstanceAutomatedBackups ?? []));
      Marker = r.Marker;
    } while (Marker);
    backup = pickReplicatedBackup(all, i.DBInstanceArn ?? '', cfg.source.id, cfg.sourceRegion);
    if (!backup)
      throw new ConfigurationError(
        `input "dr-region" is "${cfg.drRegion}": no automated backups of ${cfg.source.id} are replicated there; ` +
          `enable them with StartDBInstanceAutomatedBackupsReplication (or use snapshot-restore)`,
        'dr-region',
      );
  }
  const p = await parity(cfg, dr, instanceParitySource(i));
  return {
    summary:
      `restore ${cfg.source.id} (${cfg.sourceRegion}) to its latest restorable time as a new instance in ${cfg.drRegion}` +
      (backup ? ` from replicated automated backups ${backup.DBInstanceAutomatedBackupsArn}` : ''),
    sourceEndpoint: endpointOf(i),
    async run(ctx) {
      noteParity(ctx, p);
      const id = resourceId(ctx.drillId, 'restore');
      // The restore point, read just before the restore (it moves forward all the time).
      let restorePoint: Date | undefined;
      if (backup) {
        restorePoint = backup.RestoreWindow?.LatestTime
          ? new Date(backup.RestoreWindow.LatestTime)
          : undefined;
      } else {
        const fresh = await describeInstance(src, cfg.source.id);
        restorePoint = fresh?.LatestRestorableTime ? new Date(fresh.LatestRestorableTime) : undefined;
      }
      const leg = new Timeline('restore');
      ctx.result.legs.push(leg);
      ctx.result.recoveredRegion = cfg.drRegion;
      enter(ctx, 'restoring');
      const t0 = ctx.deps.now();
      leg.begin(t0);
      ctx.result.rpoBound = restorePoint
        ? restorePointRpo(restorePoint.getTime(), t0)
        : noBound(
            backup
              ? `RDS reported no restore window for the replicated backups of ${cfg.source.id}`
              : `RDS reported no latest restorable time for ${cfg.source.id}`,
          );
      await createOnce(ctx, {
        kind: 'instance',
        id,
        region: cfg.drRegion,
        role: 'restore',
        rds: dr,
        call: async () =>
          (
            await dr.send(
              new RestoreDBInstanceToPointInTimeCommand({
                ...(backup
                  ? { SourceDBInstanceAutomatedBackupsArn: backup.DBInstanceAutomatedBackupsArn }
                  : { SourceDBInstanceIdentifier: cfg.source.id }),
                TargetDBInstanceIdentifier: id,
                UseLatestRestorableTime: true,
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

/** The replicated automated backup of the source in the DR region, if any. */
export function pickReplicatedBackup(
  backups: DBInstanceAutomatedBackup[],
  sourceArn: string,
  sourceId: string,
  sourceRegion: string,
): DBInstanceAutomatedBackup | undefined {
  return backups
    .filter(
      (b) =>
        (b.DBInstanceArn === sourceArn ||
          (b.DBInstanceIdentifier === sourceId && b.Region === sourceRegion)) &&
        (b.Status === 'replicating' || b.Status === 'active') &&
        b.RestoreWindow?.LatestTime,
    )
    .sort(
      (a, b) =>
        new Date(b.RestoreWindow!.LatestTime!).getTime() - new Date(a.RestoreWindow!.LatestTime!).getTime(),
    )[0];
}

// ---------------------------------------------------------------- cluster restore (pitr or snapshot)

async function clusterRestorePlan(
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

// ---------------------------------------------------------------- snapshot-restore

async function snapshotPlan(cfg: DrillConfig, deps: EngineDeps): Promise<Plan> {
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

// ---------------------------------------------------------------- replica-promote

/** A replica is in sync when RDS reports read replication as replicating (moto reports nothing). */
export function isReplicating(i: DBInstance): boolean {
  if (i.DBInstanceStatus !== 'available') return false;
  const rr = (i.StatusInfos ?? []).find((s) => s.StatusType === 'read replication');
  return !rr || rr.Status === 'replicating';
}

/** Promotion is done when the instance is available and no longer reports read replication. */
export function isPromoted(i: DBInstance): boolean {
  return (
    i.DBInstanceStatus === 'available' &&
    !(i.StatusInfos ?? []).some((s) => s.StatusType === 'read replication')
  );
}

async function replicaPlan(cfg: DrillConfig, deps: EngineDeps): Promise<Plan> {
  const src = deps.rds(cfg.sourceRegion);
  const dr = deps.rds(cfg.drRegion);
  const i = await loadSourceInstance(cfg, src);
  if (i.DBInstanceStatus !== 'available')
    throw new ConfigurationError(
      `input "source-db-instance" is "${cfg.source.id}": it is ${i.DBInstanceStatus}; a read replica needs an available source`,
      'source-db-instance',
    );
  if (!i.BackupRetentionPeriod)
    throw new ConfigurationError(
      `input "source-db-instance" is "${cfg.source.id}": automated backups are off (backup retention 0); RDS needs them to create a read replica`,
      'source-db-instance',
    );
  const cross = cfg.drRegion !== cfg.sourceRegion;
  const kmsKeyId = cfg.kmsKeyId; // inputs allow it for a cross-region replica-promote only
  if (cross && i.StorageEncrypted && !kmsKeyId)
    throw new ConfigurationError(
      `input "kms-key-id" is empty but ${cfg.source.id} is encrypted: a cross-region replica needs a KMS key in ${cfg.drRegion}`,
      'kms-key-id',
    );
  const p = await parity(cfg, dr, instanceParitySource(i));
  const realReplicas = i.ReadReplicaDBInstanceIdentifiers ?? [];
  return {
    summary:
      `create a throwaway read replica of ${cfg.source.id} in ${cfg.drRegion}, wait until it replicates, promote it` +
      (realReplicas.length ? ` (the existing replicas ${realReplicas.join(', ')} are left alone)` : ''),
    sourceEndpoint: endpointOf(i),
    placesMarker: true,
    async run(ctx) {
      noteParity(ctx, p);
      const id = resourceId(ctx.drillId, 'replica');
      enter(ctx, 'creating-replica');
      const prepStart = ctx.deps.now();
      await createOnce(ctx, {
        kind: 'instance',
        id,
        region: cfg.drRegion,
        role: 'replica',
        rds: dr,
        call: async () =>
          (
            await dr.send(
              new CreateDBInstanceReadReplicaCommand({
                DBInstanceIdentifier: id,
                SourceDBInstanceIdentifier: cross ? i.DBInstanceArn : cfg.source.id,
                ...(kmsKeyId ? { KmsKeyId: kmsKeyId } : {}),
                ...parityParams(p),
                MultiAZ: false,
                DeletionProtection: false,
                Tags: ctx.tags,
              }),
            )
          ).DBInstance?.DBInstanceArn,
      });
      enter(ctx, 'waiting-for-replication');
      await waitFor(ctx, `replica ${id}`, cfg.pollIntervalMs, async () => {
        const x = await mustDescribeInstance(dr, id);
        return { done: isReplicating(x), status: `${x.DBInstanceStatus}` };
      });
      ctx.result.preparation.push({
        name: 'replica created and replicating',
        ms: ctx.deps.now() - prepStart,
      });
      // The heartbeat marker now, the replica existing: what it lacks at promotion is what is lost.
      enter(ctx, 'measuring-lag');
      await ctx.writeMarker();
      const replica = await mustDescribeInstance(dr, id);
      const replay = await readReplay(ctx, id, endpointOf(replica));
      const leg = new Timeline('promote');
      ctx.result.legs.push(leg);
      ctx.result.recoveredRegion = cfg.drRegion;
      enter(ctx, 'promoting');
      const promoteAt = ctx.deps.now();
      leg.begin(promoteAt);
      await moveOnce(ctx, {
        what: `promote replica ${id}`,
        call: () => dr.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: id })),
        conflict: isInvalidState,
        // Just before, it was an available, replicating replica: any change means the promotion started.
        reached: async () => {
          const x = await mustDescribeInstance(dr, id);
          return !x.ReadReplicaSourceDBInstanceIdentifier || !isReplicating(x);
        },
        reachedText: `${id} is being promoted`,
      });
      leg.mark('api-accepted', ctx.deps.now());
      enter(ctx, 'waiting-for-recovery');
      const ep = await recoverLeg(ctx, leg, {
        what: `promotion of ${id}`,
        describe: observeInstance(dr, id, isPromoted),
        gate: 'ready',
        pollMs: fastPollMs(cfg),
        readyPhase: 'promoted',
      });
      ctx.result.endpoint = ep;
      // The lag before the promotion, asked once it is over (not part of the RTO).
      const lag = await lagBefore(ctx, {
        region: cfg.drRegion,
        metric: 'ReplicaLag',
        dimension: { name: 'DBInstanceIdentifier', value: id },
        to: promoteAt,
      });
      const cw = replicaLagRpo(lag.max, id, lag.from, promoteAt);
      if (lag.error) cw.detail = lag.error;
      ctx.result.rpoBound = worstOf(replay ? [cw, replay] : [cw]);
      ctx.deps.log.info(`  RPO bound: ${ctx.result.rpoBound.detail}`);
      enter(ctx, 'recovered');
      await ctx.onRecovered(ep);
    },
  };
}

/**
 * PostgreSQL with a connection: the replica's replay position against the source's WAL position,
 * just before promotion. Undefined when it does not apply; a failing read is a note.
 */
async function readReplay(
  ctx: DrillContext,
  replicaId: string,
  replicaEndpoint: Endpoint | undefined,
): Promise<RpoFigure | undefined> {
  const { cfg, deps } = ctx;
  if (!cfg.sqlConnection || !ctx.sourceSqlUrl || isMysql(cfg.sqlConnection)) return undefined;
  if (/\{host\}|\{port\}/.test(cfg.sqlConnection) && !replicaEndpoint) return undefined;
  const url = fillEndpoint(cfg.sqlConnection, replicaEndpoint ?? { host: '', port: 0 });
  deps.mask(url);
  try {
    const sourceLsn = await deps.heartbeat.walPosition(ctx.sourceSqlUrl, cfg.probeTimeoutMs);
    const r = await deps.heartbeat.replayPosition(url, cfg.probeTimeoutMs);
    const f = replayLagRpo(
      { sourceLsn, replayLsn: r.lsn, sinceLastReplayMs: r.sinceLastReplayMs, at: deps.now() },
      replicaId,
    );
    deps.log.info(`  replay lag: ${f.detail}`);
    return f;
  } catch (err) {
    const detail = `reading the replay position of ${replicaId} failed: ${probeError(err, [cfg.sqlConnection, ctx.sourceSqlUrl])}`;
    deps.log.info(`  replay lag: ${detail}`);
    return { method: 'unknown', upperBound: false, detail };
  }
}

// ---------------------------------------------------------------- cluster-failover

export function writerOf(c: DBCluster | undefined): string | undefined {
  return c?.DBClusterMembers?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier;
}

async function failoverPlan(cfg: DrillConfig, deps: EngineDeps): Promise<Plan> {
  const src = deps.rds(cfg.sourceRegion);
  const c = await loadSourceCluster(cfg, src);
  const members = c.DBClusterMembers ?? [];
  if (c.Status !== 'available')
    throw new ConfigurationError(
      `input "source-db-cluster" is "${cfg.source.id}": it is ${c.Status}, not available`,
      'source-db-cluster',
    );
  if (members.length < 2 && !c.MultiAZ)
    throw new ConfigurationError(
      `input "source-db-cluster" is "${cfg.source.id}": it has ${members.length} instance(s) and is not Multi-AZ, so there is nothing to fail over to`,
      'source-db-cluster',
    );
  const oldWriter = writerOf(c);
  // A Multi-AZ DB cluster names an instance class for the cluster; Aurora does not.
  const aurora = (c.Engine ?? '').startsWith('aurora') || !c.DBClusterInstanceClass;
  return {
    summary: `fail over cluster ${cfg.source.id} (writer ${oldWriter ?? 'unknown'}) and time until the writer endpoint answers again`,
    sourceEndpoint: c.Endpoint ? { host: c.Endpoint, port: c.Port ?? 5432 } : undefined,
    async run(ctx) {
      ctx.result.rpoBound = synchronousRpo(
        aurora
          ? 'Aurora writes every commit to the cluster volume shared by all its instances, so the new writer has every committed transaction'
          : 'a Multi-AZ DB cluster commits only once a reader acknowledged the write (semi-synchronous replication)',
      );
      const leg = new Timeline('failover');
      ctx.result.legs.push(leg);
      ctx.result.recoveredRegion = cfg.sourceRegion;
      enter(ctx, 'failing-over');
      leg.begin(ctx.deps.now());
      await moveOnce(ctx, {
        what: `fail over cluster ${cfg.source.id}`,
        call: () => src.send(new FailoverDBClusterCommand({ DBClusterIdentifier: cfg.source.id })),
        conflict: isInvalidState,
        reached: async () => {
          const x = await mustDescribeCluster(src, cfg.source.id);
          return x.Status === 'failing-over' || writerOf(x) !== oldWriter;
        },
        reachedText: `cluster ${cfg.source.id} is failing over`,
      });
      leg.mark('api-accepted', ctx.deps.now());
      enter(ctx, 'waiting-for-recovery');
      const ep = await recoverLeg(ctx, leg, {
        what: `failover of ${cfg.source.id}`,
        describe: async () => {
          const x = await describeCluster(src, cfg.source.id);
          const w = writerOf(x);
          return {
            status: `${x?.Status ?? 'unknown'}, writer ${w ?? 'none'}`,
            endpoint: x?.Endpoint ? { host: x.Endpoint, port: x.Port ?? 5432 } : undefined,
            ready: x?.Status === 'available' && !!w && w !== oldWriter,
          };
        },
        gate: 'ready',
        pollMs: fastPollMs(cfg),
        readyPhase: 'writer-switched',
      });
      ctx.result.endpoint = ep;
      // A note only: a describe that keeps failing does not fail a drill that already recovered.
      const now = await describeCluster(src, cfg.source.id).catch(() => undefined);
      ctx.result.notes.push(`writer moved from ${oldWriter} to ${writerOf(now) ?? 'unknown'}`);
      enter(ctx, 'recovered');
      await ctx.onRecovered(ep);
    },
  };
}

/** Check everything that can be checked without changing anything, and return the plan. */
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
