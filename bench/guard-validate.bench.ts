import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { REPO_ROOT } from '../test/harness/index.js';
import { Oracle } from './guard-validate-oracle.js';
import { coldStart, median, round, type Bench } from './lib.js';

/**
 * guard-validate against one raw `cfn-guard validate -o json --structured` run over the same corpus:
 * >= 100 generated templates (YAML with short-form tags and JSON, pretty and minified) against all
 * 237 Control Tower controls. Wall time, CPU time (user + system of the process and its children) and
 * the peak resident set of the largest process, from /usr/bin/time.
 */

const TEMPLATES = 120;
const RUNS = 3;
const ENGINE = join(REPO_ROOT, 'node_modules/@cdklabs/cdk-validator-cfnguard/bin/ubuntu/x86_64/cfn-guard');
const CT_RULES = join(
  REPO_ROOT,
  'node_modules/@cdklabs/cdk-validator-cfnguard/rules/control-tower/cfn-guard',
);

// A small deterministic PRNG, so every run checks the same corpus.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

type Res = Record<string, unknown>;
const ref = (x: string) => ({ Ref: x });

/** Resource builders: each sometimes compliant, sometimes not (the mix a real repository has). */
const BUILDERS: Array<(r: () => number, i: number) => [string, Res]> = [
  (r, i) => [
    `Bucket${i}`,
    {
      Type: 'AWS::S3::Bucket',
      Properties: {
        BucketName: { 'Fn::Sub': `\${AWS::StackName}-data-${i}` },
        ...(r() < 0.5
          ? {
              BucketEncryption: {
                ServerSideEncryptionConfiguration: [
                  { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } },
                ],
              },
            }
          : {}),
        ...(r() < 0.5 ? { VersioningConfiguration: { Status: 'Enabled' } } : {}),
        ...(r() < 0.4
          ? {
              PublicAccessBlockConfiguration: {
                BlockPublicAcls: true,
                BlockPublicPolicy: true,
                IgnorePublicAcls: true,
                RestrictPublicBuckets: r() < 0.7,
              },
            }
          : {}),
      },
    },
  ],
  (r, i) => [
    `WebSg${i}`,
    {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: {
        GroupDescription: 'web tier',
        VpcId: { 'Fn::ImportValue': 'shared-vpc' },
        SecurityGroupIngress: [
          { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' },
          { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: r() < 0.3 ? '0.0.0.0/0' : '10.0.0.0/8' },
          ...(r() < 0.3 ? [{ IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, CidrIp: '0.0.0.0/0' }] : []),
        ],
      },
    },
  ],
  (r, i) => [
    `Role${i}`,
    {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        },
        ...(r() < 0.5
          ? { PermissionsBoundary: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/b' } }
          : {}),
        Policies:
          r() < 0.3
            ? [
                {
                  PolicyName: 'all',
                  PolicyDocument: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
                },
              ]
            : [],
      },
    },
  ],
  (r, i) => [
    `Fn${i}`,
    {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Runtime: r() < 0.2 ? 'python3.7' : 'nodejs20.x',
        Handler: 'index.handler',
        Role: { 'Fn::GetAtt': [`Role${i}`, 'Arn'] },
        Code: { ZipFile: 'exports.handler = async () => 1' },
        ...(r() < 0.5 ? { TracingConfig: { Mode: 'Active' } } : {}),
      },
    },
  ],
  (r, i) => [
    `Db${i}`,
    {
      Type: 'AWS::RDS::DBInstance',
      Properties: {
        Engine: 'postgres',
        DBInstanceClass: 'db.t3.micro',
        AllocatedStorage: '20',
        StorageEncrypted: r() < 0.6,
        MultiAZ: r() < 0.5,
        PubliclyAccessible: r() < 0.2,
        MasterUsername: ref('DbUser'),
      },
    },
  ],
  (r, i) => [
    `Table${i}`,
    {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        ...(r() < 0.5 ? { PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } } : {}),
      },
    },
  ],
  (r, i) => [
    `Queue${i}`,
    {
      Type: 'AWS::SQS::Queue',
      Properties: { VisibilityTimeout: 60, ...(r() < 0.5 ? { KmsMasterKeyId: 'alias/aws/sqs' } : {}) },
    },
  ],
  (r, i) => [
    `Topic${i}`,
    { Type: 'AWS::SNS::Topic', Properties: r() < 0.5 ? { KmsMasterKeyId: 'alias/aws/sns' } : {} },
  ],
  (r, i) => [
    `Lb${i}`,
    {
      Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
      Properties: {
        Scheme: 'internet-facing',
        Subnets: [ref('SubnetA'), ref('SubnetB')],
        LoadBalancerAttributes: r() < 0.5 ? [{ Key: 'deletion_protection.enabled', Value: 'true' }] : [],
      },
    },
  ],
  (r, i) => [
    `Logs${i}`,
    {
      Type: 'AWS::Logs::LogGroup',
      Properties: r() < 0.5 ? { RetentionInDays: 30, KmsKeyId: ref('Key') } : {},
    },
  ],
  (r, i) => [
    `Vol${i}`,
    {
      Type: 'AWS::EC2::Volume',
      Properties: { Size: 20, AvailabilityZone: 'eu-west-1a', Encrypted: r() < 0.5 },
    },
  ],
  // Resources whose Control Tower findings Guard reports without a document path of its own
  (r, i) => [
    `Alarm${i}`,
    {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        ActionsEnabled: r() < 0.5,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 1,
        MetricName: 'Errors',
        Namespace: 'AWS/Lambda',
        Period: 60,
        Statistic: 'Sum',
        Threshold: 1,
        AlarmActions: [ref('Alerts')],
      },
    },
  ],
  (r, i) => [
    `User${i}`,
    {
      Type: 'AWS::IAM::User',
      Properties:
        r() < 0.5
          ? {
              Policies: [
                {
                  PolicyName: 'p',
                  PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }] },
                },
              ],
            }
          : { Groups: ['developers'] },
    },
  ],
  (r, i) => [
    `Perm${i}`,
    {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [`Fn${i}`, 'Arn'] },
        Principal: 's3.amazonaws.com',
        ...(r() < 0.5 ? { SourceAccount: { Ref: 'AWS::AccountId' } } : {}),
      },
    },
  ],
  (r, i) => [
    `Cluster${i}`,
    {
      Type: 'AWS::ECS::Cluster',
      Properties: r() < 0.5 ? { ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] } : {},
    },
  ],
];

