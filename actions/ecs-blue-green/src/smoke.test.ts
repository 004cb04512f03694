import { accepts, probe } from './smoke.js';
import { fakeClock } from './testing.js';

const test200 = {
  url: 'http://127.0.0.1:9/health',
  accept: [{ code: 200 }],
  acceptText: '200',
  timeoutMs: 10_000,
};

test('accepts exact codes and classes', () => {
  expect(accepts({ accept: [{ code: 204 }, { klass: 3 }] }, 204)).toBe(true);
  expect(accepts({ accept: [{ code: 204 }, { klass: 3 }] }, 302)).toBe(true);
  expect(accepts({ accept: [{ code: 204 }, { klass: 3 }] }, 200)).toBe(false);
});

test('probes until the expected status answers', async () => {
  const answers = [503, 503, 200];
  const fetch = (async () => new Response('x', { status: answers.shift()! })) as typeof globalThis.fetch;
  const clock = fakeClock();
  const r = await probe(test200, { fetch, ...clock, intervalMs: 1000 });
  expect(r).toMatchObject({ ok: true, attempts: 3, lastStatus: 200 });
  expect(r.text).toMatch(
    /^smoke test passed: http:\/\/127\.0\.0\.1:9\/health answered 200 \(attempt 3, 2s\)$/,
  );
});

test('gives up at the smoke timeout with the last answer or error', async () => {
  const clock = fakeClock();
  let calls = 0;
  const refused = (async () => {
    calls++;
    throw Object.assign(new TypeError('fetch failed'), {
      cause: new Error('connect ECONNREFUSED 127.0.0.1:9'),
    });
  }) as typeof globalThis.fetch;
  const r = await probe(test200, { fetch: refused, ...clock, intervalMs: 2000 });
  expect(r.ok).toBe(false);
  expect(calls).toBe(6);
  expect(r.text).toBe(
    'smoke test failed: http://127.0.0.1:9/health did not answer 200 within 10s (6 attempt(s), last error: connect ECONNREFUSED 127.0.0.1:9)',
  );
});
