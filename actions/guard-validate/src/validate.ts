import { Limiter } from '@oaktree/action-kit';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { EXIT, parseRuleErrors, runEngine, type ExecResult } from './engine.js';
import type { Classified } from './discover.js';
import { repoPath } from './discover.js';
import type { Severity } from './inputs.js';
import { stripBom } from './positions.js';
import { fingerprint, locatedFindings } from './placement.js';
import { readStructured, type FileResult } from './results.js';
import type { RuleCatalog } from './rules-meta.js';
import type { Control } from './rules-meta.js';

export type FindingKind = 'violation' | 'template-error' | 'rule-error' | 'engine-error' | 'test-failure';

export interface Finding {
  kind: FindingKind;
  /** Repo-relative path with forward slashes. */
  file: string;
  line: number;
  column: number;
  /** False when the line is the nearest existing parent of what the rule looked for. */
  exact: boolean;
  rule: string;
  /** Stable rule id: the control id for Control Tower rules, the rule name for custom rules. */
  ruleId: string;
  controlId?: string;
  severity: Severity;
  title: string;
  message: string;
  remediation?: string;
  helpUri?: string;
  pointer?: string;
  missing?: string;
  /** CloudFormation logical id or Terraform resource address. */
  resource?: string;
  /** Stable across runs and line moves: sha256 of file, rule and path. */
  fingerprint: string;
  suppressed?: 'metadata' | 'baseline';
}

export interface ValidateInput {
  engine: string;
  workspace: string;
  /** Custom rule files (absolute). */
  ruleFiles: string[];
  /** Control Tower controls to run (absolute rule file = packDir/control.file). */
  controls: Control[];
  packDir: string;
  /** Every control of the pack (for metadata of rules named in findings). */
  catalog: RuleCatalog;
  files: Classified[];
  parallelism: number;
  tempDir: string;
  log?: (line: string) => void;
}

export interface ValidateOutput {
  findings: Finding[];
  filesScanned: number;
  skipped: Array<{ file: string; reason: string }>;
  rulesEvaluated: number;
  engineRuns: number;
}

export type Evaluated = Extract<Classified, { kind: 'template' | 'plan' }>;

export { fingerprint, locatedFindings, missingProperty, resourceOf, stablePath } from './placement.js';

function resourceTypes(f: Evaluated): Set<string> {
  const out = new Set<string>();
  const res = (f.parsed.data as { Resources?: Record<string, { Type?: unknown }> } | null)?.Resources;
  if (res && typeof res === 'object')
    for (const r of Object.values(res)) if (r && typeof r.Type === 'string') out.add(r.Type);
  return out;
}

/** Split files into at most n shards of similar total size (largest first onto the lightest shard). */
export function shard<T>(items: T[], n: number, size: (t: T) => number): T[][] {
  const k = Math.max(1, Math.min(n, items.length));
  const shards: Array<{ items: T[]; load: number }> = Array.from({ length: k }, () => ({
    items: [],
    load: 0,
  }));
  for (const it of [...items].sort((a, b) => size(b) - size(a))) {
    const s = shards.reduce((a, b) => (b.load < a.load ? b : a));
    s.items.push(it);
    s.load += size(it) + 2000; // a fixed cost per file as well
  }
  return shards.map((s) => s.items).filter((s) => s.length);
}

function baseArgs(rules: string[], data: string[]): string[] {
  return [
    'validate',
    '--output-format',
    'json',
    '--structured',
    '--show-summary',
    'none',
    ...rules.flatMap((r) => ['--rules', r]),
    ...data.flatMap((d) => ['--data', d]),
  ];
}

function parseOutput(r: ExecResult): FileResult[] | undefined {
  if (r.code !== EXIT.PASS && r.code !== EXIT.VIOLATIONS && r.code !== EXIT.RULE_PARSE) return undefined;
  try {
    return readStructured(JSON.parse(r.stdout));
  } catch {
    return undefined;
  }
}

