import type { DrillConfig } from './inputs.js';
import type { DrillContext, EngineDeps } from './engine.js';
import { InFlight } from './inflight.js';
import type { DrillState } from './state.js';
import type { Prober } from './probes.js';

/** Test seams: a manual clock whose sleep advances time, a scripted prober, a quiet log. */
export function fakeClock(start = Date.parse('2026-11-26T02:00:00Z')) {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
    sleep: async (ms: number) => {
      t += Math.max(ms, 1);
    },
  };
}

export function quietLog() {
  const lines: string[] = [];
  const push = (level: string) => (m: string) => void lines.push(`${level}: ${m}`);
  return {
    lines,
    info: push('info'),
    warning: push('warning'),
    error: push('error'),
    notice: push('notice'),
  };
}

/** A prober whose every probe passes once `readyAt()` is true. */
export function scriptedProber(ready: () => boolean): Prober & { calls: string[] } {
  const calls: string[] = [];
  const gate = async (what: string) => {
    calls.push(what);
    if (!ready()) throw new Error(`${what}: connection refused`);
  };
  return {
    calls,
    lookup: async (host) => {
      await gate(`lookup ${host}`);
      return '127.0.0.1';
    },
    tcp: (host, port) => gate(`tcp ${host}:${port}`),
    sql: () => gate('sql'),
    http: async () => {
      await gate('http');
      return 200;
    },
  };
}

export function config(over: Partial<DrillConfig> = {}): DrillConfig {
  return {
    scenario: 'pitr-restore',
    source: { kind: 'instance', id: 'orders-db' },
    sourceRegion: 'us-east-1',
    drRegion: 'us-east-1',
    rtoObjectiveMs: 1_800_000,
    rpoObjectiveMs: 900_000,
    vpcSecurityGroupIds: [],
    allowDisruption: false,
    healthCheck: 'tcp',
    sqlQuery: 'select 1',
    cleanup: 'always',
    sweepOrphans: true,
    orphanTtlHours: 24,
    timeoutMs: 7_200_000,
    pollIntervalMs: 15_000,
    probeIntervalMs: 500,
    probeTimeoutMs: 5000,
    cleanupTimeoutMs: 2_700_000,
    run: {
      repository: 'o/r',
      runId: '42',
      runAttempt: '1',
      runUrl: 'https://github.com/o/r/actions/runs/42',
    },
    ...over,
  };
}

export function engineDeps(over: Partial<EngineDeps> & Pick<EngineDeps, 'rds'>): EngineDeps {
  const clock = fakeClock();
  return {
    prober: scriptedProber(() => true),
    heartbeat: {
      write: async () => clock.now(),
      newest: async () => clock.now(),
      walPosition: async () => undefined,
      replayPosition: async () => ({}),
    },
    metrics: { max: async () => ({ points: 0 }) },
    now: clock.now,
    sleep: clock.sleep,
    log: quietLog(),
    mask: () => undefined,
    ...over,
  };
}

export function drillState(over: Partial<DrillState> = {}): DrillState {
  return {
    drillId: 'drill-20261126020000-42',
    regions: ['us-east-1'],
    cleanup: 'always',
    startedAt: '2026-11-26T02:00:00.000Z',
    pollIntervalMs: 5000,
    cleanupTimeoutMs: 600_000,
    created: [],
    outcome: 'running',
    cleanedUp: false,
    left: [],
    ...over,
  };
}

/** A scenario context with a fresh in-flight record; `saved` holds a copy of every state save. */
export function drillContext(deps: EngineDeps, cfgOver: Partial<DrillConfig> = {}, deadlineIn = 600_000) {
  const saved: DrillState[] = [];
  const state = drillState();
  const ctx: DrillContext = {
    cfg: config(cfgOver),
    drillId: state.drillId,
    tags: [{ Key: 'dr-drill-id', Value: state.drillId }],
    deadline: deps.now() + deadlineIn,
    deps,
    result: {
      legs: [],
      recoveredRegion: 'us-east-1',
      rpoBound: { method: 'unknown', upperBound: false, detail: '' },
      preparation: [],
      notes: [],
    },
    transitions: [],
    inflight: new InFlight(state, (s) => saved.push(structuredClone(s)), deps.now, deps.log),
    writeMarker: async () => undefined,
    onRecovered: async () => undefined,
  };
  return { ctx, saved, state };
}
