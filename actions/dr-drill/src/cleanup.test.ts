import {
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  ModifyDBInstanceCommand,
  RDSClient,
  type DBInstance,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { cleanupDrill, deleteOne, instanceCandidate, sweepOrphans } from './cleanup.js';
import { fakeClock, quietLog } from './testing.js';

const client = new RDSClient({ region: 'us-east-1' });
const m = mockClient(client);
const DRILL = 'drill-20261126020000-42';

const inst = (id: string, tags: Record<string, string>, extra: Partial<DBInstance> = {}): DBInstance => ({
  DBInstanceIdentifier: id,
  DBInstanceArn: `arn:aws:rds:us-east-1:123456789012:db:${id}`,
  DBInstanceStatus: 'available',
  InstanceCreateTime: new Date('2026-11-26T01:00:00Z'),
  TagList: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
  ...extra,
});
const notFound = () => Object.assign(new Error('not found'), { name: 'DBInstanceNotFoundFault' });

/** A tiny fake region: describe/delete keep a map of instances consistent. */
function region(instances: DBInstance[]) {
  const db = new Map(instances.map((i) => [i.DBInstanceIdentifier!, i]));
  m.on(DescribeDBInstancesCommand).callsFake((input) => {
    if (!input.DBInstanceIdentifier) return { DBInstances: [...db.values()] };
    const i = db.get(input.DBInstanceIdentifier);
    if (!i) throw notFound();
    return { DBInstances: [i] };
  });
  m.on(DescribeDBClustersCommand).resolves({ DBClusters: [] });
  m.on(ModifyDBInstanceCommand).callsFake((input) => {
    db.get(input.DBInstanceIdentifier)!.DeletionProtection = input.DeletionProtection;
    return {};
  });
  m.on(DeleteDBInstanceCommand).callsFake((input) => {
    const i = db.get(input.DBInstanceIdentifier);
    if (!i) throw notFound();
    if (i.DeletionProtection)
      throw Object.assign(new Error('protected'), { name: 'InvalidParameterCombination' });
    db.delete(input.DBInstanceIdentifier);
    return {};
  });
  return db;
}

const deps = () => {
  const clock = fakeClock();
  return { rds: () => client, now: clock.now, sleep: clock.sleep, log: quietLog() };
};

beforeEach(() => m.reset());

test('cleanup deletes only this drill, turns off deletion protection only on its own resources, waits until gone', async () => {
  const db = region([
    inst('prod', {}, { DeletionProtection: true }),
    inst('other-drill', { 'dr-drill-id': 'drill-other' }),
    inst('ours-a', { 'dr-drill-id': DRILL }, { DeletionProtection: true }),
    inst('ours-b', { 'dr-drill-id': DRILL }),
  ]);
  const r = await cleanupDrill(deps(), DRILL, ['us-east-1'], {
    deadline: Date.now() + 1e9,
    intervalMs: 1000,
  });
  expect(r.found).toBe(2);
  expect(r.left).toEqual([]);
  expect([...db.keys()]).toEqual(['prod', 'other-drill']);
  expect(m.commandCalls(ModifyDBInstanceCommand).map((c) => c.args[0].input)).toEqual([
    { DBInstanceIdentifier: 'ours-a', DeletionProtection: false, ApplyImmediately: true },
  ]);
  for (const c of m.commandCalls(DeleteDBInstanceCommand))
    expect(c.args[0].input).toMatchObject({ SkipFinalSnapshot: true, DeleteAutomatedBackups: true });
  expect(m.commandCalls(DeleteDBInstanceCommand).map((c) => c.args[0].input.DBInstanceIdentifier)).toEqual([
    'ours-a',
    'ours-b',
  ]);
});

test('a resource whose tag changed since listing is refused, and reported as left behind', async () => {
  region([inst('retagged', { 'dr-drill-id': 'someone-else' })]);
  const listed = instanceCandidate(inst('retagged', { 'dr-drill-id': DRILL }), 'us-east-1');
  await expect(deleteOne(client, listed, DRILL)).rejects.toThrow(
    /refusing to delete .*retagged: its dr-drill-id tag is "someone-else"/,
  );
  expect(m.commandCalls(DeleteDBInstanceCommand)).toHaveLength(0);
});

test('"not found" counts as deleted; a 5xx that deleted anyway counts as deleted; other errors are left', async () => {
  region([]);
  expect(
    await deleteOne(client, instanceCandidate(inst('gone', { 'dr-drill-id': DRILL }), 'us-east-1'), DRILL),
  ).toBe('gone');

  m.reset();
  const db = region([inst('replica', { 'dr-drill-id': DRILL })]);
  m.on(DeleteDBInstanceCommand).callsFake((input) => {
    db.delete(input.DBInstanceIdentifier);
    throw Object.assign(new Error('Internal'), {
      name: 'InternalFailure',
      $metadata: { httpStatusCode: 500 },
    });
  });
  expect(await deleteOne(client, instanceCandidate(inst('replica', {}), 'us-east-1'), DRILL)).toBe('gone');

  m.reset();
  region([inst('stuck', { 'dr-drill-id': DRILL })]);
  m.on(DeleteDBInstanceCommand).rejects(
    Object.assign(new Error('not allowed'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }),
  );
  const d = deps();
  const r = await cleanupDrill(d, DRILL, ['us-east-1'], { deadline: d.now() + 600_000, intervalMs: 1000 });
  expect(r.left).toEqual([
    {
      arn: 'arn:aws:rds:us-east-1:123456789012:db:stuck',
      kind: 'instance',
      region: 'us-east-1',
      error: 'not allowed',
    },
  ]);
});

test('throttling is not terminal: a delete throttled for a while succeeds; throttled to the deadline, it is left with the reason', async () => {
  const db = region([inst('slow', { 'dr-drill-id': DRILL })]);
  let throttled = 0;
  const throttle = () =>
    Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } });
  m.on(DeleteDBInstanceCommand).callsFake((input) => {
    if (++throttled <= 4) throw throttle();
    db.delete(input.DBInstanceIdentifier);
    return {};
  });
  const d = deps();
  const ok = await cleanupDrill(d, DRILL, ['us-east-1'], { deadline: d.now() + 600_000, intervalMs: 1000 });
  expect(ok.left).toEqual([]);
  expect(ok.deleted.map((x) => x.id)).toEqual(['slow']);
  expect(d.log.lines.filter((l) => l.includes('AWS answered Throttling (transient)'))).toHaveLength(4);

  m.reset();
  region([inst('stuck', { 'dr-drill-id': DRILL })]);
  m.on(DeleteDBInstanceCommand).rejects(throttle());
  const d2 = deps();
  const r = await cleanupDrill(d2, DRILL, ['us-east-1'], { deadline: d2.now() + 120_000, intervalMs: 1000 });
  expect(r.left).toHaveLength(1);
  expect(r.left[0]!.error).toMatch(/timed out after .* \(AWS was answering Throttling: Rate exceeded\)/);
});

