import { PollCancelledError, PollTimeoutError, poll, sleep } from './poller.js';

/** A fake clock: sleeping advances time instantly and records each wait. */
function fakeClock(start = 1_000_000) {
  let now = start;
  const waits: number[] = [];
  return {
    now: () => now,
    advance: (ms: number) => (now += ms),
    waits,
    sleep: async (ms: number) => {
      waits.push(ms);
      now += ms;
    },
  };
}

test('polls at a fixed interval plus jitter until done', async () => {
  const clock = fakeClock();
  let n = 0;
  const value = await poll({
    what: 'thing',
    intervalMs: 5000,
    jitterMs: 1000,
    random: () => 0.5,
    now: clock.now,
    sleep: clock.sleep,
    check: async () => (++n === 4 ? { done: true, value: 'ok' } : { done: false }),
  });
  expect(value).toBe('ok');
  expect(n).toBe(4);
  expect(clock.waits).toEqual([5500, 5500, 5500]);
});

test('progress fires only when it changes, with elapsed time', async () => {
  const clock = fakeClock();
  const seen: Array<[string, number]> = [];
  const states = ['Created', 'Created', 'InProgress', 'InProgress', 'InProgress', 'Ready'];
  let i = 0;
  await poll({
    what: 'deployment',
    intervalMs: 1000,
    now: clock.now,
    sleep: clock.sleep,
    onProgress: (p, ms) => seen.push([p, ms]),
    check: async () => {
      const s = states[i++]!;
      return s === 'Ready' ? { done: true, value: s } : { done: false, progress: s };
    },
  });
  expect(seen).toEqual([
    ['Created', 0],
    ['InProgress', 2000],
  ]);
});

test('deadline: fails with PollTimeoutError naming what it waited for and the last state', async () => {
  const clock = fakeClock();
  const start = clock.now();
  const err = await poll({
    what: 'snapshot s1 to become available',
    intervalMs: 4000,
    deadline: start + 10_000,
    now: clock.now,
    sleep: clock.sleep,
    check: async () => ({ done: false, progress: 'creating 40%' }),
  }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(PollTimeoutError);
  expect((err as Error).message).toBe(
    'timed out after 10s waiting for snapshot s1 to become available (last seen: creating 40%)',
  );
  // the last sleep is cut to the deadline rather than overshooting it
  expect(clock.waits).toEqual([4000, 4000, 2000]);
});

test('cancellation: an abort during a sleep ends the wait at once', async () => {
  const controller = new AbortController();
  let checks = 0;
  const t0 = Date.now();
  setTimeout(() => controller.abort('SIGTERM'), 50);
  const err = await poll({
    what: 'deployment d-1',
    intervalMs: 60_000,
    signal: controller.signal,
    check: async () => {
      checks++;
      return { done: false };
    },
  }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(PollCancelledError);
  expect((err as Error).message).toBe('cancelled (SIGTERM) while waiting for deployment d-1');
  expect(checks).toBe(1);
  expect(Date.now() - t0).toBeLessThan(5000);
});

test('an already aborted signal never calls check', async () => {
  const controller = new AbortController();
  controller.abort('SIGINT');
  let calls = 0;
  const check = async () => {
    calls++;
    return { done: true as const, value: 1 };
  };
  await expect(poll({ what: 'x', intervalMs: 1, signal: controller.signal, check })).rejects.toBeInstanceOf(
    PollCancelledError,
  );
  expect(calls).toBe(0);
});

test('errors thrown by check end the wait', async () => {
  await expect(
    poll({
      what: 'x',
      intervalMs: 1,
      check: async () => {
        throw new Error('boom');
      },
    }),
  ).rejects.toThrow('boom');
});

test('sleep resolves early on abort', async () => {
  const c = new AbortController();
  const t0 = Date.now();
  setTimeout(() => c.abort(), 20);
  await sleep(10_000, c.signal);
  expect(Date.now() - t0).toBeLessThan(2000);
});

describe('transient errors', () => {
  const throttled = () =>
    Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } });

  test('throttling longer than the SDK retries does not end the wait; progress says so', async () => {
    const clock = fakeClock();
    const lines: string[] = [];
    let n = 0;
    const value = await poll({
      what: 'deployment',
      intervalMs: 1000,
      random: () => 0,
      now: clock.now,
      sleep: clock.sleep,
      deadline: clock.now() + 3_600_000,
      onProgress: (p) => lines.push(p),
      check: async () => {
        n++;
        if (n <= 8) throw throttled();
        return n === 10 ? { done: true, value: 'Succeeded' } : { done: false, progress: 'InProgress' };
      },
    });
    expect(value).toBe('Succeeded');
    expect(lines[0]).toMatch(/AWS answered Throttling \(transient\); retrying in/);
    expect(lines).toContain('InProgress');
    // Backs off: later pauses are longer than the first, and never more than 30 s.
    expect(clock.waits[7]!).toBeGreaterThan(clock.waits[0]!);
    expect(Math.max(...clock.waits)).toBeLessThanOrEqual(30_000);
  });

  test('a transient error still coming at the deadline times out and names it', async () => {
    const clock = fakeClock();
    const err = await poll({
      what: 'snapshot s1 to become available',
      intervalMs: 1000,
      now: clock.now,
      sleep: clock.sleep,
      deadline: clock.now() + 60_000,
      check: async () => {
        throw throttled();
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PollTimeoutError);
    expect((err as Error).message).toMatch(/waiting for snapshot s1.*AWS was answering Throttling/);
  });

  test('terminal errors still end the wait at once', async () => {
    const clock = fakeClock();
    let n = 0;
    const err = await poll({
      what: 'x',
      intervalMs: 1000,
      now: clock.now,
      sleep: clock.sleep,
      check: async () => {
        n++;
        throw Object.assign(new Error('no'), {
          name: 'AccessDeniedException',
          $metadata: { httpStatusCode: 400 },
        });
      },
    }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('AccessDeniedException');
    expect(n).toBe(1);
  });

  test('"not found" counts as not visible yet only within notFoundGraceMs', async () => {
    const clock = fakeClock();
    const notFound = () => Object.assign(new Error('gone'), { name: 'DBSnapshotNotFound' });
    let n = 0;
    const lines: string[] = [];
    const ok = await poll({
      what: 'snapshot',
      intervalMs: 1000,
      random: () => 0,
      now: clock.now,
      sleep: clock.sleep,
      notFoundGraceMs: 30_000,
      onProgress: (p) => lines.push(p),
      check: async () => (++n < 3 ? Promise.reject(notFound()) : { done: true, value: 'available' }),
    });
    expect(ok).toBe('available');
    expect(lines[0]).toMatch(/not visible yet \(DBSnapshotNotFound\)/);
    const clock2 = fakeClock();
    const err = await poll({
      what: 'snapshot',
      intervalMs: 1000,
      now: clock2.now,
      sleep: clock2.sleep,
      notFoundGraceMs: 5_000,
      check: async () => Promise.reject(notFound()),
    }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('DBSnapshotNotFound');
    expect(clock2.now() - 1_000_000).toBeGreaterThanOrEqual(5_000);
  });

  test('without a deadline, errors that never stop are thrown after maxFailingMs', async () => {
    const clock = fakeClock();
    const err = await poll({
      what: 'x',
      intervalMs: 1000,
      now: clock.now,
      sleep: clock.sleep,
      maxFailingMs: 60_000,
      check: async () => {
        throw throttled();
      },
    }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('Throttling');
    expect(clock.now() - 1_000_000).toBeGreaterThan(60_000);
  });
});
