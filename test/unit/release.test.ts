import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../harness/index.js';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();
const release = (cwd: string, ...args: string[]) =>
  spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/release.mjs'), ...args], {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@t',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@t',
    },
  });
const json = (p: string) => JSON.parse(readFileSync(p, 'utf8'));

/**
 * A dry run against a local clone: a bare "origin", a clone with a previous release tag, then the
 * workflow's steps (bump, tag with notes, push) and what origin ends up with.
 */
test('bump, tag, move the major tag, notes per action, push', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'oaktree-release-'));
  const origin = join(tmp, 'origin.git');
  git(tmp, 'clone', '-q', '--bare', '--no-local', REPO_ROOT, origin);
  const work = join(tmp, 'work');
  git(tmp, 'clone', '-q', origin, work);
  const from = git(work, 'rev-parse', 'HEAD~3');
  git(work, 'tag', '-a', 'v1.0.0', '-m', 'v1.0.0', from);
  // a change to one action after the previous release
  writeFileSync(join(work, 'actions/rds-snapshot/src/marker.ts'), 'export const marker = 1;\n');
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', 'rds-snapshot: a change after v1.0.0');
  const shared = join(work, 'packages/aws/src/marker.ts');
  writeFileSync(shared, 'export const shared = 1;\n');
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', 'packages/aws: a shared change');

  const bumped = release(work, 'bump', '1.1.0');
  expect(bumped.stderr).toBe('');
  expect(json(join(work, 'lerna.json')).version).toBe('1.1.0');
  expect(json(join(work, 'package.json')).version).toBe('1.1.0');
  expect(json(join(work, 'packages/aws/package.json')).version).toBe('1.1.0');
  expect(json(join(work, 'package-lock.json')).packages['packages/action-kit'].version).toBe('1.1.0');
  expect(readFileSync(join(work, 'packages/aws/src/version.ts'), 'utf8')).toContain(
    "SUITE_VERSION = '1.1.0'",
  );

  const notesFile = join(tmp, 'notes.md');
  const tagged = release(work, 'tag', '1.1.0', '--notes', notesFile, '--push', 'origin');
  expect(tagged.stderr).toBe('');
  expect(tagged.stdout).toMatch(/tagged v1\.1\.0 and moved v1 to [0-9a-f]{40}/);
  const head = git(work, 'rev-parse', 'HEAD');
  expect(git(work, 'log', '-1', '--format=%s')).toBe('release v1.1.0');
  expect(git(origin, 'rev-parse', 'v1.1.0^{commit}')).toBe(head);
  expect(git(origin, 'rev-parse', 'v1^{commit}')).toBe(head);
  expect(git(origin, 'rev-parse', 'refs/heads/main')).toBe(head);

  const notes = readFileSync(notesFile, 'utf8');
  expect(notes).toMatch(/^# v1\.1\.0\n\nChanges since v1\.0\.0\./);
  const section = (name: string) => notes.split(`## ${name}\n`)[1]?.split('\n## ')[0] ?? '';
  expect(section('rds-snapshot')).toContain('rds-snapshot: a change after v1.0.0');
  expect(section('rds-snapshot')).not.toContain('packages/aws: a shared change');
  expect(section('shared packages')).toContain('packages/aws: a shared change');
  expect(notes).toContain('`@v1`');

  // notes for a tag pushed by hand look past the tag itself
  const again = release(work, 'notes', '1.1.0');
  expect(again.stdout).toContain('Changes since v1.0.0.');
  // the next release moves v1 again; a version that is not newer is refused, changing nothing
  expect(release(work, 'bump', '1.0.5').stderr).toMatch(
    /release: version 1\.0\.5 is not newer than the current 1\.1\.0/,
  );
  expect(release(work, 'verify', '1.1.0').status).toBe(0);
  expect(release(work, 'verify', '1.2.0').stderr).toMatch(/tag v1\.2\.0 but lerna says 1\.1\.0/);
  expect(release(work, 'bump', 'latest').stderr).toMatch(/version "latest": expected X\.Y\.Z/);
}, 60_000);
