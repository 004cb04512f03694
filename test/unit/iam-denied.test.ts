/**
 * The "denied" half of the IAM check: every action's documented policy (iam-policy.json), evaluated
 * with Resource and Condition by @cloud-copilot/iam-simulate, refuses what a compromised workflow
 * holding the role would try, and still allows the action's own work. A deliberately widened policy
 * must make this suite fail, or it proves nothing.
 */
import { readFileSync, existsSync } from 'node:fs';
import { ALL, DR_DRILL, ECS_BLUE_GREEN, RDS_SNAPSHOT, audit, documented } from '../iam/attacks.js';
import { placeholders, readPolicy, type Policy, type Statement } from '../iam/policy.js';

describe.each(ALL.map((c) => [c.action, c] as const))('%s', (_name, cases) => {
  test('refuses every attack', async () => {
    expect((await audit(cases)).leaks).toEqual([]);
  });

  test("allows the action's own calls", async () => {
    expect((await audit(cases)).refused).toEqual([]);
  });

  test('the cases give every placeholder the policy uses a value', () => {
    expect(placeholders(readPolicy(cases.action)).filter((p) => !(p in cases.values))).toEqual([]);
  });
});

function widen(policy: Policy, extra: Statement): Policy {
  return { ...policy, Statement: [...policy.Statement, extra] };
}

test('the tag bypass of the old policies (AddTagsToResource on "*" with a request-tag condition) fails the suite', async () => {
  const widened = widen(documented(DR_DRILL), {
    Sid: 'OldTaggingGrant',
    Effect: 'Allow',
    Action: 'rds:AddTagsToResource',
    Resource: '*',
    Condition: { StringLike: { 'aws:RequestTag/dr-drill-id': 'drill-*' } },
  });
  expect((await audit(DR_DRILL, widened)).leaks).toEqual([
    'tag the production database as a drill resource',
    'tag a production cluster as a drill resource',
    'tag a snapshot as a drill resource',
  ]);
});

test('deletes keyed on a tag instead of the name prefix fail the suite', async () => {
  const widened = widen(documented(RDS_SNAPSHOT), {
    Sid: 'PruneByTag',
    Effect: 'Allow',
    Action: 'rds:DeleteDBSnapshot',
    Resource: 'arn:aws:rds:*:123456789012:snapshot:*',
  });
  expect((await audit(RDS_SNAPSHOT, widened)).leaks).toEqual(['delete a snapshot not carrying our prefix']);
});

test('PassRole without iam:PassedToService, on any role, fails the suite', async () => {
  const widened = widen(documented(ECS_BLUE_GREEN), {
    Sid: 'PassAnyRole',
    Effect: 'Allow',
    Action: 'iam:PassRole',
    Resource: '*',
  });
  expect((await audit(ECS_BLUE_GREEN, widened)).leaks).toEqual([
    'pass an arbitrary role to the task',
    'pass the task role to another service',
  ]);
});

test('the previous README policies leak (the issue this suite closes)', async () => {
  // What the dr-drill README granted before: creation, tagging and deletion keyed on one tag.
  const old: Policy = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['rds:AddTagsToResource', 'rds:RestoreDBInstanceFromDBSnapshot'],
        Resource: '*',
        Condition: { StringLike: { 'aws:RequestTag/dr-drill-id': 'drill-*' } },
      },
      {
        Effect: 'Allow',
        Action: ['rds:ModifyDBInstance', 'rds:DeleteDBInstance', 'rds:PromoteReadReplica'],
        Resource: '*',
        Condition: { StringLike: { 'aws:ResourceTag/dr-drill-id': 'drill-*' } },
      },
    ],
  };
  const { leaks } = await audit(DR_DRILL, old);
  expect(leaks).toEqual(
    expect.arrayContaining([
      'tag the production database as a drill resource',
      'create an instance under another name, tagged as a drill',
    ]),
  );
});

test('guard-validate needs no AWS access: no policy, and its bundle has no AWS SDK client', () => {
  expect(existsSync('actions/guard-validate/iam-policy.json')).toBe(false);
  const bundle = readFileSync('actions/guard-validate/dist/index.js', 'utf8');
  expect(bundle).not.toMatch(/@aws-sdk\/client-|amazonaws\.com/);
});