/** YAML with short-form tags for Ref / Sub / GetAtt / ImportValue, as people write it. */
function toYaml(doc: unknown): string {
  return stringify(doc, { lineWidth: 0 })
    .replace(/^(\s*)(- )?Ref: (.+)$/gm, '$1$2!Ref $3')
    .replace(/\n(\s+)Fn::Sub: (.+)$/gm, ' !Sub $2')
    .replace(/\n(\s+)Fn::ImportValue: (.+)$/gm, ' !ImportValue $2');
}

export function generateCorpus(dir: string, n = TEMPLATES): string[] {
  const r = rng(42);
  const files: string[] = [];
  for (let t = 0; t < n; t++) {
    const resources: Res = {};
    const count = 4 + Math.floor(r() * 12);
    for (let k = 0; k < count; k++) {
      const [name, body] = BUILDERS[Math.floor(r() * BUILDERS.length)]!(r, k);
      resources[name] = body;
    }
    const doc = {
      AWSTemplateFormatVersion: '2010-09-09',
      Description: `Service ${t} of the shop`,
      Parameters: {
        DbUser: { Type: 'String' },
        SubnetA: { Type: 'String' },
        SubnetB: { Type: 'String' },
        Key: { Type: 'String' },
        Alerts: { Type: 'String' },
      },
      Resources: resources,
      Outputs: { Name: { Value: { Ref: 'AWS::StackName' } } },
    };
    const kind = t % 5;
    const sub = join(dir, `service-${String(t).padStart(3, '0')}`);
    mkdirSync(sub, { recursive: true });
    const file =
      kind === 3
        ? join(sub, 'template.json')
        : kind === 4
          ? join(sub, 'template.min.json')
          : join(sub, 'template.yaml');
    writeFileSync(
      file,
      kind === 3 ? JSON.stringify(doc, null, 2) : kind === 4 ? JSON.stringify(doc) : toYaml(doc),
    );
    files.push(file);
  }
  return files;
}

interface Timed {
  wallMs: number;
  cpuMs: number;
  peakMiB: number;
  exit: number;
}

function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv, stdoutFile: string): Timed {
  const tf = `${stdoutFile}.time`;
  const t = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', tf, cmd, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 1 << 30,
  });
  const wallMs = Number(process.hrtime.bigint() - t) / 1e6;
  writeFileSync(stdoutFile, r.stdout);
  const line = readFileSync(tf, 'utf8').trim().split('\n').pop()!;
  const [, u, s, m] = line.split(/\s+/).map(Number);
  return { wallMs, cpuMs: (u! + s!) * 1000, peakMiB: m! / 1024, exit: r.status ?? -1 };
}

