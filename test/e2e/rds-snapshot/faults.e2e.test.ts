/**
 * rds-snapshot under faults, through the committed bundle, moto and the fault proxy: lost replies on
 * every mutation, throttling that outlasts the SDK's retries, "not found" right after a create, and an
 * account-like API rate limit with many databases. Each run must end as it would without the fault:
 * the same outputs, exactly one snapshot per database and region, nothing left behind.
 */
import { readFileSync } from 'node:fs';
import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { motoUrl, runAction, useMoto, type ActionRun } from '../../harness/index.js';
import { useFaultProxy, type ProxyCall } from '../../harness/faults.js';

const ACTION = 'actions/rds-snapshot';
const SOURCE = 'us-east-1';
const DR = 'us-west-2';
const RUN_PART = 'r7100000001-a1';

useMoto();
const proxy = useFaultProxy(() => motoUrl());

const credentials = { accessKeyId: 'x', secretAccessKey: 'y' };
// Seeding and checking go straight to moto, outside the proxy and its faults.
const rds = (region: string) => new RDSClient({ region, endpoint: motoUrl(), credentials });

async function instance(id: string) {
  await rds(SOURCE).send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: id,
      Engine: 'postgres',
      DBInstanceClass: 'db.t3.micro',
      AllocatedStorage: 20,
      BackupRetentionPeriod: 7,
    }),
  );
}

async function cluster(id: string) {
  await rds(SOURCE).send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: id,
      Engine: 'aurora-postgresql',
      MasterUsername: 'admin_user',
      MasterUserPassword: 'not-a-real-password-1',
      BackupRetentionPeriod: 3,
    }),
  );
}

function run(inputs: Record<string, string | number | boolean>, env: Record<string, string> = {}) {
  return runAction({
    action: ACTION,
    inputs: { region: SOURCE, ...inputs },
    env: { AWS_ENDPOINT_URL: proxy().url, ...env },
    timeoutMs: 300_000,
  });
}

/** Manual snapshot identifiers per region (instance and cluster snapshots), sorted, clock part hidden. */
async function manual(region: string): Promise<string[]> {
  const [i, c] = await Promise.all([
    rds(region).send(new DescribeDBSnapshotsCommand({ SnapshotType: 'manual' })),
    rds(region).send(new DescribeDBClusterSnapshotsCommand({ SnapshotType: 'manual' })),
  ]);
  return [
    ...(i.DBSnapshots ?? []).map((s) => s.DBSnapshotIdentifier!),
    ...(c.DBClusterSnapshots ?? []).map((s) => s.DBClusterSnapshotIdentifier!),
  ]
    .map(shape)
    .sort();
}

/** The clock part of our names and the account in ARNs as placeholders, to compare exactly. */
function shape(idOrArn: string): string {
  return idOrArn
    .replace(/-\d{8}-\d{6}-r/, '-<time>-r')
    .replace(/^(arn:aws:rds:[a-z0-9-]+):\d{12}:/, '$1:<account>:');
}

const arns = (r: ActionRun, output: string) => (JSON.parse(r.outputs[output]!) as string[]).map(shape).sort();
const errorsOf = (r: ActionRun) =>
  r.main.annotations.filter((a) => a.level === 'error').map((a) => a.message);

interface ReportFile {
  problems: string[];
  databases: Array<{
    id: string;
    snapshot?: { adopted?: boolean; reused: boolean; status: string };
    copies: Array<{ region: string; adopted?: boolean; status: string }>;
  }>;
}
const reportOf = (r: ActionRun) => JSON.parse(readFileSync(r.outputs['report-file']!, 'utf8')) as ReportFile;

/** What a fault-free run of these databases gives: a clean exit and one snapshot per database and region. */
function expectCleanRun(
  r: ActionRun,
  dbs: Array<{ id: string; kind: 'snapshot' | 'cluster-snapshot' }>,
  copyRegions: string[] = [],
) {
  expect(errorsOf(r)).toEqual([]);
  expect(r.main.exitCode).toBe(0);
  const arn = (region: string, d: (typeof dbs)[number]) =>
    `arn:aws:rds:${region}:<account>:${d.kind}:oaktree-${d.id}-<time>-${RUN_PART}`;
  expect(arns(r, 'snapshot-arns')).toEqual(dbs.map((d) => arn(SOURCE, d)).sort());
  expect(arns(r, 'copy-arns')).toEqual(
    copyRegions.flatMap((region) => dbs.map((d) => arn(region, d))).sort(),
  );
  expect(reportOf(r).problems).toEqual([]);
}

const ids = (dbs: Array<{ id: string }>) => dbs.map((d) => `oaktree-${d.id}-<time>-${RUN_PART}`).sort();
const ops = (calls: ProxyCall[], op: string) => calls.filter((c) => c.operation === op);

