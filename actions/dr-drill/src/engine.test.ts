import { PollCancelledError, PollTimeoutError } from '@oaktree/aws';
import { recoverLeg, type DrillContext, type Observation } from './engine.js';
import { Timeline } from './timeline.js';
import { drillContext, engineDeps, fakeClock, quietLog, scriptedProber } from './testing.js';

function ctx(over: Partial<DrillContext['deps']>, cfgOver = {}, deadlineIn = 600_000): DrillContext {
  const deps = engineDeps({ rds: () => ({ send: async () => ({}) }) as never, ...over });
  return drillContext(deps, cfgOver, deadlineIn).ctx;
}

/** RDS reports `status` until `readyAfter` ms after the leg began; the endpoint from `endpointAfter`. */
function scripted(now: () => number, t0: number, endpointAfter: number, readyAfter: number) {
  const calls: number[] = [];
  return {
    calls,
    describe: async (): Promise<Observation> => {
      calls.push(now() - t0);
      const e = now() - t0;
      return {
        status: e >= readyAfter ? 'available' : 'creating',
        endpoint: e >= endpointAfter ? { host: 'db.internal', port: 5432 } : undefined,
        ready: e >= readyAfter,
      };
    },
  };
}

test('status polls keep a fixed rate; probes run at the probe interval once the endpoint is known', async () => {
  const clock = fakeClock();
  const t0 = clock.now();
  const prober = scriptedProber(() => clock.now() - t0 >= 40_000);
  const c = ctx({ now: clock.now, sleep: clock.sleep, prober });
  const leg = new Timeline();
  leg.begin(t0);
  const s = scripted(clock.now, t0, 30_000, 60_000);
  await recoverLeg(c, leg, { what: 'x', describe: s.describe, gate: 'endpoint', pollMs: 15_000 });
  expect(s.calls).toEqual([0, 15_000, 30_000, 45_000, 60_000]);
  expect(leg.rtoMs).toBeGreaterThanOrEqual(40_000);
  expect(leg.rtoMs).toBeLessThanOrEqual(40_500);
  expect(leg.phases.map((p) => p.name)).toEqual(['dns-resolves', 'tcp-accepts', 'available']);
});

test('health-check none: the RTO ends at the poll that saw the database available', async () => {
  const clock = fakeClock();
  const t0 = clock.now();
  const c = ctx({ now: clock.now, sleep: clock.sleep }, { healthCheck: 'none' });
  const leg = new Timeline();
  leg.begin(t0);
  await recoverLeg(c, leg, {
    what: 'x',
    describe: scripted(clock.now, t0, 0, 20_000).describe,
    gate: 'endpoint',
    pollMs: 15_000,
  });
  expect(leg.rtoMs).toBe(30_000);
});

test('the deadline ends the wait with the last thing seen; a signal cancels it', async () => {
  const clock = fakeClock();
  const t0 = clock.now();
  const c = ctx({ now: clock.now, sleep: clock.sleep, prober: scriptedProber(() => false) }, {}, 10_000);
  const leg = new Timeline();
  leg.begin(t0);
  const err = await recoverLeg(c, leg, {
    what: 'instance r',
    describe: scripted(clock.now, t0, 0, 0).describe,
    gate: 'endpoint',
    pollMs: 1000,
  }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(PollTimeoutError);
  expect((err as Error).message).toMatch(
    /waiting for instance r to pass its health check \(last seen: lookup db.internal: connection refused\)/,
  );
  expect(leg.recoveredAt).toBeUndefined();

  const ac = new AbortController();
  ac.abort('SIGTERM');
  const c2 = ctx({ now: clock.now, sleep: clock.sleep, signal: ac.signal });
  await expect(
    recoverLeg(c2, new Timeline(), {
      what: 'y',
      describe: scripted(clock.now, t0, 0, 0).describe,
      gate: 'endpoint',
      pollMs: 1000,
    }),
  ).rejects.toBeInstanceOf(PollCancelledError);
});

test('throttling, 5xx and resets during a wait are retried with a line saying so; the wait goes on to its end', async () => {
  const clock = fakeClock();
  const t0 = clock.now();
  const log = quietLog();
  const c = ctx({ now: clock.now, sleep: clock.sleep, log }, { healthCheck: 'none' });
  const leg = new Timeline();
  leg.begin(t0);
  const errors = [
    Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } }),
    Object.assign(new Error('unavailable'), {
      name: 'ServiceUnavailable',
      $metadata: { httpStatusCode: 503 },
    }),
    Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
  ];
  let n = 0;
  const ep = await recoverLeg(c, leg, {
    what: 'instance r',
    describe: async () => {
      const e = errors[n++];
      if (e) throw e;
      return { status: 'available', endpoint: { host: 'r', port: 5432 }, ready: true };
    },
    gate: 'endpoint',
    pollMs: 1000,
  });
  expect(ep).toEqual({ host: 'r', port: 5432 });
  expect(n).toBe(4);
  const text = log.lines.join('\n');
  expect(text).toMatch(/instance r: AWS answered Throttling \(transient\); retrying in/);
  expect(text).toMatch(/instance r: AWS answered ServiceUnavailable \(transient\)/);
  expect(text).toMatch(/instance r: AWS answered ECONNRESET \(transient\)/);
});

test('"not found" right after the create is "not visible yet" within the grace, and an error after it', async () => {
  const clock = fakeClock();
  const t0 = clock.now();
  const log = quietLog();
  const notFound = () =>
    Object.assign(new Error('DBInstance r not found'), { name: 'DBInstanceNotFoundFault' });
  const leg = new Timeline();
  leg.begin(t0);
  let visibleAfter = 10_000;
  const describe = async () => {
    if (clock.now() - t0 < visibleAfter) throw notFound();
    return { status: 'available', endpoint: { host: 'r', port: 5432 }, ready: true };
  };
  const c = ctx({ now: clock.now, sleep: clock.sleep, log }, { healthCheck: 'none' });
  await recoverLeg(c, leg, {
    what: 'instance r',
    describe,
    gate: 'endpoint',
    pollMs: 1000,
    notFoundGraceMs: 60_000,
  });
  expect(log.lines.join('\n')).toMatch(
    /instance r: not visible yet \(DBInstanceNotFoundFault\); asking again/,
  );

  visibleAfter = Infinity;
  const leg2 = new Timeline();
  leg2.begin(clock.now());
  const c2 = ctx({ now: clock.now, sleep: clock.sleep }, { healthCheck: 'none' });
  await expect(
    recoverLeg(c2, leg2, {
      what: 'instance r',
      describe,
      gate: 'endpoint',
      pollMs: 1000,
      notFoundGraceMs: 60_000,
    }),
  ).rejects.toThrow(/DBInstance r not found/);
});

test('throttling that never stops ends the wait at its deadline, naming the error', async () => {
  const clock = fakeClock();
  const c = ctx({ now: clock.now, sleep: clock.sleep }, { healthCheck: 'none' }, 120_000);
  const leg = new Timeline();
  leg.begin(clock.now());
  const err = await recoverLeg(c, leg, {
    what: 'instance r',
    describe: async () => {
      throw Object.assign(new Error('Rate exceeded'), {
        name: 'Throttling',
        $metadata: { httpStatusCode: 400 },
      });
    },
    gate: 'endpoint',
    pollMs: 1000,
  }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(PollTimeoutError);
  expect((err as Error).message).toMatch(
    /waiting for instance r .*AWS was answering Throttling: Rate exceeded/,
  );
});
