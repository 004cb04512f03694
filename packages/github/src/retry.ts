/**
 * When to retry a GitHub REST request, and after how long (GitHub's documented rules):
 * - a secondary rate limit (403 or 429) with `retry-after`: wait that many seconds;
 * - a primary rate limit (`x-ratelimit-remaining: 0`): wait until `x-ratelimit-reset`;
 * - a secondary rate limit without either header: wait a minute;
 * - 5xx answers and network errors (status 0 here): exponential backoff.
 * A wait longer than `maxWaitMs`, or past `maxElapsedMs` in all, is not worth it: the error stands.
 */

export interface RetryPolicy {
  /** Retries of 5xx and network errors. */
  transientRetries: number;
  /** Waits for a rate limit. */
  rateLimitRetries: number;
  baseDelayMs: number;
  maxWaitMs: number;
  maxElapsedMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  transientRetries: 2,
  rateLimitRetries: 3,
  baseDelayMs: 500,
  maxWaitMs: 60_000,
  maxElapsedMs: 120_000,
};

export interface Failure {
  /** HTTP status, 0 when no answer came (connection refused or reset, DNS, timeout). */
  status: number;
  headers: Record<string, string | undefined>;
  message: string;
}

export function retryPlan(
  f: Failure,
  at: { attempt: number; elapsedMs: number; now: number },
  policy: Partial<RetryPolicy> = {},
): { waitMs: number; reason: string } | undefined {
  const p = { ...DEFAULT_RETRY, ...policy };
  const h = (k: string) => f.headers[k] ?? f.headers[k.toLowerCase()];
  let plan: { waitMs: number; reason: string } | undefined;
  if (f.status === 403 || f.status === 429) {
    if (at.attempt >= p.rateLimitRetries) return undefined;
    const retryAfter = Number(h('retry-after'));
    const remaining = h('x-ratelimit-remaining');
    const reset = Number(h('x-ratelimit-reset'));
    if (Number.isFinite(retryAfter) && h('retry-after') !== undefined)
      plan = { waitMs: retryAfter * 1000, reason: `rate limited (${f.status}, retry-after ${retryAfter}s)` };
    else if (remaining === '0' && Number.isFinite(reset))
      plan = {
        waitMs: Math.max(0, reset * 1000 - at.now) + 1000,
        reason: `rate limit used up (${f.status}, resets at ${new Date(reset * 1000).toISOString()})`,
      };
    else if (/secondary rate limit|abuse/i.test(f.message))
      plan = { waitMs: 60_000, reason: `secondary rate limit (${f.status})` };
    else return undefined; // a plain 403: no permission, not worth waiting for
  } else if (f.status === 0 || f.status >= 500) {
    if (at.attempt >= p.transientRetries) return undefined;
    plan = {
      waitMs: p.baseDelayMs * 2 ** at.attempt,
      reason: f.status ? `answered ${f.status}` : `no answer (${f.message})`,
    };
  }
  if (!plan || plan.waitMs > p.maxWaitMs || at.elapsedMs + plan.waitMs > p.maxElapsedMs) return undefined;
  return plan;
}
