import { evaluatePitr, lagMs, type PitrFacts } from './pitr.js';

const now = new Date('2026-11-26T12:00:00Z');
const MIN = 60_000;
const ago = (ms: number) => new Date(now.getTime() - ms);
const facts = (over: Partial<PitrFacts> = {}): PitrFacts => ({
  database: 'orders',
  kind: 'instance',
  backupRetentionPeriod: 7,
  latestRestorableTime: ago(5 * MIN),
  replicas: [],
  copyRegions: [],
  ...over,
});

test('a lag exactly at max-rpo passes; one millisecond more fails', () => {
  const at = evaluatePitr(facts({ latestRestorableTime: ago(15 * MIN) }), now, 15 * MIN);
  expect(at).toMatchObject({ enabled: true, withinBudget: true, lagSeconds: 900, findings: [] });
  const over = evaluatePitr(facts({ latestRestorableTime: ago(15 * MIN + 1) }), now, 15 * MIN);
  expect(over.withinBudget).toBe(false);
  expect(over.findings).toEqual([
    'point-in-time restore of orders lags 15m00s behind now (latest restorable time 2026-11-26T11:44:59.999Z), more than max-rpo 15m00s',
  ]);
});

test('a latest restorable time in the future (clock skew) is a lag of 0', () => {
  expect(lagMs(now, new Date(now.getTime() + 3000))).toBe(0);
  expect(
    evaluatePitr(facts({ latestRestorableTime: new Date(now.getTime() + 3000) }), now, MIN).lagSeconds,
  ).toBe(0);
});

test('backup retention 0 means no PITR, whatever LatestRestorableTime says', () => {
  const r = evaluatePitr(facts({ backupRetentionPeriod: 0, latestRestorableTime: now }), now, 15 * MIN);
  expect(r.enabled).toBe(false);
  expect(r.lagSeconds).toBeUndefined();
  expect(r.findings).toEqual([
    'automated backups are off for orders: point-in-time restore impossible (set its backup retention period to 1 day or more)',
  ]);
});

test('no latest restorable time yet is a finding', () => {
  const r = evaluatePitr(facts({ latestRestorableTime: undefined }), now, 15 * MIN);
  expect(r.findings[0]).toMatch(/^orders reports no latest restorable time/);
});

test('replicated backups are held to the same budget, at the boundary too', () => {
  const arn = 'arn:aws:rds:us-west-2:1:auto-backup:ab-1';
  const ok = evaluatePitr(
    facts({
      replicas: [{ region: 'us-west-2', arn, latestTime: ago(15 * MIN) }],
      copyRegions: ['us-west-2'],
    }),
    now,
    15 * MIN,
  );
  expect(ok.findings).toEqual([]);
  expect(ok.replicas).toEqual([
    { region: 'us-west-2', arn, lagSeconds: 900, latestTime: '2026-11-26T11:45:00.000Z', withinBudget: true },
  ]);
  expect(ok.notes).toEqual([]);
  const late = evaluatePitr(
    facts({ replicas: [{ region: 'us-west-2', arn, latestTime: ago(15 * MIN + 1000) }] }),
    now,
    15 * MIN,
  );
  expect(late.findings).toEqual([
    'replicated automated backups of orders in us-west-2 lag 15m01s behind now, more than max-rpo 15m00s',
  ]);
});

test('replicated backups that cannot be read are a warning, not a finding', () => {
  const r = evaluatePitr(
    facts({ replicas: [{ region: 'us-west-2', arn: 'a', error: 'access denied' }] }),
    now,
    15 * MIN,
  );
  expect(r.findings).toEqual([]);
  expect(r.warnings).toEqual([
    'could not check the replicated automated backups of orders in us-west-2: access denied',
  ]);
});

test('copy regions without replication are noted, for instances and for Aurora clusters', () => {
  const i = evaluatePitr(facts({ copyRegions: ['us-west-2'] }), now, 15 * MIN);
  expect(i.findings).toEqual([]);
  expect(i.notes).toEqual([
    expect.stringMatching(
      /^no automated-backup replication of orders to us-west-2: point-in-time restore there is impossible/,
    ),
  ]);
  const c = evaluatePitr(facts({ kind: 'cluster', copyRegions: ['us-west-2'] }), now, 15 * MIN);
  expect(c.notes[0]).toMatch(/Aurora clusters do not replicate automated backups/);
});
