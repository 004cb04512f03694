import { errorMessage } from '@oaktree/action-kit';
import { retryTransient } from '@oaktree/aws';
import type { DrillContext } from './engine.js';
import type { RpoFigure } from './timeline.js';

/** How far back CloudWatch is asked about the lag before the move (RDS publishes once a minute). */
export const LAG_WINDOW_MS = 5 * 60_000;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * RPO 0 by design: synchronous storage (Aurora, Multi-AZ) or a switchover that waits for the
 * secondary. Reported as a claim with its basis; a heartbeat, when set, is what confirms it.
 */
export function synchronousRpo(basis: string): RpoFigure {
  return { ms: 0, method: 'synchronous', upperBound: false, basis, detail: `0 by design: ${basis}` };
}

/** The replica's CloudWatch ReplicaLag (seconds) before promotion: an upper bound of what it lacked. */
export function replicaLagRpo(
  maxLagSeconds: number | undefined,
  replicaId: string,
  from: number,
  to: number,
): RpoFigure {
  const window = `${iso(from)} to ${iso(to)}`;
  if (maxLagSeconds === undefined)
    return {
      method: 'unknown',
      upperBound: false,
      detail: `CloudWatch has no ReplicaLag datapoint for ${replicaId} from ${window}`,
    };
  const ms = Math.max(0, Math.round(maxLagSeconds * 1000));
  return {
    ms,
    method: 'replica-lag',
    upperBound: true,
    detail: `maximum CloudWatch ReplicaLag of ${replicaId} from ${window}`,
    pointAt: to - ms,
  };
}

/** A PostgreSQL WAL position ("16/B374D848") as a number. */
export function parseLsn(lsn: string): bigint | undefined {
  const m = /^([0-9A-F]{1,8})\/([0-9A-F]{1,8})$/i.exec(lsn.trim());
  return m ? (BigInt(`0x${m[1]}`) << 32n) + BigInt(`0x${m[2]}`) : undefined;
}

/** What a PostgreSQL replica and its source said just before promotion. */
export interface ReplayReading {
  /** pg_current_wal_lsn() on the source, read first. */
  sourceLsn?: string;
  /** pg_last_wal_replay_lsn() on the replica, read after. */
  replayLsn?: string;
  /** now() - pg_last_xact_replay_timestamp() on the replica, ms (undefined when nothing was replayed). */
  sinceLastReplayMs?: number;
  /** When the replica was read (epoch ms). */
  at: number;
}

/**
 * The replay lag, judged against the source's WAL position: a replica that has replayed everything
 * the source had written when asked holds all of it, however old its last replayed transaction is
 * (an idle source writes nothing, so `now() - pg_last_xact_replay_timestamp()` keeps growing).
 */
export function replayLagRpo(r: ReplayReading, replicaId: string): RpoFigure {
  const src = r.sourceLsn ? parseLsn(r.sourceLsn) : undefined;
  const replay = r.replayLsn ? parseLsn(r.replayLsn) : undefined;
  if (src === undefined || replay === undefined)
    return {
      method: 'unknown',
      upperBound: false,
      detail: `PostgreSQL gave no WAL positions for ${replicaId} and its source (is it a replica?)`,
    };
  if (replay >= src)
    return {
      ms: 0,
      method: 'replay-lag',
      upperBound: true,
      detail: `${replicaId} had replayed the source's WAL up to ${r.sourceLsn} (caught up)`,
      pointAt: r.at,
    };
  if (r.sinceLastReplayMs === undefined)
    return {
      method: 'unknown',
      upperBound: false,
      detail: `${replicaId} is behind the source's WAL (${r.replayLsn} < ${r.sourceLsn}) and has replayed no transaction yet`,
    };
  const ms = Math.max(0, Math.round(r.sinceLastReplayMs));
  return {
    ms,
    method: 'replay-lag',
    upperBound: true,
    detail: `${replicaId} was behind the source's WAL (${r.replayLsn} < ${r.sourceLsn}); last replayed transaction ${ms / 1000}s old`,
    pointAt: r.at - ms,
  };
}

/** Two upper bounds of the same loss: the larger holds for sure; both are named. */
export function worstOf(figures: RpoFigure[]): RpoFigure {
  const known = figures.filter((f) => f.ms !== undefined);
  if (!known.length)
    return {
      method: 'unknown',
      upperBound: false,
      detail: figures.map((f) => f.detail).join('; ') || 'nothing measured',
    };
  const worst = known.reduce((a, b) => (b.ms! > a.ms! ? b : a));
  const others = figures.filter((f) => f !== worst).map((f) => f.detail);
  return { ...worst, detail: [worst.detail, ...others.map((o) => `also: ${o}`)].join('; ') };
}

/** The CloudWatch maximum of a metric in the window before `to`; a failing call is a note, not an error. */
export async function lagBefore(
  ctx: DrillContext,
  q: { region: string; metric: string; dimension: { name: string; value: string }; to: number },
): Promise<{ max?: number; error?: string; from: number }> {
  const from = q.to - LAG_WINDOW_MS;
  const { deps } = ctx;
  try {
    // Throttling and 5xx are retried for up to a minute: a drill that recovered is not failed by them lightly.
    const r = await retryTransient(() => deps.metrics.max({ ...q, namespace: 'AWS/RDS', from, to: q.to }), {
      what: `GetMetricData ${q.metric}`,
      maxElapsedMs: 60_000,
      signal: deps.signal,
      now: deps.now,
      sleep: deps.sleep,
      onRetry: (e) => deps.log.info(`  GetMetricData ${q.metric}: ${errorMessage(e.error)}; retrying`),
    });
    return { max: r.max, from };
  } catch (err) {
    const error = `GetMetricData ${q.metric} for ${q.dimension.value} failed: ${errorMessage(err)}`;
    deps.log.warning(error);
    return { error, from };
  }
}

/**
 * The heartbeat is the measurement; with a synchronous scenario it confirms (or refutes) the claim
 * "0 by design", and the report keeps the basis and the unplanned-failover figure beside it.
 */
export function confirmSynchronous(measured: RpoFigure, bound: RpoFigure): RpoFigure {
  if (bound.method !== 'synchronous' || measured.method !== 'heartbeat') return measured;
  const verdict =
    measured.ms === 0
      ? 'confirms RPO 0 by design'
      : measured.ms === undefined
        ? 'could not confirm RPO 0 by design'
        : 'REFUTES RPO 0 by design';
  return {
    ...measured,
    basis: bound.basis,
    unplannedLossMs: bound.unplannedLossMs,
    detail: `${measured.detail}; the heartbeat ${verdict} (${bound.basis})`,
  };
}
