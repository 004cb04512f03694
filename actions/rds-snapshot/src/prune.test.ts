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

test('the new snapshot is never removed and counts first, with retention 0 too', () => {
  const plan = planPrune(
    [snap('a', 0.5), snap('new', 0), snap('b', 1)],
    rules({ retentionDays: 0, keepLast: 1 }),
  );
  expect(removed(plan)).toEqual(['a', 'b']);
  expect(plan.keep).toEqual([{ snapshot: expect.objectContaining({ id: 'new' }), reason: 'this run' }]);
});

test('a new snapshot that is not available yet is kept but does not count toward the floor', () => {
  const plan = planPrune(
    [snap('new', undefined, ours, 'creating'), snap('a', 10), snap('b', 20), snap('c', 30)],
    rules({ retentionDays: 0, keepLast: 2 }),
  );
  // a and b are the two recovery points that exist: only c goes
  expect(removed(plan)).toEqual(['c']);
  expect(plan.keep).toEqual(
    expect.arrayContaining([
      { snapshot: expect.objectContaining({ id: 'new' }), reason: 'this run' },
      { snapshot: expect.objectContaining({ id: 'a' }), reason: 'keep-last' },
      { snapshot: expect.objectContaining({ id: 'b' }), reason: 'keep-last' },
    ]),
  );
  expect(plan.keep).toHaveLength(3);
});

test('snapshots that are not available do not count toward the floor', () => {
  const plan = planPrune(
    [
      snap('new', 0),
      snap('creating', 0.1, ours, 'creating'),
      snap('copying', 0.2, ours, 'copying'),
      snap('failed', 0.3, ours, 'failed'),
      snap('d30', 30),
      snap('d40', 40),
      snap('d50', 50),
    ],
    rules({ keepLast: 3 }),
  );
  // the floor of 3 is new, d30 and d40, not the three younger snapshots that cannot be restored
  expect(removed(plan)).toEqual(['d50']);
  expect(plan.keep.filter((k) => k.reason === 'keep-last').map((k) => k.snapshot.id)).toEqual(['d30', 'd40']);
});

test('snapshots that are not available are never deleted, however old and beyond the floor', () => {
  const statuses = ['creating', 'copying', 'pending', 'failed', 'incompatible-restore', 'deleting'];
  const stale = statuses.map((status) => snap(status, 400, ours, status));
  const plan = planPrune([snap('new', 0), snap('old', 400), ...stale], rules({ keepLast: 1 }));
  expect(removed(plan)).toEqual(['old']);
  for (const status of statuses)
    expect(plan.keep.find((k) => k.snapshot.id === status)?.reason).toBe('not available');
});

test('an available snapshot without a creation time is kept and does not count toward the floor', () => {
  const plan = planPrune(
    [snap('new', 0), snap('timeless', undefined), snap('d10', 10), snap('d20', 20)],
    rules({ keepLast: 2 }),
  );
  expect(removed(plan)).toEqual(['d20']);
  expect(plan.keep.find((k) => k.snapshot.id === 'timeless')?.reason).toBe('no creation time');
});

test('never fewer than keep-last available snapshots of ours are left, whatever the listing', () => {
  // A small deterministic generator, so a failure can be replayed.
  let seed = 42;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)]!;
  const statuses = ['available', 'available', 'available', 'creating', 'copying', 'failed'];
  const owners = [ours, ours, ours, {}, { ...ours, 'oaktree:source-db': 'billing' }];
  for (let round = 0; round < 300; round++) {
    const listing = Array.from({ length: Math.floor(next() * 12) }, (_, i) =>
      snap(`s${i}`, next() < 0.1 ? undefined : next() * 60, pick(owners), pick(statuses)),
    );
    const newOne = snap('new', 0, ours, pick(statuses));
    const r = rules({ keepLast: 1 + Math.floor(next() * 5), retentionDays: Math.floor(next() * 30) });
    const plan = planPrune([newOne, ...listing], r);
    const isOursAvailable = (s: PruneCandidate) =>
      s.status === 'available' && (s.id === 'new' || s.tags === ours);
    const before = [newOne, ...listing].filter(isOursAvailable).length;
    const gone = new Set(plan.remove.map((s) => s.id));
    const after = [newOne, ...listing].filter((s) => isOursAvailable(s) && !gone.has(s.id)).length;
    expect(after).toBeGreaterThanOrEqual(Math.min(before, r.keepLast));
    for (const s of plan.remove) {
      expect(s.status).toBe('available');
      expect(s.tags).toBe(ours);
      expect(s.id).not.toBe('new');
      expect(now.getTime() - s.createdAt!.getTime()).toBeGreaterThan(r.retentionDays * DAY_MS);
    }
    expect(plan.remove.length + plan.keep.length + plan.foreign).toBe(listing.length + 1);
  }
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
