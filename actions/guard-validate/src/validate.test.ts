import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../test/harness/run-action.js';
import { classify, discoverCandidates, expand } from './discover.js';
import { parseRuleErrors, platformKey, resolveEngine } from './engine.js';
import { readStructured } from './results.js';
import { RuleCatalog, declaredSeverity, loadControls } from './rules-meta.js';
import { applySuppressions, readBaseline } from './suppress.js';
import { runTests } from './testmode.js';
import { planJobs, shard, validate, type ValidateInput } from './validate.js';

const FIX = join(REPO_ROOT, 'test/fixtures/guard-validate');
const ENGINE = join(
  REPO_ROOT,
  'node_modules/@cdklabs/cdk-validator-cfnguard/bin',
  platformKey()!,
  'cfn-guard',
);
const PACK = join(REPO_ROOT, 'actions/guard-validate/dist/rules/control-tower');
const RULES = join(REPO_ROOT, 'examples/guard-validate/security_rules.guard');
const controls = loadControls(PACK);

function input(ws: string, files: string[], extra: Partial<ValidateInput> = {}): ValidateInput {
  return {
    engine: ENGINE,
    workspace: ws,
    ruleFiles: [RULES],
    controls: [],
    packDir: PACK,
    catalog: new RuleCatalog(controls),
    files: files.map((f) => classify(f, true)),
    parallelism: 2,
    tempDir: tmpdir(),
    ...extra,
  };
}

test('findings carry the line of the offending key, list element or nearest parent', async () => {
  const ws = join(FIX, 'locations');
  const out = await validate(
    input(ws, [join(ws, 'short-forms.yaml'), join(ws, 'pretty.json'), join(ws, 'minified.json')]),
  );
  const at = (rule: string, file: string) =>
    out.findings.filter((f) => f.rule === rule && f.file === file).map((f) => `${f.line}:${f.column}`);
  // SecurityGroupIngress[2] (port 22 open to the world): its CidrIp key on line 25
  expect(at('ssh_not_open_to_world', 'short-forms.yaml')).toEqual(['25:11']);
  // no PermissionsBoundary: the Properties key of the role (line 28)
  expect(at('iam_role_permissions_boundary', 'short-forms.yaml')).toEqual(['28:5']);
  // two buckets without encryption: Bucket's Properties (line 37) and Logs, which has no Properties (line 41)
  expect(at('s3_bucket_encryption', 'short-forms.yaml').sort()).toEqual(['37:5', '41:3']);
  expect(at('rds_storage_encrypted', 'pretty.json')).toEqual(['8:9']);
  expect(at('rds_storage_encrypted', 'minified.json')).toEqual(['1:125']);
  const ssh = out.findings.find((f) => f.rule === 'ssh_not_open_to_world')!;
  expect(ssh).toMatchObject({
    severity: 'critical',
    resource: 'Web',
    exact: true,
    ruleId: 'ssh_not_open_to_world',
  });
  expect(out.findings.find((f) => f.rule === 'iam_role_permissions_boundary')).toMatchObject({
    severity: 'medium',
    missing: 'PermissionsBoundary',
    exact: false,
  });
  expect(out.findings.find((f) => f.rule === 's3_bucket_encryption')!.severity).toBe('high');
  expect(out.filesScanned).toBe(3);
});

test('a BOM template is still evaluated (cfn-guard alone skips every rule)', async () => {
  const ws = mkdtempSync(join(tmpdir(), 'gv-bom-'));
  const text = readFileSync(join(FIX, 'locations/short-forms.yaml'), 'utf8');
  writeFileSync(join(ws, 'bom.yaml'), '\uFEFF' + text.replace(/\n/g, '\r\n'));
  const temp = mkdtempSync(join(tmpdir(), 'gv-bomtemp-'));
  const out = await validate(input(ws, [join(ws, 'bom.yaml')], { tempDir: temp }));
  expect(out.findings.filter((f) => f.rule === 'ssh_not_open_to_world').map((f) => [f.file, f.line])).toEqual(
    [['bom.yaml', 25]],
  );
  expect(readdirSync(temp)).toEqual([]); // the BOM-free copy is cleaned up
});

