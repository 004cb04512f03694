import { formatDuration } from '@oaktree/action-kit';
import { sleep } from '@oaktree/aws';
import type { SmokeTest } from './inputs.js';

export interface SmokeResult {
  ok: boolean;
  attempts: number;
  lastStatus?: number;
  lastError?: string;
  durationMs: number;
  /** One line for the log and summary. */
  text: string;
}

export function accepts(test: Pick<SmokeTest, 'accept'>, status: number): boolean {
  return test.accept.some((a) => ('code' in a ? a.code === status : Math.floor(status / 100) === a.klass));
}

export interface ProbeDeps {
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
  /** Time between attempts. */
  intervalMs?: number;
  /** Per-request limit. */
  requestTimeoutMs?: number;
}

/** Probe the test listener until it answers an accepted status or the smoke timeout passes. */
export async function probe(test: SmokeTest, deps: ProbeDeps = {}): Promise<SmokeResult> {
  const doFetch = deps.fetch ?? fetch;
  const now = deps.now ?? Date.now;
  const doSleep = deps.sleep ?? sleep;
  const interval = deps.intervalMs ?? 2000;
  const start = now();
  const deadline = start + test.timeoutMs;
  let attempts = 0;
  let lastStatus: number | undefined;
  let lastError: string | undefined;
  for (;;) {
    if (deps.signal?.aborted) break;
    attempts++;
    try {
      const signals = [AbortSignal.timeout(deps.requestTimeoutMs ?? 10_000)];
      if (deps.signal) signals.push(deps.signal);
      const res = await doFetch(test.url, { redirect: 'manual', signal: AbortSignal.any(signals) });
      lastStatus = res.status;
      lastError = undefined;
      await res.body?.cancel().catch(() => undefined);
      if (accepts(test, res.status)) {
        const durationMs = now() - start;
        return {
          ok: true,
          attempts,
          lastStatus,
          durationMs,
          text: `smoke test passed: ${test.url} answered ${res.status} (attempt ${attempts}, ${formatDuration(durationMs)})`,
        };
      }
    } catch (err) {
      lastStatus = undefined;
      lastError = (err as Error).cause
        ? String(((err as Error).cause as Error).message ?? (err as Error).cause)
        : (err as Error).message;
    }
    if (now() + interval > deadline) break;
    await doSleep(interval, deps.signal);
  }
  const durationMs = now() - start;
  const last =
    lastStatus !== undefined ? `last answer ${lastStatus}` : `last error: ${lastError ?? 'cancelled'}`;
  return {
    ok: false,
    attempts,
    lastStatus,
    lastError,
    durationMs,
    text: `smoke test failed: ${test.url} did not answer ${test.acceptText} within ${formatDuration(test.timeoutMs)} (${attempts} attempt(s), ${last})`,
  };
}

/**
 * One smoke test run beside a poller, so status lines, cancellation and the deadline keep working
 * while it probes: `start` once the green side serves the test listener, `take` in each later check
 * gives the result once, when it is there; `abort` when the follow ends.
 */
export class SmokeRun {
  private running?: Promise<void>;
  private got?: SmokeResult;
  private taken = false;
  private readonly abortController = new AbortController();
  private readonly signal: AbortSignal;

  constructor(
    readonly test: SmokeTest,
    private readonly probe: (test: SmokeTest, signal?: AbortSignal) => Promise<SmokeResult>,
    signal?: AbortSignal,
  ) {
    this.signal = signal
      ? AbortSignal.any([signal, this.abortController.signal])
      : this.abortController.signal;
  }

  get started(): boolean {
    return this.running !== undefined;
  }

  get result(): SmokeResult | undefined {
    return this.got;
  }

  /** Starts the probe; an answer that is already there (a refused connection) is taken at once. */
  async start(log: (line: string) => void): Promise<void> {
    if (this.running) return;
    log(`probing the green side at ${this.test.url} (expecting ${this.test.acceptText})`);
    this.running = this.probe(this.test, this.signal).then(
      (r) => void (this.got = r),
      (err: unknown) =>
        void (this.got = {
          ok: false,
          attempts: 0,
          durationMs: 0,
          text: `smoke test could not run: ${(err as Error).message}`,
        }),
    );
    await Promise.race([this.running, new Promise((resolve) => setImmediate(resolve))]);
  }

  /** The result, the first time it is asked for once it is there. */
  take(): SmokeResult | undefined {
    if (!this.got || this.taken) return undefined;
    this.taken = true;
    return this.got;
  }

  /** The follow ended: a probe still running has nothing left to decide. */
  abort(): void {
    this.abortController.abort();
  }
}
