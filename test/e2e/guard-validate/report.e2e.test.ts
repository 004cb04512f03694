import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runAction } from '../../harness/index.js';
import { startGitHubFake, type GitHubFake } from '../../emulators/github/server.js';

/** Where findings land (the bundle over real Control Tower controls) and what SARIF carries. */
const ACTION = 'actions/guard-validate';
const UNPLACED = join(REPO_ROOT, 'test/fixtures/guard-validate/placement/unplaced.yaml');

let gh: GitHubFake;
beforeEach(async () => {
  gh = await startGitHubFake();
});
afterEach(async () => {
  await gh.close();
});

function workspace(): string {
  const ws = mkdtempSync(join(tmpdir(), 'gv-report-'));
  mkdirSync(join(ws, 'infra'));
  cpSync(UNPLACED, join(ws, 'infra/unplaced.yaml'));
  return ws;
}

test('Control Tower findings Guard gives no path for are at their resources; SuppressedRules on the alarm silences it', async () => {
  const ws = workspace();
  const inputs = {
    'rule-packs': 'control-tower:cloudwatch,iam,ec2,lambda,cloudfront,s3',
    annotations: 'none',
  };
  const run = await runAction({ action: ACTION, workspace: ws, inputs, env: { GITHUB_API_URL: gh.url } });
  expect(run.main.exitCode).toBe(1);
  const report = JSON.parse(readFileSync(join(ws, 'guard-report.json'), 'utf8'));
  expect(report.findings.length).toBeGreaterThan(10);
  // none at the document root, each keyed on its resource
  expect(report.findings.filter((f: any) => f.line === 1 || !f.resource)).toEqual([]);
  const alarm = report.findings.filter((f: any) => f.controlId === 'CT.CLOUDWATCH.PR.4');
  expect(alarm).toEqual([expect.objectContaining({ resource: 'QuietAlarm', line: 7, suppressed: false })]);
  expect(alarm[0].message).toMatch(/none of the alternatives holds/);

  const text = readFileSync(join(ws, 'infra/unplaced.yaml'), 'utf8').replace(
    '    Type: AWS::CloudWatch::Alarm\n',
    '    Type: AWS::CloudWatch::Alarm\n    Metadata:\n      guard:\n        SuppressedRules: [CT.CLOUDWATCH.PR.4]\n',
  );
  writeFileSync(join(ws, 'infra/unplaced.yaml'), text);
  const again = await runAction({ action: ACTION, workspace: ws, inputs, env: { GITHUB_API_URL: gh.url } });
  const after = JSON.parse(readFileSync(join(ws, 'guard-report.json'), 'utf8'));
  expect(after.findings.filter((f: any) => f.controlId === 'CT.CLOUDWATCH.PR.4')).toEqual([
    expect.objectContaining({ resource: 'QuietAlarm', suppressed: 'metadata' }),
  ]);
  expect(Number(again.outputs.violations)).toBe(Number(run.outputs.violations) - 1);
}, 90_000);

test('SARIF category: two runs in one job get their own automationDetails.id; helpUri and severities kept', async () => {
  const ws = workspace();
  const base = { 'rule-packs': 'control-tower:cloudwatch,s3', annotations: 'none', 'fail-on': 'never' };
  const a = await runAction({
    action: ACTION,
    workspace: ws,
    inputs: { ...base, 'sarif-file': 'a.sarif' },
    env: { GITHUB_API_URL: gh.url },
  });
  const b = await runAction({
    action: ACTION,
    workspace: ws,
    inputs: { ...base, 'sarif-file': 'b.sarif', category: 'guard-validate/storage' },
    env: { GITHUB_API_URL: gh.url },
  });
  expect([a.main.exitCode, b.main.exitCode]).toEqual([0, 0]);
  const runOf = (f: string) => JSON.parse(readFileSync(join(ws, f), 'utf8')).runs[0];
  expect(runOf('a.sarif').automationDetails).toEqual({ id: 'guard-validate/' });
  expect(runOf('b.sarif').automationDetails).toEqual({ id: 'guard-validate/storage/' });
  const rule = runOf('b.sarif').tool.driver.rules.find((r: any) => r.id === 'CT.CLOUDWATCH.PR.4');
  expect(rule.helpUri).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
  expect(Number(rule.properties['security-severity'])).toBeGreaterThan(0);

  const bad = await runAction({
    action: ACTION,
    workspace: ws,
    inputs: { ...base, category: 'has spaces' },
    env: { GITHUB_API_URL: gh.url },
  });
  expect(bad.main.exitCode).toBe(1);
  expect(bad.main.log).toContain('input "category" is "has spaces": expected letters, digits and . _ : / -');
}, 90_000);
