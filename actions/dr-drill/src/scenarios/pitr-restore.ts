import {
  DescribeDBInstanceAutomatedBackupsCommand,
  RestoreDBInstanceToPointInTimeCommand,
  type DBInstanceAutomatedBackup,
} from '@aws-sdk/client-rds';
import { ConfigurationError } from '@oaktree/action-kit';
import { describeInstance, endpointOf, type Rds } from '../aws.js';
import type { DrillContext } from '../engine.js';
import { noBound, restorePointRpo } from '../timeline.js';

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

/** An instance restored to its latest restorable time, from replicated backups across regions. */
interface InstancePitr {
  restore: 'instance';
  src: Rds;
  dr: Rds;
  backup?: DBInstanceAutomatedBackup;
  parity: Parity;
}

/** pitr-restore: a new instance or cluster at the source's latest restorable time. */
export const pitrRestore: Scenario<InstancePitr | ClusterRestore> = {
  name: 'pitr-restore',
  sources: ['instance', 'cluster'],

  async preflight(cfg, deps) {
    const src = deps.rds(cfg.sourceRegion);
    const dr = deps.rds(cfg.drRegion);
    if (cfg.source.kind === 'cluster') {
      const c = await loadSourceCluster(cfg, src);
      if (!c.BackupRetentionPeriod)
        throw new ConfigurationError(
          `input "source-db-cluster" is "${cfg.source.id}": it has no automated backups (backup retention 0), so it has no restorable time`,
          'source-db-cluster',
        );
      return checkClusterRestore(cfg, deps, c, undefined);
    }
    const i = await loadSourceInstance(cfg, src);
    if (!i.BackupRetentionPeriod)
      throw new ConfigurationError(
        `input "source-db-instance" is "${cfg.source.id}": automated backups are off (backup retention 0), so point-in-time restore is impossible`,
        'source-db-instance',
      );
    let backup: DBInstanceAutomatedBackup | undefined;
    if (cfg.drRegion !== cfg.sourceRegion) {
      backup = pickReplicatedBackup(
        await listAutomatedBackups(dr),
        i.DBInstanceArn ?? '',
        cfg.source.id,
        cfg.sourceRegion,
      );
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
      found: { restore: 'instance', src, dr, backup, parity: p },
    };
  },

  recover: (ctx, found) =>
    found.restore === 'cluster' ? recoverCluster(ctx, found) : recoverInstance(ctx, found),
};

async function recoverInstance(ctx: DrillContext, { src, dr, backup, parity: p }: InstancePitr) {
  const { cfg } = ctx;
  noteParity(ctx, p);
  // The restore point, read just before the restore (it moves forward all the time).
  let restorePoint: Date | undefined;
  if (backup) {
    restorePoint = backup.RestoreWindow?.LatestTime ? new Date(backup.RestoreWindow.LatestTime) : undefined;
  } else {
    const fresh = await describeInstance(src, cfg.source.id);
    restorePoint = fresh?.LatestRestorableTime ? new Date(fresh.LatestRestorableTime) : undefined;
  }
  await restoreInstance(ctx, {
    dr,
    rpo: (t0) =>
      restorePoint
        ? restorePointRpo(restorePoint.getTime(), t0)
        : noBound(
            backup
              ? `RDS reported no restore window for the replicated backups of ${cfg.source.id}`
              : `RDS reported no latest restorable time for ${cfg.source.id}`,
          ),
    restore: async (id) =>
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
}

async function listAutomatedBackups(dr: Rds): Promise<DBInstanceAutomatedBackup[]> {
  const all: DBInstanceAutomatedBackup[] = [];
  let Marker: string | undefined;
  do {
    const r = await dr.send(new DescribeDBInstanceAutomatedBackupsCommand({ Marker, MaxRecords: 100 }));
    all.push(...(r.DBInstanceAutomatedBackups ?? []));
    Marker = r.Marker;
  } while (Marker);
  return all;
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
