import {
  DescribeDBInstanceAutomatedBackupsCommand,
  RestoreDBInstanceToPointInTimeCommand,
  type DBInstanceAutomatedBackup,
} from '@aws-sdk/client-rds';
import { ConfigurationError } from '@oaktree/action-kit';
import { describeInstance, endpointOf } from '../aws.js';
import { enter, recoverLeg, type EngineDeps } from '../engine.js';
import type { DrillConfig } from '../inputs.js';
import { createOnce } from '../once.js';
import { resourceId } from '../tags.js';
import { Timeline, noBound, restorePointRpo } from '../timeline.js';

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

// ---------------------------------------------------------------- pitr-restore

export async function pitrPlan(cfg: DrillConfig, deps: EngineDeps): Promise<Plan> {
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
