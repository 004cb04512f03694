import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { nodeFor } from './node-runtime.js';
import { startIamRecorder } from './iam-recorder.js';
import type { RecordedCall } from '../iam/operations.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface ParsedAnnotation {
  level: 'error' | 'warning' | 'notice' | 'debug';
  message: string;
  file?: string;
  line?: number;
  col?: number;
  title?: string;
}

export interface StepResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** stdout and stderr, interleaved as they arrived, masked values replaced by *** like the runner. */
  log: string;
  annotations: ParsedAnnotation[];
  masks: string[];
  durationMs: number;
}

/** A step's log as the Actions UI shows it: commands rendered, masks and debug lines hidden. */
export function renderLog(log: string): string {
  const out: string[] = [];
  for (const line of log.split(/\r?\n/)) {
    const m = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!m) {
      out.push(line);
      continue;
    }
    const [, cmd, props = '', msg = ''] = m;
    const text = unescape(msg);
    const where = /file=([^,]+)(?:,line=(\d+))?/.exec(props);
    const at = where ? ` (${unescape(where[1]!)}${where[2] ? `:${where[2]}` : ''})` : '';
    if (cmd === 'error') out.push(`Error: ${text}${at}`);
    else if (cmd === 'warning') out.push(`Warning: ${text}${at}`);
    else if (cmd === 'notice') out.push(`Notice: ${text}${at}`);
    else if (cmd === 'group') out.push(`▸ ${text}`);
  }
  return out.join('\n');
}

export interface ActionRun {
  main: StepResult;
  post?: StepResult;
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
  exportedEnv: Record<string, string>;
  /** Paths of the runner files, for tests that look further. */
  dirs: { temp: string; workspace: string };
  /** The Node binary both steps ran on (the major of action.yml's runs.using). */
  node: string;
  /** Every AWS call of both steps, when the run was held to the action's iam-policy.json. */
  awsCalls?: RecordedCall[];
}

export interface RunActionOptions {
  /** Directory holding action.yml, absolute or relative to the repo root (e.g. `actions/rds-snapshot`). */
  action: string;
  inputs?: Record<string, string | number | boolean>;
  /** Extra environment for both steps (AWS_ENDPOINT_URL and friends). */
  env?: Record<string, string | undefined>;
  /** `github.event_name` and the event payload written to GITHUB_EVENT_PATH. */
  event?: { name: string; payload?: unknown };
  /** GITHUB_WORKSPACE; a new temporary directory when absent. */
  workspace?: string;
  /** Run the post step (when the action has one). Default true. */
  post?: boolean;
  /** Hard limit per step; the process is killed with SIGKILL after it. */
  timeoutMs?: number;
  /** Send `signal` to the main step once `when` is true of its log so far (cancel tests). */
  interrupt?: { when: (log: string) => boolean; signal?: NodeJS.Signals; killAfterMs?: number };
  /**
   * Every AWS call of the run is checked against the action's iam-policy.json (see iam-recorder.ts).
   * `{ skip: reason }` turns that off for this run; give the real reason (e.g. a hand-made role).
   */
  iam?: { skip: string };
}

/** Parse the runner's file-command format: `name=value` lines and `name<<DELIM` blocks. */
export function parseFileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delim] = heredoc;
      const value: string[] = [];
      i++;
      while (i < lines.length && lines[i] !== delim) value.push(lines[i++]!);
      if (i >= lines.length) throw new Error(`unterminated ${name}<<${delim} block`);
      out[name!] = value.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`malformed file command line: ${line}`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

function unescape(s: string): string {
  return s
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%3A/g, ':')
    .replace(/%2C/g, ',')
    .replace(/%25/g, '%');
}

