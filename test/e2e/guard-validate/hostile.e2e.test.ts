import {
  closeSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runAction, type RunActionOptions } from '../../harness/index.js';
import { startGitHubFake, type GitHubFake } from '../../emulators/github/server.js';

/**
 * A pull request from a fork is untrusted input: hostile templates end as one finding each, within
 * a bounded heap, and the other files are still checked. Symbolic links are followed only inside
 * the workspace.
 */
const ACTION = 'actions/guard-validate';
const NETWORK = join(REPO_ROOT, 'test/fixtures/guard-validate/repos/fail/infra/network.yaml');
const RULES = join(REPO_ROOT, 'examples/guard-validate/security_rules.guard');

const forkPullRequest: RunActionOptions['event'] = {
  name: 'pull_request',
  payload: {
    pull_request: {
      number: 7,
      head: { sha: 'feedfacefeedfacefeedfacefeedfacefeedface', repo: { full_name: 'someone/shop' } },
      base: { repo: { full_name: 'oaktree-demo/shop' } },
    },
  },
};

function aliasBomb(): string {
  let s = 'AWSTemplateFormatVersion: "2010-09-09"\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i < 9; i++)
    s += `a${i}: &a${i} [${Array(10)
      .fill(`*a${i - 1}`)
      .join(', ')}]\n`;
  return `${s}Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: *a8\n`;
}

let gh: GitHubFake;
beforeEach(async () => {
  // a fork's read-only token
  gh = await startGitHubFake({ forbid: ['checks', 'comments'] });
});
afterEach(async () => {
  await gh.close();
});

test('fork PR: alias bomb, 100 MB template, 10,000-deep nesting and an escaping symlink are one finding each; the rest is checked', async () => {
  const root = mkdtempSync(join(tmpdir(), 'gv-hostile-'));
  const ws = join(root, 'repo');
  mkdirSync(join(ws, 'infra'), { recursive: true });
  mkdirSync(join(root, 'outside'));
  cpSync(NETWORK, join(ws, 'infra/network.yaml'));
  writeFileSync(join(ws, 'infra/bomb.yaml'), aliasBomb());
  writeFileSync(join(ws, 'infra/deep.json'), `{"Resources": ${'['.repeat(10_000)}${']'.repeat(10_000)}}`);
  // 100 MB (sparse): a template header, then nothing the action should ever read
  writeFileSync(join(ws, 'infra/huge.yaml'), 'AWSTemplateFormatVersion: "2010-09-09"\n');
  const fd = openSync(join(ws, 'infra/huge.yaml'), 'r+');
  ftruncateSync(fd, 100 * 1024 * 1024);
  closeSync(fd);
  // the target would be a finding if it were read: it must not be
  cpSync(NETWORK, join(root, 'outside/secret.yaml'));
  symlinkSync('../../outside/secret.yaml', join(ws, 'infra/escape.yaml'));

  const run = await runAction({
    action: ACTION,
    workspace: ws,
    inputs: { rules: RULES, data: 'infra' },
    env: { GITHUB_API_URL: gh.url, NODE_OPTIONS: '--max-old-space-size=256' },
    event: forkPullRequest,
    timeoutMs: 60_000,
  });
  expect(run.main.timedOut).toBe(false);
  expect(run.main.exitCode).toBe(1);
  const report = JSON.parse(readFileSync(join(ws, 'guard-report.json'), 'utf8'));
  const byFile = (f: string) => report.findings.filter((x: any) => x.file === f);
  for (const [file, text] of [
    ['infra/bomb.yaml', /alias expansion limit/],
    ['infra/huge.yaml', /was not checked: 100 MiB is over the file size limit of 8 MiB, so it was not read/],
    ['infra/deep.json', /nesting depth limit/],
    ['infra/escape.yaml', /outside the workspace: refused, the target was not read/],
  ] as const) {
    expect(byFile(file)).toEqual([
      expect.objectContaining({ kind: 'template-error', message: expect.stringMatching(text) }),
    ]);
  }
  // the normal template beside them is checked as usual
  expect(byFile('infra/network.yaml').map((f: any) => [f.rule, f.line])).toContainEqual([
    'ssh_not_open_to_world',
    15,
  ]);
  // nothing of the escaping link's target was evaluated
  expect(
    report.findings.filter((f: any) => /secret/.test(f.file + f.message.replace(/symbolic link to \S+/, ''))),
  ).toEqual([]);
  expect(run.outputs['files-scanned']).toBe('1');
  // fork: workflow-command annotations name each refused file
  expect(run.main.annotations.filter((a) => a.file === 'infra/bomb.yaml')).toHaveLength(1);
}, 90_000);

test('fork PR: a violating template behind a symlink inside the workspace fails the gate like the file itself', async () => {
  const ws = mkdtempSync(join(tmpdir(), 'gv-link-'));
  mkdirSync(join(ws, 'infra'));
  mkdirSync(join(ws, 'shared'));
  cpSync(NETWORK, join(ws, 'shared/network.yaml'));
  symlinkSync('../shared/network.yaml', join(ws, 'infra/network.yaml'));
  const run = await runAction({
    action: ACTION,
    workspace: ws,
    inputs: { rules: RULES, data: 'infra', annotations: 'commands' },
    env: { GITHUB_API_URL: gh.url },
    event: forkPullRequest,
  });
  expect(run.main.exitCode).toBe(1);
  expect(run.outputs).toMatchObject({ passed: 'false', 'files-scanned': '1' });
  // findings at the link's path, at the target's lines
  const ssh = run.main.annotations.filter((a) => a.file === 'infra/network.yaml' && /SSH/.test(a.message));
  expect(ssh.map((a) => a.line)).toEqual([15]);

  // the same file copied in place gives the same findings
  const copy = mkdtempSync(join(tmpdir(), 'gv-copy-'));
  mkdirSync(join(copy, 'infra'));
  cpSync(NETWORK, join(copy, 'infra/network.yaml'));
  const plain = await runAction({
    action: ACTION,
    workspace: copy,
    inputs: { rules: RULES, data: 'infra', annotations: 'commands' },
    env: { GITHUB_API_URL: gh.url },
    event: forkPullRequest,
  });
  const strip = (r: typeof run) =>
    r.main.annotations.filter((a) => a.file).map((a) => [a.file, a.line, a.title]);
  expect(strip(run)).toEqual(strip(plain));
  expect(run.outputs.violations).toBe(plain.outputs.violations);
}, 90_000);
