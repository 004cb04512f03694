import { SummaryBuilder } from '@oaktree/action-kit';
import { axisTop, chart, labels, RPO_CHART, RTO_CHART, unitFor } from './history-chart.js';
import { historyView, median, pointOf, regressions, series, type HistoryPoint } from './history.js';
import { fmtUpTo, historySection } from './report.js';
import { earlierReport } from '../../../test/fixtures/dr-drill/reports.js';

/** An earlier snapshot-restore into us-west-2 (the fields history reads). */
const report = (day: number, over: Record<string, unknown> = {}) =>
  earlierReport(day, {
    scenario: 'snapshot-restore',
    drRegion: 'us-west-2',
    objectives: { rtoSeconds: 2700, rpoSeconds: 93600 },
    rpo: { seconds: 40000, method: 'snapshot-age', upperBound: true, detail: '' },
    ...over,
  });

const point = (day: number, over: Record<string, unknown> = {}) => pointOf(report(day, over)) as HistoryPoint;
const current = (day: number, over: Record<string, unknown> = {}) => ({ ...point(day, over), current: true });

test('an earlier report becomes a point; malformed, foreign or newer ones are refused with the reason', () => {
  expect(point(3)).toMatchObject({
    rtoSeconds: 600,
    rpoSeconds: 40000,
    rpoMethod: 'snapshot-age',
    passed: true,
  });
  expect(pointOf({ ...report(3), schema: 'something/v1' })).toMatch(/not a oaktree.dr-drill\/v1 report/);
  expect(pointOf({ ...report(3), schemaVersion: 2 })).toMatch(/schemaVersion 2 is newer/);
  expect(pointOf({ ...report(3), startedAt: 'yesterday' })).toMatch(/missing or malformed/);
  expect(pointOf({ ...report(3), drillId: 'x](javascript:alert(1))' })).toMatch(/missing or malformed/);
  expect(pointOf(null)).toMatch(/not a/);
  // Text that would reach the summary is not taken as it is.
  const odd = point(3, {
    outcome: '**pwned**',
    rpo: { seconds: -5, method: '<img src=x>' },
    rtoSeconds: 'NaN',
  });
  expect(odd).toMatchObject({ outcome: 'unknown', rpoMethod: 'unknown' });
  expect(odd.rpoSeconds).toBeUndefined();
  expect(odd.rtoSeconds).toBeUndefined();
});

test('series: comparable drills only, newest N, oldest first, each drill id once, this one last', () => {
  const earlier = [
    point(1),
    point(2),
    point(2), // uploaded twice (a re-run)
    point(3, { source: { id: 'other-db', region: 'us-east-1' } }),
    point(4, { scenario: 'pitr-restore' }),
    point(5),
    point(6),
    point(9), // later than this drill: not earlier
  ];
  const s = series(current(7), earlier, 3);
  expect(s.map((p) => p.startedAt.slice(8, 10))).toEqual(['02', '05', '06', '07']);
  expect(s[3]!.current).toBe(true);
});

