// action-kit speaks the runner's protocol itself (to keep @actions/core off the start-up path);
// this test holds it to @actions/core's own output for the same calls.
import * as actionsCore from '@actions/core';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFileCommands } from '../../../test/harness/run-action.js';
import * as ours from './commands.js';

function captureStdout(fn: () => void): string {
  const original = process.stdout.write.bind(process.stdout);
  let text = '';
  (process.stdout as { write: unknown }).write = (chunk: string | Uint8Array) => {
    text += chunk.toString();
    return true;
  };
  try {
    fn();
  } finally {
    (process.stdout as { write: unknown }).write = original;
  }
  return text;
}

const messages = ['plain', '50% done\r\nnext', 'a::b, c:d', ''];
const props: ours.AnnotationProperties[] = [
  {},
  { file: 'templates/app.yaml', startLine: 12, startColumn: 5 },
  {
    title: 'CT.S3.PR.1, high: bucket',
    file: 'a,b:c.json',
    startLine: 1,
    endLine: 3,
    startColumn: 2,
    endColumn: 9,
  },
];

test.each(['error', 'warning', 'notice'] as const)(
  '%s annotations match @actions/core byte for byte',
  (level) => {
    for (const m of messages)
      for (const p of props) {
        const theirs = captureStdout(() => actionsCore[level](m, p));
        const mine = captureStdout(() => ours[level](m, p));
        expect(mine).toBe(theirs);
      }
  },
);

test('masking, debug and groups match', () => {
  for (const [a, b] of [
    [() => actionsCore.setSecret('s3cr%t\nx'), () => ours.setSecret('s3cr%t\nx')],
    [() => actionsCore.debug('d: 1, 2'), () => ours.debug('d: 1, 2')],
    [() => actionsCore.startGroup('Deploy'), () => ours.startGroup('Deploy')],
    [() => actionsCore.endGroup(), () => ours.endGroup()],
  ] as const)
    expect(captureStdout(b)).toBe(captureStdout(a));
});

test('outputs and state files carry the same values', () => {
  const dir = mkdtempSync(join(tmpdir(), 'conf-'));
  const files = { theirs: join(dir, 'theirs'), mine: join(dir, 'mine') };
  const values: Array<[string, string]> = [
    ['simple', 'v'],
    ['multi', 'line 1\nline 2\n'],
    ['json', '["arn:aws:rds:us-east-1:1:snapshot:a"]'],
  ];
  for (const [who, file] of Object.entries(files)) {
    writeFileSync(file, '');
    process.env.GITHUB_OUTPUT = file;
    process.env.GITHUB_STATE = file;
    for (const [k, v] of values) {
      if (who === 'theirs') {
        actionsCore.setOutput(k, v);
        actionsCore.saveState(`s_${k}`, v);
      } else {
        ours.setOutput(k, v);
        ours.saveState(`s_${k}`, v);
      }
    }
  }
  delete process.env.GITHUB_OUTPUT;
  delete process.env.GITHUB_STATE;
  expect(parseFileCommands(readFileSync(files.mine, 'utf8'))).toEqual(
    parseFileCommands(readFileSync(files.theirs, 'utf8')),
  );
  expect(Object.keys(parseFileCommands(readFileSync(files.mine, 'utf8')))).toHaveLength(6);
});

test('inputs are read the same way', () => {
  process.env['INPUT_MY_INPUT'] = '  spaced value  ';
  process.env['INPUT_TIMEOUT-MINUTES'] = '15';
  for (const name of ['my input', 'timeout-minutes', 'absent'])
    expect(ours.getInput(name)).toBe(actionsCore.getInput(name));
  delete process.env['INPUT_MY_INPUT'];
  delete process.env['INPUT_TIMEOUT-MINUTES'];
});
