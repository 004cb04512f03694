import { PollCancelledError, PollTimeoutError, poll } from '@oaktree/aws';
import { formatDuration } from '@oaktree/action-kit';
import type { Rds } from './aws.js';
import type { HeartbeatStore } from './heartbeat.js';
import { healthTargetText, probeError, probeOnce, type Endpoint, type HealthSpec } from './health.js';
import type { DrillConfig } from './inputs.js';
import type { Prober } from './probes.js';
import type { CreatedResource, DrillState } from './state.js';
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
  /** Record a created resource (and save it to the step state). */
  created(r: Omit<CreatedResource, 'createdAt'>): void;
  /** Remember (or forget) that the writer must be switched back, in the step state for post. */
  pendingFailback(p: DrillState['pendingFailback']): void;
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
  for (;;) {
    if (deps.signal?.aborted) throw new PollCancelledError(opts.what, deps.signal.reason);
    if (!ready && deps.now() >= nextDescribe) {
      // Fixed rate: the next status poll is due one interval after this one started.
      nextDescribe = deps.now() + opts.pollMs;
      const o = await opts.describe();
      if (o.endpoint) endpoint = o.endpoint;
      if (o.status !== lastStatus) {
        lastStatus = o.status;
        deps.log.info(`  ${opts.what}: ${o.status} after ${formatDuration(deps.now() - started)}`);
      }
      if (o.ready && endpoint) {
        ready = true;
        leg.mark(opts.readyPhase ?? 'available', deps.now(), opts.pollMs);
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
          await probeOnce(spec, endpoint!, deps.prober, leg, deps.now, deps.mask);
          leg.recovered(deps.now());
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
      );
    const probing = leg.recoveredAt === undefined && gateOpen && spec.check !== 'none';
    const untilDescribe = ready ? cfg.probeIntervalMs : Math.max(0, nextDescribe - now);
    const wake = probing ? Math.min(cfg.probeIntervalMs, untilDescribe) : untilDescribe;
    await deps.sleep(Math.min(wake, Math.max(0, ctx.deadline - now)), deps.signal);
  }
}

/** Wait for a plain RDS condition (no health check), logging each new status. */
export async function waitFor(
  ctx: DrillContext,
  what: string,
  pollMs: number,
  check: () => Promise<{ done: boolean; status: string }>,
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
