import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAnnotations, parseFileCommands } from '../../../test/harness/run-action.js';
import * as core from './commands.js';

let out = '';
let restore: (t: string) => void;
beforeEach(() => {
  out = '';
  restore = core.setCommandWriter((t) => (out += t));
});
afterEach(() => {
  core.setCommandWriter(restore);
  delete process.env.GITHUB_OUTPUT;
  delete process.env.GITHUB_STATE;
});

test('annotations escape data and properties like the runner expects, and round-trip', () => {
  core.error('50% done\nnext: line', { file: 'a,b:c.yaml', startLine: 3, startColumn: 7, title: 'T' });
  expect(out).toBe('::error title=T,file=a%2Cb%3Ac.yaml,line=3,col=7::50%25 done%0Anext: line\n');
  expect(parseAnnotations(out).annotations).toEqual([
    { level: 'error', message: '50% done\nnext: line', file: 'a,b:c.yaml', line: 3, col: 7, title: 'T' },
  ]);
});

test('setFailed sets exit code 1 and prints one error', () => {
  const before = process.exitCode;
  core.setFailed('x: broke');
  expect(process.exitCode).toBe(1);
  expect(out).toBe('::error::x: broke\n');
  process.exitCode = before;
});

test('outputs and state use the heredoc file format, multiline values intact', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cmd-'));
  process.env.GITHUB_OUTPUT = join(dir, 'o');
  process.env.GITHUB_STATE = join(dir, 's');
  writeFileSync(process.env.GITHUB_OUTPUT, '');
  writeFileSync(process.env.GITHUB_STATE, '');
  core.setOutput('arns', '["a",\n"b"]');
  core.setOutput('n', '3');
  core.saveState('drill', '{"id":"d1"}');
  expect(parseFileCommands(readFileSync(process.env.GITHUB_OUTPUT, 'utf8'))).toEqual({
    arns: '["a",\n"b"]',
    n: '3',
  });
  expect(parseFileCommands(readFileSync(process.env.GITHUB_STATE, 'utf8'))).toEqual({ drill: '{"id":"d1"}' });
  expect(out).toBe('');
});

test('getInput reads INPUT_<NAME> upper-cased with spaces as underscores, trimmed', () => {
  process.env['INPUT_TIMEOUT-MINUTES'] = ' 30 ';
  process.env.INPUT_MY_INPUT = 'v';
  expect(core.getInput('timeout-minutes')).toBe('30');
  expect(core.getInput('my input')).toBe('v');
  expect(core.getInput('absent')).toBe('');
});
