import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Which python runs moto_server. `PYTHON` (or `python3`) when it can import moto.server; otherwise a
 * project-local virtual environment made from that python, with the pinned moto installed into it by
 * pip on first use and reused afterwards. Test files and the demo may start at the same time in several
 * processes: a lock file makes one of them install while the others wait.
 */

/** The moto our emulator facts were checked against. */
export const MOTO_REQUIREMENT = 'moto[server]==5.2.1';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const INSTALL_TIMEOUT_MS = 15 * 60_000;
/** A lock older than this is left over from a killed install. */
const STALE_LOCK_MS = INSTALL_TIMEOUT_MS + 60_000;

export interface MotoPythonOptions {
  /** The python to use, or to build the venv from. Default: PYTHON, else python3. */
  base?: string;
  /** Where the venv lives. Default: OAKTREE_CACHE_DIR, else <repo>/.cache. */
  cacheDir?: string;
  /** Progress lines (default: stderr, so they show while jest runs). */
  log?: (line: string) => void;
}

export function defaultCacheDir(): string {
  return process.env.OAKTREE_CACHE_DIR || join(REPO_ROOT, '.cache');
}

/** True when `python` runs and can import moto's server. */
export function hasMoto(python: string): boolean {
  const r = spawnSync(python, ['-c', 'import moto.server'], {
    stdio: 'ignore',
    timeout: 60_000,
    env: process.env,
  });
  return r.status === 0;
}

/** Why `python` cannot build the venv (missing or too old), or undefined when it can. */
function unusable(python: string): string | undefined {
  const r = spawnSync(python, ['-c', 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)'], {
    stdio: 'ignore',
    timeout: 30_000,
    env: process.env,
  });
  if (r.error || (r.status !== 0 && r.status !== 1)) return 'not found';
  return r.status === 1 ? 'is older than Python 3.9' : undefined;
}

const venvPython = (venv: string) =>
  process.platform === 'win32' ? join(venv, 'Scripts', 'python.exe') : join(venv, 'bin', 'python');

const pending = new Map<string, Promise<string>>();

/** The python that runs moto_server, installing moto into the project's venv when needed (once per process). */
export function motoPython(opts: MotoPythonOptions = {}): Promise<string> {
  const key = `${opts.base ?? process.env.PYTHON ?? 'python3'}\0${opts.cacheDir ?? defaultCacheDir()}`;
  let p = pending.get(key);
  if (!p) {
    p = provisionMotoPython(opts);
    pending.set(key, p);
    p.catch(() => pending.delete(key));
  }
  return p;
}

/** motoPython without the per-process memo: checks, waits for the lock or installs on every call. */
export async function provisionMotoPython(opts: MotoPythonOptions = {}): Promise<string> {
  const base = opts.base ?? process.env.PYTHON ?? 'python3';
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  if (hasMoto(base)) return base;
  const why = unusable(base);
  if (why)
    throw new Error(
      `${base} ${why}: the end-to-end tests and the demo need Python 3.9 or later with venv (Debian/Ubuntu: apt-get install python3 python3-venv; macOS: brew install python), or PYTHON set to one`,
    );
  const venv = join(cacheDir, 'moto-venv');
  const python = venvPython(venv);
  if (ready(venv, python)) return python;
  mkdirSync(cacheDir, { recursive: true });
  const release = await lock(join(cacheDir, 'moto-venv.lock'), log);
  try {
    // Another process may have installed it while this one waited for the lock.
    if (ready(venv, python)) return python;
    await install(base, venv, python, log);
    return python;
  } finally {
    release();
  }
}

const MARKER = 'oaktree-moto.txt';

function ready(venv: string, python: string): boolean {
  const marker = join(venv, MARKER);
  return existsSync(marker) && readFileSync(marker, 'utf8').trim() === MOTO_REQUIREMENT && hasMoto(python);
}

async function install(
  base: string,
  venv: string,
  python: string,
  log: (line: string) => void,
): Promise<void> {
  const rel = relative(process.cwd(), venv);
  const where = rel && !rel.startsWith('..') ? rel : venv;
  const t0 = Date.now();
  log(
    `[moto setup] ${base} cannot import moto.server: installing ${MOTO_REQUIREMENT} into ${where} (once; later runs reuse it)`,
  );
  rmSync(venv, { recursive: true, force: true });
  const mk = await run(base, ['-m', 'venv', venv], log);
  if (mk.code !== 0)
    throw new Error(
      /ensurepip/i.test(mk.tail)
        ? `${base} cannot create a virtual environment: install python3-venv (Debian/Ubuntu: apt-get install python3-venv), or set PYTHON to a python3 that has moto[server] 5.2.1`
        : `could not create ${where} with ${base}: ${mk.tail}`,
    );
  const pip = await run(
    python,
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--progress-bar', 'off', MOTO_REQUIREMENT],
    log,
  );
  if (pip.code !== 0 || !hasMoto(python)) {
    rmSync(venv, { recursive: true, force: true });
    throw new Error(
      `could not install ${MOTO_REQUIREMENT} into ${where}: ${pip.tail || 'moto.server still not importable'} (pip's output is above; or set PYTHON to a python3 that has it)`,
    );
  }
  writeFileSync(join(venv, MARKER), `${MOTO_REQUIREMENT}\n`);
  log(`[moto setup] ${MOTO_REQUIREMENT} ready in ${where} after ${Math.round((Date.now() - t0) / 1000)}s`);
}

/** Run a command, each output line echoed as progress; resolves with the exit code and last error line. */
function run(
  cmd: string,
  args: string[],
  log: (line: string) => void,
): Promise<{ code: number; tail: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONUNBUFFERED: '1' },
    });
    let tail = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), INSTALL_TIMEOUT_MS);
    const onData = (d: Buffer) => {
      for (const line of d.toString().split(/\r?\n/)) {
        if (!line.trim()) continue;
        log(`[moto setup]   ${line}`);
        if (/error|not found|no module|ensurepip/i.test(line)) tail = line.trim();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: -1, tail: err.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, tail: signal ? `${tail} (killed by ${signal})`.trim() : tail });
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Take the lock file, waiting while a live process holds it; a lock whose holder died is taken over. */
async function lock(path: string, log: (line: string) => void): Promise<() => void> {
  const deadline = Date.now() + STALE_LOCK_MS;
  let told = false;
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(path, 'utf8') === String(process.pid)) unlinkSync(path);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder = NaN;
    let age = 0;
    try {
      holder = Number(readFileSync(path, 'utf8'));
      age = Date.now() - statSync(path).mtimeMs;
    } catch {
      continue; // released between our attempt and the read
    }
    if ((Number.isInteger(holder) && holder > 0 && !alive(holder)) || age > STALE_LOCK_MS) {
      rmSync(path, { force: true });
      continue;
    }
    if (Date.now() > deadline)
      throw new Error(`gave up waiting for process ${holder} to finish installing moto (lock ${path})`);
    if (!told) log(`[moto setup] waiting for process ${holder}, which is installing moto...`);
    told = true;
    await new Promise((r) => setTimeout(r, 500));
  }
}
