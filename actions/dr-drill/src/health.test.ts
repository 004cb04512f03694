import { createServer, type Server } from 'node:net';
import { probeOnce, scrub } from './health.js';
import { describeUrl, fillEndpoint, realProber, urlTarget } from './probes.js';
import { scriptedProber } from './testing.js';
import { Timeline } from './timeline.js';

test('one probe marks DNS, TCP and SQL in order and passes at the last mark; the SQL URL is masked after filling', async () => {
  const t = new Timeline();
  t.begin(0);
  let now = 10;
  const masked: string[] = [];
  const prober = scriptedProber(() => true);
  const passedAt = await probeOnce(
    {
      check: 'sql',
      sqlConnection: 'postgres://u:pw@{host}:{port}/app',
      sqlQuery: 'select 1',
      probeTimeoutMs: 1000,
    },
    { host: 'db.example', port: 6543 },
    prober,
    t,
    () => now++,
    (s) => masked.push(s),
  );
  expect(prober.calls).toEqual(['lookup db.example', 'tcp db.example:6543', 'sql']);
  expect(t.phases.map((p) => [p.name, p.at])).toEqual([
    ['dns-resolves', 10],
    ['tcp-accepts', 11],
    ['sql-ok', 12],
  ]);
  // The RTO ends at the instant shown for the last phase, not at a later read of the clock.
  expect(passedAt).toBe(12);
  expect(now).toBe(13);
  expect(masked).toEqual(['postgres://u:pw@db.example:6543/app']);
});

test('a failing probe marks only the phases that passed', async () => {
  const t = new Timeline();
  t.begin(0);
  const prober = scriptedProber(() => true);
  prober.tcp = async () => {
    throw new Error('ECONNREFUSED');
  };
  await expect(
    probeOnce(
      { check: 'tcp', sqlQuery: '', probeTimeoutMs: 1000 },
      { host: 'h', port: 1 },
      prober,
      t,
      () => 5,
      () => undefined,
    ),
  ).rejects.toThrow('ECONNREFUSED');
  expect(t.phases.map((p) => p.name)).toEqual(['dns-resolves']);
});

test('http: a non-2xx answer is a failure', async () => {
  const t = new Timeline();
  t.begin(0);
  const prober = scriptedProber(() => true);
  prober.http = async () => 503;
  await expect(
    probeOnce(
      { check: 'http', httpUrl: 'https://{host}/healthz', sqlQuery: '', probeTimeoutMs: 1000 },
      { host: 'h', port: 5432 },
      prober,
      t,
      () => 1,
      () => undefined,
    ),
  ).rejects.toThrow('https://h/healthz answered HTTP 503');
});

test('connection URLs never reach a log line', () => {
  const url = 'postgres://drill:s3cr%40t@db:5432/app';
  expect(scrub(`connect failed for ${url}: timeout`, [url])).toBe('connect failed for ***: timeout');
  expect(scrub('error at mysql://root:hunter2@10.0.0.1:3306/x', [])).toBe(
    'error at mysql://***@10.0.0.1:3306/x',
  );
  expect(describeUrl('postgres://u:p@h:1/db?sslmode=require&password=x')).toBe('postgres://h:1/db');
  expect(fillEndpoint('mysql://u:p@{host}:{port}/db', { host: 'a.b', port: 3306 })).toBe(
    'mysql://u:p@a.b:3306/db',
  );
  expect(urlTarget('postgres://u@h/db')).toEqual({ host: 'h', port: 5432 });
  expect(urlTarget('https://h/x')).toEqual({ host: 'h', port: 443 });
});

describe('the real DNS and TCP probes, on loopback', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((s) => s.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  test('resolve, connect, refuse, and time out within the probe timeout', async () => {
    expect(await realProber.lookup('localhost', 2000)).toMatch(/^(127\.0\.0\.1|::1)$/);
    await realProber.tcp('127.0.0.1', port, 2000);
    await expect(realProber.tcp('127.0.0.1', 1, 2000)).rejects.toThrow(/ECONNREFUSED/);
  });

  test('SQL probes with the real drivers give up within the probe timeout on a server that never answers', async () => {
    // The loopback server accepts and then says nothing: both drivers wait for a greeting.
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const p = (silent.address() as { port: number }).port;
    for (const url of [`postgres://u:pw@127.0.0.1:${p}/db`, `mysql://u:pw@127.0.0.1:${p}/db`]) {
      const started = Date.now();
      await expect(realProber.sql(url, 'select 1', 400)).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(2500);
    }
    silent.close();
  });

  test('http probe with the built-in fetch', async () => {
    const { createServer: http } = await import('node:http');
    const srv = http((_, res) => {
      res.statusCode = 204;
      res.end();
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const p = (srv.address() as { port: number }).port;
    expect(await realProber.http(`http://127.0.0.1:${p}/healthz`, 2000)).toBe(204);
    await new Promise<void>((r) => srv.close(() => r()));
  });
});