test('a recorded resource the tag listing does not show yet is deleted; "not found" right after its creation means "not visible yet"', async () => {
  const d = deps();
  const db = region([]);
  const recorded = {
    kind: 'instance' as const,
    id: `${DRILL}-restore`,
    arn: `arn:aws:rds:us-east-1:123456789012:db:${DRILL}-restore`,
    region: 'us-east-1',
    role: 'restore',
    createdAt: new Date(d.now()).toISOString(),
    status: 'created' as const,
  };
  // Not visible to anything for 20 s, then visible to describe-by-id but never to the listing.
  const appearsAt = d.now() + 20_000;
  m.on(DescribeDBInstancesCommand).callsFake((input) => {
    if (!input.DBInstanceIdentifier) return { DBInstances: [] };
    if (d.now() >= appearsAt && !db.has(input.DBInstanceIdentifier) && !deletedOnce)
      db.set(recorded.id, inst(recorded.id, { 'dr-drill-id': DRILL }));
    const i = db.get(input.DBInstanceIdentifier);
    if (!i) throw notFound();
    return { DBInstances: [i] };
  });
  let deletedOnce = false;
  m.on(DeleteDBInstanceCommand).callsFake((input) => {
    deletedOnce = true;
    db.delete(input.DBInstanceIdentifier);
    return {};
  });
  const r = await cleanupDrill(d, DRILL, ['us-east-1'], {
    deadline: d.now() + 600_000,
    intervalMs: 5000,
    recorded: [recorded],
  });
  expect(r.found).toBe(1);
  expect(r.left).toEqual([]);
  expect(r.deleted.map((x) => x.id)).toEqual([recorded.id]);
  expect(m.commandCalls(DeleteDBInstanceCommand)).toHaveLength(1);
  expect(d.log.lines.some((l) => l.includes('not visible yet'))).toBe(true);

  // Once a cleanup saw it gone, it is no longer looked for by its record (the tag would find it).
  const again = await cleanupDrill(d, DRILL, ['us-east-1'], {
    deadline: d.now() + 600_000,
    intervalMs: 5000,
    recorded: [{ ...recorded, deletedAt: new Date(d.now()).toISOString() }],
  });
  expect(again.left).toEqual([]);
  expect(m.commandCalls(DeleteDBInstanceCommand)).toHaveLength(1);
});

