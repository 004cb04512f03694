import { buildSummary, rollUp, type DatabaseReport, type Report } from './report.js';

function db(id: string, over: Partial<DatabaseReport> = {}): DatabaseReport {
  return { id, kind: 'instance', region: 'us-east-1', copies: [], pruned: [], errors: [], ...over };
}

function report(databases: DatabaseReport[], over: Partial<Report> = {}): Report {
  return {
    action: 'rds-snapshot',
    region: 'us-east-1',
    startedAt: '2026-11-26T12:00:00.000Z',
    run: { attempt: '1' },
    settings: { prefix: 'oaktree', copyRegions: ['us-west-2'], keepLast: 3, maxRpoSeconds: 900, wait: true },
    databases,
    problems: [],
    warnings: [],
    snapshotArns: [],
    copyArns: [],
    pruned: [],
    ...over,
  };
}

const pitr = (lagSeconds: number | undefined, lrt?: string) => ({
  enabled: lagSeconds !== undefined,
  lagSeconds,
  latestRestorableTime: lrt,
  withinBudget: (lagSeconds ?? Infinity) <= 900,
  findings: [],
  warnings: [],
  notes: [],
  replicas: [],
});

test('roll-up: ARNs of snapshots, successful copies only, pruned; the largest lag and its time', () => {
  const r = report([
    db('a', {
      snapshot: { id: 'sa', arn: 'arn:sa', status: 'available', reused: false },
      copies: [
        { region: 'us-west-2', id: 'sa', arn: 'arn:ca', status: 'available', reused: false },
        { region: 'eu-west-1', id: 'sa', arn: 'arn:bad', status: 'failed', reused: false, error: 'boom' },
      ],
      pruned: [{ region: 'us-east-1', id: 'old', arn: 'arn:old' }],
      pitr: pitr(120, '2026-11-26T11:58:00.000Z'),
    }),
    db('b', { pitr: pitr(1000, '2026-11-26T11:43:20.000Z') }),
    db('c', { pitr: pitr(undefined) }),
  ]);
  rollUp(r);
  expect(r.snapshotArns).toEqual(['arn:sa']);
  expect(r.copyArns).toEqual(['arn:ca']);
  expect(r.pruned).toEqual(['arn:old']);
  expect(r.pitrLagSeconds).toBe(1000);
  expect(r.latestRestorableTime).toBe('2026-11-26T11:43:20.000Z');
});

test('no database with backups: no lag output at all', () => {
  const r = report([db('c', { pitr: pitr(undefined) })]);
  rollUp(r);
  expect(r.pitrLagSeconds).toBeUndefined();
  expect(r.latestRestorableTime).toBeUndefined();
});

test('summary: one row per database with copies, lag vs budget and pruned count; problems listed', () => {
  const r = report(
    [
      db('orders', {
        sizeGiB: 50,
        snapshot: { id: 'snap-1', status: 'available', reused: true },
        copies: [{ region: 'us-west-2', id: 'snap-1', status: 'available', reused: false }],
        pitr: { ...pitr(1000), replicas: [{ region: 'us-west-2', lagSeconds: 30, withinBudget: true }] },
        pruned: [{ region: 'us-east-1', id: 'old', arn: 'arn:old', createdAt: '2026-10-01T00:00:00.000Z' }],
      }),
      db('scratch', { errors: ['x'] }),
    ],
    { problems: ['orders lags'] },
  );
  const md = buildSummary(r).toString();
  expect(md).toContain('## RDS snapshots in us-east-1 ❌');
  expect(md).toContain(
    '| orders | instance | `snap-1` (reused, available) | 50 GiB | us-west-2: available | ❌ 16m40s / 15m00s (replicated: us-west-2 30s) | 1 |',
  );
  expect(md).toContain('| scratch | instance | ❌ not made |  |  | not checked | 0 |');
  expect(md).toContain('### Problems\n\n- orders lags');
  expect(md).toContain('- us-east-1 `old` (taken 2026-10-01T00:00:00.000Z)');
});
