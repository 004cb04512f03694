// Transient failures, lost replies and bounded parallelism, against the in-memory RDS with a clock
// the tests drive (the end-to-end file test/e2e/rds-snapshot/faults.e2e.test.ts does the same through
// the real bundle, moto and the fault proxy).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OperationError, log } from '@oaktree/action-kit';
import { FakeAws, type FakeRegion } from '../../../test/fixtures/rds-snapshot/fake-aws.js';
import { snapshotDatabases, type Deps } from './execute.js';
import type { Config } from './inputs.js';

let out: string[] = [];
let restore: (t: string) => void;
beforeEach(() => {
  out = [];
  restore = log.setCommandWriter((t) => out.push(t));
});
afterEach(() => log.setCommandWriter(restore));
const logText = () => out.join('');

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
    reportDir: mkdtempSync(join(tmpdir(), 'rds-snapshot-faults-')),
    ...over,
  };
}

function deps(aws: FakeAws): Deps {
  return {
    rds: (r) => aws.region(r),
    kms: (r) => aws.region(r),
    now: aws.now,
    sleep: aws.sleep,
    pollIntervalMs: 15_000,
    jitterMs: 0,
  };
}

function awsError(name: string, status: number): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

type Send = FakeRegion['send'];
/** Wrap a region's send: `around(op, call, index)` decides what each call of `op` does. */
function intercept(
  region: FakeRegion,
  op: string,
  around: (call: () => Promise<unknown>, index: number) => Promise<unknown>,
): void {
  const real: Send = region.send.bind(region);
  let i = 0;
  region.send = async (cmd) =>
    cmd.constructor.name === `${op}Command` ? around(() => real(cmd), i++) : real(cmd);
}

/** The backend applies the call, the client sees a 500 (what the SDK throws after its last attempt). */
const loseReply = async (call: () => Promise<unknown>) => {
  await call();
  throw awsError('InternalFailure', 500);
};

const SNAP = 'oaktree-orders-20261126-120000-r55-a1';

test('a lost reply on CreateDBSnapshot: the retry meets "already exists", finds our marker and adopts it', async () => {
  const aws = new FakeAws();
  const east = aws.region('us-east-1');
  east.addInstance('orders');
  intercept(east, 'CreateDBSnapshot', (call, i) => (i === 0 ? loseReply(call) : call()));
  const report = await snapshotDatabases(config({ instances: ['orders'] }), deps(aws));
  expect(report.problems).toEqual([]);
  expect(report.databases[0]!.snapshot).toMatchObject({ id: SNAP, adopted: true, reused: false });
  expect([...east.snapshots.keys()]).toEqual([SNAP]);
  expect(east.calls.filter((c) => c === 'CreateDBSnapshot')).toHaveLength(2);
  expect(logText()).toMatch(
    /orders: create snapshot oaktree-orders-\S+: AWS answered InternalFailure \(transient, retry 1\); trying again in /,
  );
  expect(logText()).toContain(
    `orders: ${SNAP} already exists and carries this run's marker (a reply was lost)`,
  );
});

test('"already exists" naming a snapshot without this run\'s marker stays an error, and nothing is adopted', async () => {
  const aws = new FakeAws();
  const east = aws.region('us-east-1');
  east.addInstance('orders');
  // Made by another attempt of the same run: our series, another run-attempt tag.
  intercept(east, 'CreateDBSnapshot', async (call) => {
    east.addSnapshot(SNAP, {
      db: 'orders',
      created: aws.now(),
      tags: {
        'oaktree:managed-by': 'rds-snapshot',
        'oaktree:source-db': 'orders',
        'oaktree:source-region': 'us-east-1',
        'oaktree:prefix': 'oaktree',
        'oaktree:run-id': '55',
        'oaktree:run-attempt': '2',
      },
    });
    return call();
  });
  const err = await snapshotDatabases(config({ instances: ['orders'] }), deps(aws)).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OperationError);
  expect((err as Error).message).toBe(
    `orders: snapshot ${SNAP} failed: a snapshot named ${SNAP} already exists in us-east-1 and was not made by this run: change snapshot-prefix`,
  );
});

