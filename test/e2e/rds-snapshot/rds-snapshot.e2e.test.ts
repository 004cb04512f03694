import { readFileSync } from 'node:fs';
import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { motoEnv, motoUrl, runAction, useMoto, type ActionRun } from '../../harness/index.js';

const ACTION = 'actions/rds-snapshot';
const SOURCE = 'us-east-1';
const DR = 'us-west-2';

useMoto();

const credentials = { accessKeyId: 'x', secretAccessKey: 'y' };
const rds = (region: string) => new RDSClient({ region, endpoint: motoUrl(), credentials });
const kms = (region: string) => new KMSClient({ region, endpoint: motoUrl(), credentials });

async function instance(
  id: string,
  opts: { retention?: number; encrypted?: boolean; tags?: Record<string, string> } = {},
) {
  await rds(SOURCE).send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: id,
      Engine: 'postgres',
      DBInstanceClass: 'db.t3.micro',
      AllocatedStorage: 20,
      BackupRetentionPeriod: opts.retention ?? 7,
      StorageEncrypted: opts.encrypted ?? false,
      Tags: Object.entries(opts.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
    }),
  );
}

async function cluster(id: string, opts: { encrypted?: boolean } = {}) {
  await rds(SOURCE).send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: id,
      Engine: 'aurora-postgresql',
      MasterUsername: 'admin_user',
      MasterUserPassword: 'not-a-real-password-1',
      BackupRetentionPeriod: 3,
      StorageEncrypted: opts.encrypted ?? false,
      Tags: [{ Key: 'team', Value: 'payments' }],
    }),
  );
}

async function drKey(): Promise<string> {
  const key = await kms(DR).send(new CreateKeyCommand({ Description: 'dr snapshots' }));
  await kms(DR).send(
    new CreateAliasCommand({ AliasName: 'alias/dr-snapshots', TargetKeyId: key.KeyMetadata!.KeyId }),
  );
  return key.KeyMetadata!.Arn!;
}

/** moto's state, minus what it makes up on every call (LatestRestorableTime is always "now"). */
async function state(): Promise<string> {
  const out: Record<string, unknown> = {};
  for (const region of [SOURCE, DR]) {
    const c = rds(region);
    const [i, cl, s, cs] = await Promise.all([
      c.send(new DescribeDBInstancesCommand({})),
      c.send(new DescribeDBClustersCommand({})),
      c.send(new DescribeDBSnapshotsCommand({})),
      c.send(new DescribeDBClusterSnapshotsCommand({})),
    ]);
    out[region] = {
      instances: i.DBInstances,
      clusters: cl.DBClusters,
      snapshots: s.DBSnapshots,
      clusterSnapshots: cs.DBClusterSnapshots,
    };
  }
  return JSON.stringify(out, (k, v) => (k === 'LatestRestorableTime' || k === '$metadata' ? undefined : v));
}

async function manualSnapshots(region: string) {
  const r = await rds(region).send(new DescribeDBSnapshotsCommand({ SnapshotType: 'manual' }));
  return r.DBSnapshots ?? [];
}

function tagsOf(list: Array<{ Key?: string; Value?: string }> | undefined): Record<string, string> {
  return Object.fromEntries((list ?? []).map((t) => [t.Key!, t.Value ?? '']));
}

function errorsOf(run: ActionRun): string[] {
  return run.main.annotations.filter((a) => a.level === 'error').map((a) => a.message);
}

/** The clock part of our snapshot names (and the account in ARNs) as a placeholder, to compare exactly. */
function shape(idOrArn: string): string {
  return idOrArn
    .replace(/-\d{8}-\d{6}-r/, '-<time>-r')
    .replace(/^(arn:aws:rds:[a-z0-9-]+):\d{12}:/, '$1:<account>:');
}

