import {
  TransientExhaustedError,
  backoffMs,
  exactlyOnce,
  onceByReadBack,
  retryTransient,
} from './resilient.js';
import { isThrottling, isTransient } from './errors.js';

function clock(start = 5_000_000) {
  let now = start;
  const waits: number[] = [];
  return {
    now: () => now,
    waits,
    sleep: async (ms: number) => {
      waits.push(ms);
      now += ms;
    },
  };
}
const err = (name: string, status = 400, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status }, ...extra });

test.each([
  [err('Throttling'), true],
  [err('ThrottlingException'), true],
  [err('RequestLimitExceeded'), true],
  [err('Whatever', 429), true],
  [err('InternalFailure', 500), true],
  [err('ServiceUnavailable', 503), true],
  [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), true],
  [Object.assign(new Error('x'), { name: 'TimeoutError' }), true],
  [err('AccessDenied', 403), false],
  [err('DBSnapshotAlreadyExists'), false],
  [err('DBInstanceNotFound', 404), false],
  [err('ValidationError'), false],
  [undefined, false],
])('isTransient(%p) is %s', (e, expected) => {
  expect(isTransient(e)).toBe(expected);
});

test('isThrottling is only the slow-down family', () => {
  expect(isThrottling(err('Throttling'))).toBe(true);
  expect(isThrottling(err('InternalFailure', 500))).toBe(false);
});

test('backoff doubles with equal jitter up to the cap', () => {
  expect(backoffMs(1, {}, () => 0)).toBe(500);
  expect(backoffMs(1, {}, () => 1)).toBe(1000);
  expect(backoffMs(3, {}, () => 1)).toBe(4000);
  expect(backoffMs(30, {}, () => 1)).toBe(30_000);
  expect(backoffMs(30, { maxDelayMs: 8000 }, () => 0)).toBe(4000);
});

test('retryTransient retries throttling until it passes and reports each retry', async () => {
  const c = clock();
  const seen: string[] = [];
  let n = 0;
  const v = await retryTransient(
    async () => {
      if (++n < 5) throw err('Throttling');
      return 'ok';
    },
    {
      what: 'describe',
      now: c.now,
      sleep: c.sleep,
      random: () => 0.5,
      onRetry: (e) => seen.push(`${e.code}#${e.retry}`),
    },
  );
  expect(v).toBe('ok');
  expect(seen).toEqual(['Throttling#1', 'Throttling#2', 'Throttling#3', 'Throttling#4']);
});

test('retryTransient throws a terminal error at once and gives up at the deadline', async () => {
  const c = clock();
  let n = 0;
  await expect(
    retryTransient(
      async () => {
        n++;
        throw err('AccessDenied', 403);
      },
      { what: 'x', now: c.now, sleep: c.sleep },
    ),
  ).rejects.toThrow('AccessDenied');
  expect(n).toBe(1);
  const e = await retryTransient(
    async () => {
      throw err('Throttling');
    },
    { what: 'create snapshot s1', deadline: c.now() + 20_000, now: c.now, sleep: c.sleep },
  ).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(TransientExhaustedError);
  expect((e as Error).message).toMatch(/^create snapshot s1: AWS kept answering Throttling for/);
});

test('exactlyOnce adopts a conflict over our own resource (lost reply)', async () => {
  const c = clock();
  let calls = 0;
  const r = await exactlyOnce({
    what: 'create snapshot s1',
    now: c.now,
    sleep: c.sleep,
    call: async () => {
      calls++;
      // first attempt: the backend applied it, the reply was lost (500, SDK retries exhausted)
      if (calls === 1) throw err('InternalFailure', 500);
      throw err('DBSnapshotAlreadyExists');
    },
    adopt: async () => ({ id: 's1', ours: true }),
  });
  expect(calls).toBe(2);
  expect(r).toEqual({ value: { id: 's1', ours: true }, adopted: true });
});

test("exactlyOnce rethrows a conflict over somebody else's resource, and a non-conflict as is", async () => {
  const conflict = err('DBSnapshotAlreadyExists');
  await expect(
    exactlyOnce({ what: 'x', call: async () => Promise.reject(conflict), adopt: async () => undefined }),
  ).rejects.toBe(conflict);
  let adoptCalled = false;
  await expect(
    exactlyOnce({
      what: 'x',
      call: async () => Promise.reject(err('InvalidParameterValue')),
      adopt: async () => {
        adoptCalled = true;
        return 1;
      },
    }),
  ).rejects.toThrow('InvalidParameterValue');
  expect(adoptCalled).toBe(false);
});

test('exactlyOnce uses a custom conflict test (CodeDeploy DeploymentLimitExceeded)', async () => {
  const r = await exactlyOnce({
    what: 'create deployment',
    call: async () => Promise.reject(err('DeploymentLimitExceededException')),
    conflict: (e) => (e as Error).name === 'DeploymentLimitExceededException',
    adopt: async () => 'd-123',
  });
  expect(r).toEqual({ value: 'd-123', adopted: true });
});

describe('onceByReadBack', () => {
  test('a lost reply: the call is looked for before it is sent again, and adopted, never resent', async () => {
    const c = clock();
    const made: string[] = [];
    const order: string[] = [];
    const r = await onceByReadBack({
      what: 'register web',
      now: c.now,
      sleep: c.sleep,
      random: () => 0,
      call: async () => {
        order.push('call');
        made.push(`web:${made.length + 2}`); // the backend applies it...
        throw err('InternalFailure', 500); // ...and the reply is lost
      },
      applied: async () => {
        order.push('look');
        return made.at(-1);
      },
    });
    expect(r).toEqual({ value: 'web:2', adopted: true });
    expect(made).toEqual(['web:2']);
    expect(order).toEqual(['call', 'look']);
    expect(c.waits).toEqual([500]);
  });

  test('throttling that was not applied: looked for, not found, sent again until it succeeds', async () => {
    const c = clock();
    let calls = 0;
    let looks = 0;
    const r = await onceByReadBack({
      what: 'register web',
      now: c.now,
      sleep: c.sleep,
      call: async () => {
        if (++calls < 3) throw err('ThrottlingException');
        return 'web:2';
      },
      applied: async () => {
        looks++;
        return undefined;
      },
    });
    expect(r).toEqual({ value: 'web:2', adopted: false });
    expect([calls, looks]).toEqual([3, 2]);
  });

  test('a refusal is thrown as it came, without a look; a first success is not adopted', async () => {
    let looked = false;
    const applied = async () => {
      looked = true;
      return 'x';
    };
    await expect(
      onceByReadBack({ what: 'x', call: async () => Promise.reject(err('ClientException')), applied }),
    ).rejects.toThrow('ClientException');
    expect(looked).toBe(false);
    expect(await onceByReadBack({ what: 'x', call: async () => 'y', applied })).toEqual({
      value: 'y',
      adopted: false,
    });
    expect(looked).toBe(false);
  });
});
