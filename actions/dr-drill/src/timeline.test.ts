import { formatDuration } from '@oaktree/action-kit';
import {
  Timeline,
  heartbeatRpo,
  judge,
  reconcileRpo,
  restorePointRpo,
  rto,
  snapshotAgeRpo,
} from './timeline.js';

test('RTO runs from the first mutating call to the first passing health check', () => {
  const t = new Timeline();
  expect(() => t.mark('available', 5)).toThrow(/before the first mutating call/);
  t.begin(1000);
  t.begin(2000); // a second mutating call does not move the start
  t.mark('api-accepted', 1300);
  t.mark('available', 61_000, 15_000);
  t.mark('available', 70_000); // first observation wins
  t.mark('tcp-accepts', 63_500);
  t.recovered(64_000);
  t.recovered(90_000);
  expect(t.rtoMs).toBe(63_000);
  expect(t.phases).toEqual([
    { name: 'api-accepted', at: 1300, sinceStartMs: 300, resolutionMs: undefined },
    { name: 'available', at: 61_000, sinceStartMs: 60_000, resolutionMs: 15_000 },
    { name: 'tcp-accepts', at: 63_500, sinceStartMs: 62_500, resolutionMs: undefined },
  ]);
  expect(rto(undefined, 5)).toBeUndefined();
  expect(rto(5, undefined)).toBeUndefined();
  expect(new Timeline().rtoMs).toBeUndefined();
});

test('heartbeat RPO: marker minus the newest row on the recovered database', () => {
  const marker = Date.parse('2026-11-26T02:00:00Z');
  expect(heartbeatRpo(marker, marker).ms).toBe(0);
  expect(heartbeatRpo(marker, marker + 5).ms).toBe(0); // newer rows than the marker: nothing lost
  expect(heartbeatRpo(marker, marker - 600_000)).toMatchObject({
    ms: 600_000,
    method: 'heartbeat',
    upperBound: false,
  });
  expect(heartbeatRpo(marker, undefined).ms).toBeUndefined();
});

test('heartbeat and upper bound: min of the two, unless the data refutes the bound', () => {
  const t0 = Date.parse('2026-11-26T02:00:00Z');
  const bound = restorePointRpo(t0 - 120_000, t0); // RDS: data up to 2 min ago
  // Marker made it across: 0.
  expect(reconcileRpo({ markerAt: t0, previousAt: t0 - 60_000, newestAt: t0 }, bound).figure.ms).toBe(0);
  // A fresh heartbeat proves more than the restore point.
  expect(reconcileRpo({ markerAt: t0, previousAt: t0 - 30_000, newestAt: t0 - 30_000 }, bound)).toEqual({
    figure: expect.objectContaining({ ms: 30_000, method: 'heartbeat' }),
  });
  // Stale heartbeat (nothing written since yesterday): the bound, with a warning.
  const stale = reconcileRpo({ markerAt: t0, previousAt: t0 - 86_400_000, newestAt: t0 - 86_400_000 }, bound);
  expect(stale.figure).toMatchObject({ ms: 120_000, method: 'restore-point', upperBound: true });
  expect(stale.warning).toMatch(/^the heartbeat is stale/);
  // An empty table on both sides (first drill): the bound.
  expect(reconcileRpo({ markerAt: t0 }, bound).figure).toMatchObject({ ms: 120_000 });
  // The source had a row 3 min ago, before the restore point; the copy lacks it: the bound is refuted.
  const refuted = reconcileRpo({ markerAt: t0, previousAt: t0 - 180_000, newestAt: t0 - 600_000 }, bound);
  expect(refuted.figure).toMatchObject({ ms: 600_000, method: 'heartbeat' });
  expect(refuted.warning).toMatch(/lacks the heartbeat row of 2026-11-26T01:57:00.000Z/);
  expect(reconcileRpo({ markerAt: t0, previousAt: t0 - 180_000 }, bound).figure.ms).toBeUndefined();
  // A row written after the restore point and missing from the copy is consistent with the bound.
  expect(
    reconcileRpo({ markerAt: t0, previousAt: t0 - 60_000, newestAt: t0 - 600_000 }, bound).figure,
  ).toMatchObject({ ms: 120_000, method: 'restore-point' });
  // No upper bound (replica, failover): the heartbeat alone.
  const none = { method: 'unknown' as const, upperBound: false, detail: '' };
  expect(reconcileRpo({ markerAt: t0, newestAt: t0 - 600_000 }, none).figure.ms).toBe(600_000);
});

test('upper bounds: restore point and snapshot age', () => {
  const t0 = Date.parse('2026-11-26T02:00:00Z');
  expect(restorePointRpo(t0 - 300_000, t0)).toMatchObject({
    ms: 300_000,
    method: 'restore-point',
    upperBound: true,
  });
  expect(snapshotAgeRpo(t0 - 86_400_000, t0, 's1')).toMatchObject({
    ms: 86_400_000,
    method: 'snapshot-age',
    upperBound: true,
  });
  expect(snapshotAgeRpo(t0 + 1000, t0, 's1').ms).toBe(0);
});

test('judge compares with the objectives', () => {
  const o = { rtoMs: 60_000, rpoMs: 300_000 };
  const hb = heartbeatRpo(1_000_000, 1_000_000 - 300_000);
  expect(judge(60_000, hb, o, formatDuration)).toEqual({ passed: true, reasons: [] });
  expect(judge(60_001, hb, o, formatDuration).reasons).toEqual(['RTO 1m00s exceeds the objective 1m00s']);
  expect(judge(1000, heartbeatRpo(1_000_000, 0), o, formatDuration).reasons).toEqual([
    'RPO 16m40s exceeds the objective 5m00s',
  ]);
  expect(judge(1000, restorePointRpo(0, 400_000), o, formatDuration).reasons[0]).toMatch(
    /^RPO upper bound 6m40s/,
  );
  expect(judge(undefined, heartbeatRpo(1, undefined), o, formatDuration).reasons).toEqual([
    'the recovered database never passed its health check',
    'RPO could not be measured (the recovered database has no heartbeat rows at all)',
  ]);
});
