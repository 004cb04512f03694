import { OperationError, formatDuration, log } from '@oaktree/action-kit';
import { isNotFound, poll } from '@oaktree/aws';
import type { CallContext } from './calls.js';
import { getSnapshot, type Rds, type Snapshot } from './rds.js';

/**
 * A snapshot or copy can answer "not found" for a while right after the call that made it returned.
 * For this long from the start of its wait that counts as "not visible yet"; after it, as gone.
 */
export const NOT_VISIBLE_GRACE_MS = 2 * 60_000;

/** Statuses a snapshot never comes back from. */
export const DEAD = new Set([
  'failed',
  'deleting',
  'deleted',
  'error',
  'incompatible-restore',
  'incompatible-parameters',
]);

export interface WaitOptions extends CallContext {
  /** Log prefix (the database). */
  label: string;
  /** ` in us-west-2` for a copy, '' in the source region. */
  where: string;
  intervalMs: number;
  jitterMs: number;
}

/**
 * Poll until the snapshot is available, with a progress line per change. Throttling, 5xx and resets
 * are retried with backoff until the run's deadline (a line says so); "not found" is "not visible
 * yet" for NOT_VISIBLE_GRACE_MS, then the snapshot has disappeared.
 */
export async function waitAvailable(rds: Rds, snap: Snapshot, opts: WaitOptions): Promise<Snapshot> {
  const { label, where } = opts;
  try {
    return await poll<Snapshot>({
      what: `snapshot ${snap.id}${where} to become available`,
      intervalMs: opts.intervalMs,
      jitterMs: opts.jitterMs,
      deadline: opts.deadline,
      signal: opts.signal,
      sleep: opts.sleep,
      now: opts.now,
      notFoundGraceMs: NOT_VISIBLE_GRACE_MS,
      check: async () => {
        const s = await getSnapshot(rds, snap.kind, snap.id);
        if (s.status === 'available') return { done: true, value: s };
        if (DEAD.has(s.status)) throw new OperationError(`snapshot ${snap.id}${where} is ${s.status}`);
        return { done: false, progress: `${s.status}${s.percent !== undefined ? ` ${s.percent}%` : ''}` };
      },
      onProgress: (progress, ms) =>
        log.info(`${label}: ${snap.id}${where}: ${progress} (${formatDuration(ms)} so far)`),
    });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    throw new OperationError(
      `snapshot ${snap.id}${where} disappeared while waiting for it: RDS answered not found ` +
        `(still not visible ${formatDuration(NOT_VISIBLE_GRACE_MS)} after it was requested, or deleted since)`,
      { cause: err },
    );
  }
}