test('a broken template and a broken rule file are reported with their lines; the rest is validated', async () => {
  const ws = join(FIX, 'repos/mixed');
  const data = await expand(['templates', 'config'], {
    workspace: ws,
    extensions: ['yaml', 'yml', 'json'],
    input: 'data',
  });
  const rules = await expand(['rules'], { workspace: ws, extensions: ['guard'], input: 'rules' });
  const out = await validate(input(ws, data, { ruleFiles: rules }));
  expect(out.findings.find((f) => f.kind === 'template-error')).toMatchObject({
    file: 'templates/broken.yaml',
    line: 6, // where the yaml parser stops: the compact mapping that the next line breaks
    column: 17,
  });
  expect(out.findings.find((f) => f.kind === 'rule-error')).toMatchObject({
    file: 'rules/broken.guard',
    line: 4,
  });
  expect(
    out.findings.filter((f) => f.rule === 'ssh_not_open_to_world').map((f) => `${f.file}:${f.line}`),
  ).toEqual(['templates/network.yaml:15']);
  expect(out.skipped).toEqual([
    { file: 'config/settings.yaml', reason: expect.stringContaining('not a CloudFormation') },
  ]);
  expect(out.filesScanned).toBe(2);
});

test('Control Tower controls: metadata, and only controls for present resource types are run', async () => {
  const ws = join(FIX, 'repos/fail');
  const files = await discoverCandidates(ws);
  const out = await validate(input(ws, files, { ruleFiles: [], controls }));
  const ct = out.findings.find((f) => f.controlId === 'CT.S3.PR.1' && f.file === 'infra/data.json')!;
  expect(ct).toMatchObject({
    file: 'infra/data.json',
    line: 15,
    severity: 'high',
    ruleId: 'CT.S3.PR.1',
    helpUri: expect.stringMatching(/^https:\/\/docs\.aws\.amazon\.com\//),
    remediation: expect.stringContaining('BlockPublicAcls'),
  });
  expect(out.findings.find((f) => f.controlId === 'CT.RDS.PR.24')).toMatchObject({
    file: 'infra/data.json',
    line: 10,
  });
  expect(out.findings.every((f) => f.line >= 1 && f.column >= 1)).toBe(true);
  expect(out.rulesEvaluated).toBeGreaterThanOrEqual(237);
});

test('terraform plans: findings at the plan line with the resource address (modules included)', async () => {
  const ws = join(FIX, 'repos/terraform');
  const out = await validate(
    input(ws, [join(ws, 'plans/plan.json')], { ruleFiles: [join(ws, 'rules/terraform.guard')] }),
  );
  expect(out.findings.map((f) => [f.rule, f.line, f.resource]).sort()).toEqual([
    ['tf_db_storage_encrypted', 45, 'module.db.aws_db_instance.this[0]'],
    ['tf_no_ssh_from_world', 62, 'module.net.aws_security_group.bastion'],
  ]);
});

test('suppressions in Metadata.guard.SuppressedRules and a baseline', async () => {
  const ws = join(FIX, 'repos/suppress');
  const file = join(ws, 'templates/stack.yaml');
  const out = await validate(input(ws, [file]));
  const first = out.findings.find((f) => f.rule === 'iam_role_permissions_boundary')!;
  const dir = mkdtempSync(join(tmpdir(), 'gv-base-'));
  writeFileSync(join(dir, 'baseline.txt'), `# accepted\n${first.fingerprint}\n`);
  applySuppressions(
    out.findings,
    new Map([['templates/stack.yaml', classify(file, true)]]),
    readBaseline(join(dir, 'baseline.txt')),
  );
  const s3 = out.findings.filter((f) => f.rule === 's3_bucket_encryption');
  expect(s3.map((f) => [f.resource, f.suppressed ?? false])).toEqual([
    ['PublicAssets', 'metadata'],
    ['Private', false],
  ]);
  expect(first.suppressed).toBe('baseline');
  // a report file works as a baseline too
  writeFileSync(join(dir, 'report.json'), JSON.stringify({ findings: [{ fingerprint: 'abc' }] }));
  expect([...readBaseline(join(dir, 'report.json'))]).toEqual(['abc']);
});

test('test mode: each failed expectation at its case line', async () => {
  const ws = join(FIX, 'repos/testmode');
  const out = await runTests({
    engine: ENGINE,
    workspace: ws,
    ruleFiles: [join(ws, 'rules/security_rules.guard')],
  });
  expect(out.cases).toBe(3);
  expect(out.findings.map((f) => [f.file, f.line, f.rule]).sort()).toEqual([
    ['rules/tests/security_rules_tests.yaml', 28, 'iam_role_permissions_boundary'],
    ['rules/tests/security_rules_tests.yaml', 28, 'rds_storage_encrypted'],
  ]);
  expect(out.findings.find((f) => f.rule === 'rds_storage_encrypted')!.message).toContain(
    'expected PASS, got FAIL',
  );
});

test('engine: checksum verified, unsupported platforms refused, custom path accepted', async () => {
  await expect(resolveEngine({ platform: 'win32', arch: 'x64' })).rejects.toThrow(
    /no bundled cfn-guard for win32\/x64/,
  );
  const dir = mkdtempSync(join(tmpdir(), 'gv-eng-'));
  const key = platformKey()!;
  const [os, arch] = key.split('/');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(dir, 'bin', os!, arch!), { recursive: true });
  writeFileSync(join(dir, 'bin', key, 'cfn-guard'), 'not the engine');
  await expect(resolveEngine({ baseDir: dir })).rejects.toThrow(/sha256 .* expected/);
  copyFileSync(ENGINE, join(dir, 'bin', key, 'cfn-guard'));
  await expect(resolveEngine({ baseDir: dir })).resolves.toMatchObject({
    description: expect.stringContaining('verified'),
  });
  await expect(resolveEngine({ override: join(dir, 'nope') })).rejects.toThrow(/cfn-guard-path/);
});

