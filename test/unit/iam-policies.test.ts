/**
 * The policies as code: each grants exactly the IAM actions its action's code needs (every SDK command
 * it sends, plus the implicit checks those carry), the operation table covers every command the suite
 * sends and fails loudly on one it does not know, and the AGPL simulator stays out of every bundle.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { authRequests, OPERATIONS, UnmappedOperationError } from '../iam/operations.js';
import { readPolicy, substitute } from '../iam/policy.js';
import { checkCalls } from '../harness/iam-recorder.js';

const ACTIONS = ['rds-snapshot', 'dr-drill', 'ecs-blue-green'];
const SIGNING: Record<string, string> = {
  'cloudwatch-logs': 'logs',
  rds: 'rds',
  ecs: 'ecs',
  codedeploy: 'codedeploy',
  kms: 'kms',
  cloudwatch: 'monitoring',
  'elastic-load-balancing-v2': 'elasticloadbalancing',
  sts: 'sts',
};
const IAM_PREFIX: Record<string, string> = { monitoring: 'cloudwatch' };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('testing.ts'))
    .map((f) => join(dir, f));
}

/** `signing-name:Operation` of every SDK command an action's own code (and the shared packages) sends. */
function commandsOf(action: string): Set<string> {
  const out = new Set<string>();
  for (const f of sourceFiles(`actions/${action}/src`)) {
    const text = readFileSync(f, 'utf8');
    // Which client module each imported name comes from: `import { X } from '@aws-sdk/client-c'`
    // and the lazy `const { X } = await import('@aws-sdk/client-c')`.
    const owner = new Map<string, string>();
    const imports = [
      ...text.matchAll(/import\s*(?:type\s*)?\{([^{}]*)\}\s*from\s*'@aws-sdk\/client-([a-z0-9-]+)'/g),
      ...text.matchAll(/\{([^{}]*)\}\s*=\s*await\s+import\(\s*'@aws-sdk\/client-([a-z0-9-]+)'\s*\)/g),
    ];
    for (const m of imports)
      for (const name of m[1]!.split(','))
        owner.set(
          name
            .trim()
            .replace(/^type\s+/, '')
            .split(/\s+as\s+/)[0]!
            .trim(),
          m[2]!,
        );
    for (const m of text.matchAll(/new (\w+)Command\(/g)) {
      const client = owner.get(`${m[1]}Command`);
      if (client) out.add(`${SIGNING[client] ?? client}:${m[1]}`);
    }
  }
  return out;
}

const IMPLICIT = new Set(['rds:AddTagsToResource', 'ecs:TagResource', 'iam:PassRole', 'kms:CreateGrant']);

describe.each(ACTIONS)('%s', (action) => {
  const policy = readPolicy(`actions/${action}`);
  const granted = new Set(policy.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])));

  test('every command the code sends is mapped and granted', () => {
    const cmds = [...commandsOf(action)];
    expect(cmds.length).toBeGreaterThan(action === 'ecs-blue-green' ? 8 : 5);
    const unmapped = cmds.filter((c) => {
      const [svc, op] = c.split(':') as [string, string];
      return !OPERATIONS[svc]?.[op];
    });
    expect(unmapped).toEqual([]);
    const missing = cmds
      .map((c) => `${IAM_PREFIX[c.split(':')[0]!] ?? c.split(':')[0]}:${c.split(':')[1]}`)
      .filter((a) => !a.startsWith('sts:') && !granted.has(a));
    expect(missing).toEqual([]);
  });

  test('nothing is granted that the code does not send or imply (no unused grants)', () => {
    const used = new Set(
      [...commandsOf(action)].map(
        (c) => `${IAM_PREFIX[c.split(':')[0]!] ?? c.split(':')[0]}:${c.split(':')[1]}`,
      ),
    );
    expect([...granted].filter((a) => !used.has(a) && !IMPLICIT.has(a))).toEqual([]);
  });

  test('no statement grants a data-losing call beyond what the action makes', () => {
    const forbidden = [
      'rds:FailoverGlobalCluster',
      'rds:RemoveFromGlobalCluster',
      'rds:ModifyDBSnapshotAttribute',
      'rds:RemoveTagsFromResource',
      'ecs:UpdateService',
      'ecs:DeleteService',
      'codedeploy:RegisterApplicationRevision',
      'rds:ListTagsForResource',
    ]
      .filter((a) => !(action === 'rds-snapshot' && a === 'rds:ListTagsForResource'))
      // ECS-native blue/green deploys with UpdateService of the one service (attacks.ts checks the rest)
      .filter((a) => !(action === 'ecs-blue-green' && a === 'ecs:UpdateService'));
    expect(forbidden.filter((a) => granted.has(a))).toEqual([]);
    expect(JSON.stringify(policy)).not.toMatch(/"Action":\s*"\*"|"[a-z]+:\*"/);
  });
});

test('an operation nobody mapped fails loudly, naming where to add it', () => {
  expect(() =>
    authRequests(
      { service: 'rds', operation: 'Foo', region: 'us-east-1', params: {}, json: {} },
      { account: '1' },
    ),
  ).toThrow(new UnmappedOperationError('no IAM mapping for rds:Foo: add it to test/iam/operations.ts'));
});

