import { assertMotoInstalled } from '../harness/moto.js';
import { parseAnnotations, parseFileCommands, renderLog } from '../harness/run-action.js';

test('file commands: plain lines and heredoc blocks, multiline values intact', () => {
  const text = 'a=1\nb<<ghadelimiter_x\nline 1\n\nline 3\nghadelimiter_x\nc=x=y\n';
  expect(parseFileCommands(text)).toEqual({ a: '1', b: 'line 1\n\nline 3', c: 'x=y' });
  expect(() => parseFileCommands('d<<EOF\nno end\n')).toThrow('unterminated d<<EOF block');
  expect(() => parseFileCommands('novalue\n')).toThrow('malformed file command line');
});

test('annotations and masks are read from stdout; other lines ignored', () => {
  const out = [
    'plain log line',
    '::add-mask::hunter2',
    '::warning file=t.yaml,line=4,col=2,title=CT.S3.PR.1::bucket %0Anot encrypted',
    '::error::deploy: failed',
    '::group::Deploy',
  ].join('\n');
  const { annotations, masks } = parseAnnotations(out);
  expect(masks).toEqual(['hunter2']);
  expect(annotations).toEqual([
    {
      level: 'warning',
      message: 'bucket \nnot encrypted',
      file: 't.yaml',
      line: 4,
      col: 2,
      title: 'CT.S3.PR.1',
    },
    { level: 'error', message: 'deploy: failed' },
  ]);
  expect(renderLog(out)).toBe(
    'plain log line\nWarning: bucket \nnot encrypted (t.yaml:4)\nError: deploy: failed\n▸ Deploy',
  );
});

test('a python without moto fails the check in one line saying how to install it', () => {
  expect(() => assertMotoInstalled('/bin/false')).toThrow(
    new Error('moto_server is not available: pip install "moto[server]"'),
  );
});
