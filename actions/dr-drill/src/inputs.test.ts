import { ConfigurationError, Inputs } from '@oaktree/action-kit';
import { readConfig } from './inputs.js';

const env = {
  AWS_REGION: 'us-east-1',
  GITHUB_REPOSITORY: 'o/r',
  GITHUB_RUN_ID: '99',
  GITHUB_SERVER_URL: 'https://github.com',
};
const ok = {
  scenario: 'pitr-restore',
  'source-db-instance': 'orders-db',
  'rto-objective': '30m',
  'rpo-objective': '15m',
};

function read(values: Record<string, string>) {
  return readConfig(new Inputs((n) => values[n] ?? ''), env);
}

function failure(values: Record<string, string>): ConfigurationError {
  try {
    read(values);
  } catch (err) {
    if (err instanceof ConfigurationError) return err;
    throw err;
  }
  throw new Error('expected a ConfigurationError');
}

test('defaults and typed values', () => {
  const c = read(ok);
  expect(c).toMatchObject({
    scenario: 'pitr-restore',
    source: { kind: 'instance', id: 'orders-db' },
    sourceRegion: 'us-east-1',
    drRegion: 'us-east-1',
    rtoObjectiveMs: 1_800_000,
    rpoObjectiveMs: 900_000,
    healthCheck: 'tcp',
    cleanup: 'always',
    sweepOrphans: true,
    orphanTtlHours: 24,
    pollIntervalMs: 750,
    probeIntervalMs: 500,
    run: { repository: 'o/r', runId: '99', runUrl: 'https://github.com/o/r/actions/runs/99' },
  });
});

