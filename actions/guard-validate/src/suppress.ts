import { existsSync, readFileSync } from 'node:fs';
import { ConfigurationError } from '@oaktree/action-kit';
import type { Classified } from './discover.js';
import type { Finding } from './validate.js';

/**
 * Resource-level suppressions (the aws-guard-rules-registry convention):
 *
 *   Metadata:
 *     guard:
 *       SuppressedRules: [S3_BUCKET_LOGGING_ENABLED, CT.S3.PR.2, my_custom_rule]
 *
 * An entry matches a finding's rule name, its control id or its rule id, case-insensitively.
 */
export function suppressedRules(f: Classified, resource: string): string[] {
  if (f.kind !== 'template') return [];
  const r = (
    f.parsed.data as { Resources?: Record<string, { Metadata?: { guard?: { SuppressedRules?: unknown } } }> }
  ).Resources?.[resource];
  const list = r?.Metadata?.guard?.SuppressedRules;
  return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
}

export function matchesSuppression(finding: Finding, entries: string[]): boolean {
  const names = [finding.rule, finding.ruleId, finding.controlId]
    .filter(Boolean)
    .map((s) => s!.toLowerCase());
  return entries.some((e) => names.includes(e.toLowerCase()));
}

/**
 * A baseline is a list of accepted fingerprints. Accepted forms: a report written by this action
 * (its unsuppressed findings become the baseline), a JSON list of fingerprints or of objects with a
 * `fingerprint`, or plain text with one fingerprint per line (`#` comments allowed).
 */
export function readBaseline(path: string): Set<string> {
  if (!existsSync(path))
    throw new ConfigurationError(
      `input "baseline" is "${path}": no such file; write one from a previous run's report-file or leave it empty`,
      'baseline',
    );
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  const out = new Set<string>();
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let data: unknown;
    try {
      data = JSON.parse(trimmed);
    } catch (err) {
      throw new ConfigurationError(
        `input "baseline" is "${path}": not valid JSON (${(err as Error).message})`,
        'baseline',
      );
    }
    const list = Array.isArray(data) ? data : ((data as { findings?: unknown[] }).findings ?? []);
    for (const x of list) {
      if (typeof x === 'string') out.add(x);
      else if (x && typeof x === 'object' && typeof (x as { fingerprint?: unknown }).fingerprint === 'string')
        out.add((x as { fingerprint: string }).fingerprint);
    }
    return out;
  }
  for (const line of text.split(/\r?\n/)) {
    const v = line.replace(/#.*$/, '').trim();
    if (v) out.add(v);
  }
  return out;
}

/** Mark suppressed and baselined findings (violations only; parse errors are never hidden). */
export function applySuppressions(
  findings: Finding[],
  files: Map<string, Classified>,
  baseline: Set<string> | undefined,
): void {
  for (const f of findings) {
    if (f.kind !== 'violation') continue;
    const src = files.get(f.file);
    if (src && f.resource && matchesSuppression(f, suppressedRules(src, f.resource)))
      f.suppressed = 'metadata';
    else if (baseline?.has(f.fingerprint)) f.suppressed = 'baseline';
  }
}
