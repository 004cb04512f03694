import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MOTO_REQUIREMENT, provisionMotoPython } from '../harness/moto-python.js';

/**
 * The provisioning logic against a stand-in python: a shell script that answers `-c 'import moto.server'`
 * by whether a pip install ran beside it, makes a venv by copying itself, and records each venv and pip
 * call in a log. The real pip install is covered by test/e2e/fresh-machine.e2e.test.ts.
 */
const FAKE = `#!/bin/sh
here=$(cd "$(dirname "$0")/.." && pwd)
case "$1" in
  -c) case "$2" in *moto.server*) [ -f "$here/moto-installed" ] && exit 0; exit 1;; esac
      [ -n "$FAKE_OLD" ] && exit 1; exit 0;;
  -m) case "$2" in
        venv) [ -n "$FAKE_NO_ENSUREPIP" ] && { echo "The virtual environment was not created successfully because ensurepip is not"; exit 1; }
              mkdir -p "$3/bin" && cp "$0" "$3/bin/python" && echo "venv $3" >> "$FAKE_LOG"; exit 0;;
        pip) shift 2; echo "Collecting moto"; echo "pip $*" >> "$FAKE_LOG"; sleep 0.3
             [ -n "$FAKE_PIP_FAIL" ] && { echo "ERROR: No matching distribution found for moto" >&2; exit 1; }
             touch "$here/moto-installed"; exit 0;;
      esac;;
esac
exit 2
`;

let dir: string;
let base: string;
let cacheDir: string;
let lines: string[];
const log = (l: string) => lines.push(l);
const calls = () => readFileSync(process.env.FAKE_LOG!, 'utf8').trim().split('\n');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'oaktree-fakepy-'));
  mkdirSync(join(dir, 'base/bin'), { recursive: true });
  base = join(dir, 'base/bin/python3');
  writeFileSync(base, FAKE);
  chmodSync(base, 0o755);
  cacheDir = join(dir, 'cache');
  process.env.FAKE_LOG = join(dir, 'calls.log');
  writeFileSync(process.env.FAKE_LOG, '');
  lines = [];
});

afterEach(() => {
  delete process.env.FAKE_PIP_FAIL;
  delete process.env.FAKE_OLD;
  delete process.env.FAKE_NO_ENSUREPIP;
  rmSync(dir, { recursive: true, force: true });
});

test('a python that has moto is used as it is: no venv, no pip', async () => {
  writeFileSync(join(dir, 'base/moto-installed'), '');
  expect(await provisionMotoPython({ base, cacheDir, log })).toBe(base);
  expect(calls()).toEqual(['']);
  expect(existsSync(cacheDir)).toBe(false);
});

test('without moto: one venv, one pip install of the pinned moto with progress, reused afterwards', async () => {
  const venvPy = join(cacheDir, 'moto-venv/bin/python');
  expect(await provisionMotoPython({ base, cacheDir, log })).toBe(venvPy);
  expect(calls()).toEqual([
    `venv ${join(cacheDir, 'moto-venv')}`,
    `pip install --disable-pip-version-check --progress-bar off ${MOTO_REQUIREMENT}`,
  ]);
  expect(lines[0]).toContain(`cannot import moto.server: installing ${MOTO_REQUIREMENT} into`);
  expect(lines).toContain('[moto setup]   Collecting moto');
  expect(lines.at(-1)).toMatch(/ready in .*moto-venv after \d+s$/);
  expect(readFileSync(join(cacheDir, 'moto-venv/oaktree-moto.txt'), 'utf8').trim()).toBe(MOTO_REQUIREMENT);
  expect(existsSync(join(cacheDir, 'moto-venv.lock'))).toBe(false);
  lines = [];
  expect(await provisionMotoPython({ base, cacheDir, log })).toBe(venvPy);
  expect(calls()).toHaveLength(2);
  expect(lines).toEqual([]);
});

test('callers that start together install once: the others wait for the lock and reuse the venv', async () => {
  const got = await Promise.all([1, 2, 3].map(() => provisionMotoPython({ base, cacheDir, log })));
  expect(new Set(got)).toEqual(new Set([join(cacheDir, 'moto-venv/bin/python')]));
  expect(calls().filter((c) => c.startsWith('pip '))).toHaveLength(1);
  expect(lines.filter((l) => l.includes('waiting for process'))).toHaveLength(2);
});

test('a lock left by a process that died is taken over', async () => {
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(join(cacheDir, 'moto-venv.lock'), '2147483646');
  await provisionMotoPython({ base, cacheDir, log });
  expect(calls().filter((c) => c.startsWith('pip '))).toHaveLength(1);
  expect(lines.join('\n')).not.toContain('waiting for process');
});

test('a failed pip install ends in one line and leaves no half-made venv', async () => {
  process.env.FAKE_PIP_FAIL = '1';
  await expect(provisionMotoPython({ base, cacheDir, log })).rejects.toThrow(
    /^could not install moto\[server\]==5\.2\.1 into .*moto-venv: ERROR: No matching distribution found for moto \(pip's output is above; or set PYTHON to a python3 that has it\)$/,
  );
  expect(existsSync(join(cacheDir, 'moto-venv'))).toBe(false);
  expect(existsSync(join(cacheDir, 'moto-venv.lock'))).toBe(false);
});

test('no python3 at all: one line saying what to install', async () => {
  const missing = join(dir, 'nowhere/python3');
  await expect(provisionMotoPython({ base: missing, cacheDir, log })).rejects.toThrow(
    new Error(
      `${missing} not found: the end-to-end tests and the demo need Python 3.9 or later with venv (Debian/Ubuntu: apt-get install python3 python3-venv; macOS: brew install python), or PYTHON set to one`,
    ),
  );
});

test('a python older than 3.9: one line saying so, nothing installed', async () => {
  process.env.FAKE_OLD = '1';
  await expect(provisionMotoPython({ base, cacheDir, log })).rejects.toThrow(
    /^\S+python3 is older than Python 3\.9: the end-to-end tests and the demo need Python 3\.9 or later/,
  );
  expect(calls()).toEqual(['']);
});

test('a python without its venv module (Debian without python3-venv): one line saying what to install', async () => {
  process.env.FAKE_NO_ENSUREPIP = '1';
  await expect(provisionMotoPython({ base, cacheDir, log })).rejects.toThrow(
    new Error(
      `${base} cannot create a virtual environment: install python3-venv (Debian/Ubuntu: apt-get install python3-venv), or set PYTHON to a python3 that has moto[server] 5.2.1`,
    ),
  );
  expect(existsSync(join(cacheDir, 'moto-venv.lock'))).toBe(false);
});