function engineMessage(stderr: string): string {
  const text = stderr
    .replace(/Parsing error handling rule file[\s\S]*?`\n---\n?/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > 400 ? `${text.slice(0, 399)}…` : text || 'cfn-guard could not evaluate this file';
}

export interface Job {
  files: string[];
  rules: string[];
  /** Relative work estimate (bytes of data x rule files), for scheduling the biggest first. */
  cost: number;
}

/**
 * The engine evaluates each data file on its own, so the files are split into shards of similar
 * size, one engine run each, `jobsPerCpu` per CPU. A shard runs the custom rules and only the
 * Control Tower controls whose resource types one of its templates contains (elsewhere they could
 * only SKIP). Together the jobs give the same verdicts as one run of every rule over every file.
 * (Splitting by control group as well was measured: re-reading every file per group costs more
 * than the skipped evaluations save.)
 */
export function planJobs(opts: {
  names: string[];
  size: (n: string) => number;
  isTemplate: (n: string) => boolean;
  types: (n: string) => Set<string>;
  ruleFiles: string[];
  controls: Control[];
  packDir: string;
  parallelism: number;
  jobsPerCpu?: number;
}): Job[] {
  const jobs: Job[] = [];
  const n = Math.max(1, opts.parallelism) * (opts.jobsPerCpu ?? 2);
  for (const files of shard(opts.names, n, opts.size)) {
    const types = new Set<string>();
    let template = false;
    for (const f of files) {
      if (opts.isTemplate(f)) template = true;
      for (const t of opts.types(f)) types.add(t);
    }
    const controls = template
      ? opts.controls.filter((c) => c.resourceTypes.length === 0 || c.resourceTypes.some((t) => types.has(t)))
      : [];
    const rules = [...opts.ruleFiles, ...controls.map((c) => join(opts.packDir, c.file))];
    if (!rules.length) continue;
    jobs.push({ files, rules, cost: files.reduce((a, f) => a + opts.size(f) + 2000, 0) * rules.length });
  }
  return jobs.sort((a, b) => b.cost - a.cost);
}

/** Run `fn` over the items with at most n at a time, in order. */
export async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  const limiter = new Limiter(Math.max(1, n));
  await Promise.all(items.map((item) => limiter.run(() => fn(item))));
}

/** Parse-checked files in, located findings out: the engine runs as a pool of jobs (planJobs). */
export async function validate(input: ValidateInput): Promise<ValidateOutput> {
  const log = input.log ?? (() => undefined);
  const findings: Finding[] = [];
  const skipped: Array<{ file: string; reason: string }> = [];
  const evaluated: Evaluated[] = [];
  for (const f of input.files) {
    if (f.kind === 'skipped') skipped.push({ file: repoPath(input.workspace, f.file), reason: f.reason });
    else if (f.kind === 'broken') {
      findings.push(brokenFinding(repoPath(input.workspace, f.file), f));
    } else evaluated.push(f);
  }

  // Guard reads a UTF-8 BOM as part of the first key and then skips every rule, and it passes a
  // symbolic link without reading it (silent passes both): hand it a plain copy of the text we
  // parsed, without the BOM. Lines and columns do not move.
  const engineName = new Map<string, Evaluated>();
  let bomDir: string | undefined;
  const enginePath = (f: Evaluated): string => {
    if (f.text.charCodeAt(0) !== 0xfeff && !f.real) return f.file;
    bomDir ??= mkdtempSync(join(input.tempDir, 'guard-copy-'));
    const dir = join(bomDir, String(engineName.size));
    mkdirSync(dir, { recursive: true });
    const copy = join(dir, basename(f.file));
    writeFileSync(copy, stripBom(f.text));
    return copy;
  };
  const byName = new Map<string, Evaluated>();
  for (const f of evaluated) {
    const p = enginePath(f);
    engineName.set(p, f);
    byName.set(p, f);
  }
  const names = [...byName.keys()];

  const typesOf = new Map(names.map((n) => [n, resourceTypes(byName.get(n)!)]));
  const jobs = planJobs({
    names,
    size: (n) => byName.get(n)!.text.length,
    isTemplate: (n) => byName.get(n)!.kind === 'template',
    types: (n) => typesOf.get(n)!,
    ruleFiles: input.ruleFiles,
    controls: input.controls,
    packDir: input.packDir,
    parallelism: input.parallelism,
  });

  const ruleErrors = new Map<string, ReturnType<typeof parseRuleErrors>[number]>();
  const rulesSeen = new Set<string>();
  const brokenFiles = new Set<string>();
  let runs = 0;
  // Each job's output is located as soon as it arrives, while the other jobs still run.
  const take = (parsed: FileResult[]) => {
    for (const res of parsed) {
      for (const r of res.rules) rulesSeen.add(r);
      const f = engineName.get(res.file) ?? byName.get(res.file);
      if (!f) continue;
      findings.push(...locatedFindings(res.findings, repoPath(input.workspace, f.file), f, input.catalog));
    }
  };
  const runJob = async (job: Job): Promise<void> => {
    runs++;
    const r = await runEngine(input.engine, baseArgs(job.rules, job.files));
    for (const e of parseRuleErrors(r.stderr)) ruleErrors.set(`${e.file}:${e.line}:${e.column}`, e);
    const parsed = parseOutput(r);
    if (parsed) return take(parsed);
    if (job.files.length > 1) {
      // One file the engine cannot read aborts its whole run: halve the run until it is found.
      log(
        `cfn-guard stopped on a run over ${job.files.length} files (exit ${r.code}); splitting it to find the file`,
      );
      const mid = Math.ceil(job.files.length / 2);
      await runJob({ ...job, files: job.files.slice(0, mid) });
      await runJob({ ...job, files: job.files.slice(mid) });
      return;
    }
    const f = byName.get(job.files[0]!)!;
    const file = repoPath(input.workspace, f.file);
    if (brokenFiles.has(file)) return;
    brokenFiles.add(file);
    const msg = engineMessage(r.stderr);
    const at = /line (\d+),? column (\d+)/.exec(msg);
    findings.push({
      kind: 'engine-error',
      file,
      line: at ? Number(at[1]) : 1,
      column: at ? Number(at[2]) : 1,
      exact: !!at,
      rule: 'engine-error',
      ruleId: 'guard/engine-error',
      severity: 'high',
      title: 'cfn-guard could not evaluate this file',
      message: `cfn-guard exit ${r.code} on ${file}: ${msg}`,
      fingerprint: fingerprint(file, 'engine-error'),
    });
  };
  try {
    await pool(jobs, input.parallelism, runJob);
  } finally {
    if (bomDir) rmSync(bomDir, { recursive: true, force: true });
  }

  // Rule files that failed to parse: Guard names only the file's base name. When several rule files
  // share it, the engine's parse-tree says which of them fails, and where.
  const parseFailures = new Map<string, Promise<{ line: number; column: number } | undefined>>();
  const parseFailure = (file: string) => {
    let p = parseFailures.get(file);
    if (!p) {
      p = runEngine(input.engine, ['parse-tree', '--rules', file]).then((r) => {
        if (r.code === EXIT.PASS) return undefined;
        const at = /line (\d+),? at column (\d+)/.exec(r.stderr);
        return at ? { line: Number(at[1]), column: Number(at[2]) } : { line: 0, column: 0 };
      });
      parseFailures.set(file, p);
    }
    return p;
  };
  const reported = new Set<string>();
  for (const e of ruleErrors.values()) {
    const same = input.ruleFiles.filter((r) => basename(r) === basename(e.file));
    let files = same.filter((r) => r === e.file);
    if (!files.length && same.length === 1) files = same;
    if (!files.length && same.length > 1) {
      const failing: Array<{ file: string; at: { line: number; column: number } }> = [];
      for (const r of same) {
        const at = await parseFailure(r);
        if (at) failing.push({ file: r, at });
      }
      const here = failing.filter((x) => x.at.line === e.line && x.at.column === e.column);
      files = (here.length ? here : failing).map((x) => x.file);
    }
    for (const r of files.length ? files : [e.file]) {
      const file = repoPath(input.workspace, r);
      if (reported.has(`${file}:${e.line}:${e.column}`)) continue;
      reported.add(`${file}:${e.line}:${e.column}`);
      findings.push(
        errorAt(file, e, {
          kind: 'rule-error',
          rule: 'rule-parse-error',
          title: 'Rule file does not parse',
          message: `${file} does not parse at line ${e.line}, column ${e.column}: ${e.message}`,
        }),
      );
    }
  }

  // Controls left out because no file had their resource types were evaluated in effect (SKIP).
  for (const c of input.controls) for (const r of c.rules) rulesSeen.add(r);
  return {
    findings,
    filesScanned: evaluated.length,
    skipped,
    rulesEvaluated: rulesSeen.size,
    engineRuns: runs,
  };
}

const BROKEN = {
  parse: { rule: 'template-parse-error', title: 'Template does not parse', verb: 'does not parse' },
  limit: { rule: 'template-limit', title: 'Template over a safety limit', verb: 'was not checked' },
  symlink: { rule: 'template-symlink', title: 'Symbolic link refused', verb: 'was not checked' },
} as const;

/** A data file we could not evaluate: one template-error finding at it, naming why. */
export function brokenFinding(file: string, f: Extract<Classified, { kind: 'broken' }>): Finding {
  const b = BROKEN[f.why ?? 'parse'];
  return {
    kind: 'template-error',
    file,
    line: f.line,
    column: f.column,
    exact: true,
    rule: b.rule,
    ruleId: `guard/${b.rule}`,
    severity: 'high',
    title: b.title,
    message: `${file} ${b.verb}: ${f.message}`,
    fingerprint: fingerprint(file, b.rule),
  };
}

/** A high-severity error finding at a file, at the engine's line and column when it gave them. */
export function errorAt(
  file: string,
  at: { line: number; column: number } | undefined,
  f: { kind: Finding['kind']; rule: string; title: string; message: string },
): Finding {
  return {
    kind: f.kind,
    file,
    line: at?.line ?? 1,
    column: at?.column ?? 1,
    exact: !!at,
    rule: f.rule,
    ruleId: `guard/${f.rule}`,
    severity: 'high',
    title: f.title,
    message: f.message,
    fingerprint: fingerprint(file, f.rule),
  };
}
