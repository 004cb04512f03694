import { deletionOrder, orphanVerdict, ownedBy, selectOrphans, type Candidate } from './selection.js';
import { drillTags, makeDrillId, resourceId } from './tags.js';

const now = new Date('2026-11-26T02:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);

function res(
  id: string,
  tags: Record<string, string>,
  createdHoursAgo = 1,
  extra: Partial<Candidate> = {},
): Candidate {
  return {
    kind: 'instance',
    id,
    arn: `arn:aws:rds:us-east-1:123456789012:db:${id}`,
    region: 'us-east-1',
    tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    createdAt: hoursAgo(createdHoursAgo),
    ...extra,
  };
}

const mine = 'drill-20261126020000-42';
const all = [
  res('prod-db', {}),
  res('prod-db-tagged', { team: 'payments', 'dr-drill-expires': hoursAgo(5).toISOString() }, 500),
  res('lookalike', { 'dr-drill-id ': mine, 'DR-DRILL-ID': mine }),
  res('ours', { 'dr-drill-id': mine }),
  res('ours-cluster', { 'dr-drill-id': mine }, 1, { kind: 'cluster' }),
  res('drill-a-restore', { 'dr-drill-id': 'drill-a', 'dr-drill-expires': hoursAgo(1).toISOString() }, 3),
  res(
    'drill-b-restore',
    { 'dr-drill-id': 'drill-b', 'dr-drill-expires': new Date(now.getTime() + 60_000).toISOString() },
    30,
  ),
  res('drill-c-restore', { 'dr-drill-id': 'drill-c' }, 25),
  res('drill-d-restore', { 'dr-drill-id': 'drill-d' }, 23),
  res('drill-e-restore', { 'dr-drill-id': 'drill-e', 'dr-drill-expires': 'soon' }, 48),
  res('drill-f-restore', { 'dr-drill-id': 'drill-f' }, 1, { createdAt: undefined }),
  // someone else's database carrying an expired drill's tags: not named after the drill, never deleted
  res('payroll-db', { 'dr-drill-id': 'drill-g', 'dr-drill-expires': hoursAgo(9).toISOString() }, 90),
];

test('cleanup selects exactly the resources tagged with this drill id', () => {
  expect(ownedBy(mine, all).map((r) => r.id)).toEqual(['ours', 'ours-cluster']);
  expect(ownedBy('', all)).toEqual([]);
  expect(ownedBy('drill-zzz', all)).toEqual([]);
});

test('foreign resources are never orphans, whatever their age or tags', () => {
  const { orphans, spared } = selectOrphans(all, now, 24, mine);
  const ids = [...orphans, ...spared].map((r) => r.id);
  for (const foreign of ['prod-db', 'prod-db-tagged', 'lookalike']) expect(ids).not.toContain(foreign);
  expect(orphans.map((r) => r.id)).toEqual(['drill-a-restore', 'drill-c-restore', 'drill-e-restore']);
  expect(spared.map((r) => r.id)).toEqual([
    'ours',
    'ours-cluster',
    'drill-b-restore',
    'drill-d-restore',
    'drill-f-restore',
    'payroll-db',
  ]);
});

test('orphan expiry: the expiry tag wins over age; without it the TTL decides', () => {
  expect(orphanVerdict(all[5]!, now, 24, mine)).toEqual({
    orphan: true,
    reason: `expired at ${hoursAgo(1).toISOString()}`,
  });
  // Created 30 h ago but its drill says it runs for another minute: spared.
  expect(orphanVerdict(all[6]!, now, 24, mine).orphan).toBe(false);
  expect(orphanVerdict(all[7]!, now, 24, mine).reason).toBe('no expiry tag, created 25.0 h ago (ttl 24 h)');
  expect(orphanVerdict(all[8]!, now, 24, mine).orphan).toBe(false);
  expect(orphanVerdict(all[8]!, now, 12, mine).orphan).toBe(true);
  expect(orphanVerdict(all[3]!, now, 0, mine)).toEqual({ orphan: false, reason: 'belongs to this drill' });
});

test('deletion order: cluster members, then instances, then clusters', () => {
  const order = deletionOrder([
    res('c1', {}, 1, { kind: 'cluster' }),
    res('standalone', {}),
    res('writer', {}, 1, { clusterId: 'c1' }),
  ]).map((r) => r.id);
  expect(order).toEqual(['writer', 'standalone', 'c1']);
});

test('drill ids and resource ids are valid, unique per attempt, and short enough', () => {
  const t = new Date('2026-11-26T02:03:04Z');
  expect(makeDrillId(t, '7100000001')).toBe('drill-20261126020304-7100000001');
  expect(makeDrillId(t, '7100000001', '3')).toBe('drill-20261126020304-7100000001-a3');
  expect(makeDrillId(t, 'local')).toBe('drill-20261126020304-local');
  const id = resourceId(makeDrillId(t, '9'.repeat(30), '12'), 'replica');
  expect(id.length).toBeLessThanOrEqual(63);
  expect(id).toMatch(/^[a-z][a-z0-9-]*[a-z0-9]$/);
  expect(id).not.toContain('--');
});

test('drill tags: id, expiry, repository, run', () => {
  expect(
    drillTags(mine, now, { repository: 'o/r', runUrl: 'https://github.com/o/r/actions/runs/42' }),
  ).toEqual([
    { Key: 'dr-drill-id', Value: mine },
    { Key: 'dr-drill-expires', Value: '2026-11-26T02:00:00.000Z' },
    { Key: 'repository', Value: 'o/r' },
    { Key: 'run', Value: 'https://github.com/o/r/actions/runs/42' },
  ]);
});

test('a drill tag on a resource not named after that drill is never enough to delete it', () => {
  const v = orphanVerdict(all[all.length - 1]!, now, 24, mine);
  expect(v).toEqual({
    orphan: false,
    reason: 'tagged dr-drill-id=drill-g but not named after that drill: never deleted',
  });
  expect(orphanVerdict(res('drill-g2-restore', { 'dr-drill-id': 'drill-g' }, 90), now, 24, mine).orphan).toBe(
    false,
  );
});
