import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError, OperationError, log } from '@oaktree/action-kit';
import { FakeAws } from '../../../test/fixtures/rds-snapshot/fake-aws.js';
import { snapshotDatabases, type Deps } from './execute.js';
import type { Config } from './inputs.js';

let out: string[] = [];
let restore: (t: string) => void;
beforeEach(() => {
  out = [];
  restore = log.setCommandWriter((t) => out.push(t));
});
afterEach(() => {
  log.setCommandWriter(restore);
});

function config(over: Partial<Config> = {}): Config {
  return {
    instances: [],
    clusters: [],
    prefix: 'oaktree',
    tags: [],
    copyRegions: [],
    copyKmsKeys: {},
    keepLast: 3,
    maxRpoMs: 15 * 60_000,
    wait: true,
    timeoutMs: 60 * 60_000,
    quota: 100,
    maxParallel: 4,
    region: 'us-east-1',
    run: { runId: '55', attempt: '1', repository: 'o/r', sha: 'abc' },
    reportDir: mkdtempSync(join(tmpdir(), 'rds-snapshot-test-')),
    ...over,
  };
}

function deps(aws: FakeAws, over: Partial<Deps> = {}): Deps {
  return {
    rds: (r) => aws.region(r),
    kms: (r) => aws.region(r),
    now: aws.now,
    sleep: aws.sleep,
    pollIntervalMs: 15_000,
    jitterMs: 0,
    ...over,
  };
}

const logText = () => out.join('');

test('waits for a snapshot with a progress line per change, not per look', async () => {
  const aws = new FakeAws();
  const east = aws.region('us-east-1');
  east.addInstance('orders');
  east.createSteps = [
    { Status: 'creating', PercentProgress: 0 },
    { Status: 'creating', PercentProgress: 0 },
    { Status: 'creating', PercentProgress: 45 },
    { Status: 'creating', PercentProgress: 45 },
    { Status: 'available', PercentProgress: 100 },
  ];
  const report = await snapshotDatabases(config({ instances: ['orders'] }), deps(aws));
  expect(report.databases[0]!.snapshot).toMatchObject({ status: 'available', reused: false });
  const progress = logText()
    .split('\n')
    .filter((l) => /^orders: oaktree-orders-/.test(l));
  expect(progress).toEqual([
    'orders: oaktree-orders-20261126-120000-r55-a1: creating 0% (0ms so far)',
    'orders: oaktree-orders-20261126-120000-r55-a1: creating 45% (15s so far)',
  ]);
  // the create answer said creating; four looks later it is available
  expect(east.calls.filter((c) => c === 'DescribeDBSnapshots')).toHaveLength(1 + 4);
});

test('the wait is bounded by timeout-minutes; the snapshot is reported, nothing is copied or pruned', async () => {
  const aws = new FakeAws();
  const east = aws.region('us-east-1');
  east.addInstance('orders');
  east.createSteps = Array.from({ length: 100 }, () => ({ Status: 'creating', PercentProgress: 10 }));
  const err = await snapshotDatabases(
    config({ instances: ['orders'], timeoutMs: 60_000, copyRegions: ['us-west-2'], retentionDays: 0 }),
    deps(aws),
  ).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OperationError);
  expect((err as Error).message).toMatch(
    /^orders: snapshot oaktree-orders-\S+ failed: timed out after 1m00s waiting for snapshot oaktree-orders-\S+ to become available \(last seen: creating 10%\)$/,
  );
  expect(aws.region('us-west-2').calls).not.toContain('CopyDBSnapshot');
  expect(east.calls).not.toContain('DeleteDBSnapshot');
  expect(logText()).toMatch(
    /::warning::orders: pruning skipped in us-east-1: its new snapshot oaktree-orders-\S+ failed; nothing was deleted there\n/,
  );
  expect(logText()).toMatch(/::warning::orders: pruning skipped in us-west-2: its new snapshot /);
  // outputs still carry what is known
  expect(logText()).toMatch(
    /::set-output name=snapshot-arns::\["arn:aws:rds:us-east-1:123456789012:snapshot:oaktree-orders-/,
  );
});