test('a create with tags also asks for rds:AddTagsToResource on the new resource, with the tags', () => {
  const reqs = authRequests(
    {
      service: 'rds',
      operation: 'CreateDBInstanceReadReplica',
      region: 'us-west-2',
      params: {
        DBInstanceIdentifier: 'drill-1-replica',
        SourceDBInstanceIdentifier: 'arn:aws:rds:us-east-1:123456789012:db:orders',
        KmsKeyId: 'alias/dr',
        'Tags.Tag.1.Key': 'dr-drill-id',
        'Tags.Tag.1.Value': 'drill-1',
      },
      json: {},
    },
    { account: '123456789012' },
  );
  expect(reqs.map((r) => `${r.action} ${r.resource} ${Object.keys(r.context).join(',')}`)).toEqual([
    'rds:CreateDBInstanceReadReplica arn:aws:rds:us-west-2:123456789012:db:drill-1-replica aws:TagKeys,aws:RequestTag/dr-drill-id,rds:req-tag/dr-drill-id',
    'rds:AddTagsToResource arn:aws:rds:us-west-2:123456789012:db:drill-1-replica aws:TagKeys,aws:RequestTag/dr-drill-id,rds:req-tag/dr-drill-id',
    'rds:CreateDBInstanceReadReplica arn:aws:rds:us-east-1:123456789012:db:orders aws:TagKeys,aws:RequestTag/dr-drill-id,rds:req-tag/dr-drill-id',
    // the presigned request in the source region carries no tags
    'rds:CreateDBInstanceReadReplica arn:aws:rds:us-east-1:123456789012:db:orders ',
    'kms:CreateGrant arn:aws:kms:us-west-2:123456789012:key/alias/dr kms:ViaService,kms:GrantIsForAWSResource',
    'kms:DescribeKey arn:aws:kms:us-west-2:123456789012:key/alias/dr kms:ViaService',
  ]);
});

test('RegisterTaskDefinition asks for PassRole on each role (to ecs-tasks) and TagResource for its tags', () => {
  const reqs = authRequests(
    {
      service: 'ecs',
      operation: 'RegisterTaskDefinition',
      region: 'eu-west-1',
      params: {},
      json: { family: 'web', executionRoleArn: 'exec', tags: [{ key: 'team', value: 'shop' }] },
    },
    { account: '123456789012' },
  );
  expect(
    reqs.map((r) => [
      r.action,
      r.resource,
      r.context['iam:PassedToService'] ?? r.context['ecs:CreateAction'],
    ]),
  ).toEqual([
    ['ecs:RegisterTaskDefinition', 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:*', undefined],
    ['ecs:TagResource', 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:*', 'RegisterTaskDefinition'],
    ['iam:PassRole', 'arn:aws:iam::123456789012:role/exec', 'ecs-tasks.amazonaws.com'],
  ]);
});

test('a recorded call the documented policy denies fails the check, naming the call and a statement to add', async () => {
  const problems = await checkCalls(
    [
      {
        service: 'rds',
        operation: 'DeleteDBSnapshot',
        region: 'us-east-1',
        params: { DBSnapshotIdentifier: 'hand-made' },
        json: {},
      },
      { service: 'rds', operation: 'DescribeDBSnapshots', region: 'us-east-1', params: {}, json: {} },
      { service: 'rds', operation: 'Foo', region: 'us-east-1', params: {}, json: {} },
    ],
    {
      action: 'actions/rds-snapshot',
      inputs: { region: 'us-east-1', 'snapshot-prefix': 'oaktree' },
      env: {},
      workspace: '.',
    },
  );
  expect(problems).toEqual([
    'rds:DeleteDBSnapshot in us-east-1: rds:DeleteDBSnapshot on arn:aws:rds:us-east-1:123456789012:snapshot:hand-made is not allowed by actions/rds-snapshot/iam-policy.json: add a statement such as {"Effect":"Allow","Action":"rds:DeleteDBSnapshot","Resource":"arn:aws:rds:us-east-1:123456789012:snapshot:hand-made"}',
    'no IAM mapping for rds:Foo: add it to test/iam/operations.ts',
  ]);
});

test('placeholders: a list value makes one Resource per item; a missing value is an error', () => {
  const p = substitute(
    {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'S',
          Effect: 'Allow',
          Action: 'rds:CreateDBSnapshot',
          Resource: 'arn:aws:rds:*:${Account}:db:${Database}',
        },
      ],
    },
    { Account: '1', Database: ['a', 'b'] },
  );
  expect(p.Statement[0]!.Resource).toEqual(['arn:aws:rds:*:1:db:a', 'arn:aws:rds:*:1:db:b']);
  expect(() =>
    substitute(
      { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'x:Y', Resource: '${Nope}' }] },
      {},
    ),
  ).toThrow('no value for ${Nope}');
});

test('the AGPL simulator is never part of the product: no import in actions/ or packages/, not in any bundle', () => {
  const offenders: string[] = [];
  for (const root of ['actions', 'packages'])
    for (const f of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
      if (f.includes('node_modules') || !/\.(m?[jt]s|json)$/.test(f)) continue;
      const path = join(root, f);
      if (path.endsWith('iam-policy.json')) continue;
      const text = readFileSync(path, 'utf8');
      if (/@cloud-copilot|iam-simulate/.test(text)) offenders.push(path);
    }
  expect(offenders).toEqual([]);
  // the scan did read the bundles
  expect(existsSync('actions/rds-snapshot/dist/index.js')).toBe(true);
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  expect(pkg.devDependencies['@cloud-copilot/iam-simulate']).toBeDefined();
  expect(pkg.dependencies['@cloud-copilot/iam-simulate']).toBeUndefined();
});
