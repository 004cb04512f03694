import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classify, discoverCandidates, expand, globToRegExp } from './discover.js';
import { WorkBudget } from './limits.js';
import { parseTemplate } from './positions.js';

const TEMPLATE = 'Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n';

/** Nine levels of ten aliases: 10^9 values once expanded, 430 bytes as text. */
export function aliasBomb(): string {
  let s = 'AWSTemplateFormatVersion: "2010-09-09"\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i < 9; i++)
    s += `a${i}: &a${i} [${Array(10)
      .fill(`*a${i - 1}`)
      .join(', ')}]\n`;
  return `${s}Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: *a8\n`;
}

function ws(): string {
  return mkdtempSync(join(tmpdir(), 'gv-hostile-'));
}

test('an alias bomb is refused at the alias expansion limit, fast', () => {
  const dir = ws();
  writeFileSync(join(dir, 'bomb.yaml'), aliasBomb());
  const t = Date.now();
  const c = classify(join(dir, 'bomb.yaml'), false, { workspace: dir });
  expect(Date.now() - t).toBeLessThan(3000);
  expect(c).toMatchObject({ kind: 'broken', why: 'limit' });
  expect((c as { message: string }).message).toMatch(/alias expansion limit/);
});

test('nesting deeper than the limit is refused, in JSON, flow YAML and block YAML', () => {
  const deepJson = `{"Resources": ${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
  expect(() => parseTemplate(deepJson, 't.json')).toThrow(/nesting depth limit/);
  const deepFlow = `Resources: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`;
  expect(() => parseTemplate(deepFlow, 't.yaml')).toThrow(/nesting depth/);
  let block = 'Resources:\n';
  for (let i = 1; i < 300; i++) block += `${'  '.repeat(i)}k${i}:\n`;
  expect(() => parseTemplate(block, 't.yaml')).toThrow(/nested deeper than 200 levels/);
  // a real template's depth is fine
  expect(() => parseTemplate(TEMPLATE, 't.yaml')).not.toThrow();
});

test('a file over the size limit is one finding, and is never read whole', () => {
  const dir = ws();
  writeFileSync(join(dir, 'big.yaml'), `AWSTemplateFormatVersion: "2010-09-09"\n# ${'x'.repeat(2048)}\n`);
  expect(classify(join(dir, 'big.yaml'), false, { workspace: dir, maxBytes: 1024 })).toMatchObject({
    kind: 'broken',
    why: 'limit',
    message: expect.stringMatching(/over the file size limit of 0\.0 MiB/),
  });
  // a big file that is no template is skipped in discovery, not a failure
  writeFileSync(join(dir, 'data.json'), `{"k": "${'x'.repeat(2048)}"}`);
  expect(classify(join(dir, 'data.json'), false, { workspace: dir, maxBytes: 1024 })).toMatchObject({
    kind: 'skipped',
  });
});

test('the run budget bounds total work across files', () => {
  const budget = new WorkBudget(12, 1000, 200, 1000);
  expect(() => parseTemplate(TEMPLATE, 'a.yaml', budget)).not.toThrow();
  expect(budget.used).toBeGreaterThan(0);
  const twice = `${TEMPLATE}  Other:\n    Type: AWS::S3::Bucket\n    Properties: {A: 1, B: 2, C: 3}\n`;
  expect(() => parseTemplate(twice, 'b.yaml', budget)).toThrow(/total work limit/);
});

test('symlinks: one inside the workspace is validated as its target, one leaving it is refused unread', async () => {
  const root = ws();
  const dir = join(root, 'repo');
  mkdirSync(join(dir, 'shared'), { recursive: true });
  mkdirSync(join(root, 'outside'));
  writeFileSync(join(dir, 'shared/bucket.yaml'), TEMPLATE);
  writeFileSync(join(root, 'outside/secret.yaml'), TEMPLATE);
  symlinkSync('shared/bucket.yaml', join(dir, 'shared-link.yaml'));
  symlinkSync('../outside/secret.yaml', join(dir, 'escape.yaml'));
  symlinkSync('../outside', join(dir, 'outdir'));
  symlinkSync('nowhere.yaml', join(dir, 'dangling.yaml'));

  const found = (await discoverCandidates(dir)).map((f) => f.slice(dir.length + 1));
  // links are listed, linked directories are not entered
  expect(found).toEqual(['dangling.yaml', 'escape.yaml', 'shared-link.yaml', 'shared/bucket.yaml']);

  const inside = classify(join(dir, 'shared-link.yaml'), false, { workspace: dir });
  expect(inside).toMatchObject({ kind: 'template', file: join(dir, 'shared-link.yaml') });
  expect((inside as { real?: string }).real).toMatch(/shared\/bucket\.yaml$/);

  const out = classify(join(dir, 'escape.yaml'), false, { workspace: dir });
  expect(out).toMatchObject({ kind: 'broken', why: 'symlink' });
  expect((out as { message: string }).message).toMatch(
    /outside the workspace: refused, the target was not read/,
  );
  // through a linked directory, named explicitly
  expect(classify(join(dir, 'outdir/secret.yaml'), true, { workspace: dir })).toMatchObject({
    kind: 'broken',
    why: 'symlink',
  });
  expect(classify(join(dir, 'dangling.yaml'), false, { workspace: dir })).toMatchObject({ kind: 'skipped' });
});

test('globs match like before: **, *, braces, classes', async () => {
  expect(globToRegExp('**/*.{yaml,yml}').test('a/b/c.yml')).toBe(true);
  expect(globToRegExp('**/*.{yaml,yml}').test('c.yaml')).toBe(true);
  expect(globToRegExp('infra/*.yaml').test('infra/x/c.yaml')).toBe(false);
  expect(globToRegExp('infra/[ab].yaml').test('infra/b.yaml')).toBe(true);
  const dir = ws();
  mkdirSync(join(dir, 'infra/deep'), { recursive: true });
  writeFileSync(join(dir, 'infra/a.yaml'), TEMPLATE);
  writeFileSync(join(dir, 'infra/deep/b.yaml'), TEMPLATE);
  const rel = (xs: string[]) => xs.map((f) => f.slice(dir.length + 1));
  expect(
    rel(await expand(['infra/**/*.yaml'], { workspace: dir, extensions: ['yaml'], input: 'data' })),
  ).toEqual(['infra/a.yaml', 'infra/deep/b.yaml']);
  expect(
    rel(await expand(['infra/*.yaml'], { workspace: dir, extensions: ['yaml'], input: 'data' })),
  ).toEqual(['infra/a.yaml']);
  expect(
    rel(await expand(['./infra/**/b.yaml'], { workspace: dir, extensions: ['yaml'], input: 'data' })),
  ).toEqual(['infra/deep/b.yaml']);
  // absolute patterns and patterns above the workspace walk from their fixed directories
  expect(
    rel(
      await expand([`${dir}/infra/deep/*.yaml`], {
        workspace: join(dir, 'infra'),
        extensions: ['yaml'],
        input: 'data',
      }),
    ),
  ).toEqual(['infra/deep/b.yaml']);
  expect(
    rel(
      await expand(['../*.yaml'], {
        workspace: join(dir, 'infra/deep'),
        extensions: ['yaml'],
        input: 'data',
      }),
    ),
  ).toEqual(['infra/a.yaml']);
});