test('a failed snapshot fails that database only: no copy, no pruning for it; the other is copied', async () => {
  const aws = new FakeAws();
  const east = aws.region('us-east-1');
  const west = aws.region('us-west-2');
  east.addInstance('orders');
  east.addInstance('billing');
  east.createSteps = (id) =>
    id.startsWith('oaktree-orders-') ? [{ Status: 'creating' }, { Status: 'failed' }] : [];
  const err = await snapshotDatabases(
    config({ instances: ['orders', 'billing'], copyRegions: ['us-west-2'], retentionDays: 0, keepLast: 1 }),
    deps(aws),
  ).catch((e: unknown) => e);
  expect((err as Error).message).toMatch(
    /^orders: snapshot oaktree-orders-\S+ failed: snapshot oaktree-orders-\S+ is failed$/,
  );
  expect([...west.snapshots.keys()]).toEqual([expect.stringMatching(/^oaktree-billing-/)]);
  expect(east.calls).not.toContain('DeleteDBSnapshot');
  const skipped = logText()
    .split('\n')
    .filter((l) => l.includes('pruning skipped'));
  expect(skipped).toEqual([
    expect.stringMatching(
      /^::warning::orders: pruning skipped in us-east-1: its new snapshot oaktree-orders-\S+ failed;/,
    ),
    expect.stringMatching(
      /^::warning::orders: pruning skipped in us-west-2: its new snapshot oaktree-orders-\S+ failed;/,
    ),
  ]);
});

test('copies respect the in-flight limit per destination region', async () => {
  const aws = new FakeAws();
  const east = aws.region('us-east-1');
  const west = aws.region('us-west-2');
  const ids = Array.from({ length: 7 }, (_, i) => `ledger${i}`);
  for (const id of ids) east.addCluster(id);
  west.copySteps = [
    { Status: 'copying', PercentProgress: 0 },
    { Status: 'copying', PercentProgress: 50 },
    { Status: 'available' },
  ];
  const report = await snapshotDatabases(config({ clusters: ids, copyRegions: ['us-west-2'] }), deps(aws));
  expect(report.copyArns).toHaveLength(7);
  expect(west.peakInFlightCopies).toBe(5);
  expect(west.clusterSnapshots.size).toBe(7);
});

test('a lower copy limit is honoured too (instance copies)', async () => {
  const aws = new FakeAws();
  const east = aws.region('us-east-1');
  const west = aws.region('us-west-2');
  for (const id of ['a1', 'a2', 'a3']) east.addInstance(id);
  west.copySteps = [{ Status: 'pending' }, { Status: 'copying' }, { Status: 'available' }];
  await snapshotDatabases(
    config({ instances: ['a1', 'a2', 'a3'], copyRegions: ['us-west-2'] }),
    deps(aws, { copyLimits: { instance: 1, cluster: 1 } }),
  );
  expect(west.peakInFlightCopies).toBe(1);
  expect(west.snapshots.size).toBe(3);
});

test('PITR lag over max-rpo fails the step after the snapshot is made; outputs carry the lag', async () => {
  const aws = new FakeAws();
  const east = aws.region('us-east-1');
  east.addInstance('orders', { LatestRestorableTime: new Date(aws.time - 16 * 60_000) });
  east.addInstance('billing', { LatestRestorableTime: new Date(aws.time - 5 * 60_000) });
  const err = await snapshotDatabases(config({ instances: ['orders', 'billing'] }), deps(aws)).catch(
    (e: unknown) => e,
  );
  expect((err as Error).message).toBe(
    'point-in-time restore of orders lags 16m00s behind now (latest restorable time 2026-11-26T11:44:00.000Z), more than max-rpo 15m00s',
  );
  expect(east.snapshots.size).toBe(2);
  expect(logText()).toMatch(/::set-output name=pitr-lag-seconds::960\n/);
  expect(logText()).toMatch(/::set-output name=latest-restorable-time::2026-11-26T11:44:00.000Z\n/);
});

test('replicated automated backups in a copy region are held to max-rpo too', async () => {
  const aws = new FakeAws();
  const east = aws.region('us-east-1');
  const backupArn = 'arn:aws:rds:us-west-2:123456789012:auto-backup:ab-orders';
  east.addInstance('orders', {
    DBInstanceAutomatedBackupsReplications: [{ DBInstanceAutomatedBackupsArn: backupArn }],
  });
  aws.region('us-west-2').automatedBackups.set(backupArn, { LatestTime: new Date(aws.time - 20 * 60_000) });
  const err = await snapshotDatabases(
    config({ instances: ['orders'], copyRegions: ['us-west-2'] }),
    deps(aws),
  ).catch((e: unknown) => e);
  expect((err as Error).message).toBe(
    'replicated automated backups of orders in us-west-2 lag 20m00s behind now, more than max-rpo 15m00s',
  );
});