test('cleanup that times out lists what is still there', async () => {
  region([inst('slow', { 'dr-drill-id': DRILL })]);
  m.on(DeleteDBInstanceCommand).resolves({}); // accepted, but the instance never goes away
  const d = deps();
  const r = await cleanupDrill(d, DRILL, ['us-east-1'], { deadline: d.now() + 60_000, intervalMs: 10_000 });
  expect(r.left).toEqual([
    expect.objectContaining({
      arn: 'arn:aws:rds:us-east-1:123456789012:db:slow',
      error: 'still deleting when the cleanup timed out',
    }),
  ]);
});

test('cluster members go before their cluster', async () => {
  const order: string[] = [];
  let members = ['w'];
  m.on(DescribeDBInstancesCommand).callsFake((input) => {
    const list = members.map((id) => inst(id, { 'dr-drill-id': DRILL }, { DBClusterIdentifier: 'c' }));
    if (!input.DBInstanceIdentifier) return { DBInstances: list };
    const hit = list.find((i) => i.DBInstanceIdentifier === input.DBInstanceIdentifier);
    if (!hit) throw notFound();
    return { DBInstances: [hit] };
  });
  let clusterExists = true;
  m.on(DescribeDBClustersCommand).callsFake(() => {
    if (!clusterExists) throw Object.assign(new Error('nf'), { name: 'DBClusterNotFoundFault' });
    return {
      DBClusters: [
        {
          DBClusterIdentifier: 'c',
          DBClusterArn: 'arn:c',
          Status: 'available',
          TagList: [{ Key: 'dr-drill-id', Value: DRILL }],
        },
      ],
    };
  });
  m.on(DeleteDBInstanceCommand).callsFake((input) => {
    order.push(`instance ${input.DBInstanceIdentifier}`);
    expect(input.SkipFinalSnapshot).toBeUndefined(); // not allowed on Aurora members
    members = [];
    return {};
  });
  m.on(DeleteDBClusterCommand).callsFake((input) => {
    order.push(`cluster ${input.DBClusterIdentifier}`);
    expect(input).toMatchObject({ SkipFinalSnapshot: true, DeleteAutomatedBackups: true });
    clusterExists = false;
    return {};
  });
  const r = await cleanupDrill(deps(), DRILL, ['us-east-1'], {
    deadline: Date.now() + 1e9,
    intervalMs: 1000,
  });
  expect(order).toEqual(['instance w', 'cluster c']);
  expect(r.left).toEqual([]);
});

test('the sweep deletes expired drill resources, spares young ones, never sees foreign ones', async () => {
  const past = '2026-11-26T00:00:00Z';
  const db = region([
    inst('prod', { 'dr-drill-expires': past }),
    inst('drill-a-restore', { 'dr-drill-id': 'drill-a', 'dr-drill-expires': past }),
    inst('drill-b-restore', { 'dr-drill-id': 'drill-b', 'dr-drill-expires': '2026-11-26T05:00:00Z' }),
    inst('current', { 'dr-drill-id': DRILL, 'dr-drill-expires': past }),
  ]);
  const d = deps();
  const r = await sweepOrphans(d, ['us-east-1'], {
    now: new Date(d.now()),
    ttlHours: 24,
    currentDrillId: DRILL,
    deadline: d.now() + 1e6,
    intervalMs: 1000,
  });
  expect(r.deleted.map((x) => x.arn.split(':').pop())).toEqual(['drill-a-restore']);
  expect(r.spared.map((x) => x.arn.split(':').pop())).toEqual(['drill-b-restore', 'current']);
  expect([...db.keys()]).toEqual(['prod', 'drill-b-restore', 'current']);
});