/** moto makes a snapshot available at once; AWS answers the create with `creating`. */
const creatingLikeAws = (body: string) =>
  body.replace(/<Status>available<\/Status>/, '<Status>creating</Status>');
const byId = (c: Readonly<ProxyCall>) => Boolean(c.params.DBSnapshotIdentifier);

test('lost replies on CreateDBSnapshot and CreateDBClusterSnapshot: the retries adopt our snapshots', async () => {
  await instance('orders');
  await cluster('ledger');
  proxy().inject({ name: 'lost', operation: 'CreateDBSnapshot', calls: [0], fault: { kind: 'lose-reply' } });
  proxy().inject({
    name: 'lost',
    operation: 'CreateDBClusterSnapshot',
    calls: [0],
    fault: { kind: 'lose-reply' },
  });
  const r = await run({ 'db-instance-identifiers': 'orders', 'db-cluster-identifiers': 'ledger' });

  const dbs = [
    { id: 'orders', kind: 'snapshot' as const },
    { id: 'ledger', kind: 'cluster-snapshot' as const },
  ];
  expectCleanRun(r, dbs);
  expect(proxy().injected('lost')).toHaveLength(2);
  for (const op of ['CreateDBSnapshot', 'CreateDBClusterSnapshot'])
    // applied by moto but answered 500; the SDK's retry met "already exists"
    expect(ops(proxy().calls, op).map((c) => [c.status, c.backendStatus])).toEqual([
      [500, 200],
      [400, 400],
    ]);
  expect(await manual(SOURCE)).toEqual(ids(dbs));
  expect(reportOf(r).databases.map((d) => [d.id, d.snapshot])).toEqual([
    ['orders', expect.objectContaining({ adopted: true, reused: false, status: 'available' })],
    ['ledger', expect.objectContaining({ adopted: true, reused: false, status: 'available' })],
  ]);
  expect(r.main.log).toMatch(
    /orders: oaktree-orders-\S+ already exists and carries this run's marker \(a reply was lost\): adopting it as ours/,
  );
  // The tags ride on the create call itself: there is no separate tagging call to fail.
  expect(proxy().calls.map((c) => c.operation)).not.toContain('AddTagsToResource');
}, 120_000);

test('lost replies on cross-region CopyDBSnapshot and CopyDBClusterSnapshot: the copies are adopted', async () => {
  await instance('orders');
  await cluster('ledger');
  for (const operation of ['CopyDBSnapshot', 'CopyDBClusterSnapshot'])
    proxy().inject({ name: 'lost', operation, calls: [0], fault: { kind: 'lose-reply' } });
  const r = await run({
    'db-instance-identifiers': 'orders',
    'db-cluster-identifiers': 'ledger',
    'copy-to-regions': DR,
  });

  const dbs = [
    { id: 'orders', kind: 'snapshot' as const },
    { id: 'ledger', kind: 'cluster-snapshot' as const },
  ];
  expectCleanRun(r, dbs, [DR]);
  expect(
    proxy()
      .injected('lost')
      .map((c) => [c.operation, c.region])
      .sort(),
  ).toEqual([
    ['CopyDBClusterSnapshot', DR],
    ['CopyDBSnapshot', DR],
  ]);
  expect(await manual(SOURCE)).toEqual(ids(dbs));
  expect(await manual(DR)).toEqual(ids(dbs));
  for (const d of reportOf(r).databases)
    expect(d.copies).toEqual([expect.objectContaining({ region: DR, adopted: true, status: 'available' })]);
}, 120_000);

test('a prune DeleteDBSnapshot whose reply was lost: its retry meets "not found", which is success', async () => {
  await instance('orders');
  const inputs = { 'db-instance-identifiers': 'orders' };
  for (const id of ['7100000201', '7100000202'])
    expect((await run(inputs, { GITHUB_RUN_ID: id })).main.exitCode).toBe(0);
  proxy().reset();
  proxy().inject({ name: 'lost', operation: 'DeleteDBSnapshot', calls: [0], fault: { kind: 'lose-reply' } });

  const r = await run({ ...inputs, 'retention-days': 0, 'keep-last': 1 });
  expectCleanRun(r, [{ id: 'orders', kind: 'snapshot' }]);
  expect(proxy().injected('lost')).toHaveLength(1);
  const deletes = ops(proxy().calls, 'DeleteDBSnapshot');
  // two deletes, the first sent twice: applied then answered 500, then "not found"
  expect(deletes.map((c) => c.status)).toEqual([500, 404, 200]);
  expect(arns(r, 'pruned')).toEqual([
    'arn:aws:rds:us-east-1:<account>:snapshot:oaktree-orders-<time>-r7100000201-a1',
    'arn:aws:rds:us-east-1:<account>:snapshot:oaktree-orders-<time>-r7100000202-a1',
  ]);
  expect(await manual(SOURCE)).toEqual([`oaktree-orders-<time>-${RUN_PART}`]);
}, 180_000);