test('replicated backups that cannot be read are reported as a warning, not a failure', async () => {
  const aws = new FakeAws();
  const east = aws.region('us-east-1');
  const backupArn = 'arn:aws:rds:us-west-2:123456789012:auto-backup:ab-orders';
  east.addInstance('orders', {
    DBInstanceAutomatedBackupsReplications: [{ DBInstanceAutomatedBackupsArn: backupArn }],
  });
  const denied = new Error('User is not authorized to perform: rds:DescribeDBInstanceAutomatedBackups');
  denied.name = 'AccessDenied';
  aws.region('us-west-2').automatedBackups.set(backupArn, denied);
  const report = await snapshotDatabases(config({ instances: ['orders'] }), deps(aws));
  expect(report.warnings).toEqual([
    expect.stringMatching(
      /^could not check the replicated automated backups of orders in us-west-2: access denied/,
    ),
  ]);
  expect(logText()).toMatch(
    /::warning::could not check the replicated automated backups of orders in us-west-2/,
  );
});

test('a create answered "already exists" for this attempt (a retried request) adopts the snapshot', async () => {
  const aws = new FakeAws();
  const east = aws.region('us-east-1');
  east.addInstance('orders');
  const c = config({ instances: ['orders'] });
  // The snapshot appears between the listing and the create, as if an earlier request got through.
  const realSend = east.send.bind(east);
  east.send = async (cmd) => {
    if (cmd.constructor.name === 'CreateDBSnapshotCommand') {
      await realSend(cmd);
      const e = new Error('exists');
      e.name = 'DBSnapshotAlreadyExistsFault';
      throw e;
    }
    return realSend(cmd);
  };
  const report = await snapshotDatabases(c, deps(aws));
  expect(report.databases[0]!.snapshot).toMatchObject({ reused: false, adopted: true, status: 'available' });
  expect(east.snapshots.size).toBe(1);
});

test('without wait and without copies, the action does not poll', async () => {
  const aws = new FakeAws();
  const east = aws.region('us-east-1');
  east.addInstance('orders');
  east.createSteps = [{ Status: 'creating' }, { Status: 'creating' }];
  const report = await snapshotDatabases(config({ instances: ['orders'], wait: false }), deps(aws));
  expect(report.databases[0]!.snapshot?.status).toBe('creating');
  expect(east.calls.filter((c) => c === 'DescribeDBSnapshots')).toHaveLength(1); // the listing only
});

const ourTags = {
  'oaktree:managed-by': 'rds-snapshot',
  'oaktree:source-db': 'orders',
  'oaktree:source-region': 'us-east-1',
  'oaktree:prefix': 'oaktree',
};
const DAY = 86_400_000;

test('no pruning while the new snapshot is not available (wait: false): a warning says why', async () => {
  const aws = new FakeAws();
  const east = aws.region('us-east-1');
  east.addInstance('orders');
  east.addSnapshot('old-1', { db: 'orders', created: new Date(aws.time - 40 * DAY), tags: ourTags });
  east.addSnapshot('old-2', { db: 'orders', created: new Date(aws.time - 30 * DAY), tags: ourTags });
  east.createSteps = [{ Status: 'creating' }];
  const report = await snapshotDatabases(
    config({ instances: ['orders'], wait: false, retentionDays: 0, keepLast: 1 }),
    deps(aws),
  );
  expect(report.databases[0]!.snapshot?.status).toBe('creating');
  expect(east.calls).not.toContain('DeleteDBSnapshot');
  expect([...east.snapshots.keys()].sort()).toEqual([
    'oaktree-orders-20261126-120000-r55-a1',
    'old-1',
    'old-2',
  ]);
  expect(report.pruned).toEqual([]);
  expect(report.warnings).toEqual([
    'orders: pruning skipped in us-east-1: its new snapshot oaktree-orders-20261126-120000-r55-a1 is "creating", not available yet (wait is false: set it to true to prune in the same run); nothing was deleted there',
  ]);
  expect(logText()).toContain('::warning::orders: pruning skipped in us-east-1: ');
});

