// Where the action bundles come from and go to. Shared by build and check-dist.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ACTION_PARENTS = ['actions', 'test/fixtures/actions'];

/** Every action directory (relative to ROOT) that has an action.yml. */
export function listActions() {
  const out = [];
  for (const parent of ACTION_PARENTS) {
    const abs = join(ROOT, parent);
    if (!existsSync(abs)) continue;
    for (const name of readdirSync(abs).sort()) {
      if (name.startsWith('.')) continue;
      if (existsSync(join(abs, name, 'action.yml'))) out.push(`${parent}/${name}`);
    }
  }
  return out;
}

/**
 * The bundles of one action: runs.main must be dist/index.js (from src/index.ts) and runs.post,
 * when present, dist/post/index.js (from src/post.ts).
 */
export function bundlesOf(actionDir) {
  const abs = resolve(ROOT, actionDir);
  const meta = parse(readFileSync(join(abs, 'action.yml'), 'utf8'));
  const bundles = [];
  const expect = { main: ['dist/index.js', 'src/index.ts'], post: ['dist/post/index.js', 'src/post.ts'] };
  for (const step of ['main', 'post']) {
    const target = meta.runs?.[step];
    if (!target) continue;
    const [want, src] = expect[step];
    if (target !== want)
      throw new Error(`${actionDir}/action.yml: runs.${step} must be ${want} (is ${target})`);
    if (!existsSync(join(abs, src))) throw new Error(`${actionDir}: ${src} is missing for runs.${step}`);
    bundles.push({ step, entry: join(abs, src), outDir: dirname(join(abs, want)) });
  }
  return { abs, meta, bundles, rel: relative(ROOT, abs) };
}
