import { jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { motoEnv, runAction, useMoto, type ActionRun } from '../../harness/index.js';
import { startPostgres, type PgServer } from '../../fixtures/dr-drill/postgres.js';
import { createInstance, drillLeftovers, inventory } from '../../fixtures/dr-drill/seed.js';

/**
 * Health checks and the heartbeat RPO against a real PostgreSQL server on loopback. moto's endpoints do
 * not resolve, so sql-connection names the local server directly; "recovered" databases are separate
 * databases on it, one with all heartbeat rows, one that lacks the newest.
 */
useMoto();
jest.setTimeout(90_000);

const PASSWORD = 'Sup3r-s3cret-drill';
let pg: PgServer;

beforeAll(async () => {
  pg = await startPostgres({ maxSeconds: 600 });
  for (const db of ['source', 'recovered_stale']) await pg.query('postgres', `create database ${db}`);
  const ddl =
    'create table dr_heartbeat (drill_id text not null, written_at timestamptz not null default now())';
  await pg.query('source', ddl);
  await pg.query('recovered_stale', ddl);
  // The source has a heartbeat a minute ago; the stale "recovered" copy stops 10 minutes ago.
  await pg.query('source', `insert into dr_heartbeat values ('cron', now() - interval '1 minute')`);
  for (const minutes of [30, 20, 10])
    await pg.query(
      'recovered_stale',
      `insert into dr_heartbeat values ('cron', now() - interval '${minutes} minutes')`,
    );
}, 90_000);

afterAll(async () => {
  await pg?.stop();
});

const url = (db: string) => `postgres://postgres:${PASSWORD}@127.0.0.1:${pg.port}/${db}`;

function report(r: ActionRun): Record<string, any> {
  return JSON.parse(readFileSync(r.outputs['report-file']!, 'utf8'));
}

function expectNoSecret(r: ActionRun): void {
  const visible = (s: string) =>
    s
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
  for (const text of [
    visible(r.main.stdout),
    r.main.stderr,
    visible(r.post?.stdout ?? ''),
    r.summary,
    readFileSync(r.outputs['report-file']!, 'utf8'),
  ]) {
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(`postgres:${PASSWORD}`);
  }
  expect(r.main.masks).toEqual(expect.arrayContaining([PASSWORD, url('source')]));
}

test('sql health check and heartbeat: the marker made it across, RPO 0', async () => {
  await createInstance('orders-db');
  const r = await runAction({
    action: 'actions/dr-drill',
    env: motoEnv(),
    inputs: {
      scenario: 'pitr-restore',
      'source-db-instance': 'orders-db',
      'rto-objective': '5m',
      'rpo-objective': '1m',
      'health-check': 'sql',
      'sql-connection': url('source'),
      'source-sql-connection': url('source'),
      'sql-query': 'select count(*) from dr_heartbeat',
      'heartbeat-table': 'dr_heartbeat',
      'poll-interval': '1s',
    },
  });
  expect(r.main.exitCode).toBe(0);
  const rep = report(r);
  expect(rep.rpo).toMatchObject({ method: 'heartbeat', upperBound: false, seconds: 0 });
  expect(rep.legs[0].phases.map((p: { name: string }) => p.name)).toEqual(
    expect.arrayContaining(['api-accepted', 'dns-resolves', 'tcp-accepts', 'sql-ok']),
  );
  const phase = (n: string) => rep.legs[0].phases.find((p: { name: string }) => p.name === n).atSeconds;
  expect(phase('dns-resolves')).toBeLessThanOrEqual(phase('tcp-accepts'));
  expect(phase('tcp-accepts')).toBeLessThanOrEqual(phase('sql-ok'));
  expect(Number(r.outputs['rto-seconds'])).toBe(phase('sql-ok'));
  // The marker row is on the source, written by the database clock.
  const rows = await pg.query('source', 'select drill_id from dr_heartbeat where drill_id = $1', [
    r.outputs['drill-id'],
  ]);
  expect(rows).toHaveLength(1);
  expect(r.main.log).toContain('SQL on postgres://127.0.0.1:');
  expectNoSecret(r);
  expect(await drillLeftovers(['us-east-1'])).toEqual([]);
});

test('a recovered database without the newest heartbeat rows: RPO measured at the data level, objective missed', async () => {
  await createInstance('orders-db');
  const r = await runAction({
    action: 'actions/dr-drill',
    env: motoEnv(),
    inputs: {
      scenario: 'pitr-restore',
      'source-db-instance': 'orders-db',
      'rto-objective': '5m',
      'rpo-objective': '5m',
      'health-check': 'sql',
      'sql-connection': url('recovered_stale'),
      'source-sql-connection': url('source'),
      'heartbeat-table': 'dr_heartbeat',
      'poll-interval': '1s',
    },
  });
  expect(r.main.exitCode).toBe(1);
  expect(r.outputs.passed).toBe('false');
  const rep = report(r);
  expect(rep.rpo.method).toBe('heartbeat');
  // Marker (now, source clock) minus the newest stale row (10 minutes before the seed).
  expect(rep.rpo.seconds).toBeGreaterThanOrEqual(600);
  expect(rep.rpo.seconds).toBeLessThan(600 + 120);
  expect(Number(r.outputs['rpo-seconds'])).toBe(rep.rpo.seconds);
  expect(rep.reasons.join(' ')).toMatch(/^RPO 1\dm\d\ds exceeds the objective 5m00s/);
  expect(rep.cleanup.status).toBe('done');
  expectNoSecret(r);
  expect(await drillLeftovers(['us-east-1'])).toEqual([]);
});

test('replica-promote with a heartbeat: the marker is written once the replica exists, just before the promotion', async () => {
  await createInstance('orders-db');
  const r = await runAction({
    action: 'actions/dr-drill',
    env: motoEnv(),
    inputs: {
      scenario: 'replica-promote',
      'source-db-instance': 'orders-db',
      'rto-objective': '5m',
      'rpo-objective': '0s',
      'health-check': 'sql',
      'sql-connection': url('source'),
      'source-sql-connection': url('source'),
      'heartbeat-table': 'dr_heartbeat',
      'poll-interval': '1s',
    },
  });
  expect(r.main.exitCode).toBe(0);
  const rep = report(r);
  const at = (state: string) =>
    Date.parse(rep.transitions.find((t: { state: string }) => t.state === state).at);
  const states = rep.transitions.map((t: { state: string }) => t.state);
  expect(states).toEqual([
    'creating-replica',
    'waiting-for-replication',
    'measuring-lag',
    'heartbeat-marker',
    'promoting',
    'waiting-for-recovery',
    'recovered',
  ]);
  // The marker row (database clock) is younger than the replica and older than the promotion.
  const [row] = await pg.query(
    'source',
    'select extract(epoch from written_at) * 1000 as at from dr_heartbeat where drill_id = $1 order by written_at desc limit 1',
    [r.outputs['drill-id']],
  );
  const markerAt = Number(row!.at);
  expect(markerAt).toBeGreaterThanOrEqual(at('waiting-for-replication') - 1000);
  expect(markerAt).toBeLessThanOrEqual(at('promoting') + 1000);
  expect(Date.parse(rep.rpo.markerAt)).toBeCloseTo(markerAt, -1);
  expect(rep.rpo).toMatchObject({ method: 'heartbeat', seconds: 0 });
  expect(r.outputs['rpo-method']).toBe('heartbeat');
  // The source is no replica: PostgreSQL gives no replay position, which is said, not invented.
  expect(r.main.log).toContain('replay lag: PostgreSQL gave no WAL positions');
  expectNoSecret(r);
  expect(await drillLeftovers(['us-east-1'])).toEqual([]);
});

test('a recovered database without the heartbeat table cannot prove its RPO', async () => {
  await createInstance('orders-db');
  await pg.query('postgres', 'create database recovered_empty').catch(() => undefined);
  const r = await runAction({
    action: 'actions/dr-drill',
    env: motoEnv(),
    inputs: {
      scenario: 'pitr-restore',
      'source-db-instance': 'orders-db',
      'rto-objective': '5m',
      'rpo-objective': '1h',
      'health-check': 'sql',
      'sql-connection': url('recovered_empty'),
      'source-sql-connection': url('source'),
      'heartbeat-table': 'dr_heartbeat',
      'poll-interval': '1s',
    },
  });
  expect(r.main.exitCode).toBe(1);
  const rep = report(r);
  expect(rep.rpo.seconds).toBeUndefined();
  expect(rep.rpo.detail).toMatch(/relation "dr_heartbeat" does not exist/);
  expect(rep.reasons.join(' ')).toContain('RPO could not be measured');
  expectNoSecret(r);
});

test('http health check with the built-in fetch: 503s are retried until the service answers 2xx', async () => {
  const { createServer } = await import('node:http');
  let hits = 0;
  const srv = createServer((_, res) => {
    res.statusCode = ++hits <= 3 ? 503 : 200;
    res.end();
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  try {
    await createInstance('orders-db');
    const r = await runAction({
      action: 'actions/dr-drill',
      env: motoEnv(),
      inputs: {
        scenario: 'pitr-restore',
        'source-db-instance': 'orders-db',
        'rto-objective': '5m',
        'rpo-objective': '1h',
        'health-check': 'http',
        'http-url': `http://127.0.0.1:${port}/healthz`,
        'probe-interval': '100ms',
      },
    });
    expect(r.main.exitCode).toBe(0);
    expect(hits).toBe(4);
    expect(r.main.log).toContain(`health check not yet: http://127.0.0.1:${port}/healthz answered HTTP 503`);
    const rep = report(r);
    const phases = rep.legs[0].phases.map((p: { name: string }) => p.name);
    expect(phases).toEqual(expect.arrayContaining(['dns-resolves', 'tcp-accepts', 'http-ok']));
    const at = (n: string) => rep.legs[0].phases.find((p: { name: string }) => p.name === n).atSeconds;
    // Three failed probes 100 ms apart come before the passing one.
    expect(at('http-ok') - at('tcp-accepts')).toBeGreaterThanOrEqual(0.25);
    expect(Number(r.outputs['rto-seconds'])).toBe(at('http-ok'));
  } finally {
    srv.close();
  }
});

test('a source connection the database refuses is found before anything is created: one line naming the input, masked', async () => {
  await createInstance('orders-db');
  const before = await inventory('us-east-1');
  const heartbeatRows = async () => (await pg.query('source', 'select 1 from dr_heartbeat')).length;
  const rowsBefore = await heartbeatRows();
  const wrong = 'Wr0ng-drill-pass';
  // the test server trusts every login, so an unknown role is what it refuses
  const sourceUrl = `postgres://no_such_role:${wrong}@127.0.0.1:${pg.port}/source`;
  const r = await runAction({
    action: 'actions/dr-drill',
    env: motoEnv(),
    inputs: {
      scenario: 'pitr-restore',
      'source-db-instance': 'orders-db',
      'rto-objective': '5m',
      'rpo-objective': '5m',
      'health-check': 'sql',
      'sql-connection': url('source'),
      'source-sql-connection': sourceUrl,
      'heartbeat-table': 'dr_heartbeat',
      'poll-interval': '1s',
    },
  });
  expect(r.main.exitCode).toBe(1);
  expect(r.outputs.passed).toBe('false');
  const errors = r.main.annotations.filter((a) => a.level === 'error');
  expect(errors).toHaveLength(1);
  expect(errors[0]!.message).toMatch(/^dr-drill: input "source-sql-connection" /);
  expect(errors[0]!.message).not.toContain('\n');
  expect(r.main.masks).toEqual(expect.arrayContaining([wrong]));
  for (const text of [r.main.log, r.main.stderr, r.post?.log ?? '', r.summary])
    expect(text).not.toContain(wrong);
  // nothing created, no marker row written, and post had nothing to do
  expect(await inventory('us-east-1')).toEqual(before);
  expect(await drillLeftovers(['us-east-1'])).toEqual([]);
  expect(await heartbeatRows()).toBe(rowsBefore);
});
