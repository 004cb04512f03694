import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { glob } from 'tinyglobby';
import { ConfigurationError } from '@oaktree/action-kit';
import type { TemplateParseError } from './positions.js';
import { parseTemplate, type ParsedFile } from './positions.js';

export const DATA_EXTENSIONS = ['yaml', 'yml', 'json', 'jsn', 'template'];
export const RULE_EXTENSIONS = ['guard', 'ruleset'];
const IGNORE = ['**/node_modules/**', '**/.git/**'];

/** Workspace-relative path with forward slashes (what annotations, SARIF and reports use). */
export function repoPath(workspace: string, file: string): string {
  const rel = relative(workspace, file);
  return (rel.startsWith('..') || isAbsolute(rel) ? file : rel).split(sep).join('/');
}

function isGlob(s: string): boolean {
  return /[*?[\]{}!]/.test(s);
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
  const ext = opts.extensions.length === 1 ? opts.extensions[0]! : `{${opts.extensions.join(',')}}`;
  for (const entry of entries) {
    const abs = resolve(opts.workspace, entry);
    let found: string[] = [];
    if (!isGlob(entry) && existsSync(abs)) {
      if (statSync(abs).isDirectory())
        found = await glob(`**/*.${ext}`, {
          cwd: abs,
          absolute: true,
          ignore: IGNORE,
          caseSensitiveMatch: false,
        });
      else found = [abs];
    } else if (isGlob(entry)) {
      found = (
        await glob(entry, { cwd: opts.workspace, absolute: true, ignore: IGNORE, onlyFiles: true })
      ).filter((f) => opts.extensions.some((e) => f.toLowerCase().endsWith(`.${e}`)));
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
  const files = await glob(`**/*.{${DATA_EXTENSIONS.join(',')}}`, {
    cwd: workspace,
    absolute: true,
    ignore: [
      ...IGNORE,
      '**/cdk.out/**/manifest.json',
      '**/cdk.out/**/tree.json',
      '**/cdk.out/**/*.assets.json',
      '**/cdk.out/cdk.out',
    ],
    caseSensitiveMatch: false,
    dot: false,
  });
  return files.map((f) => resolve(f)).sort();
}

export type Classified =
  | { kind: 'template'; file: string; text: string; parsed: ParsedFile }
  | { kind: 'plan'; file: string; text: string; parsed: ParsedFile }
  | { kind: 'skipped'; file: string; reason: string }
  | { kind: 'broken'; file: string; line: number; column: number; message: string };

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

/**
 * Parse a data file ourselves (positions for findings, and Guard aborts a whole run on one bad file).
 * `explicit`: the user named the file (or its directory/glob), so a parse failure is always
 * reported; in discovery a file that fails to parse is only reported when it looks like a template.
 */
export function classify(file: string, explicit: boolean): Classified {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { kind: 'broken', file, line: 1, column: 1, message: `cannot read: ${(err as Error).message}` };
  }
  let parsed: ParsedFile;
  try {
    parsed = parseTemplate(text, file);
  } catch (err) {
    if (!explicit && !LOOKS_LIKE_TEMPLATE.test(text))
      return { kind: 'skipped', file, reason: 'not YAML or JSON' };
    const e = err as TemplateParseError;
    return {
      kind: 'broken',
      file,
      line: e.line ?? 1,
      column: e.column ?? 1,
      message: e.message.replace(/ at line \d+, column \d+:?$/, ''),
    };
  }
  if (isCfnTemplate(parsed.data)) return { kind: 'template', file, text, parsed };
  if (isTerraformPlan(parsed.data)) return { kind: 'plan', file, text, parsed };
  return { kind: 'skipped', file, reason: 'not a CloudFormation template or Terraform plan' };
}
