// npm run check-dist: rebuild every action from a clean state into a temporary directory and fail
// when the committed dist differs in any file (content, or a file missing or extra).
// --only PATH checks just that action directory.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ROOT, bundlesOf, listActions } from './actions.mjs';
import { buildInChild } from './build.mjs';

function files(dir, base = dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p, base) : [relative(base, p)];
  });
}

export function compareDirs(committed, fresh) {
  const problems = [];
  const a = new Set(files(committed));
  const b = new Set(files(fresh));
  for (const f of b) {
    if (!a.has(f)) problems.push(`missing: ${f}`);
    else if (!readFileSync(join(committed, f)).equals(readFileSync(join(fresh, f))))
      problems.push(`differs: ${f}`);
  }
  for (const f of a) if (!b.has(f)) problems.push(`extra: ${f}`);
  return problems;
}

const i = process.argv.indexOf('--only');
const actions = i > 0 ? [process.argv[i + 1]] : listActions();
const tmp = mkdtempSync(join(tmpdir(), 'oaktree-check-dist-'));
let failed = 0;
try {
  for (const a of actions) {
    const { rel } = bundlesOf(a);
    const fresh = buildInChild(a, tmp);
    const problems = compareDirs(join(ROOT, rel, 'dist'), fresh);
    if (problems.length) {
      failed++;
      console.error(`${rel}/dist is stale (run npm run build and commit the result):`);
      for (const p of problems) console.error(`  ${p}`);
    } else console.log(`${rel}/dist is up to date`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
if (failed) process.exit(1);
