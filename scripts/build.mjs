// npm run build: bundle every action with ncc into actions/<name>/dist (main, and post where declared).
// --out DIR writes the bundles under DIR/<action path>/dist instead (check-dist uses it).
// --only PATH builds just that action directory.
import ncc from '@vercel/ncc';
import { minify } from 'terser';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, bundlesOf, listActions } from './actions.mjs';

function arg(name) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

export async function buildAction(actionDir, outRoot = ROOT) {
  const { abs, bundles } = bundlesOf(actionDir);
  const distRoot = join(outRoot, relative(ROOT, abs), 'dist');
  rmSync(distRoot, { recursive: true, force: true });
  for (const b of bundles) {
    const out = join(outRoot, relative(ROOT, b.outDir));
    const { code, assets } = await ncc(b.entry, {
      minify: true,
      sourceMap: false,
      quiet: true,
      target: 'es2022',
      license: 'licenses.txt',
      cache: false,
    });
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'index.js'), code);
    for (const [name, asset] of Object.entries(assets)) {
      mkdirSync(dirname(join(out, name)), { recursive: true });
      // ncc minifies the entry file only; the lazily loaded chunks (the SDK among them) get the same.
      const source = /\.index\.js$/.test(name)
        ? (await minify(asset.source.toString(), { module: true, compress: true, mangle: true })).code
        : asset.source;
      writeFileSync(join(out, name), source, { mode: asset.permissions });
    }
  }
  // An action may add files next to its bundle (guard-validate copies its engine binary).
  const hook = join(abs, 'build.hook.mjs');
  if (existsSync(hook)) {
    const mod = await import(pathToFileURL(hook).href);
    await mod.afterBuild({ distDir: distRoot, actionDir: abs });
  }
  return distRoot;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outRoot = arg('--out') ?? ROOT;
  const only = arg('--only');
  const actions = only ? [only] : listActions();
  for (const a of actions) {
    const t = Date.now();
    await buildAction(a, outRoot);
    console.log(`built ${a} in ${((Date.now() - t) / 1000).toFixed(1)}s`);
  }
}
