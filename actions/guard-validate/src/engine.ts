import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigurationError, OperationError } from '@oaktree/action-kit';
import { ENGINE_SHA256, ENGINE_VERSION } from './engine-lock.js';

/** Exit codes of cfn-guard 3.1.1 validate. */
export const EXIT = { PASS: 0, RULE_PARSE: 5, TEST_FAILED: 7, VIOLATIONS: 19, ERROR: 255 } as const;

/** The directory of the bundle (dist/), where the build hook put bin/ and rules/. */
export function bundleDir(): string {
  return dirname(fileURLToPath(import.meta.url));
}

/** `<os>/<arch>` of the bundled binary for this platform, or undefined when there is none. */
export function platformKey(
  platform: string = process.platform,
  arch: string = process.arch,
): string | undefined {
  const os = platform === 'linux' ? 'ubuntu' : platform === 'darwin' ? 'macos' : undefined;
  const cpu = arch === 'x64' ? 'x86_64' : arch === 'arm64' ? 'aarch64' : undefined;
  return os && cpu ? `${os}/${cpu}` : undefined;
}

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (d) => h.update(d))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

export interface Engine {
  path: string;
  /** `bundled 3.1.1 (ubuntu/x86_64, sha256 verified)` or `custom`. */
  description: string;
}

/**
 * The engine to run: the `cfn-guard-path` override as given, or the bundled binary for this
 * platform after its sha256 matches the pinned digest.
 */
export async function resolveEngine(
  opts: { override?: string; baseDir?: string; platform?: string; arch?: string } = {},
): Promise<Engine> {
  if (opts.override) {
    if (!existsSync(opts.override))
      throw new ConfigurationError(
        `input "cfn-guard-path" is "${opts.override}": no such file; point it at a cfn-guard 3.x binary or leave it empty to use the bundled ${ENGINE_VERSION}`,
        'cfn-guard-path',
      );
    return { path: opts.override, description: `custom (${opts.override})` };
  }
  const key = platformKey(opts.platform, opts.arch);
  if (!key)
    throw new OperationError(
      `no bundled cfn-guard for ${opts.platform ?? process.platform}/${opts.arch ?? process.arch}: ` +
        `the action ships Linux and macOS binaries for x64 and arm64; install cfn-guard ${ENGINE_VERSION} ` +
        'yourself and set the input "cfn-guard-path"',
    );
  const path = join(opts.baseDir ?? bundleDir(), 'bin', key, 'cfn-guard');
  if (!existsSync(path))
    throw new OperationError(`bundled engine ${path} is missing: the action's dist/ is incomplete`);
  const want = ENGINE_SHA256[key]!;
  const got = await sha256File(path);
  if (got !== want)
    throw new OperationError(
      `bundled engine ${path} has sha256 ${got}, expected ${want}: refusing to run a binary that is not the pinned cfn-guard ${ENGINE_VERSION}`,
    );
  return { path, description: `bundled ${ENGINE_VERSION} (${key}, sha256 verified)` };
}

/** One engine run may take this long before it is stopped (and its files are reported as errors). */
export const ENGINE_TIMEOUT_MS = 10 * 60_000;

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
  /** CPU time of the child in ms (user + system), when the platform reports it. */
  cpuMs?: number;
}

/** Run the engine with an argument array (never a shell). */
export function runEngine(
  engine: string,
  args: string[],
  opts: { cwd?: string; timeoutMs?: number } = {},
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(engine, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? ENGINE_TIMEOUT_MS);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) =>
      reject(new OperationError(`could not start cfn-guard (${engine}): ${e.message}`)),
    );
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code: code ?? (signal ? 128 : 255),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr:
          Buffer.concat(err).toString('utf8') +
          (timedOut
            ? `cfn-guard did not finish within ${(opts.timeoutMs ?? ENGINE_TIMEOUT_MS) / 1000}s and was stopped`
            : ''),
      });
    });
  });
}

/** cfn-guard prints rule parse failures on stderr: file, line and column. */
export interface RuleParseError {
  file: string;
  line: number;
  column: number;
  message: string;
}

export function parseRuleErrors(stderr: string): RuleParseError[] {
  const out: RuleParseError[] = [];
  const re =
    /Parsing error handling rule file = (.+?), Error = Parser Error when parsing `(?:Parsing Error )?(?:Error parsing file .+? at line (\d+) at column (\d+), when handling )?([\s\S]*?)`/g;
  for (const m of stderr.matchAll(re)) {
    out.push({
      file: m[1]!,
      line: m[2] ? Number(m[2]) : 1,
      column: m[3] ? Number(m[3]) : 1,
      message: m[4]!.replace(/\s+/g, ' ').trim(),
    });
  }
  return out;
}