/** Workflow commands (`::error file=x,line=3::msg`) found in a step's stdout. */
export function parseAnnotations(stdout: string): { annotations: ParsedAnnotation[]; masks: string[] } {
  const annotations: ParsedAnnotation[] = [];
  const masks: string[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!m) continue;
    const [, cmd, props = '', msg = ''] = m;
    if (cmd === 'add-mask') {
      masks.push(unescape(msg));
      continue;
    }
    if (cmd !== 'error' && cmd !== 'warning' && cmd !== 'notice' && cmd !== 'debug') continue;
    const a: ParsedAnnotation = { level: cmd, message: unescape(msg) };
    for (const kv of props.split(',').filter(Boolean)) {
      const eq = kv.indexOf('=');
      const k = kv.slice(0, eq);
      const v = unescape(kv.slice(eq + 1));
      if (k === 'file') a.file = v;
      else if (k === 'line') a.line = Number(v);
      else if (k === 'col') a.col = Number(v);
      else if (k === 'title') a.title = v;
    }
    annotations.push(a);
  }
  return { annotations, masks };
}

interface ActionYaml {
  inputs?: Record<string, { default?: string; required?: boolean }>;
  runs: { using: string; main: string; post?: string; 'post-if'?: string };
}

/** Expand the few `${{ }}` expressions action.yml defaults use. */
function expandDefault(value: string, ctx: Record<string, string>): string {
  return value.replace(/\$\{\{\s*([a-z_.]+)\s*\}\}/gi, (_, expr: string) => {
    if (!(expr in ctx)) throw new Error(`harness cannot evaluate \${{ ${expr} }} in an action.yml default`);
    return ctx[expr]!;
  });
}

function baseEnv(): Record<string, string> {
  // Only what a runner gives every step; never the developer's own AWS settings.
  const keep = ['PATH', 'HOME', 'LANG', 'TZ', 'SYSTEMROOT', 'PYTHON'];
  const env: Record<string, string> = {};
  for (const k of keep) if (process.env[k]) env[k] = process.env[k]!;
  return env;
}

/**
 * Run an action's committed bundle the way the Actions runner does: inputs as INPUT_<NAME> (with
 * action.yml defaults), the GITHUB_* files, then the post step with STATE_* from the saved state.
 */