// The SDK's own 6 attempts (adaptive mode) take about 25-30 s against throttling: 40 s outlasts them.
test('throttling on the wait for 40 s, longer than the SDK retries: retried with a line saying so', async () => {
  await instance('orders');
  proxy().inject({ operation: 'CreateDBSnapshot', fault: { kind: 'edit-reply', edit: creatingLikeAws } });
  proxy().inject({
    name: 'throttled',
    operation: 'DescribeDBSnapshots',
    when: byId,
    window: { forMs: 40_000 },
    fault: { kind: 'throttle' },
  });
  const r = await run({ 'db-instance-identifiers': 'orders', 'copy-to-regions': DR });

  const dbs = [{ id: 'orders', kind: 'snapshot' as const }];
  expectCleanRun(r, dbs, [DR]);
  // At least one call's worth of SDK attempts (6) throttled: the SDK gave up, the wait retried,
  // and a later look got through.
  expect(proxy().injected('throttled').length).toBeGreaterThanOrEqual(6);
  const looks = ops(proxy().calls, 'DescribeDBSnapshots').filter(byId);
  expect(looks.at(-1)!.status).toBe(200);
  expect(looks.at(-1)!.at - looks[0]!.at).toBeGreaterThanOrEqual(40_000);
  expect(r.main.log).toMatch(
    /orders: oaktree-orders-\S+: AWS answered Throttling \(transient\); retrying in \d+s \(\d+\S* so far\)/,
  );
  expect(await manual(SOURCE)).toEqual(ids(dbs));
  expect(await manual(DR)).toEqual(ids(dbs));
}, 180_000);

test('"not found" on the first looks right after the create is "not visible yet", not a failure', async () => {
  await instance('orders');
  proxy().inject({ operation: 'CreateDBSnapshot', fault: { kind: 'edit-reply', edit: creatingLikeAws } });
  proxy().inject({
    name: 'late',
    operation: 'DescribeDBSnapshots',
    when: byId,
    calls: [0, 1],
    fault: { kind: 'error', status: 404, code: 'DBSnapshotNotFound', message: 'not visible yet' },
  });
  const r = await run({ 'db-instance-identifiers': 'orders' });

  const dbs = [{ id: 'orders', kind: 'snapshot' as const }];
  expectCleanRun(r, dbs);
  expect(proxy().injected('late')).toHaveLength(2);
  expect(r.main.log).toMatch(
    /orders: oaktree-orders-\S+: not visible yet \(DBSnapshotNotFoundFault\); asking again in/,
  );
  expect(r.main.log).not.toMatch(/disappeared/);
  expect(await manual(SOURCE)).toEqual(ids(dbs));
}, 180_000);

test('max-parallel 3 with 12 databases under an API rate limit: no failures, at most 3 creates in flight', async () => {
  const names = Array.from({ length: 12 }, (_, i) => `db-${String(i + 1).padStart(2, '0')}`);
  for (const id of names) await instance(id);
  proxy().inject({ name: 'rate', service: 'rds', fault: { kind: 'rate-limit', perSecond: 4, burst: 8 } });
  // Every create that gets through is held 400 ms: each one in flight at least that long.
  const HOLD = 400;
  proxy().inject({ operation: 'CreateDBSnapshot', fault: { kind: 'delay', ms: HOLD } });
  const r = await run({ 'db-instance-identifiers': names.join('\n'), 'max-parallel': 3 });

  const dbs = names.map((id) => ({ id, kind: 'snapshot' as const }));
  expectCleanRun(r, dbs);
  expect(proxy().injected('rate').length).toBeGreaterThan(0);
  expect(await manual(SOURCE)).toEqual(ids(dbs));
  // A create that got through was in flight for [at, at + HOLD]: so creates arriving within HOLD of
  // one another were in flight together.
  const served = ops(proxy().calls, 'CreateDBSnapshot').filter((c) => c.status === 200);
  expect(served).toHaveLength(12);
  const together = served.map((a) => served.filter((b) => b.at >= a.at && b.at < a.at + HOLD).length);
  expect(Math.max(...together)).toBeLessThanOrEqual(3);
  expect(Math.max(...together)).toBeGreaterThanOrEqual(2); // parallel, not one by one
}, 180_000);

test('a bad max-parallel fails in one line naming the input, before any AWS call', async () => {
  await instance('orders');
  const r = await run({ 'db-instance-identifiers': 'orders', 'max-parallel': '0' });
  expect(r.main.exitCode).toBe(1);
  expect(errorsOf(r)).toEqual([
    'rds-snapshot: input "max-parallel" is "0": expected a whole number from 1 to 50',
  ]);
  expect(proxy().calls).toEqual([]);
}, 60_000);
