import { OperationError, formatDuration } from '@oaktree/action-kit';
import { isNotFound, isTransient } from './errors.js';
import { backoffMs, errorCode, type RetryEvent } from './resilient.js';

/** One look at the thing being waited for. */
export type PollResult<T> = { done: true; value: T } | { done: false; progress?: string };

export interface PollOptions<T> {
  /** What the wait is for, used in timeout/cancel messages ("snapshot db1 to become available"). */
  what: string;
  /**
   * Called once per interval; decides whether the wait is over. A thrown transient error
   * (throttling, 5xx, reset; see `transient`) is retried with backoff until the deadline; any
   * other thrown error ends the wait.
   */
  check: (attempt: number) => Promise<PollResult<T>>;
  /** Which thrown errors are "ask again later" (default `isTransient`). */
  transient?: (err: unknown) => boolean;
  /**
   * A resource can answer "not found" for a while right after the call that created it returned:
   * for this long from the start of the wait, "not found" counts as "not visible yet" (default 0).
   */
  notFoundGraceMs?: number;
  /** Without a deadline: how long transient errors may go on before the last is thrown (10 min). */
  maxFailingMs?: number;
  /** Told of every transient error before the retry; without it, onProgress gets a line saying so. */
  onRetry?: (event: RetryEvent) => void;
  /** Fixed time between the end of one check and the start of the next. */
  intervalMs: number;
  /** Up to this much random time is added to each interval (spreads concurrent pollers). */
  jitterMs?: number;
  /** Absolute time (epoch ms) after which the wait fails with PollTimeoutError. */
  deadline?: number;
  /** Aborting ends the wait at once with PollCancelledError. */
  signal?: AbortSignal;
  /** Fires with the check's progress text whenever it changes (not on every poll). */
  onProgress?: (progress: string, elapsedMs: number) => void;
  /** Seams for tests. */
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export class PollTimeoutError extends OperationError {
  constructor(
    readonly what: string,
    readonly waitedMs: number,
    readonly lastProgress?: string,
    /** The transient error still being retried when time ran out, if any. */
    readonly lastError?: unknown,
  ) {
    super(
      `timed out after ${formatDuration(waitedMs)} waiting for ${what}` +
        (lastProgress ? ` (last seen: ${lastProgress})` : '') +
        (lastError
          ? ` (AWS was answering ${errorCode(lastError) || 'errors'}: ${String((lastError as Error)?.message ?? lastError)})`
          : ''),
    );
  }
}

export class PollCancelledError extends OperationError {
  constructor(
    readonly what: string,
    readonly reason: unknown,
  ) {
    super(`cancelled (${String(reason ?? 'aborted')}) while waiting for ${what}`);
  }
}

/** Sleep that wakes early (resolving) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Poll until `check` says done, the deadline passes or the signal aborts. Unlike the SDK waiters
 * (which back off to 120 s between polls) the interval stays fixed, so a final state is seen within
 * one interval, and progress is reported as it changes.
 */
export async function poll<T>(opts: PollOptions<T>): Promise<T> {
  const now = opts.now ?? Date.now;
  const random = opts.random ?? Math.random;
  const doSleep = opts.sleep ?? sleep;
  const transient = opts.transient ?? isTransient;
  const start = now();
  let last: string | undefined;
  let failures = 0;
  let lastError: unknown;
  let failingSince = 0;
  for (let attempt = 1; ; attempt++) {
    if (opts.signal?.aborted) throw new PollCancelledError(opts.what, opts.signal.reason);
    let wait: number;
    try {
      const result = await opts.check(attempt);
      if (result.done) return result.value;
      failures = 0;
      lastError = undefined;
      failingSince = 0;
      if (result.progress !== undefined && result.progress !== last) {
        last = result.progress;
        opts.onProgress?.(result.progress, now() - start);
      }
      wait = opts.intervalMs + Math.floor(random() * (opts.jitterMs ?? 0));
    } catch (err) {
      const notVisibleYet = isNotFound(err) && now() - start < (opts.notFoundGraceMs ?? 0);
      if (!notVisibleYet && !transient(err)) throw err;
      failures++;
      lastError = err;
      if (!failingSince) failingSince = now();
      // Without a deadline of its own, a wait stops retrying after 10 minutes of nothing but errors.
      if (opts.deadline === undefined && now() - failingSince > (opts.maxFailingMs ?? 10 * 60_000)) throw err;
      // At least the normal interval; throttling that persists backs off further, up to 30 s.
      wait = Math.max(opts.intervalMs, backoffMs(failures, { baseDelayMs: opts.intervalMs }, random));
      const event: RetryEvent = {
        what: opts.what,
        error: err,
        code: errorCode(err),
        retry: failures,
        retryInMs: wait,
        elapsedMs: now() - start,
      };
      if (opts.onRetry) opts.onRetry(event);
      else
        opts.onProgress?.(
          notVisibleYet
            ? `not visible yet (${event.code}); asking again in ${formatDuration(wait)}`
            : `AWS answered ${event.code} (transient); retrying in ${formatDuration(wait)}`,
          event.elapsedMs,
        );
    }
    if (opts.signal?.aborted) throw new PollCancelledError(opts.what, opts.signal.reason);
    if (opts.deadline !== undefined) {
      const left = opts.deadline - now();
      if (left <= 0) throw new PollTimeoutError(opts.what, now() - start, last, lastError);
      wait = Math.min(wait, left);
    }
    await doSleep(wait, opts.signal);
  }
}