export async function runAction(opts: RunActionOptions): Promise<ActionRun> {
  const actionDir = resolve(REPO_ROOT, opts.action);
  const meta = parseYaml(readFileSync(join(actionDir, 'action.yml'), 'utf8')) as ActionYaml;
  if (!/^node\d+$/.test(meta.runs.using))
    throw new Error(`${opts.action}: runs.using ${meta.runs.using} is not a node action`);
  // Like the runner: the bundle runs on the Node major its action.yml declares, not on the test's own.
  const node = nodeFor(meta.runs.using);

  const temp = mkdtempSync(join(tmpdir(), 'oaktree-run-'));
  const runnerTemp = join(temp, 'runner-temp');
  mkdirSync(runnerTemp);
  const workspace = opts.workspace ?? join(temp, 'workspace');
  mkdirSync(workspace, { recursive: true });
  const files = {
    GITHUB_OUTPUT: join(temp, 'output'),
    GITHUB_STATE: join(temp, 'state'),
    GITHUB_ENV: join(temp, 'env'),
    GITHUB_PATH: join(temp, 'path'),
    GITHUB_STEP_SUMMARY: join(temp, 'summary.md'),
    GITHUB_EVENT_PATH: join(temp, 'event.json'),
  };
  for (const f of Object.values(files)) writeFileSync(f, '');
  writeFileSync(files.GITHUB_EVENT_PATH, JSON.stringify(opts.event?.payload ?? {}));

  const github: Record<string, string> = {
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: 'oaktree-demo/shop',
    GITHUB_REPOSITORY_OWNER: 'oaktree-demo',
    GITHUB_RUN_ID: '7100000001',
    GITHUB_RUN_NUMBER: '42',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_EVENT_NAME: opts.event?.name ?? 'push',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_WORKFLOW: 'harness',
    GITHUB_JOB: 'test',
    GITHUB_ACTION: 'harness_step',
    GITHUB_ACTOR: 'octocat',
    RUNNER_TEMP: runnerTemp,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'harness',
    // Dummy credentials: moto and our emulators accept any signature; real AWS would refuse them.
    AWS_ACCESS_KEY_ID: 'AKIAOAKTREEHARNESS00',
    AWS_SECRET_ACCESS_KEY: 'harness-secret-key',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const env: Record<string, string> = { ...baseEnv(), ...github, ...files };
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }

  // Inputs: action.yml defaults, then the given values; unknown names are a test bug.
  const declared = meta.inputs ?? {};
  for (const name of Object.keys(opts.inputs ?? {}))
    if (!(name in declared)) throw new Error(`${opts.action}: input "${name}" is not declared in action.yml`);
  const ctx = {
    'github.token': env.GITHUB_TOKEN ?? 'ghs_harnessToken000000000000000000000',
    'github.workspace': workspace,
    'github.repository': github.GITHUB_REPOSITORY!,
    'github.run_id': github.GITHUB_RUN_ID!,
    'github.event_name': env.GITHUB_EVENT_NAME!,
    'runner.temp': runnerTemp,
  };
  for (const [name, spec] of Object.entries(declared)) {
    const given = opts.inputs?.[name];
    const value =
      given !== undefined
        ? String(given)
        : spec.default !== undefined
          ? expandDefault(String(spec.default), ctx)
          : '';
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }

  // Recording proxies in front of the AWS endpoints when the action documents an IAM policy.
  const recorder = opts.iam?.skip ? undefined : await startIamRecorder(actionDir, env);
  const main = await runStep(
    node,
    join(actionDir, meta.runs.main),
    env,
    workspace,
    opts.timeoutMs,
    opts.interrupt,
  );
  let post: StepResult | undefined;
  const state = parseFileCommands(readFileSync(files.GITHUB_STATE, 'utf8'));
  if (meta.runs.post && opts.post !== false) {
    const postIf = meta.runs['post-if'] ?? 'always()';
    const succeeded = main.exitCode === 0;
    const shouldRun =
      postIf.includes('always()') ||
      (postIf.includes('success()') && succeeded) ||
      (postIf.includes('failure()') && !succeeded);
    if (shouldRun) {
      const postEnv = { ...env };
      for (const [k, v] of Object.entries(state)) postEnv[`STATE_${k}`] = v;
      post = await runStep(node, join(actionDir, meta.runs.post), postEnv, workspace, opts.timeoutMs);
    }
  }
  await recorder?.check({ action: opts.action, declared: Object.keys(declared), env, workspace });
  return {
    main,
    post,
    outputs: parseFileCommands(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    state,
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    exportedEnv: parseFileCommands(readFileSync(files.GITHUB_ENV, 'utf8')),
    dirs: { temp, workspace },
    node,
    awsCalls: recorder?.calls,
  };
}

function runStep(
  node: string,
  script: string,
  env: Record<string, string>,
  cwd: string,
  timeoutMs = 120_000,
  interrupt?: RunActionOptions['interrupt'],
): Promise<StepResult> {
  if (!existsSync(script)) throw new Error(`bundle ${script} does not exist: run npm run build`);
  const started = Date.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(node, [script], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let log = '';
    let timedOut = false;
    let interrupted = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const onData = (which: 'out' | 'err') => (d: Buffer) => {
      const s = d.toString();
      if (which === 'out') stdout += s;
      else stderr += s;
      log += s;
      if (interrupt && !interrupted && interrupt.when(log)) {
        interrupted = true;
        child.kill(interrupt.signal ?? 'SIGTERM');
        if (interrupt.killAfterMs !== undefined)
          setTimeout(() => child.kill('SIGKILL'), interrupt.killAfterMs).unref();
      }
    };
    child.stdout.on('data', onData('out'));
    child.stderr.on('data', onData('err'));
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      const { annotations, masks } = parseAnnotations(stdout);
      let masked = log;
      for (const m of masks) if (m) masked = masked.split(m).join('***');
      resolvePromise({
        exitCode,
        signal,
        timedOut,
        stdout,
        stderr,
        log: masked,
        annotations,
        masks,
        durationMs: Date.now() - started,
      });
    });
  });
}
