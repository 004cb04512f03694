import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The README's minimal IAM policy must name every AWS API the action calls, and the statements that
 * change or delete things must be conditioned on the dr-drill-id tag. (moto's IAM enforcement ignores
 * tag conditions, so this is checked here rather than end to end.)
 */
const here = dirname(fileURLToPath(import.meta.url));
const readme = readFileSync(join(here, '..', 'README.md'), 'utf8');
const policy = JSON.parse(/## Minimal IAM policy[\s\S]*?```json\n([\s\S]*?)```/.exec(readme)![1]!) as {
  Statement: Array<{ Sid: string; Action: string[]; Condition?: Record<string, Record<string, string>> }>;
};

function calledApis(): Set<string> {
  const out = new Set<string>();
  for (const f of readdirSync(here).filter(
    (x) => x.endsWith('.ts') && !x.endsWith('.test.ts') && x !== 'testing.ts',
  )) {
    const text = readFileSync(join(here, f), 'utf8');
    // Each file talks to one service: the SDK client its commands come from.
    const service = /from '@aws-sdk\/client-(\w+)'/.exec(text)?.[1] ?? 'rds';
    for (const m of text.matchAll(/new (\w+)Command\(/g)) out.add(`${service}:${m[1]}`);
  }
  return out;
}

test('every AWS API the action calls is in the README policy', () => {
  const allowed = new Set(policy.Statement.flatMap((s) => s.Action));
  const missing = [...calledApis()].filter((a) => !allowed.has(a));
  expect(missing).toEqual([]);
  expect(calledApis().size).toBeGreaterThan(15);
  expect(calledApis()).toContain('kms:DescribeKey');
});

test('creating requires the drill tag on the request; changing and deleting require it on the resource', () => {
  const byAction = new Map(policy.Statement.flatMap((s) => s.Action.map((a) => [a, s] as const)));
  for (const a of [
    'rds:DeleteDBInstance',
    'rds:DeleteDBCluster',
    'rds:ModifyDBInstance',
    'rds:ModifyDBCluster',
    'rds:PromoteReadReplica',
  ])
    expect(byAction.get(a)?.Condition).toEqual({ StringLike: { 'aws:ResourceTag/dr-drill-id': 'drill-*' } });
  for (const a of [
    'rds:RestoreDBInstanceToPointInTime',
    'rds:RestoreDBInstanceFromDBSnapshot',
    'rds:CreateDBInstance',
    'rds:CreateDBInstanceReadReplica',
  ])
    expect(byAction.get(a)?.Condition).toEqual({ StringLike: { 'aws:RequestTag/dr-drill-id': 'drill-*' } });
  // The actions that could lose data are not in the policy at all.
  for (const a of ['rds:FailoverGlobalCluster', 'rds:DeleteDBSnapshot', 'rds:DeleteDBClusterSnapshot'])
    expect(byAction.has(a)).toBe(false);
});
