import { pickNewest, type SnapshotInfo } from './snapshots.js';

const snap = (id: string, at: string, over: Partial<SnapshotInfo> = {}): SnapshotInfo => ({
  id,
  arn: `arn:aws:rds:us-west-2:123456789012:snapshot:${id}`,
  kind: 'instance',
  status: 'available',
  type: 'manual',
  sourceDb: 'orders-db',
  takenAt: new Date(at),
  tags: [],
  ...over,
});

test('same region: the newest available manual snapshot of the source', () => {
  const list = [
    snap('a', '2026-11-25T00:00:00Z'),
    snap('b', '2026-11-26T00:00:00Z'),
    snap('c', '2026-11-26T01:00:00Z', { status: 'creating' }),
    snap('d', '2026-11-26T02:00:00Z', { type: 'automated' }),
    snap('e', '2026-11-26T03:00:00Z', { sourceDb: 'other-db' }),
  ];
  expect(pickNewest(list, 'orders-db', 'us-west-2', 'us-west-2')?.id).toBe('b');
});

test('another region: copies found by the rds-snapshot tag or by a source ARN in the source region', () => {
  const tagged = snap('tagged', '2026-11-25T00:00:00Z', {
    sourceDb: 'renamed',
    tags: [{ Key: 'oaktree:source-db', Value: 'orders-db' }],
  });
  const byArn = snap('by-arn', '2026-11-26T00:00:00Z', {
    sourceSnapshotArn: 'arn:aws:rds:us-east-1:123456789012:snapshot:orders-db-nightly',
  });
  const local = snap('local-same-name', '2026-11-27T00:00:00Z'); // a DR-region db that happens to share the name
  const otherRegion = snap('eu-copy', '2026-11-28T00:00:00Z', {
    sourceSnapshotArn: 'arn:aws:rds:eu-west-1:123456789012:snapshot:x',
  });
  const foreignTag = snap('foreign', '2026-11-29T00:00:00Z', {
    sourceDb: 'x',
    tags: [{ Key: 'oaktree:source-db', Value: 'billing-db' }],
  });
  expect(
    pickNewest([tagged, local, otherRegion, foreignTag], 'orders-db', 'us-east-1', 'us-west-2')?.id,
  ).toBe('tagged');
  expect(
    pickNewest([tagged, byArn, local, otherRegion, foreignTag], 'orders-db', 'us-east-1', 'us-west-2')?.id,
  ).toBe('by-arn');
  expect(pickNewest([local, otherRegion], 'orders-db', 'us-east-1', 'us-west-2')).toBeUndefined();
});

test("rds-snapshot's source-region tag rules out a same-named database from another region", () => {
  const tags = (region: string) => [
    { Key: 'oaktree:source-db', Value: 'orders-db' },
    { Key: 'oaktree:source-region', Value: region },
  ];
  const fromEu = snap('eu', '2026-11-27T00:00:00Z', { tags: tags('eu-west-1') });
  const fromUs = snap('us', '2026-11-26T00:00:00Z', { tags: tags('us-east-1') });
  expect(pickNewest([fromEu, fromUs], 'orders-db', 'us-east-1', 'us-west-2')?.id).toBe('us');
});
