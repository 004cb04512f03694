import { OperationError, formatDuration } from '@oaktree/action-kit';
import { awsErrorName, isAlreadyExists, isTransient } from './errors.js';
import { PollCancelledError, sleep as defaultSleep } from './poller.js';

/** A transient error met and about to be retried. */
export interface RetryEvent {
  what: string;
  error: unknown;
  /** The error's code (`Throttling`, `InternalFailure`, `ECONNRESET`, ...). */
  code: string;
  /** 1 for the first retry. */
  retry: number;
  retryInMs: number;
  elapsedMs: number;
}

export interface RetryOptions {
  /** What is being done, for messages ("create snapshot orders-1"). */
  what: string;
  /** Absolute time (epoch ms) after which the last transient error is thrown. */
  deadline?: number;
  /** Without a deadline: give up this long after the first attempt (default 5 minutes). */
  maxElapsedMs?: number;
  signal?: AbortSignal;
  /** Told about every retry, so the step log can say why it is waiting. */
  onRetry?: (event: RetryEvent) => void;
  /** Backoff: the first pause (default 1 s), doubling per retry up to `maxDelayMs` (default 30 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Which errors are worth another attempt (default `isTransient`). */
  transient?: (err: unknown) => boolean;
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** A transient error kept coming until the deadline. */
export class TransientExhaustedError extends OperationError {
  constructor(
    readonly what: string,
    readonly lastError: unknown,
    readonly retries: number,
    readonly elapsedMs: number,
  ) {
    super(
      `${what}: AWS kept answering ${errorCode(lastError) || 'a transient error'} for ` +
        `${formatDuration(elapsedMs)} (${retries} retries): ${String((lastError as Error)?.message ?? lastError)}`,
    );
  }
}

export function errorCode(err: unknown): string {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const name = awsErrorName(err);
  if (name && name !== 'Error' && name !== 'TypeError') return name;
  if (typeof e?.code === 'string') return e.code;
  if (typeof e?.cause?.code === 'string') return e.cause.code;
  return name;
}

/** The pause before retry `n` (1-based): exponential with "equal jitter", never past the deadline. */
export function backoffMs(
  n: number,
  opts: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number,
): number {
  const cap = Math.min(opts.maxDelayMs ?? 30_000, (opts.baseDelayMs ?? 1000) * 2 ** Math.min(n - 1, 20));
  return Math.round(cap / 2 + random() * (cap / 2));
}

/**
 * Run `fn`, and while it fails with a transient error (beyond the SDK's own attempts), pause with
 * backoff and jitter and run it again, until the deadline. Non-transient errors are thrown at once.
 */
export async function retryTransient<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const now = opts.now ?? Date.now;
  const random = opts.random ?? Math.random;
  const doSleep = opts.sleep ?? defaultSleep;
  const transient = opts.transient ?? isTransient;
  const start = now();
  const deadline = opts.deadline ?? start + (opts.maxElapsedMs ?? 5 * 60_000);
  for (let attempt = 1; ; attempt++) {
    if (opts.signal?.aborted) throw new PollCancelledError(opts.what, opts.signal.reason);
    try {
      return await fn(attempt);
    } catch (err) {
      if (!transient(err)) throw err;
      const left = deadline - now();
      if (left <= 0) throw new TransientExhaustedError(opts.what, err, attempt - 1, now() - start);
      const wait = Math.min(left, backoffMs(attempt, opts, random));
      opts.onRetry?.({
        what: opts.what,
        error: err,
        code: errorCode(err),
        retry: attempt,
        retryInMs: wait,
        elapsedMs: now() - start,
      });
      await doSleep(wait, opts.signal);
    }
  }
}

export interface OnceOptions<T> extends RetryOptions {
  /** The mutating call; it must be safe to repeat (deterministic id, client token or run marker). */
  call: () => Promise<T>;
  /**
   * The call, or its retry after a lost reply, was refused as a conflict. Return the existing
   * resource when it carries this run's marker (it is ours: adopt it), undefined when it is not.
   */
  adopt: (err: unknown) => Promise<T | undefined>;
  /** Which refusals may hide our own earlier attempt (default: "already exists"). */
  conflict?: (err: unknown) => boolean;
}

/** Whether the result was made by this call or found already made by an earlier attempt of ours. */
export interface Once<T> {
  value: T;
  adopted: boolean;
}

/**
 * A mutation that happens exactly once even when a reply is lost: transient failures are retried
 * (a lost reply makes the retry meet "already exists"), and a conflict naming a resource that
 * carries this run's marker is adopted instead of reported as someone else's. A conflict over a
 * resource that is not ours is thrown as it came.
 */
export async function exactlyOnce<T>(opts: OnceOptions<T>): Promise<Once<T>> {
  const conflict = opts.conflict ?? isAlreadyExists;
  try {
    return { value: await retryTransient(() => opts.call(), opts), adopted: false };
  } catch (err) {
    if (!conflict(err)) throw err;
    const mine = await retryTransient(() => opts.adopt(err), {
      ...opts,
      what: `${opts.what} (checking the existing one)`,
    });
    if (mine === undefined) throw err;
    return { value: mine, adopted: true };
  }
}

export interface ReadBackOptions<T> extends RetryOptions {
  /**
   * The mutating call. It has no "already exists" to meet on a retry (RegisterTaskDefinition makes
   * one more revision), so it should go out as a single attempt (`singleAttempt`): a resend must
   * come only after `applied` has looked.
   */
  call: () => Promise<T>;
  /** After a transient failure: what the earlier attempt made, when it was applied after all. */
  applied: () => Promise<T | undefined>;
}

/**
 * A mutation that happens exactly once when AWS offers no conflict to lean on: after a transient
 * failure (a reply lost after AWS applied the call looks the same as throttling or a 5xx), the
 * result is looked for before the call is sent again, and adopted when found. The backoff pause
 * before the look also gives a just-made resource time to become visible.
 */
export async function onceByReadBack<T>(opts: ReadBackOptions<T>): Promise<Once<T>> {
  let adopted = false;
  const value = await retryTransient(async (attempt) => {
    if (attempt > 1) {
      const found = await opts.applied();
      if (found !== undefined) {
        adopted = true;
        return found;
      }
    }
    return opts.call();
  }, opts);
  return { value, adopted };
}
