import {
  fromRun,
  inScope,
  madeByRun,
  mergeTags,
  provenanceTags,
  snapshotId,
  tagMap,
  MAX_TAGS,
} from './naming.js';

const run = { runId: '7100000001', attempt: '2', repository: 'o/r', sha: 'abc123' };
const at = new Date('2026-03-04T05:06:07.890Z');

describe('snapshotId', () => {
  test('prefix, database, UTC time to the second, run id and attempt', () => {
    expect(snapshotId('oaktree', 'orders', at, run)).toBe('oaktree-orders-20260304-050607-r7100000001-a2');
  });
  test('without a run id (outside Actions) the run part is left out', () => {
    expect(snapshotId('nightly', 'orders', at, { attempt: '1' })).toBe('nightly-orders-20260304-050607');
  });
  test('lower case, and a valid RDS identifier even at the longest inputs', () => {
    const id = snapshotId('A'.repeat(40), 'Db'.padEnd(63, 'x'), at, { runId: '9'.repeat(20), attempt: '99' });
    expect(id).toBe(id.toLowerCase());
    expect(id.length).toBeLessThanOrEqual(255);
    expect(id).toMatch(/^[a-z](?:[a-z0-9]|-(?=[a-z0-9]))*$/);
  });
  test('the same inputs give the same name; another attempt or second gives another', () => {
    expect(snapshotId('p', 'd', at, run)).toBe(snapshotId('p', 'd', new Date(at), run));
    expect(snapshotId('p', 'd', at, { ...run, attempt: '3' })).not.toBe(snapshotId('p', 'd', at, run));
    expect(snapshotId('p', 'd', new Date(at.getTime() + 1000), run)).not.toBe(snapshotId('p', 'd', at, run));
  });
});

describe('tags', () => {
  const scope = { database: 'orders', sourceRegion: 'us-east-1', prefix: 'oaktree' };
  const provenance = provenanceTags(scope, run);

  test('provenance tags name the action, the database, the region, the prefix and the run', () => {
    expect(tagMap(provenance)).toEqual({
      'oaktree:managed-by': 'rds-snapshot',
      'oaktree:source-db': 'orders',
      'oaktree:source-region': 'us-east-1',
      'oaktree:prefix': 'oaktree',
      'oaktree:repository': 'o/r',
      'oaktree:run-id': '7100000001',
      'oaktree:run-attempt': '2',
      'oaktree:sha': 'abc123',
    });
  });

  test('database tags, then the tags input over them, then provenance over both; aws: and oaktree: not inherited', () => {
    const { tags, dropped } = mergeTags(
      [
        { Key: 'team', Value: 'shop' },
        { Key: 'env', Value: 'prod' },
        { Key: 'aws:cloudformation:stack-name', Value: 's' },
        { Key: 'oaktree:managed-by', Value: 'dr-drill' },
        { Key: 'oaktree:other', Value: 'x' },
      ],
      [{ Key: 'team', Value: 'platform' }],
      provenance,
    );
    expect(dropped).toEqual([]);
    expect(tagMap(tags)).toEqual({ ...tagMap(provenance), env: 'prod', team: 'platform' });
  });

  test('past 50 tags, database tags are dropped first and named', () => {
    const mine = Array.from({ length: 60 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    const { tags, dropped } = mergeTags(mine, [{ Key: 'cost', Value: '1' }], provenance);
    expect(tags).toHaveLength(MAX_TAGS);
    expect(dropped).toHaveLength(60 - (MAX_TAGS - provenance.length - 1));
    expect(tagMap(tags)).toMatchObject({ cost: '1', 'oaktree:managed-by': 'rds-snapshot' });
  });

  test('inScope needs all four series tags; fromRun needs run id and attempt', () => {
    const t = tagMap(provenance);
    expect(inScope(t, scope)).toBe(true);
    expect(inScope({ ...t, 'oaktree:managed-by': 'dr-drill' }, scope)).toBe(false);
    expect(inScope(t, { ...scope, database: 'billing' })).toBe(false);
    expect(inScope(t, { ...scope, sourceRegion: 'eu-west-1' })).toBe(false);
    expect(inScope(t, { ...scope, prefix: 'nightly' })).toBe(false);
    expect(inScope({}, scope)).toBe(false);
    expect(fromRun(t, run)).toBe(true);
    expect(fromRun(t, { ...run, attempt: '3' })).toBe(false);
    expect(fromRun(t, { attempt: '2' })).toBe(false);
  });
});

test('madeByRun: our series and this run attempt; outside Actions, taken since this run started', () => {
  const scope = { database: 'orders', sourceRegion: 'us-east-1', prefix: 'oaktree' };
  const run = { runId: '9', attempt: '2' };
  const tags = tagMap(provenanceTags(scope, run));
  const started = new Date('2026-11-26T12:00:00.500Z');
  expect(madeByRun(tags, undefined, scope, run, started)).toBe(true);
  expect(madeByRun(tags, undefined, scope, { runId: '9', attempt: '1' }, started)).toBe(false);
  expect(madeByRun(tags, undefined, { ...scope, database: 'billing' }, run, started)).toBe(false);
  const local = { attempt: '1' };
  const localTags = tagMap(provenanceTags(scope, local));
  // AWS keeps whole seconds: a snapshot taken in the run's first second counts
  expect(madeByRun(localTags, new Date('2026-11-26T12:00:00Z'), scope, local, started)).toBe(true);
  expect(madeByRun(localTags, new Date('2026-11-26T11:59:59Z'), scope, local, started)).toBe(false);
  expect(madeByRun(localTags, undefined, scope, local, started)).toBe(false);
});
