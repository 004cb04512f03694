import {
  PollCancelledError,
  PollTimeoutError,
  backoffMs,
  errorCode,
  isNotFound,
  isTransient,
  poll,
} from '@oaktree/aws';
import { formatDuration } from '@oaktree/action-kit';
import type { Rds } from './aws.js';
import type { HeartbeatStore } from './heartbeat.js';
import { healthTargetText, probeError, probeOnce, type Endpoint, type HealthSpec } from './health.js';
import type { DrillConfig } from './inputs.js';
import type { Metrics } from './metrics.js';
import type { Prober } from './probes.js';
import { NOT_VISIBLE_GRACE_MS, type InFlight } from './inflight.js';
import type { Timeline } from './timeline.js';
import { type RpoFigure } from './timeline.js';

export interface Log {
  info(m: string): void;
  warning(m: string): void;
  error(m: string): void;
  notice(m: string): void;
}

export interface EngineDeps {
  rds(region: string): Rds;
  prober: Prober;
  heartbeat: HeartbeatStore;
  /** CloudWatch (replica lag, global RPO lag). */
  metrics: Metrics;
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  log: Log;
  mask(secret: string): void;
  signal?: AbortSignal;
}

/** What a scenario found out; filled in as it goes so a failed or cancelled drill still reports it. */
export interface ScenarioResult {
  legs: Timeline[];
  endpoint?: Endpoint;
  recoveredRegion: string;
  rpoBound: RpoFigure;
  preparation: Array<{ name: string; ms: number }>;
  notes: string[];
}

export interface DrillContext {
  cfg: DrillConfig;
  drillId: string;
  tags: Array<{ Key: string; Value: string }>;
  /** Epoch ms after which waiting fails. */
  deadline: number;
  deps: EngineDeps;
  result: ScenarioResult;
  /** The state machine trail: every state the scenario entered, in order. */
  transitions: Array<{ state: string; at: number }>;
  /** What is in flight (resources asked for, a failback owed), saved to the step state for post. */
  inflight: InFlight;
  /** The source's connection URL (heartbeat, WAL position), when one is configured. */
  sourceSqlUrl?: string;
  /**
   * Write the heartbeat marker on the source (once; nothing without heartbeat-table). The driver calls
   * it before `run` unless the plan says the scenario places it itself (just before the move).
   */
  writeMarker(): Promise<void>;
  /** Called once the recovered database answered (the heartbeat is read here). */
  onRecovered(endpoint: Endpoint): Promise<void>;
}

export function enter(ctx: DrillContext, state: string): void {
  ctx.transitions.push({ state, at: ctx.deps.now() });
  ctx.deps.log.info(`[${state}]`);
}

export function healthSpec(cfg: DrillConfig): HealthSpec {
  return {
    check: cfg.healthCheck,
    sqlConnection: cfg.sqlConnection,
    sqlQuery: cfg.sqlQuery,
    httpUrl: cfg.httpUrl,
    probeTimeoutMs: cfg.probeTimeoutMs,
  };
}

/** Poll interval for short operations (failover, promotion, switchover): close to the probe interval. */
export function fastPollMs(cfg: DrillConfig): number {
  return Math.min(cfg.pollIntervalMs, Math.max(cfg.probeIntervalMs, 1000));
}

export interface Observation {
  status: string;
  endpoint?: Endpoint;
  /** The RDS side is done (available / writer switched / promoted). */
  ready: boolean;
}

export interface LegOptions {
  what: string;
  describe: () => Promise<Observation>;
  /** Start probing once an endpoint is known ('endpoint') or only after RDS says ready ('ready'). */
  gate: 'endpoint' | 'ready';
  pollMs: number;
  readyPhase?: string;
  /** From the start of the wait, "not found" counts as "not visible yet" this long (default NOT_VISIBLE_GRACE_MS). */
  notFoundGraceMs?: number;
}

/**
 * A status poll that failed: is it worth asking again (throttling, 5xx, reset, or "not found" for a
 * resource just asked for)? Returns the pause and the progress line, or undefined for a real answer.
 */
export function transientPause(
  err: unknown,
  o: { sinceStartMs: number; graceMs: number; failures: number; pollMs: number },
): { waitMs: number; status: string } | undefined {
  const invisible = isNotFound(err) && o.sinceStartMs < o.graceMs;
  if (!invisible && !isTransient(err)) return undefined;
  const waitMs = Math.max(o.pollMs, backoffMs(o.failures, { baseDelayMs: o.pollMs }, Math.random));
  const code = errorCode(err) || 'an error';
  return {
    waitMs,
    status: invisible
      ? `not visible yet (${code}); asking again in ${formatDuration(waitMs)}`
      : `AWS answered ${code} (transient); retrying in ${formatDuration(waitMs)}`,
  };
}

/**
 * Wait for one recovery leg: RDS status polls every `pollMs`, health probes every probe interval once
 * the gate opens. The leg ends when RDS says ready and a probe passed; the first passing probe is the
 * end of the RTO. Probes run far more often than status polls, which keeps the RTO error near one
 * probe interval even with slow status polling.
 */
