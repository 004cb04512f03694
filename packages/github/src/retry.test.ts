import { retryPlan } from './retry.js';

test('retry plans: retry-after, primary reset, secondary without headers, limits', () => {
  const at = { attempt: 0, elapsedMs: 0, now: 1_000_000 };
  expect(retryPlan({ status: 403, headers: { 'retry-after': '2' }, message: 'x' }, at)).toMatchObject({
    waitMs: 2000,
  });
  expect(
    retryPlan(
      { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1010' }, message: '' },
      at,
    ),
  ).toMatchObject({ waitMs: 11_000 });
  expect(
    retryPlan({ status: 403, headers: {}, message: 'You have exceeded a secondary rate limit' }, at),
  ).toMatchObject({
    waitMs: 60_000,
  });
  expect(
    retryPlan({ status: 403, headers: {}, message: 'Resource not accessible by integration' }, at),
  ).toBeUndefined();
  expect(retryPlan({ status: 422, headers: {}, message: '' }, at)).toBeUndefined();
  // too long to wait, or too many tries
  expect(retryPlan({ status: 429, headers: { 'retry-after': '3600' }, message: '' }, at)).toBeUndefined();
  expect(retryPlan({ status: 502, headers: {}, message: '' }, { ...at, attempt: 2 })).toBeUndefined();
  expect(retryPlan({ status: 502, headers: {}, message: '' }, { ...at, attempt: 1 })).toMatchObject({
    waitMs: 1000,
  });
});
