import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '@oaktree/action-kit';
import { REPO_ROOT } from '../../../test/harness/run-action.js';
import { platformKey } from './engine.js';
import { gateFails } from './report.js';
import { runTests } from './testmode.js';

const ENGINE = join(
  REPO_ROOT,
  'node_modules/@cdklabs/cdk-validator-cfnguard/bin',
  platformKey()!,
  'cfn-guard',
);

const CASES = `- name: no topics
  input:
    Resources: {}
  expectations:
    rules:
      topic_encrypted: SKIP
`;

/** A workspace with rules/<name>.guard and, when given, rules/tests/<name>_tests.yaml. */
function workspace(files: Record<string, string>): string {
  const ws = mkdtempSync(join(tmpdir(), 'gv-test-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(ws, name, '..'), { recursive: true });
    writeFileSync(join(ws, name), text);
  }
  return ws;
}

test('a rule file that does not parse is a rule error at its line and fails the gate (cfn-guard exits 0)', async () => {
  const ws = workspace({
    'rules/broken.guard':
      "let topics = Resources.*[ Type == 'AWS::SNS::Topic' ]\n\nrule topic_encrypted when %topics not empty {\n    %topics.Properties.KmsMasterKeyId ====== exists\n}\n",
    'rules/tests/broken_tests.yaml': CASES,
    'rules/tests/broken_tests.json': '[]',
  });
  const out = await runTests({ engine: ENGINE, workspace: ws, ruleFiles: [join(ws, 'rules/broken.guard')] });
  expect(out.findings).toEqual([
    expect.objectContaining({
      kind: 'rule-error',
      file: 'rules/broken.guard',
      line: 4,
      column: 41,
      exact: true,
      message: expect.stringMatching(/^rules\/broken\.guard does not parse at line 4, column 41: /),
    }),
  ]);
  expect(gateFails(out.findings, 'critical')).toBe(true);
});

test('test data that does not parse is an error at the test file (cfn-guard exits 1)', async () => {
  const ws = workspace({
    'rules/ok.guard': 'rule ok { Resources exists }\n',
    'rules/tests/ok_tests.yaml': '- name: c1\n  input: [\n',
  });
  const out = await runTests({ engine: ENGINE, workspace: ws, ruleFiles: [join(ws, 'rules/ok.guard')] });
  expect(out.findings).toEqual([
    expect.objectContaining({
      kind: 'engine-error',
      file: 'rules/tests/ok_tests.yaml',
      message: expect.stringContaining('cfn-guard test exit 1 for rules/tests/ok_tests.yaml'),
    }),
  ]);
});

test('a non-zero exit with nothing failed in the output is an error, not a pass', async () => {
  const ws = workspace({
    'rules/ok.guard': 'rule ok { Resources exists }\n',
    'rules/tests/ok_tests.yaml': CASES,
    // an engine that reports no failure but exits 255
    'bin/cfn-guard':
      '#!/bin/sh\necho \'{"rule_file":"ok.guard","test_cases":[]}\'\necho "Error occurred: out of memory" >&2\nexit 255\n',
  });
  chmodSync(join(ws, 'bin/cfn-guard'), 0o755);
  const out = await runTests({
    engine: join(ws, 'bin/cfn-guard'),
    workspace: ws,
    ruleFiles: [join(ws, 'rules/ok.guard')],
  });
  expect(out.findings).toEqual([
    expect.objectContaining({
      kind: 'engine-error',
      file: 'rules/tests/ok_tests.yaml',
      message: expect.stringContaining('exit 255'),
    }),
  ]);
  expect(out.findings[0]!.message).toContain('out of memory');
});

test('passing tests give no findings', async () => {
  const ws = workspace({
    'rules/ok.guard': 'rule ok { Resources exists }\n',
    'rules/tests/ok_tests.yaml':
      '- name: c1\n  input:\n    Resources: {}\n  expectations:\n    rules:\n      ok: PASS\n',
  });
  const out = await runTests({ engine: ENGINE, workspace: ws, ruleFiles: [join(ws, 'rules/ok.guard')] });
  expect(out).toMatchObject({ findings: [], ruleFiles: 1, cases: 1, expectations: 1, failed: 0 });
});

test('no test files for any rule file is a configuration error naming the rules input', async () => {
  const ws = workspace({ 'rules/ok.guard': 'rule ok { Resources exists }\n' });
  const err = await runTests({
    engine: ENGINE,
    workspace: ws,
    ruleFiles: [join(ws, 'rules/ok.guard')],
  }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigurationError);
  expect(err).toMatchObject({
    input: 'rules',
    message: expect.stringMatching(/^input "rules" has no rule file with tests: .*tests\/<name>_tests\.yaml/),
  });
});

test('only tests/<name>_tests.yaml|yml|json are test files: a backup such as ok_tests_old.yaml is not run', async () => {
  const ws = workspace({
    'rules/ok.guard': 'rule ok { Resources exists }\n',
    'rules/tests/ok_tests.yaml': CASES.replace('topic_encrypted', 'ok')
      .replace('SKIP', 'PASS')
      .replace('Resources: {}', 'Resources: { A: { Type: X } }'),
    // would fail if it were run: it expects FAIL for a template that passes
    'rules/tests/ok_tests_old.yaml': CASES.replace('topic_encrypted', 'ok')
      .replace('SKIP', 'FAIL')
      .replace('Resources: {}', 'Resources: { A: { Type: X } }'),
    'rules/tests/ok_tests.txt': 'not a test file',
  });
  const out = await runTests({ engine: ENGINE, workspace: ws, ruleFiles: [join(ws, 'rules/ok.guard')] });
  expect(out.findings).toEqual([]);
});
