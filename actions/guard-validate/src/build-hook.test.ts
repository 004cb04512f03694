import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../test/harness/run-action.js';
// @ts-expect-error: the build hook is plain JavaScript without declarations
import { afterBuild, pinned } from '../build.hook.mjs';

const LOCK = join(REPO_ROOT, 'actions/guard-validate/src/engine-lock.ts');

function actionWithLock(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gv-hook-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src/engine-lock.ts'), text);
  return dir;
}

test('the committed lock pins all four platforms', () => {
  expect(Object.keys(pinned(join(REPO_ROOT, 'actions/guard-validate'))).sort()).toEqual([
    'macos/aarch64',
    'macos/x86_64',
    'ubuntu/aarch64',
    'ubuntu/x86_64',
  ]);
});

test('the build fails, before copying anything, when the lock does not pin every platform', async () => {
  // one digest written with double quotes: the lock no longer pins macos/aarch64 as the hook reads it
  const text = readFileSync(LOCK, 'utf8').replace(
    /'macos\/aarch64': '([0-9a-f]{64})'/,
    '"macos/aarch64": "$1"',
  );
  const distDir = mkdtempSync(join(tmpdir(), 'gv-hook-dist-'));
  await expect(afterBuild({ distDir, actionDir: actionWithLock(text) })).rejects.toThrow(
    /engine-lock\.ts pins no sha256 for macos\/aarch64; every platform needs one/,
  );
  expect(readdirSync(distDir)).toEqual([]);
});