test('throttling beyond the SDK retries on CreateDBSnapshot is retried with backoff, then succeeds', async () => {
  const aws = new FakeAws();
  const east = aws.region('us-east-1');
  east.addInstance('orders');
  intercept(east, 'CreateDBSnapshot', async (call, i) => {
    if (i < 3) throw awsError('Throttling', 400);
    return call();
  });
  const report = await snapshotDatabases(config({ instances: ['orders'] }), deps(aws));
  expect(report.problems).toEqual([]);
  expect(report.databases[0]!.snapshot).toMatchObject({ id: SNAP, status: 'available' });
  expect(logText().match(/AWS answered Throttling \(transient, retry \d\)/g)).toHaveLength(3);
});

test('the wait rides out throttling and 5xx with a line saying so; the snapshot is then copied', async () => {
  const aws = new FakeAws();
  const east = aws.region('us-east-1');
  east.addInstance('orders');
  east.createSteps = [{ Status: 'creating', PercentProgress: 0 }, { Status: 'available' }];
  intercept(east, 'DescribeDBSnapshots', async (call, i) => {
    if (i === 1 || i === 2) throw awsError('Throttling', 400); // i 0 is the listing
    if (i === 3) throw awsError('ServiceUnavailable', 503);
    return call();
  });
  const report = await snapshotDatabases(
    config({ instances: ['orders'], copyRegions: ['us-west-2'] }),
    deps(aws),
  );
  expect(report.problems).toEqual([]);
  expect(report.databases[0]!.copies).toEqual([expect.objectContaining({ status: 'available' })]);
  const lines = logText()
    .split('\n')
    .filter((l) => l.startsWith(`orders: ${SNAP}: `));
  expect(lines).toEqual([
    expect.stringMatching(/: AWS answered Throttling \(transient\); retrying in \d+s \(0ms so far\)$/),
    expect.stringMatching(/: AWS answered Throttling \(transient\); retrying in \d+s \(\d+s so far\)$/),
    expect.stringMatching(
      /: AWS answered ServiceUnavailable \(transient\); retrying in \d+s \(\d+s so far\)$/,
    ),
  ]);
});

test('"not found" right after the create is "not visible yet" for the grace, then the wait goes on', async () => {
  const aws = new FakeAws();
  const east = aws.region('us-east-1');
  east.addInstance('orders');
  east.createSteps = [{ Status: 'creating' }, { Status: 'available' }];
  intercept(east, 'DescribeDBSnapshots', async (call, i) => {
    if (i === 1 || i === 2) throw awsError('DBSnapshotNotFoundFault', 404);
    return call();
  });
  const report = await snapshotDatabases(config({ instances: ['orders'] }), deps(aws));
  expect(report.problems).toEqual([]);
  expect(report.databases[0]!.snapshot).toMatchObject({ status: 'available' });
  expect(logText()).toMatch(/orders: \S+: not visible yet \(DBSnapshotNotFoundFault\); asking again in /);
});

test('a snapshot still not found after the 2-minute grace has disappeared: the database fails, nothing copied', async () => {
  const aws = new FakeAws();
  const east = aws.region('us-east-1');
  east.addInstance('orders');
  east.createSteps = [{ Status: 'creating' }];
  intercept(east, 'DescribeDBSnapshots', async (call, i) => {
    if (i >= 1) throw awsError('DBSnapshotNotFoundFault', 404);
    return call();
  });
  const started = aws.time;
  const err = await snapshotDatabases(
    config({ instances: ['orders'], copyRegions: ['us-west-2'] }),
    deps(aws),
  ).catch((e: unknown) => e);
  expect((err as Error).message).toBe(
    `orders: snapshot ${SNAP} failed: snapshot ${SNAP} disappeared while waiting for it: RDS answered not found (still not visible 2m00s after it was requested, or deleted since)`,
  );
  expect(aws.time - started).toBeGreaterThanOrEqual(120_000);
  expect(aws.time - started).toBeLessThan(180_000);
  expect(aws.region('us-west-2').calls).not.toContain('CopyDBSnapshot');
});