/** The PITR outputs, checked for shape and for what moto reports (its restorable time is "now"). */
function expectFreshPitrOutputs(r: ActionRun, from: number, to: number) {
  expect(r.outputs['pitr-lag-seconds']).toMatch(/^\d+$/);
  const lag = Number(r.outputs['pitr-lag-seconds']);
  expect(lag).toBeGreaterThanOrEqual(0);
  expect(lag).toBeLessThan(60);
  expect(r.outputs['latest-restorable-time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  const restorable = Date.parse(r.outputs['latest-restorable-time']!);
  expect(restorable).toBeGreaterThanOrEqual(from - 1000); // moto's timestamps drop the milliseconds
  expect(restorable).toBeLessThanOrEqual(to);
}

function run(inputs: Record<string, string | number | boolean>, env: Record<string, string> = {}) {
  return runAction({ action: ACTION, inputs: { region: SOURCE, ...inputs }, env: motoEnv(env) });
}

test('two databases in one run, copied to the DR region with its KMS key, tagged with provenance', async () => {
  await instance('orders', { encrypted: true, tags: { team: 'shop', 'oaktree:managed-by': 'someone-else' } });
  await cluster('ledger', { encrypted: true });
  await drKey();

  const from = Date.now();
  const r = await run({
    'db-instance-identifiers': 'orders',
    'db-cluster-identifiers': 'ledger',
    'copy-to-regions': DR,
    'copy-kms-keys': `${DR}=alias/dr-snapshots`,
    tags: 'cost-center=42\nteam=platform',
  });
  const to = Date.now();

  expect(errorsOf(r)).toEqual([]);
  expect(r.main.exitCode).toBe(0);
  const arns = JSON.parse(r.outputs['snapshot-arns']!) as string[];
  expect(arns.map(shape).sort()).toEqual([
    'arn:aws:rds:us-east-1:<account>:cluster-snapshot:oaktree-ledger-<time>-r7100000001-a1',
    'arn:aws:rds:us-east-1:<account>:snapshot:oaktree-orders-<time>-r7100000001-a1',
  ]);
  for (const arn of arns)
    expect(arn).toMatch(/^arn:aws:rds:us-east-1:\d{12}:\S+-\d{8}-\d{6}-r7100000001-a1$/);
  const copies = JSON.parse(r.outputs['copy-arns']!) as string[];
  expect(copies.map(shape).sort()).toEqual([
    'arn:aws:rds:us-west-2:<account>:cluster-snapshot:oaktree-ledger-<time>-r7100000001-a1',
    'arn:aws:rds:us-west-2:<account>:snapshot:oaktree-orders-<time>-r7100000001-a1',
  ]);

  expect(await manualSnapshots(SOURCE)).toHaveLength(1);
  const [snap] = await manualSnapshots(SOURCE);
  expect(tagsOf(snap!.TagList)).toEqual({
    team: 'platform', // the tags input wins over the instance's own tag
    'cost-center': '42',
    'oaktree:managed-by': 'rds-snapshot', // provenance wins over the instance's oaktree: tag
    'oaktree:source-db': 'orders',
    'oaktree:source-region': SOURCE,
    'oaktree:prefix': 'oaktree',
    'oaktree:repository': 'oaktree-demo/shop',
    'oaktree:run-id': '7100000001',
    'oaktree:run-attempt': '1',
    'oaktree:sha': '0123456789abcdef0123456789abcdef01234567',
  });
  expect(await manualSnapshots(DR)).toHaveLength(1);
  const [copy] = await manualSnapshots(DR);
  expect(snap!.DBSnapshotIdentifier).toMatch(/^oaktree-orders-\d{8}-\d{6}-r7100000001-a1$/);
  expect(copy!.DBSnapshotIdentifier).toBe(snap!.DBSnapshotIdentifier);
  expect(copy!.KmsKeyId).toMatch(/^arn:aws:kms:us-west-2:/);
  expect(tagsOf(copy!.TagList)['oaktree:source-db']).toBe('orders');
  const clusterCopies = await rds(DR).send(new DescribeDBClusterSnapshotsCommand({ SnapshotType: 'manual' }));
  expect(tagsOf(clusterCopies.DBClusterSnapshots?.[0]?.TagList)).toMatchObject({
    team: 'platform',
    'oaktree:source-db': 'ledger',
  });

  expectFreshPitrOutputs(r, from, to);
  expect(JSON.parse(r.outputs.pruned!)).toEqual([]);
  const report = JSON.parse(readFileSync(r.outputs['report-file']!, 'utf8'));
  expect(report.databases.map((d: { id: string }) => d.id).sort()).toEqual(['ledger', 'orders']);
  expect(report.problems).toEqual([]);
  expect(r.summary).toMatch(
    /\| orders \| instance \| `oaktree-orders-\d{8}-\d{6}-r7100000001-a1` \(new, available\) \| 20 GiB \| us-west-2: available \| ✅/,
  );
  expect(r.summary).toMatch(/\| ledger \| cluster \|/);
}, 60_000);

test('a re-run of the same attempt reuses its snapshot and copy; a new attempt makes a new one', async () => {
  await instance('orders');
  const inputs = { 'db-instance-identifiers': 'orders', 'copy-to-regions': DR };
  const first = await run(inputs);
  expect(first.main.exitCode).toBe(0);
  const again = await run(inputs);
  expect(again.main.exitCode).toBe(0);
  expect(again.outputs['snapshot-arns']).toBe(first.outputs['snapshot-arns']);
  expect(again.outputs['copy-arns']).toBe(first.outputs['copy-arns']);
  expect(again.main.log).toMatch(
    /orders: reusing oaktree-orders-\S+ \(available\) made earlier by this run attempt/,
  );
  expect(again.main.log).toMatch(
    /copy oaktree-orders-\S+ in us-west-2 exists from this run attempt: reusing it/,
  );
  expect(await manualSnapshots(SOURCE)).toHaveLength(1);
  expect(await manualSnapshots(DR)).toHaveLength(1);
  expect(again.summary).toContain('(reused, available)');

  const attempt2 = await run(inputs, { GITHUB_RUN_ATTEMPT: '2' });
  expect(attempt2.main.exitCode).toBe(0);
  expect(attempt2.outputs['snapshot-arns']).toMatch(/-r7100000001-a2"\]$/);
  expect(await manualSnapshots(SOURCE)).toHaveLength(2);
}, 60_000);

test('pruning keeps keep-last (the new one included) in both regions and never touches foreign snapshots', async () => {
  await instance('orders');
  await instance('billing');
  const source = rds(SOURCE);
  // Foreign: a hand-made snapshot, and one tagged by us but for another database.
  await source.send(
    new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'orders', DBSnapshotIdentifier: 'before-upgrade' }),
  );
  await source.send(
    new CreateDBSnapshotCommand({
      DBInstanceIdentifier: 'billing',
      DBSnapshotIdentifier: 'oaktree-billing-by-hand',
      Tags: [
        { Key: 'oaktree:managed-by', Value: 'rds-snapshot' },
        { Key: 'oaktree:source-db', Value: 'billing' },
        { Key: 'oaktree:source-region', Value: SOURCE },
        { Key: 'oaktree:prefix', Value: 'oaktree' },
      ],
    }),
  );
  const inputs = { 'db-instance-identifiers': 'orders', 'copy-to-regions': DR };
  for (const id of ['7100000101', '7100000102', '7100000103']) {
    const r = await run(inputs, { GITHUB_RUN_ID: id });
    expect(r.main.exitCode).toBe(0);
  }
  const names = async (region: string) =>
    (await manualSnapshots(region)).map((s) => shape(s.DBSnapshotIdentifier!)).sort();
  expect(await names(SOURCE)).toEqual([
    'before-upgrade',
    'oaktree-billing-by-hand',
    'oaktree-orders-<time>-r7100000101-a1',
    'oaktree-orders-<time>-r7100000102-a1',
    'oaktree-orders-<time>-r7100000103-a1',
  ]);

  const r = await run({ ...inputs, 'retention-days': 0, 'keep-last': 2 }, { GITHUB_RUN_ID: '7100000104' });
  expect(errorsOf(r)).toEqual([]);
  const pruned = JSON.parse(r.outputs.pruned!) as string[];
  for (const arn of pruned)
    expect(arn).toMatch(/^arn:aws:rds:[a-z0-9-]+:\d{12}:snapshot:oaktree-orders-\d{8}-\d{6}-r\d+-a1$/);
  expect(pruned.map(shape).sort()).toEqual([
    'arn:aws:rds:us-east-1:<account>:snapshot:oaktree-orders-<time>-r7100000101-a1',
    'arn:aws:rds:us-east-1:<account>:snapshot:oaktree-orders-<time>-r7100000102-a1',
    'arn:aws:rds:us-west-2:<account>:snapshot:oaktree-orders-<time>-r7100000101-a1',
    'arn:aws:rds:us-west-2:<account>:snapshot:oaktree-orders-<time>-r7100000102-a1',
  ]);
  expect(await names(SOURCE)).toEqual([
    'before-upgrade',
    'oaktree-billing-by-hand',
    'oaktree-orders-<time>-r7100000103-a1',
    'oaktree-orders-<time>-r7100000104-a1',
  ]);
  expect(await names(DR)).toEqual([
    'oaktree-orders-<time>-r7100000103-a1',
    'oaktree-orders-<time>-r7100000104-a1',
  ]);
  expect(r.summary).toContain('Pruned 4 snapshot(s)');
}, 60_000);

test('a database with backup retention 0 fails the step by name, after its snapshot is made', async () => {
  await instance('orders');
  await instance('scratch', { retention: 0 });
  const from = Date.now();
  const r = await run({ 'db-instance-identifiers': 'orders\nscratch' });
  const to = Date.now();
  expect(r.main.exitCode).toBe(1);
  expect(errorsOf(r)).toEqual([
    expect.stringMatching(
      /^rds-snapshot: automated backups are off for scratch: point-in-time restore impossible/,
    ),
  ]);
  expect(JSON.parse(r.outputs['snapshot-arns']!)).toHaveLength(2);
  expect(await manualSnapshots(SOURCE)).toHaveLength(2);
  expect(r.summary).toMatch(/\| scratch \| instance \| .* \| ❌ automated backups off \|/);
  expectFreshPitrOutputs(r, from, to); // orders still has a lag
}, 60_000);

test('an unknown database fails in one line before anything changes', async () => {
  await instance('orders');
  const before = await state();
  const r = await run({ 'db-instance-identifiers': 'orders, ghost' });
  expect(r.main.exitCode).toBe(1);
  expect(errorsOf(r)).toEqual([
    'rds-snapshot: input "db-instance-identifiers": there is no DB instance "ghost" in us-east-1: check the name and the region, or list it under db-cluster-identifiers if it is a cluster',
  ]);
  expect(await state()).toBe(before);
  expect(r.outputs['snapshot-arns']).toBe('[]');
}, 60_000);

test('a malformed max-rpo fails in one line before anything changes', async () => {
  await instance('orders');
  const before = await state();
  const r = await run({ 'db-instance-identifiers': 'orders', 'max-rpo': '15 minutes' });
  expect(r.main.exitCode).toBe(1);
  expect(errorsOf(r)).toEqual([
    'rds-snapshot: input "max-rpo" is "15 minutes": expected a duration such as 90s, 15m, 2h or 1h30m',
  ]);
  expect(await state()).toBe(before);
}, 60_000);

test('an encrypted source with a copy region but no key there, or an unknown key, is a configuration error', async () => {
  await instance('orders', { encrypted: true });
  const before = await state();
  const noKey = await run({ 'db-instance-identifiers': 'orders', 'copy-to-regions': DR });
  expect(noKey.main.exitCode).toBe(1);
  expect(errorsOf(noKey)).toEqual([
    'rds-snapshot: input "copy-kms-keys" has no key for us-west-2, and orders is encrypted: add us-west-2=<KMS key ARN or alias/name in us-west-2>',
  ]);
  const badKey = await run({
    'db-instance-identifiers': 'orders',
    'copy-to-regions': DR,
    'copy-kms-keys': `${DR}=alias/not-there`,
  });
  expect(errorsOf(badKey)).toEqual([
    'rds-snapshot: input "copy-kms-keys": there is no KMS key "alias/not-there" in us-west-2: name a key (ARN, id or alias/name) that exists in us-west-2',
  ]);
  expect(await state()).toBe(before);
}, 60_000);

test('the manual snapshot quota is checked before anything is made', async () => {
  await instance('orders');
  await rds(SOURCE).send(
    new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'orders', DBSnapshotIdentifier: 'keep-me' }),
  );
  const before = await state();
  const r = await run({ 'db-instance-identifiers': 'orders', 'manual-snapshot-quota': 1 });
  expect(r.main.exitCode).toBe(1);
  expect(errorsOf(r)[0]).toMatch(
    /^rds-snapshot: us-east-1 has 1 manual DB instance snapshots; 1 more would pass the quota of 1: /,
  );
  expect(await state()).toBe(before);
}, 60_000);

