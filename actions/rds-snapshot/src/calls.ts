import { formatDuration, log } from '@oaktree/action-kit';
import { exactlyOnce, retryTransient, type Once, type RetryEvent, type RetryOptions } from '@oaktree/aws';

/**
 * How every AWS call of a run is retried: transient answers (throttling, 5xx, timeouts, resets) that
 * outlast the SDK's own attempts are asked again with backoff until the run's own deadline, with a
 * log line for each retry. Mutations go through `once`, so a lost reply never makes a second resource
 * and never turns our own resource into someone else's.
 */
export interface CallContext {
  /** The run's deadline (epoch ms): started + timeout-minutes. */
  deadline: number;
  signal?: AbortSignal;
  now(): number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** The line a retry leaves in the step log. */
export function retryLine(label: string, e: RetryEvent): string {
  return `${label}: ${e.what}: AWS answered ${e.code || 'a transient error'} (transient, retry ${e.retry}); trying again in ${formatDuration(e.retryInMs)}`;
}

function options(ctx: CallContext, label: string, what: string): RetryOptions {
  return {
    what,
    deadline: ctx.deadline,
    signal: ctx.signal,
    now: ctx.now,
    sleep: ctx.sleep,
    onRetry: (e) => log.info(retryLine(label, e)),
  };
}

/**
 * A read (or any call safe to repeat as is), retried while AWS answers transiently (or, with
 * `transient`, while that says so).
 */
export function retried<T>(
  ctx: CallContext,
  label: string,
  what: string,
  fn: () => Promise<T>,
  transient?: (err: unknown) => boolean,
): Promise<T> {
  return retryTransient(fn, { ...options(ctx, label, what), transient });
}

/**
 * A mutation made exactly once: `call` is retried on transient answers; when it (or the SDK's retry
 * of a call whose reply was lost) is refused as a `conflict` (default "already exists"), `adopt`
 * returns the existing resource if it carries this run's marker, and the conflict is thrown otherwise.
 */
export function once<T>(
  ctx: CallContext,
  label: string,
  what: string,
  call: () => Promise<T>,
  adopt: (err: unknown) => Promise<T | undefined>,
  conflict?: (err: unknown) => boolean,
): Promise<Once<T>> {
  return exactlyOnce({ ...options(ctx, label, what), call, adopt, conflict });
}