test('with wait: false the source region is pruned, but not a copy region whose copy is still copying', async () => {
  const aws = new FakeAws();
  const east = aws.region('us-east-1');
  const west = aws.region('us-west-2');
  east.addInstance('orders');
  for (const region of [east, west]) {
    region.addSnapshot('old-1', { db: 'orders', created: new Date(aws.time - 40 * DAY), tags: ourTags });
    region.addSnapshot('old-2', { db: 'orders', created: new Date(aws.time - 30 * DAY), tags: ourTags });
  }
  east.createSteps = [{ Status: 'creating' }, { Status: 'available' }];
  west.copySteps = [{ Status: 'copying' }];
  const report = await snapshotDatabases(
    config({ instances: ['orders'], copyRegions: ['us-west-2'], wait: false, retentionDays: 0, keepLast: 2 }),
    deps(aws),
  );
  expect(report.databases[0]!.copies).toEqual([
    expect.objectContaining({ region: 'us-west-2', status: 'copying' }),
  ]);
  // source: the new snapshot (available) and old-2 are the floor of 2
  expect(report.pruned).toEqual(['arn:aws:rds:us-east-1:123456789012:snapshot:old-1']);
  // the report says why each of ours was kept, and only for the region that was pruned
  expect(report.databases[0]!.kept).toEqual([
    { region: 'us-east-1', id: 'oaktree-orders-20261126-120000-r55-a1', reason: 'this run' },
    { region: 'us-east-1', id: 'old-2', reason: 'keep-last' },
  ]);
  expect(west.calls).not.toContain('DeleteDBSnapshot');
  expect([...west.snapshots.keys()].sort()).toEqual([
    'oaktree-orders-20261126-120000-r55-a1',
    'old-1',
    'old-2',
  ]);
  expect(report.warnings).toEqual([
    'orders: pruning skipped in us-west-2: its new copy oaktree-orders-20261126-120000-r55-a1 is "copying", not available yet (wait is false: set it to true to prune in the same run); nothing was deleted there',
  ]);
});

test('a copy region whose copy failed is not pruned, and a warning says so', async () => {
  const aws = new FakeAws();
  const east = aws.region('us-east-1');
  const west = aws.region('us-west-2');
  east.addInstance('orders');
  for (const region of [east, west])
    region.addSnapshot('old', { db: 'orders', created: new Date(aws.time - 40 * DAY), tags: ourTags });
  const refused = new Error('too many copies in flight');
  refused.name = 'SnapshotQuotaExceeded';
  west.failNext.set('CopyDBSnapshot', refused);
  const err = await snapshotDatabases(
    config({ instances: ['orders'], copyRegions: ['us-west-2'], retentionDays: 0, keepLast: 1 }),
    deps(aws),
  ).catch((e: unknown) => e);
  expect((err as Error).message).toMatch(/^orders: copy to us-west-2 failed: /);
  expect(east.snapshots.has('old')).toBe(false);
  expect(west.snapshots.has('old')).toBe(true);
  expect(west.calls).not.toContain('DeleteDBSnapshot');
  expect(logText()).toMatch(
    /::warning::orders: pruning skipped in us-west-2: its copy of oaktree-orders-\S+ failed; nothing was deleted there\n/,
  );
});

test('cancellation ends the wait and says so', async () => {
  const aws = new FakeAws();
  const east = aws.region('us-east-1');
  east.addInstance('orders');
  east.createSteps = Array.from({ length: 50 }, () => ({ Status: 'creating' }));
  const controller = new AbortController();
  const err = await snapshotDatabases(
    config({ instances: ['orders'] }),
    deps(aws, {
      signal: controller.signal,
      sleep: async (ms) => {
        aws.time += ms;
        controller.abort('SIGINT');
      },
    }),
  ).catch((e: unknown) => e);
  expect((err as Error).message).toMatch(/cancelled \(SIGINT\) while waiting for snapshot oaktree-orders-/);
});

test('after a cancel nothing new is started: no further copies, no pruning', async () => {
  const aws = new FakeAws();
  const east = aws.region('us-east-1');
  const west = aws.region('us-west-2');
  east.addInstance('orders');
  east.addInstance('billing');
  east.addSnapshot('old', {
    db: 'orders',
    created: new Date(aws.time - 90 * 86_400_000),
    tags: {
      'oaktree:managed-by': 'rds-snapshot',
      'oaktree:source-db': 'orders',
      'oaktree:source-region': 'us-east-1',
      'oaktree:prefix': 'oaktree',
    },
  });
  west.copySteps = Array.from({ length: 20 }, () => ({ Status: 'copying' }));
  const controller = new AbortController();
  const err = await snapshotDatabases(
    config({ instances: ['orders', 'billing'], copyRegions: ['us-west-2'], retentionDays: 0, keepLast: 1 }),
    deps(aws, {
      signal: controller.signal,
      copyLimits: { instance: 1, cluster: 1 },
      sleep: async (ms) => {
        aws.time += ms;
        controller.abort('SIGTERM');
      },
    }),
  ).catch((e: unknown) => e);
  expect((err as Error).message).toMatch(
    /cancelled \(SIGTERM\) while waiting for snapshot oaktree-orders-\S+ in us-west-2/,
  );
  // one copy in flight at a time: the second database's copy was queued, and is never started
  expect((err as Error).message).toMatch(
    /billing: copy to us-west-2 failed: cancelled \(SIGTERM\) before copying/,
  );
  expect(west.calls.filter((c) => c === 'CopyDBSnapshot')).toHaveLength(1);
  expect(east.calls).not.toContain('DeleteDBSnapshot');
  expect(east.snapshots.has('old')).toBe(true);
});

