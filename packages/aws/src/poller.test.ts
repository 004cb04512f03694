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