export async function recoverLeg(ctx: DrillContext, leg: Timeline, opts: LegOptions): Promise<Endpoint> {
  const { deps, cfg } = ctx;
  const spec = healthSpec(cfg);
  const secrets = [cfg.sqlConnection ?? '', cfg.sourceSqlConnection ?? ''];
  const started = deps.now();
  let nextDescribe = 0;
  let ready = false;
  let endpoint: Endpoint | undefined;
  let lastStatus = '';
  let lastProbe = '';
  let announced = false;
  let failures = 0;
  let lastError: unknown;
  const say = (status: string) => {
    if (status === lastStatus) return;
    lastStatus = status;
    deps.log.info(`  ${opts.what}: ${status} after ${formatDuration(deps.now() - started)}`);
  };
  for (;;) {
    if (deps.signal?.aborted) throw new PollCancelledError(opts.what, deps.signal.reason);
    if (!ready && deps.now() >= nextDescribe) {
      // Fixed rate: the next status poll is due one interval after this one started.
      const polledAt = deps.now();
      nextDescribe = polledAt + opts.pollMs;
      let o: Observation | undefined;
      try {
        o = await opts.describe();
        failures = 0;
        lastError = undefined;
      } catch (err) {
        // Throttling, 5xx, resets and a just-created resource not visible yet end nothing but this poll.
        const pause = transientPause(err, {
          sinceStartMs: polledAt - started,
          graceMs: opts.notFoundGraceMs ?? NOT_VISIBLE_GRACE_MS,
          failures: ++failures,
          pollMs: opts.pollMs,
        });
        if (!pause) throw err;
        lastError = err;
        nextDescribe = deps.now() + pause.waitMs;
        say(pause.status);
      }
      if (o) {
        if (o.endpoint) endpoint = o.endpoint;
        say(o.status);
        if (o.ready && endpoint) {
          ready = true;
          leg.mark(opts.readyPhase ?? 'available', deps.now(), opts.pollMs);
        }
      }
    }
    const gateOpen = opts.gate === 'endpoint' ? endpoint !== undefined : ready && endpoint !== undefined;
    if (leg.recoveredAt === undefined && gateOpen) {
      if (!announced) {
        announced = true;
        deps.log.info(`  health check: ${healthTargetText(spec, endpoint!)}`);
      }
      if (spec.check === 'none') {
        if (ready) leg.recovered(leg.phases.find((p) => p.name === (opts.readyPhase ?? 'available'))!.at);
      } else {
        try {
          leg.recovered(await probeOnce(spec, endpoint!, deps.prober, leg, deps.now, deps.mask));
          deps.log.info(`  health check passed after ${formatDuration(leg.rtoMs!)}`);
        } catch (err) {
          const text = probeError(err, secrets);
          if (text !== lastProbe) {
            lastProbe = text;
            deps.log.info(`  health check not yet: ${text}`);
          }
        }
      }
    }
    if (ready && leg.recoveredAt !== undefined) return endpoint!;
    const now = deps.now();
    if (now >= ctx.deadline)
      throw new PollTimeoutError(
        `${opts.what}${ready ? ' to pass its health check' : ''}`,
        now - started,
        lastProbe || lastStatus,
        lastError,
      );
    const probing = leg.recoveredAt === undefined && gateOpen && spec.check !== 'none';
    const untilDescribe = ready ? cfg.probeIntervalMs : Math.max(0, nextDescribe - now);
    const wake = probing ? Math.min(cfg.probeIntervalMs, untilDescribe) : untilDescribe;
    await deps.sleep(Math.min(wake, Math.max(0, ctx.deadline - now)), deps.signal);
  }
}

/**
 * Wait for a plain RDS condition (no health check), logging each new status. `check` throws "not
 * found" while the resource is not visible: within `notFoundGraceMs` that is "not visible yet".
 */
export async function waitFor(
  ctx: DrillContext,
  what: string,
  pollMs: number,
  check: () => Promise<{ done: boolean; status: string }>,
  notFoundGraceMs = NOT_VISIBLE_GRACE_MS,
): Promise<void> {
  const { deps } = ctx;
  const started = deps.now();
  const say = (status: string, elapsedMs: number) =>
    deps.log.info(`  ${what}: ${status} after ${formatDuration(elapsedMs)}`);
  let last = '';
  const final = await poll({
    what,
    intervalMs: pollMs,
    deadline: ctx.deadline,
    signal: deps.signal,
    now: deps.now,
    sleep: deps.sleep,
    // Throttling, 5xx and resets are retried until the deadline; "not found" only within the grace.
    notFoundGraceMs,
    onProgress: (status, elapsedMs) => {
      last = status;
      say(status, elapsedMs);
    },
    check: async () => {
      const r = await check();
      return r.done ? { done: true, value: r.status } : { done: false, progress: r.status };
    },
  });
  if (final !== last) say(final, deps.now() - started);
}