test('wait: false still copies (the source is available) and reports what it started', async () => {
  await cluster('ledger');
  const r = await run({ 'db-cluster-identifiers': 'ledger', 'copy-to-regions': DR, wait: false });
  expect(r.main.exitCode).toBe(0);
  expect(JSON.parse(r.outputs['snapshot-arns']!)).toEqual([
    expect.stringMatching(/^arn:aws:rds:us-east-1:\d+:cluster-snapshot:oaktree-ledger-/),
  ]);
  expect(JSON.parse(r.outputs['copy-arns']!)).toEqual([
    expect.stringMatching(/^arn:aws:rds:us-west-2:\d+:cluster-snapshot:oaktree-ledger-/),
  ]);
  const report = JSON.parse(readFileSync(r.outputs['report-file']!, 'utf8'));
  expect(report.settings.wait).toBe(false);
  expect(report.databases[0].pitr.notes[0]).toMatch(/Aurora clusters do not replicate automated backups/);
}, 60_000);

test('an Aurora member instance is refused before anything changes, pointing at its cluster', async () => {
  await cluster('ledger');
  await rds(SOURCE).send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: 'ledger-writer',
      DBClusterIdentifier: 'ledger',
      Engine: 'aurora-postgresql',
      DBInstanceClass: 'db.r6g.large',
    }),
  );
  const before = await state();
  const r = await run({ 'db-instance-identifiers': 'ledger-writer' });
  expect(errorsOf(r)).toEqual([
    'rds-snapshot: input "db-instance-identifiers": ledger-writer belongs to the cluster ledger, whose storage is snapshotted as a whole: list ledger under db-cluster-identifiers instead',
  ]);
  expect(await state()).toBe(before);
}, 60_000);
