import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '../test/harness/index.js';

/** One benchmark's figures, written to bench/results/<name>.json and summarised in bench/results/README.md. */
export interface BenchResult {
  name: string;
  /** What the numbers mean and how they were taken. */
  method: string;
  metrics: Record<string, number | string>;
  /** Targets from the issues: metric name -> { max?, min? }. */
  targets?: Record<string, { max?: number; min?: number }>;
}

export interface Bench {
  name: string;
  run(): Promise<BenchResult>;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function timeOnce(args: string[], env: NodeJS.ProcessEnv): number {
  const t = process.hrtime.bigint();
  spawnSync(process.execPath, args, { env, stdio: 'ignore' });
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/**
 * Cold start of an action bundle: process start to exit when the first required input is missing,
 * as a ratio to `node -e 0`. Runs alternate between the two so machine noise hits both alike.
 */
export function coldStart(actionDir: string, runs = 25): { bundleMs: number; nodeMs: number; ratio: number } {
  const script = resolve(REPO_ROOT, actionDir, 'dist/index.js');
  const dir = mkdtempSync(join(tmpdir(), 'oaktree-cold-'));
  const out = join(dir, 'out');
  writeFileSync(out, '');
  const env = { PATH: process.env.PATH, GITHUB_OUTPUT: out, GITHUB_STATE: out, GITHUB_STEP_SUMMARY: out };
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < 3; i++) {
    timeOnce([script], env);
    timeOnce(['-e', '0'], env);
  }
  for (let i = 0; i < runs; i++) {
    b.push(timeOnce(['-e', '0'], env));
    a.push(timeOnce([script], env));
  }
  const bundleMs = median(a);
  const nodeMs = median(b);
  return { bundleMs: round(bundleMs), nodeMs: round(nodeMs), ratio: round(bundleMs / nodeMs, 2) };
}

export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export { median };
