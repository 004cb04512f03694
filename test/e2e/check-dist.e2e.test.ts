import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../harness/index.js';

// A copy of the wiring fixture inside the repo (so node_modules resolve); dot-named, so the real
// build never lists it, and git-ignored.
const copy = join(REPO_ROOT, 'test/fixtures/actions', `.tmp-stale-${process.pid}`);
const rel = copy.slice(REPO_ROOT.length + 1);

function checkDist() {
  return spawnSync(process.execPath, ['scripts/check-dist.mjs', '--only', rel], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
}

beforeAll(() => {
  cpSync(join(REPO_ROOT, 'test/fixtures/actions/wiring'), copy, { recursive: true });
  // chunk names depend on the module paths, so the copy gets its own fresh bundle first
  const built = spawnSync(process.execPath, ['scripts/build.mjs', '--only', rel], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (built.status !== 0) throw new Error(built.stderr);
}, 120_000);
afterAll(() => rmSync(copy, { recursive: true, force: true }));

test('check-dist passes on a fresh bundle and fails, naming the file, once the source changes', () => {
  const fresh = checkDist();
  expect(fresh.stderr).toBe('');
  expect(fresh.status).toBe(0);
  expect(fresh.stdout).toContain(`${rel}/dist is up to date`);

  appendFileSync(join(copy, 'src/post.ts'), "\nconsole.log('a change nobody rebuilt');\n");
  const stale = checkDist();
  expect(stale.status).toBe(1);
  expect(stale.stderr).toContain(`${rel}/dist is stale (run npm run build and commit the result):`);
  expect(stale.stderr).toContain('differs: post/index.js');
}, 120_000);
