import { DAY_MS, planPrune, type PruneCandidate } from './prune.js';

const now = new Date('2026-11-26T12:00:00Z');
const scope = { database: 'orders', sourceRegion: 'us-east-1', prefix: 'oaktree' };
const ours = {
  'oaktree:managed-by': 'rds-snapshot',
  'oaktree:source-db': 'orders',
  'oaktree:source-region': 'us-east-1',
  'oaktree:prefix': 'oaktree',
};

function snap(
  id: string,
  ageDays: number | undefined,
  tags: Record<string, string> = ours,
  status = 'available',
): PruneCandidate {
  return {
    id,
    arn: `arn:aws:rds:us-east-1:1:snapshot:${id}`,
    status,
    createdAt: ageDays === undefined ? undefined : new Date(now.getTime() - ageDays * DAY_MS),
    tags,
  };
}

const rules = (over: Partial<Parameters<typeof planPrune>[1]> = {}) => ({
  scope,
  retentionDays: 7,
  keepLast: 2,
  now,
  protect: new Set(['new']),
  ...over,
});
const removed = (plan: ReturnType<typeof planPrune>) => plan.remove.map((s) => s.id).sort();

test('older than retention-days are removed; younger are kept', () => {
  const plan = planPrune(
    [snap('new', 0), snap('d1', 1), snap('d3', 3), snap('d8', 8), snap('d30', 30)],
    rules(),
  );
  expect(removed(plan)).toEqual(['d30', 'd8']);
});

test('exactly retention-days old is kept (older than, not as old as)', () => {
  const plan = planPrune([snap('new', 0), snap('a', 1), snap('edge', 7), snap('past', 7.0001)], rules());
  expect(removed(plan)).toEqual(['past']);
});

test('keep-last is a floor that counts the new snapshot, whatever the age of the others', () => {
  const all = [snap('new', 0), snap('d40', 40), snap('d50', 50), snap('d60', 60)];
  expect(removed(planPrune(all, rules({ keepLast: 1 })))).toEqual(['d40', 'd50', 'd60']);
  expect(removed(planPrune(all, rules({ keepLast: 2 })))).toEqual(['d50', 'd60']);
  expect(removed(planPrune(all, rules({ keepLast: 4 })))).toEqual([]);
  expect(removed(planPrune(all, rules({ keepLast: 10 })))).toEqual([]);
});

test('the new snapshot is never removed and counts first even with retention 0 and no time yet', () => {
  const plan = planPrune(
    [snap('new', undefined, ours, 'creating'), snap('a', 0.5), snap('b', 1)],
    rules({ retentionDays: 0, keepLast: 1 }),
  );
  expect(removed(plan)).toEqual(['a', 'b']);
  expect(plan.keep).toEqual([{ snapshot: expect.objectContaining({ id: 'new' }), reason: 'this run' }]);
});

test('the new snapshot counts toward the floor even when its tags did not come through', () => {
  const plan = planPrune([snap('new', 0, {}), snap('a', 10), snap('b', 20)], rules({ keepLast: 2 }));
  expect(removed(plan)).toEqual(['b']);
});

test('foreign snapshots are never touched and do not count toward the floor', () => {
  const foreign = [
    snap('hand-made', 400, {}),
    snap('other-db', 400, { ...ours, 'oaktree:source-db': 'billing' }),
    snap('other-region', 400, { ...ours, 'oaktree:source-region': 'eu-west-1' }),
    snap('other-prefix', 400, { ...ours, 'oaktree:prefix': 'nightly' }),
    snap('other-tool', 400, { ...ours, 'oaktree:managed-by': 'dr-drill' }),
  ];
  const plan = planPrune([snap('new', 0), snap('old', 100), ...foreign], rules({ keepLast: 1 }));
  expect(removed(plan)).toEqual(['old']);
  expect(plan.foreign).toBe(5);
});

test('snapshots that are not available are kept', () => {
  const plan = planPrune(
    [snap('new', 0), snap('x', 1), snap('copying', 90, ours, 'copying'), snap('old', 90)],
    rules({ keepLast: 1 }),
  );
  expect(removed(plan)).toEqual(['old']);
  expect(plan.keep.find((k) => k.snapshot.id === 'copying')?.reason).toBe('not available');
});