test.each([
  [{ scenario: 'chaos' }, 'scenario', /expected one of pitr-restore, snapshot-restore/],
  [{ 'source-db-instance': '', 'source-db-cluster': '' }, 'source-db-instance', /one of the inputs/],
  [{ 'source-db-cluster': 'c1' }, 'source-db-instance', /both set/],
  [{ 'source-db-instance': '1db' }, 'source-db-instance', /expected a DB identifier/],
  [
    { scenario: 'replica-promote', 'source-db-instance': '', 'source-db-cluster': 'c1' },
    'source-db-cluster',
    /does not fit scenario replica-promote: replica-promote needs source-db-instance/,
  ],
  [
    { scenario: 'cluster-failover', 'allow-disruption': 'true' },
    'source-db-instance',
    /needs source-db-cluster/,
  ],
  [
    { scenario: 'cluster-failover', 'source-db-instance': '', 'source-db-cluster': 'c1' },
    'allow-disruption',
    /set allow-disruption: true/,
  ],
  [
    {
      scenario: 'global-switchover',
      'source-db-instance': '',
      'source-db-cluster': 'c1',
      'allow-disruption': 'true',
    },
    'dr-region',
    /secondary cluster/,
  ],
  [
    {
      scenario: 'cluster-failover',
      'source-db-instance': '',
      'source-db-cluster': 'c1',
      'allow-disruption': 'true',
      'dr-region': 'us-west-2',
    },
    'dr-region',
    /stays in the source region/,
  ],
  [
    { 'source-db-instance': '', 'source-db-cluster': 'c1', 'dr-region': 'us-west-2' },
    'dr-region',
    /point-in-time restore works only in the cluster's own region/,
  ],
  [{ 'dr-region': 'moon-1' }, 'dr-region', /expected an AWS region/],
  [{ 'rto-objective': '' }, 'rto-objective', /required/],
  [{ 'rpo-objective': '15' }, 'rpo-objective', /"15"/],
  [{ 'snapshot-identifier': 'snap-1' }, 'snapshot-identifier', /applies to snapshot-restore only/],
  [{ 'kms-key-id': 'alias/dr' }, 'kms-key-id', /applies to a cross-region replica-promote only/],
  [
    { scenario: 'replica-promote', 'kms-key-id': 'alias/dr', 'dr-region': '' },
    'kms-key-id',
    /replica-promote in one region/,
  ],
  [
    { scenario: 'snapshot-restore', 'snapshot-identifier': 'arn:aws:rds:eu-west-1:123456789012:snapshot:s1' },
    'snapshot-identifier',
    /copy it there first/,
  ],
  [{ 'instance-class': 'm5.large' }, 'instance-class', /db.t3.medium/],
  [{ 'vpc-security-group-ids': 'sg-0123456789abcdef0, default' }, 'vpc-security-group-ids', /"default"/],
  [{ 'health-check': 'sql' }, 'sql-connection', /required with health-check: sql/],
  [{ 'health-check': 'http' }, 'http-url', /required with health-check: http/],
  [{ 'health-check': 'http', 'http-url': 'ftp://x/' }, 'http-url', /http:\/\/ or https:\/\//],
  [{ 'heartbeat-table': 'hb' }, 'sql-connection', /required with heartbeat-table/],
  [
    { 'heartbeat-table': 'hb; drop table x', 'sql-connection': 'postgres://u:p@{host}:{port}/db' },
    'heartbeat-table',
    /schema.table/,
  ],
  [{ 'sql-connection': 'redis://u:p@{host}:{port}' }, 'sql-connection', /scheme "redis:"/],
  [{ cleanup: 'sometimes' }, 'cleanup', /always, on-success, never/],
  [{ 'orphan-ttl-hours': '0' }, 'orphan-ttl-hours', /from 1 to 720/],
  [{ 'probe-interval': '10ms' }, 'probe-interval', /at least 0.05s/],
])('%j fails on %s', (over, input, message) => {
  const e = failure({ ...ok, ...over });
  expect(e.input).toBe(input);
  expect(e.message).toMatch(message);
  expect(e.message).toContain(`"${input}"`);
});

test('a secret connection URL is never quoted in an error', () => {
  const e = failure({ ...ok, 'sql-connection': 'postgres://u:hunter2@[not-a-host:{port}/db' });
  expect(e.message).not.toContain('hunter2');
});

test('no region anywhere names the input to set', () => {
  expect(() => readConfig(new Inputs((n) => (ok as Record<string, string>)[n] ?? ''), {})).toThrow(
    /set the "source-region" input/,
  );
});

test('kind-specific scenarios accept the right kind', () => {
  expect(
    read({
      ...ok,
      scenario: 'cluster-failover',
      'source-db-instance': '',
      'source-db-cluster': 'c1',
      'allow-disruption': 'true',
    }).source,
  ).toEqual({ kind: 'cluster', id: 'c1' });
  expect(
    read({
      ...ok,
      scenario: 'global-switchover',
      'source-db-instance': '',
      'source-db-cluster': 'c1',
      'allow-disruption': 'yes',
      'dr-region': 'eu-west-1',
    }).drRegion,
  ).toBe('eu-west-1');
  expect(
    read({ ...ok, 'health-check': 'sql', 'sql-connection': 'mysql://u:p@{host}:{port}/db' }).healthCheck,
  ).toBe('sql');
});

test('history: off unless history-artifact is set; a bad name, no report file or no token is refused', () => {
  expect(read(ok).history).toBeUndefined();
  const on = {
    ...ok,
    'history-artifact': 'dr-drill-report',
    'report-file': '/tmp/r.json',
    'github-token': 'ghs_x',
  };
  expect(read(on).history).toEqual({
    artifact: 'dr-drill-report',
    length: 14,
    token: 'ghs_x',
    apiUrl: 'https://api.github.com',
    serverUrl: 'https://github.com',
  });
  expect(read({ ...on, 'history-length': '30' }).history?.length).toBe(30);
  expect(failure({ ...on, 'history-length': '0' }).message).toMatch(/input "history-length"/);
  expect(failure({ ...on, 'history-artifact': 'reports/dr' }).message).toMatch(
    /^input "history-artifact" is "reports\/dr": expected an artifact name/,
  );
  expect(failure({ ...on, 'report-file': '' }).message).toMatch(
    /^input "report-file" is empty but history-artifact is set: set report-file and upload it/,
  );
  expect(failure({ ...on, 'github-token': '' }).message).toMatch(/^input "github-token" is empty/);
});
