import { ConfigurationError, Inputs } from '@oaktree/action-kit';
import { readConfig } from './inputs.js';

const env = {
  AWS_REGION: 'us-east-1',
  GITHUB_RUN_ID: '123',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_REPOSITORY: 'o/r',
  GITHUB_SHA: 'abc',
  RUNNER_TEMP: '/tmp/rt',
};
function read(values: Record<string, string>, e: NodeJS.ProcessEnv = env) {
  return readConfig(new Inputs((name) => values[name] ?? ''), e);
}
function fails(values: Record<string, string>): string {
  try {
    read(values);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigurationError);
    return (err as Error).message;
  }
  throw new Error('expected a configuration error');
}

test('defaults and the run context', () => {
  const c = read({
    'db-instance-identifiers': 'Orders\nbilling # main db',
    'db-cluster-identifiers': 'ledger',
  });
  expect(c).toMatchObject({
    instances: ['orders', 'billing'],
    clusters: ['ledger'],
    prefix: 'oaktree',
    tags: [],
    copyRegions: [],
    copyKmsKeys: {},
    retentionDays: undefined,
    keepLast: 3,
    maxRpoMs: 15 * 60_000,
    wait: true,
    timeoutMs: 3_600_000,
    quota: 100,
    maxParallel: 4,
    region: 'us-east-1',
    run: { runId: '123', attempt: '2', repository: 'o/r', sha: 'abc' },
    reportDir: '/tmp/rt',
  });
});

test('everything set', () => {
  const c = read({
    'db-instance-identifiers': 'orders',
    'snapshot-prefix': 'Pre-Deploy',
    tags: 'team=shop\ncost-center=42',
    'copy-to-regions': 'us-west-2, eu-west-1',
    'copy-kms-keys': 'us-west-2=alias/dr\neu-west-1=arn:aws:kms:eu-west-1:123456789012:key/abc',
    'retention-days': '14',
    'keep-last': '5',
    'max-rpo': '1h30m',
    wait: 'false',
    'timeout-minutes': '90',
    'max-parallel': '12',
    region: 'eu-central-1',
  });
  expect(c).toMatchObject({
    prefix: 'pre-deploy',
    tags: [
      { Key: 'team', Value: 'shop' },
      { Key: 'cost-center', Value: '42' },
    ],
    copyRegions: ['us-west-2', 'eu-west-1'],
    copyKmsKeys: { 'us-west-2': 'alias/dr', 'eu-west-1': 'arn:aws:kms:eu-west-1:123456789012:key/abc' },
    retentionDays: 14,
    keepLast: 5,
    maxRpoMs: 90 * 60_000,
    wait: false,
    timeoutMs: 90 * 60_000,
    maxParallel: 12,
    region: 'eu-central-1',
  });
});

test('each bad input names itself, quotes the value and says the fix', () => {
  expect(fails({})).toBe(
    'inputs "db-instance-identifiers" and "db-cluster-identifiers" are both empty: name at least one database',
  );
  expect(fails({ 'db-instance-identifiers': 'orders', 'max-rpo': '15' })).toBe(
    'input "max-rpo" is "15": expected a duration such as 90s, 15m, 2h or 1h30m',
  );
  expect(fails({ 'db-instance-identifiers': 'orders_db' })).toMatch(
    /^input "db-instance-identifiers" has "orders_db": expected RDS identifiers/,
  );
  expect(fails({ 'db-instance-identifiers': 'a--b' })).toMatch(/^input "db-instance-identifiers" has "a--b"/);
  expect(fails({ 'db-instance-identifiers': 'a\nA' })).toBe(
    'input "db-instance-identifiers" lists "a" twice: list each database once',
  );
  expect(fails({ 'db-instance-identifiers': 'a', 'snapshot-prefix': '9lives' })).toMatch(
    /^input "snapshot-prefix" is "9lives"/,
  );
  expect(fails({ 'db-instance-identifiers': 'a', 'snapshot-prefix': 'p'.repeat(41) })).toMatch(
    /at most 40 characters$/,
  );
  expect(fails({ 'db-instance-identifiers': 'a', tags: 'oaktree:managed-by=me' })).toBe(
    'input "tags" has the key "oaktree:managed-by": keys starting with aws: or oaktree: are reserved; rename it',
  );
  expect(fails({ 'db-instance-identifiers': 'a', tags: 'novalue' })).toMatch(
    /^input "tags" is "novalue": expected key=value/,
  );
  expect(fails({ 'db-instance-identifiers': 'a', 'copy-to-regions': 'mars-1' })).toMatch(
    /^input "copy-to-regions" is "mars-1"/,
  );
  expect(fails({ 'db-instance-identifiers': 'a', 'copy-to-regions': 'us-east-1' })).toBe(
    `input "copy-to-regions" includes "us-east-1", the databases' own region: list only other (DR) regions`,
  );
  expect(fails({ 'db-instance-identifiers': 'a', 'copy-kms-keys': 'us-west-2=alias/dr' })).toBe(
    'input "copy-kms-keys" names "us-west-2", which is not in copy-to-regions: add the region there or drop the key',
  );
  expect(
    fails({
      'db-instance-identifiers': 'a',
      'copy-to-regions': 'us-west-2',
      'copy-kms-keys': 'us-west-2=arn:aws:kms:us-east-1:123456789012:key/abc',
    }),
  ).toMatch(/^input "copy-kms-keys" gives us-west-2 a key from us-east-1 .*: KMS keys are regional/);
  expect(fails({ 'db-instance-identifiers': 'a', 'keep-last': '0' })).toBe(
    'input "keep-last" is "0": expected a whole number from 1 to 100',
  );
  expect(fails({ 'db-instance-identifiers': 'a', 'retention-days': 'a week' })).toMatch(
    /^input "retention-days" is "a week"/,
  );
  expect(fails({ 'db-instance-identifiers': 'a', 'max-parallel': '0' })).toBe(
    'input "max-parallel" is "0": expected a whole number from 1 to 50',
  );
  expect(fails({ 'db-instance-identifiers': 'a', 'max-parallel': 'all' })).toBe(
    'input "max-parallel" is "all": expected a whole number from 1 to 50',
  );
  expect(fails({ 'db-instance-identifiers': 'a', wait: 'maybe' })).toBe(
    'input "wait" is "maybe": expected true or false',
  );
});

test('outside Actions there is no run id, so no reuse key', () => {
  const c = read({ 'db-instance-identifiers': 'a' }, { AWS_REGION: 'us-east-1' });
  expect(c.run).toEqual({ runId: undefined, attempt: '1', repository: undefined, sha: undefined });
});
