import {
  CreateDBInstanceReadReplicaCommand,
  PromoteReadReplicaCommand,
  type DBInstance,
} from '@aws-sdk/client-rds';
import { ConfigurationError } from '@oaktree/action-kit';
import { endpointOf, mustDescribeInstance, type Rds } from '../aws.js';
import { enter, fastPollMs, waitFor, type DrillContext } from '../engine.js';
import { probeError, type Endpoint } from '../health.js';
import { createOnce, isInvalidState, moveOnce } from '../once.js';
import { fillEndpoint, isMysql } from '../probes.js';
import { lagBefore, replayLagRpo, replicaLagRpo, worstOf } from '../rpo.js';
import { resourceId } from '../tags.js';
import { Timeline, type RpoFigure } from '../timeline.js';

import type { Scenario } from './scenario.js';
import {
  instanceParitySource,
  loadSourceInstance,
  noteParity,
  observeInstance,
  parity,
  parityParams,
  waitUntilRecovered,
  type Parity,
} from './shared.js';

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

interface Replica {
  dr: Rds;
  /** The source as described: its ARN names it across regions. */
  source: DBInstance;
  cross: boolean;
  kmsKeyId?: string;
  parity: Parity;
}

/** replica-promote: a throwaway read replica, promoted once it replicates; the promotion is timed. */
export const replicaPromote: Scenario<Replica> = {
  name: 'replica-promote',
  sources: ['instance'],
  placesMarker: true,

  async preflight(cfg, deps) {
    const src = deps.rds(cfg.sourceRegion);
    const dr = deps.rds(cfg.drRegion);
    const i = await loadSourceInstance(cfg, src);
    const upstream = i.ReadReplicaSourceDBInstanceIdentifier;
    if (upstream && !upstream.endsWith(`:${cfg.source.id}`))
      // A replica as the source would chain replicas; RDS allows it only for some engines.
      throw new ConfigurationError(
        `input "source-db-instance" is "${cfg.source.id}": it is itself a read replica of ${upstream}; name the primary`,
        'source-db-instance',
      );
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
      found: { dr, source: i, cross, kmsKeyId, parity: p },
    };
  },

  async recover(ctx, { dr, source, cross, kmsKeyId, parity: p }) {
    const { cfg } = ctx;
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
              SourceDBInstanceIdentifier: cross ? source.DBInstanceArn : cfg.source.id,
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
    ctx.result.preparation.push({ name: 'replica created and replicating', ms: ctx.deps.now() - prepStart });
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
    await waitUntilRecovered(
      ctx,
      leg,
      {
        what: `promotion of ${id}`,
        describe: observeInstance(dr, id, isPromoted),
        gate: 'ready',
        pollMs: fastPollMs(cfg),
        readyPhase: 'promoted',
      },
      async () => {
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
      },
    );
  },
};

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