test('regressions: over the median of the last 7 by 25% and a floor; close to the objective; same RPO method only', () => {
  const earlier = [1, 2, 3, 4, 5, 6, 7, 8].map((d) => point(d, { rtoSeconds: d === 1 ? 5000 : 600 }));
  // 840 s is +40% over the 7-drill median 600 s (the 5000 s drill is older than the window).
  expect(regressions(series(current(20, { rtoSeconds: 840 }), earlier, 14))).toEqual([
    'RTO 14m00s is +40% vs the 7-drill median 10m00s',
  ]);
  // +20% is not a regression; within the objective but at 89% of it is worth a line.
  expect(regressions(series(current(20, { rtoSeconds: 720 }), earlier, 14))).toEqual([]);
  expect(regressions(series(current(20, { rtoSeconds: 2400 }), earlier, 14))).toEqual([
    'RTO 40m00s is +300% vs the 7-drill median 10m00s',
    'RTO 40m00s is 89% of its objective 45m00s',
  ]);
  // Fewer than 3 earlier figures: no median to speak of.
  expect(regressions(series(current(20, { rtoSeconds: 2000 }), earlier.slice(0, 2), 14))).toEqual([]);
  // A tiny absolute change is noise, however large in percent (floor: 1 s or 2% of the objective).
  const fast = [1, 2, 3].map((d) => point(d, { rtoSeconds: 0.2 }));
  expect(regressions(series(current(20, { rtoSeconds: 0.9 }), fast, 14))).toEqual([]);
  // RPO from another method is not comparable.
  const sync = [1, 2, 3].map((d) => point(d, { rpo: { seconds: 0, method: 'synchronous' } }));
  expect(
    regressions(
      series(current(20, { rpo: { seconds: 3000, method: 'heartbeat' }, rtoSeconds: 600 }), sync, 14),
    ),
  ).toEqual([]);
  expect(
    regressions(
      series(current(20, { rpo: { seconds: 3000, method: 'synchronous' }, rtoSeconds: 600 }), sync, 14),
    ),
  ).toEqual(['RPO 50m00s, up from a 3-drill median of 0s']);
  expect(median([3, 1, 2])).toBe(2);
  expect(median([4, 1, 2, 3])).toBe(2.5);
});

test('the chart: bars for measured drills, the objective as a line, a readable unit and a round axis', () => {
  const points = [
    point(1, { rtoSeconds: 600 }),
    point(2, { rtoSeconds: undefined }),
    current(3, { rtoSeconds: 900 }),
  ];
  expect(chart(points, RTO_CHART)).toBe(
    [
      '```mermaid',
      'xychart-beta',
      '  title "RTO of the last 2 drill(s), minutes (bars) vs objective (line)"',
      '  x-axis ["11-01", "11-03 (this)"]',
      '  y-axis "RTO (minutes)" 0 --> 50',
      '  bar [10, 15]',
      '  line [45, 45]',
      '```',
    ].join('\n'),
  );
  expect(chart([point(1, { rpo: { method: 'unknown' } })], RPO_CHART)).toBeUndefined();
  expect(unitFor(120).name).toBe('seconds');
  expect(unitFor(3600).name).toBe('minutes');
  expect(unitFor(93600).name).toBe('hours');
  expect([axisTop(45), axisTop(9), axisTop(0), axisTop(130)]).toEqual([50, 10, 1, 150]);
  // Two drills on one day are told apart by their time.
  const twice = [point(1), { ...point(1), startedAt: '2026-11-01T16:05:00.000Z' }];
  expect(labels(twice)).toEqual(['11-01 04:47', '11-01 16:05']);
});

test('the summary section: charts, regressions, the drills table, and a clear line when history is missing', () => {
  const view = historyView(
    report(20, { rtoSeconds: 840 }) as never,
    { artifact: 'dr-drill-report', length: 14 },
    { points: [1, 2, 3].map((d) => point(d, { rtoSeconds: 600 })), skipped: ['artifact 9 (run 8): expired'] },
  );
  const s = new SummaryBuilder();
  historySection(s, view);
  const md = s.toString();
  expect(md).toContain('History: the last 4 drill(s)');
  expect(md).toContain('RTO 14m00s is +40% vs the 3-drill median 10m00s');
  expect(md).toContain('bar [10, 10, 10, 14]');
  expect(md).toContain('| 2026-11-20T04:47:00.000Z (this) | passed | 14m00s |');
  expect(md).toContain('artifact 9 (run 8): expired');

  const none = new SummaryBuilder();
  historySection(
    none,
    historyView(
      report(20) as never,
      { artifact: 'x', length: 14 },
      { points: [], skipped: [], error: 'listing failed (403)' },
    ),
  );
  expect(none.toString()).toContain('No history: listing failed (403)');
});

test('an upper bound in the summary is never rounded down', () => {
  expect([fmtUpTo(1.25), fmtUpTo(0.0031), fmtUpTo(59.999), fmtUpTo(90.2), fmtUpTo(3600.4)]).toEqual([
    '1.25s',
    '0.01s',
    '60s',
    '1m31s',
    '1h01m',
  ]);
});