test('pruning uses our tags only and keeps the floor, in the source and the copy region', async () => {
  const aws = new FakeAws();
  const east = aws.region('us-east-1');
  const west = aws.region('us-west-2');
  east.addInstance('orders');
  const ours = (db: string, run: string) => ({
    'oaktree:managed-by': 'rds-snapshot',
    'oaktree:source-db': db,
    'oaktree:source-region': 'us-east-1',
    'oaktree:prefix': 'oaktree',
    'oaktree:run-id': run,
  });
  const day = 86_400_000;
  for (const region of [east, west]) {
    region.addSnapshot('old-1', {
      db: 'orders',
      created: new Date(aws.time - 40 * day),
      tags: ours('orders', '1'),
    });
    region.addSnapshot('old-2', {
      db: 'orders',
      created: new Date(aws.time - 35 * day),
      tags: ours('orders', '2'),
    });
    region.addSnapshot('recent', {
      db: 'orders',
      created: new Date(aws.time - 2 * day),
      tags: ours('orders', '3'),
    });
    region.addSnapshot('hand-made', { db: 'orders', created: new Date(aws.time - 90 * day) });
    region.addSnapshot('other-db', {
      db: 'billing',
      created: new Date(aws.time - 90 * day),
      tags: ours('billing', '4'),
    });
  }
  const report = await snapshotDatabases(
    config({ instances: ['orders'], copyRegions: ['us-west-2'], retentionDays: 30, keepLast: 2 }),
    deps(aws),
  );
  // new + recent are the floor of 2; old-1 and old-2 are past 30 days
  expect(report.pruned.sort()).toEqual([
    'arn:aws:rds:us-east-1:123456789012:snapshot:old-1',
    'arn:aws:rds:us-east-1:123456789012:snapshot:old-2',
    'arn:aws:rds:us-west-2:123456789012:snapshot:old-1',
    'arn:aws:rds:us-west-2:123456789012:snapshot:old-2',
  ]);
  for (const region of [east, west])
    expect([...region.snapshots.keys()].sort()).toEqual([
      'hand-made',
      'oaktree-orders-20261126-120000-r55-a1',
      'other-db',
      'recent',
    ]);
});

test('a key that is not enabled is a configuration error before anything is made', async () => {
  const aws = new FakeAws();
  const east = aws.region('us-east-1');
  east.addInstance('orders', { StorageEncrypted: true });
  aws.region('us-west-2').keys.set('alias/dr', 'PendingDeletion');
  const err = await snapshotDatabases(
    config({ instances: ['orders'], copyRegions: ['us-west-2'], copyKmsKeys: { 'us-west-2': 'alias/dr' } }),
    deps(aws),
  ).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigurationError);
  expect((err as Error).message).toBe(
    'input "copy-kms-keys": the key "alias/dr" in us-west-2 is PendingDeletion: enable it or name another key',
  );
  expect(east.calls).not.toContain('CreateDBSnapshot');
});

test('an Aurora member instance and a stopped instance are named with the fix', async () => {
  const aws = new FakeAws();
  const east = aws.region('us-east-1');
  east.addInstance('ledger-writer', { DBClusterIdentifier: 'ledger' });
  east.addInstance('reports', { DBInstanceStatus: 'stopped' });
  const err = await snapshotDatabases(config({ instances: ['ledger-writer', 'reports'] }), deps(aws)).catch(
    (e: unknown) => e,
  );
  expect((err as Error).message).toBe(
    '2 problems: input "db-instance-identifiers": ledger-writer belongs to the cluster ledger, whose storage is snapshotted as a whole: list ledger under db-cluster-identifiers instead; ' +
      'input "db-instance-identifiers": DB instance reports is "stopped", and a snapshot needs it available: run again once it is available, or leave it out',
  );
  expect(east.calls).toEqual(['DescribeDBInstances']);
});
