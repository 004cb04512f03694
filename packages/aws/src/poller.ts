import { OperationError, formatDuration } from '@oaktree/action-kit';

/** One look at the thing being waited for. */
export type PollResult<T> = { done: true; value: T } | { done: false; progress?: string };

export interface PollOptions<T> {
  /** What the wait is for, used in timeout/cancel messages ("snapshot db1 to become available"). */
  what: string;
  /** Called once per interval; decides whether the wait is over. Thrown errors end the wait. */
  check: (attempt: number) => Promise<PollResult<T>>;
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
  ) {
    super(
      `timed out after ${formatDuration(waitedMs)} waiting for ${what}` +
        (lastProgress ? ` (last seen: ${lastProgress})` : ''),
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
  const start = now();
  let last: string | undefined;
  for (let attempt = 1; ; attempt++) {
    if (opts.signal?.aborted) throw new PollCancelledError(opts.what, opts.signal.reason);
    const result = await opts.check(attempt);
    if (result.done) return result.value;
    if (result.progress !== undefined && result.progress !== last) {
      last = result.progress;
      opts.onProgress?.(result.progress, now() - start);
    }
    if (opts.signal?.aborted) throw new PollCancelledError(opts.what, opts.signal.reason);
    let wait = opts.intervalMs + Math.floor(random() * (opts.jitterMs ?? 0));
    if (opts.deadline !== undefined) {
      const left = opts.deadline - now();
      if (left <= 0) throw new PollTimeoutError(opts.what, now() - start, last);
      wait = Math.min(wait, left);
    }
    await doSleep(wait, opts.signal);
  }
}
