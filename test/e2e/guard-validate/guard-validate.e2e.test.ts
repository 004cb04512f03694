import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runAction, type RunActionOptions } from '../../harness/index.js';
import { startGitHubFake, type GitHubFake } from '../../emulators/github/server.js';

const ACTION = 'actions/guard-validate';
const REPOS = join(REPO_ROOT, 'test/fixtures/guard-validate/repos');
const HEAD = 'feedfacefeedfacefeedfacefeedfacefeedface';

/** A fresh copy of a fixture repository, so reports written into the workspace do not touch the fixtures. */
function workspace(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `gv-${name}-`));
  cpSync(join(REPOS, name), dir, { recursive: true });
  return dir;
}

function pullRequest(opts: { fork?: boolean } = {}): RunActionOptions['event'] {
  return {
    name: 'pull_request',
    payload: {
      pull_request: {
        number: 7,
        head: { sha: HEAD, repo: { full_name: opts.fork ? 'someone/shop' : 'oaktree-demo/shop' } },
        base: { repo: { full_name: 'oaktree-demo/shop' } },
      },
    },
  };
}

let gh: GitHubFake;
beforeEach(async () => {
  gh = await startGitHubFake();
});
afterEach(async () => {
  await gh.close();
});

const env = () => ({ GITHUB_API_URL: gh.url });
const OUTPUTS = ['violations', 'files-scanned', 'rules-evaluated', 'passed', 'sarif-file', 'report-file'];

test('pass: default discovery by content, a successful check run, outputs set', async () => {
  const ws = workspace('pass');
  const run = await runAction({
    action: ACTION,
    workspace: ws,
    inputs: { rules: 'rules/security_rules.guard' },
    env: env(),
  });
  expect(run.main.exitCode).toBe(0);
  expect(run.outputs).toMatchObject({
    violations: '0',
    'files-scanned': '1',
    passed: 'true',
    'rules-evaluated': '5',
  });
  expect(gh.checkRuns).toHaveLength(1);
  expect(gh.checkRuns[0]).toMatchObject({
    status: 'completed',
    conclusion: 'success',
    head_sha: '0123456789abcdef0123456789abcdef01234567',
  });
  expect(run.summary).toContain('Guard ✅ passed');
  // package.json is not a template: skipped and counted, never an error
  expect(run.summary).toContain('1 non-template file(s) skipped');
  expect(gh.comments).toHaveLength(0); // push event: no comment
});

