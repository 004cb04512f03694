import { existsSync, lstatSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { closeSync, openSync, readSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ConfigurationError } from '@oaktree/action-kit';
import type { WorkBudget } from './limits.js';
import { LIMITS, TemplateLimitError, mib } from './limits.js';
import type { TemplateParseError } from './positions.js';
import { parseTemplate, type ParsedFile } from './positions.js';

export const DATA_EXTENSIONS = ['yaml', 'yml', 'json', 'jsn', 'template'];
export const RULE_EXTENSIONS = ['guard', 'ruleset'];
const IGNORED_DIRS = new Set(['node_modules', '.git']);

/** Workspace-relative path with forward slashes (what annotations, SARIF and reports use). */
export function repoPath(workspace: string, file: string): string {
  const rel = relative(workspace, file);
  return (rel.startsWith('..') || isAbsolute(rel) ? file : rel).split(sep).join('/');
}

function isGlob(s: string): boolean {
  return /[*?[\]{}!]/.test(s);
}

function inside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Files under `root` with one of the extensions: regular files and symbolic links (a link is
 * listed, never followed: a directory link is not entered, so a walk never leaves the tree or loops;
 * `classify` decides what a file link may be). node_modules and .git are skipped; `dot: false`
 * skips hidden files and directories too.
 */
export function walk(root: string, extensions: string[], opts: { dot?: boolean } = {}): string[] {
  const exts = extensions.map((e) => `.${e.toLowerCase()}`);
  const out: string[] = [];
  const dirs = [root];
  while (dirs.length) {
    const dir = dirs.pop()!;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (!opts.dot && e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (!IGNORED_DIRS.has(e.name)) dirs.push(p);
      } else if ((e.isFile() || e.isSymbolicLink()) && exts.some((x) => e.name.toLowerCase().endsWith(x)))
        out.push(p);
    }
  }
  return out.sort();
}