test('helpers: shards, rule errors, severity convention, structured output walk', () => {
  const s = shard([1, 2, 3, 4, 5, 6, 7], 3, (n) => n * 1000);
  expect(s).toHaveLength(3);
  expect(s.flat().sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  expect(shard([1], 4, () => 1)).toEqual([[1]]);
  expect(
    parseRuleErrors(
      'Parsing error handling rule file = x.guard, Error = Parser Error when parsing `Parsing Error Error parsing file x.guard at line 3 at column 9, when handling oops\n`\n---\n',
    ),
  ).toEqual([{ file: 'x.guard', line: 3, column: 9, message: 'oops' }]);
  expect(declaredSeverity('severity: Medium\nfoo')).toBe('medium');
  expect(declaredSeverity('no declaration')).toBeUndefined();
  const r = readStructured([
    {
      name: 'a.yaml',
      status: 'FAIL',
      compliant: ['ok_rule'],
      not_applicable: [],
      not_compliant: [{ Rule: { name: 'bad', messages: {}, checks: [] } }],
    },
  ]);
  expect(r[0]!.rules.sort()).toEqual(['bad', 'ok_rule']);
  expect(r[0]!.findings).toEqual([expect.objectContaining({ rule: 'bad', pointer: '' })]);
});

test('the example template breaks the seed rules at the lines its description names', async () => {
  const ws = join(REPO_ROOT, 'examples/guard-validate');
  const out = await validate(input(ws, [join(ws, 'template.yaml')]));
  expect(out.findings.map((f) => `${f.rule}@${f.line}`).sort()).toEqual([
    'iam_role_permissions_boundary@28',
    'rds_storage_encrypted@51',
    'ssh_not_open_to_world@25',
  ]);
});

test('rule-pack service filter with aliases; unknown services are a configuration error', async () => {
  const { selectControls } = await import('./execute.js');
  const iam = selectControls(controls, { rulePacks: [{ name: 'control-tower', services: ['iam', 's3'] }] });
  expect(new Set(iam.map((c) => c.service))).toEqual(new Set(['identityandaccessmanagement', 's3']));
  expect(selectControls(controls, { rulePacks: [{ name: 'control-tower', services: [] }] })).toHaveLength(
    237,
  );
  expect(() =>
    selectControls(controls, { rulePacks: [{ name: 'control-tower', services: ['nope'] }] }),
  ).toThrow(/input "rule-packs" names service "nope"/);
});

test('paths relative to a rule variable are dropped when the rule names real places, else pinned to Resources', async () => {
  const { locatedFindings } = await import('./validate.js');
  const file = join(FIX, 'locations/short-forms.yaml');
  const f = classify(file, true) as any;
  const catalog = new RuleCatalog(controls);
  const raw = (pointer: string, missing?: string) => ({
    file,
    rule: 'r',
    pointer,
    missing,
    places: [],
    detail: 'x',
  });
  const mixed = locatedFindings(
    [raw('/0'), raw('/Resources/Bucket/Properties', 'A'), raw('/Resources/Bucket/Properties', 'A[*]')],
    'short-forms.yaml',
    f,
    catalog,
  );
  expect(mixed.map((x) => `${x.line}:${x.column}`)).toEqual(['37:5']);
  const only = locatedFindings([raw('/0'), raw('/1')], 'short-forms.yaml', f, catalog);
  expect(only.map((x) => [x.line, x.pointer])).toEqual([[7, '/Resources']]);
});

test('planJobs: shards per CPU, each with only the controls its templates can trigger', () => {
  const types: Record<string, string[]> = {
    a: ['AWS::S3::Bucket'],
    b: ['AWS::S3::Bucket'],
    c: ['AWS::RDS::DBInstance'],
    d: ['AWS::RDS::DBInstance'],
  };
  const jobs = planJobs({
    names: Object.keys(types),
    size: () => 100,
    isTemplate: () => true,
    types: (n) => new Set(types[n]),
    ruleFiles: ['/custom.guard'],
    controls,
    packDir: '/pack',
    parallelism: 1,
    jobsPerCpu: 2,
  });
  expect(jobs).toHaveLength(2);
  expect(jobs.flatMap((j) => j.files).sort()).toEqual(['a', 'b', 'c', 'd']);
  for (const j of jobs) {
    expect(j.rules[0]).toBe('/custom.guard');
    expect(j.rules.length).toBeGreaterThan(1);
    expect(j.rules.length).toBeLessThan(60);
  }
});

test('a file only the engine rejects (YAML merge key) is an engine error; the rest of its run is redone', async () => {
  const ws = mkdtempSync(join(tmpdir(), 'gv-merge-'));
  writeFileSync(
    join(ws, 'merge.yaml'),
    'Resources:\n  A: &base\n    Type: AWS::S3::Bucket\n  B:\n    <<: *base\n',
  );
  copyFileSync(join(FIX, 'repos/fail/infra/network.yaml'), join(ws, 'network.yaml'));
  const out = await validate(
    input(ws, [join(ws, 'merge.yaml'), join(ws, 'network.yaml')], { parallelism: 1 }),
  );
  expect(out.findings.find((f) => f.kind === 'engine-error')).toMatchObject({ file: 'merge.yaml' });
  expect(
    out.findings.filter((f) => f.rule === 'ssh_not_open_to_world').map((f) => `${f.file}:${f.line}`),
  ).toEqual(['network.yaml:15']);
});

test('discovery: templates by content anywhere (cdk.out templates too), never node_modules or cdk.out manifests', async () => {
  const ws = mkdtempSync(join(tmpdir(), 'gv-disc-'));
  const { mkdirSync } = await import('node:fs');
  for (const d of ['node_modules/pkg', 'cdk.out', 'infra', 'config'])
    mkdirSync(join(ws, d), { recursive: true });
  const tpl = 'Resources:\n  T:\n    Type: AWS::SNS::Topic\n';
  writeFileSync(join(ws, 'node_modules/pkg/t.yaml'), tpl);
  writeFileSync(join(ws, 'cdk.out/manifest.json'), '{"version":"36.0.0","artifacts":{}}');
  writeFileSync(join(ws, 'cdk.out/tree.json'), '{"version":"tree-0.1"}');
  writeFileSync(join(ws, 'cdk.out/Shop.template.json'), '{"Resources":{"T":{"Type":"AWS::SNS::Topic"}}}');
  writeFileSync(join(ws, 'infra/app.yml'), tpl);
  writeFileSync(join(ws, 'config/app.yaml'), 'log_level: debug\n');
  writeFileSync(join(ws, 'config/broken.yaml'), 'a: [\n');
  const found = (await discoverCandidates(ws)).map((f) => f.slice(ws.length + 1)).sort();
  expect(found).toEqual([
    'cdk.out/Shop.template.json',
    'config/app.yaml',
    'config/broken.yaml',
    'infra/app.yml',
  ]);
  const kinds = found.map((f) => [f, classify(join(ws, f), false).kind]);
  expect(kinds).toEqual([
    ['cdk.out/Shop.template.json', 'template'],
    ['config/app.yaml', 'skipped'],
    ['config/broken.yaml', 'skipped'], // not template-like: a broken non-template is not our business
    ['infra/app.yml', 'template'],
  ]);
  // the same broken file named explicitly is reported
  expect(classify(join(ws, 'config/broken.yaml'), true).kind).toBe('broken');
});

test('Guard messages lose their 0-based markers and path noise', async () => {
  const { cleanDetail } = await import('./results.js');
  expect(
    cleanDetail(
      'Check was not compliant as property value [Path=/Resources/Vol/Properties/Encrypted[L:23,C:17] Value=false] not equal to value [Path=[L:0,C:0] Value=true].',
    ),
  ).toBe('property value false not equal to value true');
  expect(
    cleanDetail(
      'Check was not compliant as property [/Resources/SG/Properties/SecurityGroupIngress/1/FromPort[L:16,C:20]] was not present in [(resolved, Path=[L:0,C:0] Value=[80,443])]',
    ),
  ).toBe('property FromPort was not present in [80,443]');
});

test('a bad file in a big run is found by halving, not by running every file alone', async () => {
  const ws = mkdtempSync(join(tmpdir(), 'gv-halve-'));
  const names: string[] = [];
  for (let i = 0; i < 40; i++) {
    const n = join(ws, `t${String(i).padStart(2, '0')}.yaml`);
    writeFileSync(
      n,
      i === 11
        ? 'Resources:\n  A: &base\n    Type: AWS::S3::Bucket\n  B:\n    <<: *base\n'
        : 'Resources:\n  B:\n    Type: AWS::S3::Bucket\n',
    );
    names.push(n);
  }
  const lines: string[] = [];
  const out = await validate(input(ws, names, { parallelism: 1, log: (l) => lines.push(l) }));
  expect(out.findings.filter((f) => f.kind === 'engine-error').map((f) => f.file)).toEqual(['t11.yaml']);
  expect(out.findings.filter((f) => f.rule === 's3_bucket_encryption')).toHaveLength(39);
  // two runs of 20 files; one by one would take 2 + 20 runs
  expect(out.engineRuns).toBeLessThanOrEqual(14);
});

test('paths through short-form intrinsics, as the engine reports them, land on the tagged value', async () => {
  const ws = join(FIX, 'locations');
  const out = await validate(
    input(ws, [join(ws, 'intrinsics.yaml')], { ruleFiles: [join(ws, 'intrinsics.guard')] }),
  );
  const at = (rule: string) =>
    out.findings
      .filter((f) => f.rule === rule)
      .map((f) => `${f.line}:${f.column}`)
      .sort();
  // line 5: BucketName: !If [IsProd, !Sub '...', !Ref AWS::NoValue] -> the !Sub at column 32
  expect(at('if_sub')).toEqual(['5:32']);
  // line 8: Value: !Select [0, !Cidr [10.0.0.0/16, 6, 5]] -> the three items of the !Cidr list
  expect(at('cidr')).toEqual(['8:37', '8:50', '8:53']);
  // line 10: Value: !GetAtt Other.Arn (a plain string to Guard) -> the Value key
  expect(at('getatt')).toEqual(['10:11']);
});

test('two properties missing under the same parent are two findings at that parent', async () => {
  const ws = mkdtempSync(join(tmpdir(), 'gv-missing-'));
  writeFileSync(
    join(ws, 'role.guard'),
    "let roles = Resources.*[ Type == 'AWS::IAM::Role' ]\n" +
      'rule role_props when %roles not empty {\n' +
      '    %roles.Properties.PermissionsBoundary exists\n' +
      '    %roles.Properties.MaxSessionDuration exists\n' +
      '    %roles.Properties.Tags[*] exists\n' +
      '    %roles.Properties.Tags exists\n' +
      '}\n',
  );
  writeFileSync(
    join(ws, 'role.yaml'),
    'Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: {}\n',
  );
  const out = await validate(input(ws, [join(ws, 'role.yaml')], { ruleFiles: [join(ws, 'role.guard')] }));
  const found = out.findings.filter((f) => f.rule === 'role_props');
  // Tags and Tags[*] are the same missing property: one finding
  expect(found.map((f) => [f.line, f.column, f.missing]).sort()).toEqual([
    [4, 5, 'MaxSessionDuration'],
    [4, 5, 'PermissionsBoundary'],
    [4, 5, expect.stringMatching(/^Tags(\[\*\])?$/)],
  ]);
  expect(new Set(found.map((f) => f.fingerprint)).size).toBe(3);
});

describe('terraform plan fingerprints', () => {
  const PLAN = join(FIX, 'repos/terraform/plans/plan.json');
  const RULE = join(FIX, 'repos/terraform/rules/terraform.guard');
  const run = async (plan: unknown, text?: string) => {
    const ws = mkdtempSync(join(tmpdir(), 'gv-tffp-'));
    writeFileSync(join(ws, 'plan.json'), text ?? JSON.stringify(plan, null, 2));
    const out = await validate(input(ws, [join(ws, 'plan.json')], { ruleFiles: [RULE] }));
    return out.findings.filter((f) => f.kind === 'violation');
  };
  const byResource = (fs: Awaited<ReturnType<typeof run>>) =>
    Object.fromEntries(fs.map((f) => [`${f.rule} ${f.resource}`, f.fingerprint]));

  test('stay the same when resources are reordered and lines are added above', async () => {
    const plan = JSON.parse(readFileSync(PLAN, 'utf8'));
    const before = await run(plan);
    expect(before).toHaveLength(2);
    // every resource moves to another index, and an unrelated key adds lines above them all
    const moved = {
      note: { a: 1, b: 2 },
      ...plan,
      resource_changes: [...plan.resource_changes.slice(1), plan.resource_changes[0]],
    };
    const after = await run(moved);
    expect(after.map((f) => f.pointer).sort()).not.toEqual(before.map((f) => f.pointer).sort());
    expect(after.map((f) => f.line).sort()).not.toEqual(before.map((f) => f.line).sort());
    expect(byResource(after)).toEqual(byResource(before));
  });

  test('differ between findings of the same rule on different resources', async () => {
    const plan = JSON.parse(readFileSync(PLAN, 'utf8'));
    const db = plan.resource_changes.find((r: any) => r.type === 'aws_db_instance');
    const other = structuredClone(db);
    other.address = 'module.db.aws_db_instance.this[1]';
    other.index = 1;
    plan.resource_changes.push(other);
    const found = (await run(plan)).filter((f) => f.rule === 'tf_db_storage_encrypted');
    expect(found.map((f) => f.resource).sort()).toEqual([
      'module.db.aws_db_instance.this[0]',
      'module.db.aws_db_instance.this[1]',
    ]);
    expect(found[0]!.fingerprint).not.toBe(found[1]!.fingerprint);
  });
});

test('a broken rule file is told apart from another rule file with the same name', async () => {
  const ws = mkdtempSync(join(tmpdir(), 'gv-samename-'));
  const { mkdirSync } = await import('node:fs');
  const broken = readFileSync(join(FIX, 'repos/mixed/rules/broken.guard'), 'utf8'); // line 4, column 41
  for (const d of ['a', 'b', 'c']) mkdirSync(join(ws, d));
  writeFileSync(join(ws, 'a/rules.guard'), 'rule ok { Resources exists }\n');
  writeFileSync(join(ws, 'b/rules.guard'), broken);
  writeFileSync(join(ws, 'tpl.yaml'), 'Resources:\n  T:\n    Type: AWS::SNS::Topic\n');
  const rules = [join(ws, 'a/rules.guard'), join(ws, 'b/rules.guard')];
  const out = await validate(input(ws, [join(ws, 'tpl.yaml')], { ruleFiles: rules }));
  expect(
    out.findings.filter((f) => f.kind === 'rule-error').map((f) => `${f.file}:${f.line}:${f.column}`),
  ).toEqual(['b/rules.guard:4:41']);
  // both broken, at different lines: each error at its own file
  writeFileSync(join(ws, 'c/rules.guard'), `\n\n${broken}`);
  const both = await validate(
    input(ws, [join(ws, 'tpl.yaml')], { ruleFiles: [...rules, join(ws, 'c/rules.guard')] }),
  );
  expect(
    both.findings
      .filter((f) => f.kind === 'rule-error')
      .map((f) => `${f.file}:${f.line}:${f.column}`)
      .sort(),
  ).toEqual(['b/rules.guard:4:41', 'c/rules.guard:6:41']);
});