test('fail on a pull request: every finding as check annotations in batches of 50, one comment updated in place, SARIF', async () => {
  const ws = workspace('fail');
  const inputs = {
    rules: join(REPO_ROOT, 'examples/guard-validate/security_rules.guard'),
    'rule-packs': 'control-tower',
  };
  const run = await runAction({ action: ACTION, workspace: ws, inputs, env: env(), event: pullRequest() });
  expect(run.main.exitCode).toBe(1);
  for (const o of OUTPUTS) expect(run.outputs[o]).toBeDefined();
  expect(run.outputs.passed).toBe('false');
  const report = JSON.parse(readFileSync(join(ws, run.outputs['report-file']!), 'utf8'));
  const open = report.findings.filter((f: any) => !f.suppressed);
  expect(Number(run.outputs.violations)).toBe(open.length);
  expect(open.length).toBeGreaterThan(50);
  expect(Number(run.outputs['rules-evaluated'])).toBeGreaterThanOrEqual(237 + 5);

  // the check run: created for the PR head, then PATCHes of at most 50 annotations that add up to all findings
  expect(gh.checkRuns).toHaveLength(1);
  const cr = gh.checkRuns[0]!;
  expect(cr).toMatchObject({ head_sha: HEAD, status: 'completed', conclusion: 'failure' });
  const patches = gh.calls.filter((c) => c.method === 'PATCH' && c.path.includes('/check-runs/'));
  expect(patches.length).toBe(Math.ceil(open.length / 50));
  for (const p of patches) expect((p.body.output.annotations ?? []).length).toBeLessThanOrEqual(50);
  expect(cr.annotations).toHaveLength(open.length);
  const ssh = cr.annotations.find((a) => a.title.includes('SSH') && a.path === 'infra/network.yaml');
  expect(ssh).toMatchObject({ start_line: 15, annotation_level: 'failure' });
  expect(
    cr.annotations.find((a) => a.path === 'infra/data.json' && a.title.includes('CT.RDS.PR.24')),
  ).toMatchObject({
    start_line: 10,
  });
  // no workflow-command annotations were needed
  expect(run.main.annotations.filter((a) => a.level === 'warning' || a.level === 'notice')).toHaveLength(0);

  // the comment: counts by severity and file:line links
  expect(gh.comments).toHaveLength(1);
  const body = gh.comments[0]!.body;
  expect(body).toContain('<!-- oaktree:guard-validate -->');
  expect(body).toMatch(/\| critical \| high \| medium \| low \| info \|/);
  expect(body).toContain(
    `[infra/network.yaml:15](https://github.com/oaktree-demo/shop/blob/${HEAD}/infra/network.yaml#L15)`,
  );

  // SARIF 2.1.0 for code scanning
  const sarif = JSON.parse(readFileSync(join(ws, run.outputs['sarif-file']!), 'utf8'));
  expect(sarif.version).toBe('2.1.0');
  const rules = sarif.runs[0].tool.driver.rules;
  const s3 = rules.find((r: any) => r.id === 'CT.S3.PR.1');
  expect(s3).toMatchObject({
    name: 's3_bucket_level_public_access_prohibited_check',
    properties: { 'security-severity': '8.0' },
  });
  expect(s3.helpUri).toMatch(/^https:\/\//);
  expect(s3.help.text).toContain('BlockPublicAcls');
  const res = sarif.runs[0].results.find((r: any) => r.ruleId === 'ssh_not_open_to_world');
  expect(res.locations[0].physicalLocation).toMatchObject({
    artifactLocation: { uri: 'infra/network.yaml' },
    region: { startLine: 15, startColumn: 11 },
  });
  expect(res.partialFingerprints['guardFinding/v1']).toMatch(/^[0-9a-f]{32}$/);

  // second run: the same comment is updated, never a second copy; fingerprints are stable
  const again = await runAction({ action: ACTION, workspace: ws, inputs, env: env(), event: pullRequest() });
  expect(again.main.exitCode).toBe(1);
  expect(gh.comments).toHaveLength(1);
  expect(gh.calls.filter((c) => c.method === 'PATCH' && c.path.includes('/issues/comments/'))).toHaveLength(
    1,
  );
  const sarif2 = JSON.parse(readFileSync(join(ws, again.outputs['sarif-file']!), 'utf8'));
  const fp = (s: any) => s.runs[0].results.map((r: any) => r.partialFingerprints['guardFinding/v1']).sort();
  expect(fp(sarif2)).toEqual(fp(sarif));
}, 60_000);

test('fork pull request: 403 on check runs and comments falls back to workflow commands, most severe first', async () => {
  gh.forbid.add('checks');
  gh.forbid.add('comments');
  const ws = workspace('fail');
  const run = await runAction({
    action: ACTION,
    workspace: ws,
    inputs: {
      rules: join(REPO_ROOT, 'examples/guard-validate/security_rules.guard'),
      'rule-packs': 'control-tower',
    },
    env: env(),
    event: pullRequest({ fork: true }),
  });
  expect(run.main.exitCode).toBe(1);
  expect(run.outputs.passed).toBe('false');
  expect(run.main.log).toContain('the token cannot create check runs (403');
  expect(run.main.log).toContain('cannot comment on pull request #7 (403');
  const errors = run.main.annotations.filter((a) => a.level === 'error' && a.file);
  expect(errors).toHaveLength(10);
  // the critical ones come first
  expect(errors[0]!.title).toMatch(/^\[critical\]/);
  expect(run.main.log).toMatch(
    /\d+ errors?.* not shown as annotations \(GitHub shows 10 per level per step\)/,
  );
  expect(gh.checkRuns).toHaveLength(0);
});

test('mixed: a broken template and a broken rule are errors at their lines; the rest is still validated', async () => {
  const ws = workspace('mixed');
  const run = await runAction({
    action: ACTION,
    workspace: ws,
    inputs: { rules: 'rules', data: 'templates\nconfig', annotations: 'commands' },
    env: env(),
  });
  expect(run.main.exitCode).toBe(1);
  const byFile = (f: string) => run.main.annotations.filter((a) => a.file === f);
  expect(byFile('templates/broken.yaml')[0]).toMatchObject({ level: 'error', line: 6 });
  expect(byFile('rules/broken.guard')[0]).toMatchObject({ level: 'error', line: 4 });
  expect(byFile('templates/network.yaml').map((a) => a.line)).toContain(15);
  expect(run.outputs['files-scanned']).toBe('2');
  expect(run.summary).toContain('1 non-template file(s) skipped');
  expect(run.summary).toContain('### By file');
  expect(run.summary).toContain('| templates/network.yaml | 1 | 0 | 1 | 0 | 0 |');
  expect(gh.checkRuns).toHaveLength(0);
});

test('suppressions and a baseline are honoured and counted', async () => {
  const ws = workspace('suppress');
  const first = await runAction({
    action: ACTION,
    workspace: ws,
    inputs: { rules: 'security_rules.guard', annotations: 'none' },
    env: env(),
  });
  expect(first.main.exitCode).toBe(1);
  expect(first.outputs.violations).toBe('2'); // Private bucket + Legacy role; PublicAssets suppressed
  expect(first.summary).toContain('1 suppressed in templates, 0 baselined');
  writeFileSync(join(ws, 'guard-baseline.json'), readFileSync(join(ws, 'guard-report.json')));
  const second = await runAction({
    action: ACTION,
    workspace: ws,
    inputs: { rules: 'security_rules.guard', annotations: 'none', baseline: 'guard-baseline.json' },
    env: env(),
  });
  expect(second.main.exitCode).toBe(0);
  expect(second.outputs).toMatchObject({ violations: '0', passed: 'true' });
  expect(second.summary).toContain('1 suppressed in templates, 2 baselined');
  const report = JSON.parse(readFileSync(join(ws, 'guard-report.json'), 'utf8'));
  expect(report.findings.map((f: any) => f.suppressed).sort()).toEqual(['baseline', 'baseline', 'metadata']);
});

test('fail-on: medium findings pass a high gate, and violations counts only findings at or above it', async () => {
  const ws = workspace('suppress');
  const run = await runAction({
    action: ACTION,
    workspace: ws,
    inputs: { rules: 'security_rules.guard', annotations: 'commands', 'fail-on': 'critical' },
    env: env(),
  });
  expect(run.main.exitCode).toBe(0);
  // violations counts what the gate counts: nothing at or above critical here
  expect(run.outputs).toMatchObject({ violations: '0', passed: 'true' });
  expect(run.main.annotations.filter((a) => a.file === 'templates/stack.yaml')).toHaveLength(2);
  const high = await runAction({
    action: ACTION,
    workspace: ws,
    inputs: { rules: 'security_rules.guard', annotations: 'none', 'fail-on': 'high' },
    env: env(),
  });
  const report = JSON.parse(readFileSync(join(ws, 'guard-report.json'), 'utf8'));
  const atOrAbove = report.findings.filter(
    (f: any) => !f.suppressed && (f.severity === 'high' || f.severity === 'critical'),
  );
  expect(atOrAbove.length).toBeGreaterThan(0);
  expect(atOrAbove.length).toBeLessThan(report.findings.filter((f: any) => !f.suppressed).length);
  expect(high.outputs.violations).toBe(String(atOrAbove.length));
});

test('test mode: each failed expectation is annotated at its case', async () => {
  const ws = workspace('testmode');
  const run = await runAction({
    action: ACTION,
    workspace: ws,
    inputs: { rules: 'rules/security_rules.guard', mode: 'test', annotations: 'commands' },
    env: env(),
  });
  expect(run.main.exitCode).toBe(1);
  expect(run.outputs.violations).toBe('2');
  const a = run.main.annotations.filter((x) => x.file === 'rules/tests/security_rules_tests.yaml');
  expect(a.map((x) => x.line)).toEqual([28, 28]);
  expect(a.map((x) => x.message).join('\n')).toContain('rule rds_storage_encrypted expected PASS, got FAIL');
  expect(run.summary).toContain('unencrypted database passes');
  expect(run.summary).toContain(
    'Guard rule tests ❌ failed**: 2 failed expectation(s) in 3 test case(s) of 1 rule file(s)',
  );
});

test('test mode: a rule file that does not parse fails at its line, and no tests at all is a bad input', async () => {
  const ws = workspace('testmode');
  cpSync(join(REPOS, 'mixed/rules/broken.guard'), join(ws, 'rules/broken.guard'));
  cpSync(join(ws, 'rules/tests/security_rules_tests.yaml'), join(ws, 'rules/tests/broken_tests.yaml'));
  const run = await runAction({
    action: ACTION,
    workspace: ws,
    inputs: { rules: 'rules/broken.guard', mode: 'test', annotations: 'commands' },
    env: env(),
  });
  expect(run.main.exitCode).toBe(1);
  expect(run.outputs.passed).toBe('false');
  const broken = run.main.annotations.filter((x) => x.file === 'rules/broken.guard');
  expect(broken).toEqual([expect.objectContaining({ level: 'error', line: 4 })]);
  expect(broken[0]!.message).toMatch(/does not parse at line 4/);

  const none = workspace('pass');
  const untested = await runAction({
    action: ACTION,
    workspace: none,
    inputs: { rules: 'rules/security_rules.guard', mode: 'test', annotations: 'commands' },
    env: env(),
  });
  expect(untested.main.exitCode).toBe(1);
  expect(untested.outputs.passed).toBe('false');
  expect(untested.main.annotations.filter((x) => x.level === 'error').map((x) => x.message)).toEqual([
    expect.stringMatching(/^guard-validate: input "rules" has no rule file with tests: /),
  ]);
});

test('terraform plan: findings at the plan line with the resource address', async () => {
  const ws = workspace('terraform');
  const run = await runAction({
    action: ACTION,
    workspace: ws,
    inputs: { rules: 'rules/terraform.guard', data: 'plans/plan.json', annotations: 'commands' },
    env: env(),
  });
  expect(run.main.exitCode).toBe(1);
  const a = run.main.annotations.filter((x) => x.file === 'plans/plan.json');
  expect(
    a.map((x) => [
      x.line,
      x.message.includes('module.db.aws_db_instance.this[0]') || x.message.includes('module.net'),
    ]),
  ).toEqual(
    expect.arrayContaining([
      [45, true],
      [62, true],
    ]),
  );
});

test('changed-files-only: PR files are read 100 per page and only changed files are checked', async () => {
  await gh.close();
  const many = Array.from({ length: 240 }, (_, i) => `docs/page-${i}.md`);
  gh = await startGitHubFake({ prFiles: [...many, 'infra/network.yaml'] });
  const ws = workspace('fail');
  const run = await runAction({
    action: ACTION,
    workspace: ws,
    inputs: {
      rules: join(REPO_ROOT, 'examples/guard-validate/security_rules.guard'),
      'changed-files-only': 'true',
    },
    env: env(),
    event: pullRequest(),
  });
  expect(run.main.exitCode).toBe(1);
  const pages = gh.calls
    .filter((c) => c.path.endsWith('/pulls/7/files'))
    .map((c) => [c.query.page ?? '1', c.query.per_page]); // page 1, then the Link header's next pages
  expect(pages).toEqual([
    ['1', '100'],
    ['2', '100'],
    ['3', '100'],
  ]);
  expect(run.outputs['files-scanned']).toBe('1');
  expect(new Set(gh.checkRuns[0]!.annotations.map((a) => a.path))).toEqual(new Set(['infra/network.yaml']));
});

test('a bad input fails before anything runs, and the outputs are still set', async () => {
  const run = await runAction({
    action: ACTION,
    inputs: { rules: 'x.guard', 'fail-on': 'sometimes' },
    env: env(),
  });
  expect(run.main.exitCode).toBe(1);
  expect(run.main.log).toContain(
    'input "fail-on" is "sometimes": expected one of critical, high, medium, low, any, never',
  );
  expect(run.outputs).toMatchObject({ passed: 'false', violations: '0' });
  expect(gh.calls).toHaveLength(0);
});

test('a GitHub outage does not hide the result: the create is looked for, never resent blind; then workflow-command annotations', async () => {
  gh.broken.add('checks');
  gh.broken.add('comments');
  const ws = workspace('suppress');
  const run = await runAction({
    action: ACTION,
    workspace: ws,
    inputs: { rules: 'security_rules.guard' },
    env: env(),
    event: pullRequest(),
  });
  expect(run.main.exitCode).toBe(1);
  expect(run.outputs.violations).toBe('2');
  // one POST (it may have been applied); the look for its run is a read, retried as reads are; as the
  // look failed too, nothing is sent again
  const checks = gh.calls.filter((c) => c.path.endsWith('/check-runs'));
  expect(checks.map((c) => `${c.method} ${c.status}`)).toEqual(['POST 500', 'GET 500', 'GET 500', 'GET 500']);
  expect(run.main.log).toContain('the check run failed');
  expect(run.main.annotations.filter((a) => a.file === 'templates/stack.yaml')).toHaveLength(2);
  expect(run.main.log).toContain('could not update the pull request comment');
});
