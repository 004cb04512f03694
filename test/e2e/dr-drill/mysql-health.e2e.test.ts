import { jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { motoEnv, runAction, useMoto, type ActionRun } from '../../harness/index.js';
import {
  findMysql,
  MYSQL_INSTALL_HINT,
  startMysql,
  type MysqlServer,
} from '../../fixtures/dr-drill/mysql.js';
import { createInstance, drillLeftovers, inventory } from '../../fixtures/dr-drill/seed.js';

/**
 * The mysql2 side of the health check and the heartbeat RPO against a real MariaDB/MySQL server on
 * loopback (health.e2e.test.ts does the same against PostgreSQL). Where no server can be started the
 * tests are skipped with a notice; in CI (.ci/run installs mariadb-server) a missing server fails.
 */
const available = findMysql() !== undefined;
const skipped = !available && !process.env.CI;
if (skipped) process.stderr.write(`\nMySQL health-check tests skipped: ${MYSQL_INSTALL_HINT}\n\n`);
const maybe = skipped ? test.skip : test;

useMoto();
jest.setTimeout(90_000);

const PASSWORD = 'My-s3cret-drill!';
let my: MysqlServer;

beforeAll(async () => {
  if (skipped) return;
  my = await startMysql({ maxSeconds: 600 });
  await my.query(`create user 'drill'@'127.0.0.1' identified by '${PASSWORD}'`);
  await my.query(`grant all privileges on *.* to 'drill'@'127.0.0.1'`);
  const ddl =
    'create table dr_heartbeat (drill_id varchar(128) not null, written_at timestamp(6) not null default current_timestamp(6))';
  for (const db of ['source', 'recovered_stale']) {
    await my.query(`create database ${db}`);
    await my.query(ddl.replace('dr_heartbeat', `${db}.dr_heartbeat`));
  }
  await my.query(`insert into source.dr_heartbeat values ('cron', now(6) - interval 1 minute)`);
  for (const minutes of [30, 20, 10])
    await my.query(
      `insert into recovered_stale.dr_heartbeat values ('cron', now(6) - interval ${minutes} minute)`,
    );
}, 120_000);

afterAll(async () => {
  await my?.stop();
});

const url = (db: string, password = PASSWORD) => my.url('drill', password, db);

function report(r: ActionRun): Record<string, any> {
  return JSON.parse(readFileSync(r.outputs['report-file']!, 'utf8'));
}

/** The password appears in no log, summary or report; it and the URL were masked. */
function expectMasked(r: ActionRun, password: string): void {
  const unmasked = (s: string) =>
    s
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
  const texts = [unmasked(r.main.stdout), r.main.stderr, unmasked(r.post?.stdout ?? ''), r.summary];
  if (r.outputs['report-file']) texts.push(readFileSync(r.outputs['report-file'], 'utf8'));
  for (const text of texts) {
    expect(text).not.toContain(password);
    expect(text).not.toContain(encodeURIComponent(password));
  }
  expect(r.main.masks).toEqual(
    expect.arrayContaining([expect.stringContaining(encodeURIComponent(password))]),
  );
}

const drill = (inputs: Record<string, string>) =>
  runAction({
    action: 'actions/dr-drill',
    env: motoEnv(),
    inputs: {
      scenario: 'pitr-restore',
      'source-db-instance': 'orders-db',
      'rto-objective': '5m',
      'health-check': 'sql',
      'poll-interval': '1s',
      ...inputs,
    },
  });

if (!available && process.env.CI)
  test('a MariaDB/MySQL server is installed for CI', () => {
    throw new Error(MYSQL_INSTALL_HINT);
  });

maybe('MariaDB: sql health check and heartbeat through mysql2, RPO 0, password masked', async () => {
  await createInstance('orders-db');
  const r = await drill({
    'rpo-objective': '1m',
    'sql-connection': url('source'),
    'source-sql-connection': url('source'),
    'sql-query': 'select count(*) from dr_heartbeat',
    'heartbeat-table': 'dr_heartbeat',
  });
  expect(r.main.exitCode).toBe(0);
  const rep = report(r);
  expect(rep.rpo).toMatchObject({ method: 'heartbeat', upperBound: false, seconds: 0 });
  expect(rep.legs[0].phases.map((p: { name: string }) => p.name)).toEqual(
    expect.arrayContaining(['dns-resolves', 'tcp-accepts', 'sql-ok']),
  );
  expect(r.main.log).toContain(`SQL on mysql://127.0.0.1:${my.port}/source`);
  const rows = await my.query('select drill_id from source.dr_heartbeat where drill_id = ?', [
    r.outputs['drill-id'],
  ]);
  expect(rows).toHaveLength(1);
  expectMasked(r, PASSWORD);
  expect(await drillLeftovers(['us-east-1'])).toEqual([]);
});

maybe(
  'MariaDB: a recovered database without the newest heartbeat rows misses the RPO objective',
  async () => {
    await createInstance('orders-db');
    const r = await drill({
      'rpo-objective': '5m',
      'sql-connection': url('recovered_stale'),
      'source-sql-connection': url('source'),
      'heartbeat-table': 'dr_heartbeat',
    });
    expect(r.main.exitCode).toBe(1);
    const rep = report(r);
    expect(rep.rpo.method).toBe('heartbeat');
    expect(rep.rpo.seconds).toBeGreaterThanOrEqual(600);
    expect(rep.rpo.seconds).toBeLessThan(600 + 120);
    expect(rep.reasons.join(' ')).toMatch(/^RPO 1\dm\d\ds exceeds the objective 5m00s/);
    expectMasked(r, PASSWORD);
  },
);

maybe(
  'MariaDB: a wrong password is refused before anything is created: one line naming the input, masked',
  async () => {
    await createInstance('orders-db');
    const before = await inventory('us-east-1');
    const count = async () => ((await my.query('select 1 from source.dr_heartbeat')) as unknown[]).length;
    const rowsBefore = await count();
    const wrong = 'Wr0ng-mysql-pass';
    const r = await drill({
      'rpo-objective': '5m',
      'sql-connection': url('source'),
      'source-sql-connection': url('source', wrong),
      'heartbeat-table': 'dr_heartbeat',
    });
    expect(r.main.exitCode).toBe(1);
    const errors = r.main.annotations.filter((a) => a.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(
      /^dr-drill: input "source-sql-connection" failed on the source \(mysql:\/\/127\.0\.0\.1:\d+\/source\) before anything was created: Access denied for user 'drill'@'127\.0\.0\.1' \(using password: YES\)/,
    );
    expect(errors[0]!.message).not.toContain('\n');
    expectMasked(r, wrong);
    expect(await inventory('us-east-1')).toEqual(before);
    expect(await drillLeftovers(['us-east-1'])).toEqual([]);
    expect(await count()).toBe(rowsBefore);
  },
);

maybe(
  'MariaDB: a database that does not exist is named in one line, before anything is created',
  async () => {
    await createInstance('orders-db');
    const before = await inventory('us-east-1');
    const r = await drill({ 'rpo-objective': '1h', 'sql-connection': url('no_such_db') });
    expect(r.main.exitCode).toBe(1);
    const errors = r.main.annotations.filter((a) => a.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(
      /^dr-drill: input "sql-connection" failed on the source \(mysql:\/\/127\.0\.0\.1:\d+\/no_such_db\) before anything was created: Unknown database 'no_such_db'/,
    );
    expectMasked(r, PASSWORD);
    expect(await inventory('us-east-1')).toEqual(before);
  },
);