test('a lost reply on CopyDBSnapshot is adopted as our copy', async () => {
  const aws = new FakeAws();
  const east = aws.region('us-east-1');
  const west = aws.region('us-west-2');
  east.addInstance('orders');
  intercept(west, 'CopyDBSnapshot', (call, i) => (i === 0 ? loseReply(call) : call()));
  const report = await snapshotDatabases(
    config({ instances: ['orders'], copyRegions: ['us-west-2'] }),
    deps(aws),
  );
  expect(report.problems).toEqual([]);
  expect(report.databases[0]!.copies).toEqual([
    expect.objectContaining({ region: 'us-west-2', id: SNAP, adopted: true, status: 'available' }),
  ]);
  expect([...west.snapshots.keys()]).toEqual([SNAP]);
});

const ourTags = {
  'oaktree:managed-by': 'rds-snapshot',
  'oaktree:source-db': 'orders',
  'oaktree:source-region': 'us-east-1',
  'oaktree:prefix': 'oaktree',
};
const DAY = 86_400_000;

test('a prune delete whose reply was lost: the retry\'s "not found" is success, reported as pruned', async () => {
  const aws = new FakeAws();
  const east = aws.region('us-east-1');
  east.addInstance('orders');
  east.addSnapshot('old-1', { db: 'orders', created: new Date(aws.time - 40 * DAY), tags: ourTags });
  east.addSnapshot('old-2', { db: 'orders', created: new Date(aws.time - 30 * DAY), tags: ourTags });
  intercept(east, 'DeleteDBSnapshot', (call, i) => (i === 0 ? loseReply(call) : call()));
  const report = await snapshotDatabases(
    config({ instances: ['orders'], retentionDays: 7, keepLast: 1 }),
    deps(aws),
  );
  expect(report.problems).toEqual([]);
  expect(report.databases[0]!.pruned.map((x) => x.id).sort()).toEqual(['old-1', 'old-2']);
  expect([...east.snapshots.keys()]).toEqual([SNAP]);
});

test('a prune delete that meets "not found" at its first attempt was someone else\'s doing: not reported as ours', async () => {
  const aws = new FakeAws();
  const east = aws.region('us-east-1');
  east.addInstance('orders');
  east.addSnapshot('old-1', { db: 'orders', created: new Date(aws.time - 40 * DAY), tags: ourTags });
  intercept(east, 'DeleteDBSnapshot', async (call) => {
    east.snapshots.delete('old-1'); // deleted by hand between our listing and our delete
    return call();
  });
  const report = await snapshotDatabases(
    config({ instances: ['orders'], retentionDays: 7, keepLast: 1 }),
    deps(aws),
  );
  expect(report.problems).toEqual([]);
  expect(report.pruned).toEqual([]);
  expect(logText()).toContain(
    'orders: old-1 in us-east-1 was already gone (deleted by someone else meanwhile)',
  );
});

test('max-parallel bounds the databases sending snapshot requests at once; all complete', async () => {
  const aws = new FakeAws();
  const east = aws.region('us-east-1');
  const ids = Array.from({ length: 10 }, (_, i) => `db-${i}`);
  for (const id of ids) east.addInstance(id);
  let inFlight = 0;
  let peak = 0;
  intercept(east, 'CreateDBSnapshot', async (call) => {
    peak = Math.max(peak, ++inFlight);
    await new Promise((r) => setTimeout(r, 5));
    try {
      return await call();
    } finally {
      inFlight--;
    }
  });
  const report = await snapshotDatabases(config({ instances: ids, maxParallel: 3 }), deps(aws));
  expect(report.problems).toEqual([]);
  expect(report.snapshotArns).toHaveLength(10);
  expect(peak).toBe(3);
  expect(report.settings.maxParallel).toBe(3);
});