/** A glob (`**`, `*`, `?`, `[...]`, `{a,b}`) as a regular expression over `/`-separated paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      re += slash ? '(?:[^/]*/)*' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const end = glob.indexOf('}', i);
      if (end < 0) re += '\\{';
      else {
        re += `(?:${glob
          .slice(i + 1, end)
          .split(',')
          .map((a) => a.replace(/[.+^$()|\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
          .join('|')})`;
        i = end;
      }
    } else if (c === '[') {
      const end = glob.indexOf(']', i);
      if (end < 0) re += '\\[';
      else {
        re += `[${glob.slice(i + 1, end).replace(/^!/, '^')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^$()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * Expand files, directories and globs (relative to the workspace) to absolute file paths with one
 * of the given extensions. An entry that matches nothing is a configuration error naming it.
 */
export async function expand(
  entries: string[],
  opts: { workspace: string; extensions: string[]; input: string },
): Promise<string[]> {
  const out = new Set<string>();
  const walked = new Map<string, string[]>();
  for (const entry of entries) {
    const abs = resolve(opts.workspace, entry);
    let found: string[] = [];
    if (!isGlob(entry) && existsSync(abs)) {
      if (statSync(abs).isDirectory()) found = walk(abs, opts.extensions);
      else found = [abs];
    } else if (isGlob(entry)) {
      // walk from the pattern's fixed leading directories (`../shared/*.guard`, `/abs/**/x.yaml` too)
      const segs = entry.split(sep).join('/').split('/');
      const firstGlob = segs.findIndex(isGlob);
      const base = resolve(opts.workspace, segs.slice(0, firstGlob).join('/') || '.');
      const re = globToRegExp(segs.slice(firstGlob).join('/'));
      if (!walked.has(base)) walked.set(base, walk(base, opts.extensions, { dot: true }));
      found = walked.get(base)!.filter((f) => re.test(relative(base, f).split(sep).join('/')));
    }
    if (found.length === 0)
      throw new ConfigurationError(
        `input "${opts.input}" has "${entry}": it matches no ${opts.extensions.map((e) => `.${e}`).join('/')} file under ${opts.workspace}`,
        opts.input,
      );
    for (const f of found) out.add(resolve(f));
  }
  return [...out].sort();
}

/** Every YAML/JSON/template file in the workspace, minus node_modules, .git and cdk.out manifests. */
export async function discoverCandidates(workspace: string): Promise<string[]> {
  return walk(resolve(workspace), DATA_EXTENSIONS).filter((f) => {
    const segs = repoPath(workspace, f).split('/');
    if (!segs.slice(0, -1).includes('cdk.out')) return true;
    const name = basename(f);
    return !(name === 'manifest.json' || name === 'tree.json' || name.endsWith('.assets.json'));
  });
}

export type Classified =
  /** `real`: the file is a symbolic link inside the workspace, validated as this target. */
  | { kind: 'template'; file: string; text: string; parsed: ParsedFile; real?: string }
  | { kind: 'plan'; file: string; text: string; parsed: ParsedFile; real?: string }
  | { kind: 'skipped'; file: string; reason: string }
  | {
      kind: 'broken';
      file: string;
      line: number;
      column: number;
      message: string;
      /** parse: does not parse; limit: over one of LIMITS; symlink: a link out of the workspace. */
      why?: 'parse' | 'limit' | 'symlink';
    };

export function isCfnTemplate(data: unknown): boolean {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return false;
  const d = data as Record<string, unknown>;
  if ('AWSTemplateFormatVersion' in d) return true;
  const res = d.Resources;
  if (!res || typeof res !== 'object') return false;
  return Object.values(res as Record<string, unknown>).some((r) => {
    const t = (r as { Type?: unknown } | null)?.Type;
    return typeof t === 'string' && /^(AWS|Alexa|Custom)::|^AWS::/.test(t);
  });
}

export function isTerraformPlan(data: unknown): boolean {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return false;
  const d = data as Record<string, unknown>;
  return (
    'format_version' in d && ('resource_changes' in d || 'planned_values' in d) && 'terraform_version' in d
  );
}

const LOOKS_LIKE_TEMPLATE =
  /AWSTemplateFormatVersion|\bType:\s*['"]?AWS::|"Type"\s*:\s*"AWS::|"resource_changes"/;

/** The first bytes of a file, without reading the rest. */
function head(file: string, bytes: number): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    return buf.subarray(0, readSync(fd, buf, 0, bytes, 0)).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

export interface ClassifyOptions {
  /** Links whose target leaves this directory are refused unread. */
  workspace?: string;
  /** The run's work budget (shared across files). */
  budget?: WorkBudget;
  maxBytes?: number;
}

/**
 * Parse a data file ourselves (positions for findings, and Guard aborts a whole run on one bad file).
 * `explicit`: the user named the file (or its directory/glob), so a parse failure is always
 * reported; in discovery a file that fails to parse is only reported when it looks like a template.
 *
 * A symbolic link inside the workspace is validated as its target, under the link's own path. A
 * link whose target leaves the workspace is refused (a finding), and the target is never read.
 * A file over a limit (size, depth, alias expansion, work) is one finding naming the limit.
 */
export function classify(file: string, explicit: boolean, opts: ClassifyOptions = {}): Classified {
  const broken = (message: string, why: 'parse' | 'limit' | 'symlink', line = 1, column = 1): Classified => ({
    kind: 'broken',
    file,
    line,
    column,
    message,
    why,
  });
  let real = file;
  let link = false;
  try {
    link = lstatSync(file).isSymbolicLink();
    if (link) real = realpathSync(file);
  } catch (err) {
    if (link)
      return explicit
        ? broken(`a symbolic link to nothing`, 'symlink')
        : { kind: 'skipped', file, reason: 'a symbolic link to nothing' };
    return broken(`cannot read: ${(err as Error).message}`, 'parse');
  }
  if (opts.workspace && inside(resolve(file), resolve(opts.workspace))) {
    let root = resolve(opts.workspace);
    try {
      root = realpathSync(root);
    } catch {
      // keep the given path
    }
    const target = link ? real : safeRealpath(file);
    if (!inside(target, root))
      return broken(
        `a symbolic link to ${target}, outside the workspace: refused, the target was not read`,
        'symlink',
      );
  }
  let size: number;
  try {
    const st = statSync(real);
    if (!st.isFile()) return { kind: 'skipped', file, reason: 'not a regular file' };
    size = st.size;
  } catch (err) {
    return broken(`cannot read: ${(err as Error).message}`, 'parse');
  }
  const maxBytes = opts.maxBytes ?? LIMITS.fileBytes;
  if (size > maxBytes) {
    if (!explicit && !LOOKS_LIKE_TEMPLATE.test(head(real, 64 * 1024)))
      return { kind: 'skipped', file, reason: `larger than ${mib(maxBytes)} and not a template` };
    return broken(
      `${mib(size)} is over the file size limit of ${mib(maxBytes)}, so it was not read`,
      'limit',
    );
  }
  let text: string;
  try {
    text = readFileSync(real, 'utf8');
  } catch (err) {
    return broken(`cannot read: ${(err as Error).message}`, 'parse');
  }
  let parsed: ParsedFile;
  try {
    parsed = parseTemplate(text, file, opts.budget);
  } catch (err) {
    if (!explicit && !LOOKS_LIKE_TEMPLATE.test(text))
      return {
        kind: 'skipped',
        file,
        reason:
          err instanceof TemplateLimitError
            ? `over the ${err.limit} limit and not a template`
            : 'not YAML or JSON',
      };
    if (err instanceof TemplateLimitError) return broken(err.message, 'limit', err.line, err.column);
    const e = err as TemplateParseError;
    return broken(e.message.replace(/ at line \d+, column \d+:?$/, ''), 'parse', e.line ?? 1, e.column ?? 1);
  }
  const via = link ? { real } : {};
  if (isCfnTemplate(parsed.data)) return { kind: 'template', file, text, parsed, ...via };
  if (isTerraformPlan(parsed.data)) return { kind: 'plan', file, text, parsed, ...via };
  return { kind: 'skipped', file, reason: 'not a CloudFormation template or Terraform plan' };
}

/** The real path of a file reached through a linked directory (itself when nothing is linked). */
function safeRealpath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return resolve(file);
  }
}