const bench: Bench = {
  name: 'guard-validate',
  async run() {
    const root = mkdtempSync(join(tmpdir(), 'gv-bench-'));
    const ws = join(root, 'repo');
    const files = generateCorpus(ws);
    const out = join(root, 'out');
    mkdirSync(out);

    const rawArgs = ['validate', '-r', CT_RULES, '-d', ws, '-o', 'json', '--structured', '-S', 'none'];
    const actionEnv = (i: number): NodeJS.ProcessEnv => {
      const o = join(out, `gh-${i}`);
      writeFileSync(o, '');
      return {
        PATH: process.env.PATH,
        GITHUB_WORKSPACE: ws,
        GITHUB_OUTPUT: o,
        GITHUB_STEP_SUMMARY: o,
        RUNNER_TEMP: out,
        'INPUT_RULE-PACKS': 'control-tower',
        INPUT_ANNOTATIONS: 'none',
        'INPUT_FAIL-ON': 'never',
        'INPUT_SARIF-FILE': join(out, 'r.sarif'),
        'INPUT_REPORT-FILE': join(out, 'report.json'),
      };
    };
    const raw: Timed[] = [];
    const ours: Timed[] = [];
    // warm the page cache for both
    timed(ENGINE, rawArgs, process.env, join(out, 'raw.json'));
    for (let i = 0; i < RUNS; i++) {
      raw.push(timed(ENGINE, rawArgs, process.env, join(out, 'raw.json')));
      ours.push(
        timed(
          process.execPath,
          [join(REPO_ROOT, 'actions/guard-validate/dist/index.js')],
          actionEnv(i),
          join(out, 'log.txt'),
        ),
      );
    }
    if (ours.some((o) => o.exit !== 0))
      throw new Error(`action failed: ${readFileSync(join(out, 'log.txt'), 'utf8')}`);

    // Same verdicts as the raw run: the set of (file, failed rule) pairs.
    const rawOut = JSON.parse(readFileSync(join(out, 'raw.json'), 'utf8')) as Array<{
      name: string;
      not_compliant: Array<{ Rule: { name: string } }>;
    }>;
    const rawPairs = new Set(
      rawOut.flatMap((f) => f.not_compliant.map((n) => `${f.name.slice(ws.length + 1)}|${n.Rule.name}`)),
    );
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as {
      findings: Array<{
        file: string;
        rule: string;
        line: number;
        column: number;
        path: string | null;
        exact: boolean;
        resource: string | null;
      }>;
      filesScanned: number;
      rulesEvaluated: number;
    };
    const ourPairs = new Set(report.findings.map((f) => `${f.file}|${f.rule}`));
    const sameVerdicts = rawPairs.size === ourPairs.size && [...rawPairs].every((p) => ourPairs.has(p));

    // Every finding's line and column checked against an independent oracle (the yaml package's
    // node ranges, for YAML and JSON alike), and where it sits: exactly at the offending value, at an
    // existing parent of a missing property, at its resource, or at the root / Resources key.
    const oracles = new Map<string, Oracle>();
    const where = { exact: 0, parent: 0, resource: 0, root: 0 };
    let agree = 0;
    const disagreements: string[] = [];
    for (const f of report.findings) {
      if (!oracles.has(f.file)) oracles.set(f.file, new Oracle(readFileSync(join(ws, f.file), 'utf8')));
      const o = oracles.get(f.file)!.locate(f.path ?? '');
      if (o.line === f.line && o.column === f.column) agree++;
      else if (disagreements.length < 5)
        disagreements.push(`${f.file}:${f.line}:${f.column} ${f.path} (oracle ${o.line}:${o.column})`);
      const segs = (f.path ?? '').split('/').filter(Boolean);
      if (!f.resource || segs.length < 2) where.root++;
      else if (segs.length === 2) where.resource++;
      else if (f.exact) where.exact++;
      else where.parent++;
    }
    if (disagreements.length) console.log(`oracle disagrees: ${disagreements.join('; ')}`);

    const rawWall = median(raw.map((x) => x.wallMs));
    const ourWall = median(ours.map((x) => x.wallMs));
    const cold = coldStart('actions/guard-validate');
    return {
      name: 'guard-validate',
      method:
        `${files.length} generated templates (YAML with short-form tags, pretty and minified JSON; 4-15 resources of 15 types), ` +
        `all 237 Control Tower controls; median of ${RUNS} alternating runs; /usr/bin/time for CPU (user+sys incl. children) ` +
        'and peak RSS of the largest process. Raw: one `cfn-guard validate -o json --structured -S none` over the directory. ' +
        'Action: the committed bundle with rule-packs control-tower, annotations none (engine shards over the CPUs, ' +
        "controls whose resource types a shard lacks are not run: they could only SKIP). Locations: every finding's line " +
        "and column against an oracle that shares no code with the action (the yaml package's node ranges and source " +
        "tokens walked along the finding's path; JSON parsed as YAML), and where it sits: exact, at an existing parent of " +
        'a missing property, at its resource, or at the root (no resource).',
      metrics: {
        templates: files.length,
        findings: report.findings.length,
        'oracle-agrees': agree,
        'findings-exact': where.exact,
        'findings-at-parent': where.parent,
        'findings-at-resource': where.resource,
        'findings-at-root': where.root,
        'same-verdicts-as-raw': sameVerdicts ? 'yes' : 'NO',
        'raw-wall-ms': round(rawWall),
        'raw-cpu-ms': round(median(raw.map((x) => x.cpuMs))),
        'raw-peak-mib': round(Math.max(...raw.map((x) => x.peakMiB))),
        'action-wall-ms': round(ourWall),
        'action-cpu-ms': round(median(ours.map((x) => x.cpuMs))),
        'action-peak-mib': round(Math.max(...ours.map((x) => x.peakMiB))),
        'wall-ratio': round(ourWall / rawWall, 2),
        'cold-start-ms': cold.bundleMs,
        'cold-start-ratio': cold.ratio,
      },
      targets: {
        'wall-ratio': { max: 0.45 },
        'cold-start-ratio': { max: 2.0 },
        'oracle-agrees': { min: report.findings.length },
        'findings-at-root': { max: 0 },
      },
    };
  },
};
export default bench;
