// npm run build: bundle every action with ncc into actions/<name>/dist (main, and post where declared).
// --out DIR writes the bundles under DIR/<action path>/dist instead (check-dist uses it).
// --only PATH builds just that action directory.
import ncc from '@vercel/ncc';
import { minify } from 'terser';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
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
  if (only) {
    const t = Date.now();
    await buildAction(only, outRoot);
    console.log(`built ${only} in ${((Date.now() - t) / 1000).toFixed(1)}s`);
  } else {
    // One process per action: ncc keeps what it compiled, and five builds in one heap outgrow it.
    for (const a of listActions()) buildInChild(a, outRoot);
  }
}

/** `node scripts/build.mjs --only <action> --out <root>` in a child process; throws when it fails. */
export function buildInChild(actionDir, outRoot = ROOT) {
  const r = spawnSync(
    process.execPath,
    [fileURLToPath(import.meta.url), '--only', actionDir, '--out', outRoot],
    {
      stdio: 'inherit',
    },
  );
  if (r.status !== 0) throw new Error(`building ${actionDir} failed (exit ${r.status ?? r.signal})`);
  return join(outRoot, relative(ROOT, bundlesOf(actionDir).abs), 'dist');
}
