/**
 * Reading `cfn-guard validate -o json --structured` output. One entry per data file; each failed
 * top-level rule nests rules, clauses, disjunctions and blocks. We keep every failing leaf that
 * names a place in the document (a resolved value's path, or for a missing property the path Guard
 * got to plus what it looked for), with the nearest custom message above it.
 */

export interface RawFinding {
  /** The data file name as Guard echoes it (the path we passed). */
  file: string;
  /** The top-level rule that failed. */
  rule: string;
  /** JSON pointer of the offending value, or of the nearest existing parent for a missing property. */
  pointer: string;
  /** The property Guard looked for and did not find (`BucketEncryption`). */
  missing?: string;
  /** Guard's error message, without its 0-based [L:,C:] markers. */
  detail: string;
  /** The nearest custom message (`<< ... >>`) on the way down, trimmed. */
  custom?: string;
}

export interface FileResult {
  file: string;
  status: string;
  findings: RawFinding[];
  /** Every top-level rule Guard evaluated for this file (pass, fail or skip). */
  rules: string[];
}

type Json = Record<string, unknown>;

function obj(x: unknown): Json | undefined {
  return x && typeof x === 'object' && !Array.isArray(x) ? (x as Json) : undefined;
}

function messagesOf(x: Json | undefined): { custom?: string; error?: string } {
  const m = obj(x?.messages);
  const custom =
    typeof m?.custom_message === 'string' && m.custom_message.trim() ? m.custom_message.trim() : undefined;
  const error =
    typeof m?.error_message === 'string' && m.error_message.trim() ? m.error_message.trim() : undefined;
  return { custom, error };
}

/**
 * Guard's message without its 0-based [L:,C:] markers and path noise (the finding's location says
 * where): `Check was not compliant as property value [Path=/R/X Value=false] not equal to value
 * [Path= Value=true].` becomes `property value false not equal to value true`.
 */
export function cleanDetail(text: string): string {
  return text
    .replace(/\[L:\d+,C:\d+\]/g, '')
    .replace(/\[Path=[^\s\]]* Value=(.*?)\]/g, '$1')
    .replace(/\[\(resolved, Path=[^\s\]]* Value=(.*?)\)\]/g, '$1')
    .replace(/property \[\/(?:[^\]/]*\/)*([^\]/]*)\]/g, 'property $1')
    .replace(/^Check was not compliant as /, '')
    .replace(/\s+/g, ' ')
    .replace(/\.$/, '')
    .trim();
}

/** The location a check names: a resolved `from` path, or `traversed_to` + `remaining_query`. */
function placeOf(check: unknown): { pointer: string; missing?: string } | undefined {
  const c = obj(check);
  if (!c) return undefined;
  for (const v of Object.values(c)) {
    const o = obj(v);
    if (!o) continue;
    const from = obj(o.from);
    if (typeof from?.path === 'string') return { pointer: from.path };
    const un = obj(o.value) ?? o; // UnResolved: { value: { traversed_to, remaining_query } }
    const t = obj(un.traversed_to);
    if (typeof t?.path === 'string')
      return {
        pointer: t.path,
        missing: typeof un.remaining_query === 'string' ? un.remaining_query : undefined,
      };
  }
  const t = obj(c.traversed_to);
  if (typeof t?.path === 'string')
    return {
      pointer: t.path,
      missing: typeof c.remaining_query === 'string' ? c.remaining_query : undefined,
    };
  return undefined;
}

function fromMessage(text: string | undefined): string | undefined {
  const m = text ? /Path=(\/[^[\s\]]*)/.exec(text) : null;
  return m?.[1];
}

function walk(
  node: unknown,
  custom: string | undefined,
  out: Array<Omit<RawFinding, 'file' | 'rule'>>,
): void {
  const n = obj(node);
  if (!n) return;
  if (n.Rule) {
    const r = obj(n.Rule)!;
    const m = messagesOf(r);
    for (const c of (r.checks as unknown[]) ?? []) walk(c, m.custom ?? custom, out);
    return;
  }
  if (n.Disjunctions) {
    for (const c of (obj(n.Disjunctions)?.checks as unknown[]) ?? []) walk(c, custom, out);
    return;
  }
  if (n.Block) {
    const b = obj(n.Block)!;
    const m = messagesOf(b);
    const place = placeOf({ unresolved: b.unresolved }) ?? { pointer: fromMessage(m.error) ?? '' };
    out.push({ ...place, detail: cleanDetail(m.error ?? 'block check failed'), custom: m.custom ?? custom });
    return;
  }
  if (n.Clause) {
    const clause = obj(n.Clause)!;
    for (const v of Object.values(clause)) {
      const leaf = obj(v);
      if (!leaf) continue;
      const m = messagesOf(leaf);
      const place = placeOf(leaf.check) ?? { pointer: fromMessage(m.error) ?? '' };
      const detail =
        m.error ??
        (typeof leaf.context === 'string' ? `check failed: ${leaf.context.trim()}` : 'check failed');
      out.push({ ...place, detail: cleanDetail(detail), custom: m.custom ?? custom });
    }
  }
}

function ruleName(x: unknown): string | undefined {
  if (typeof x === 'string') return x;
  const r = obj(obj(x)?.Rule) ?? obj(x);
  return typeof r?.name === 'string' ? r.name : undefined;
}

export function readStructured(output: unknown): FileResult[] {
  if (!Array.isArray(output)) throw new Error('cfn-guard output is not a list of file results');
  return output.map((entry) => {
    const e = obj(entry) ?? {};
    const file = String(e.name ?? '');
    const findings: RawFinding[] = [];
    const rules = new Set<string>();
    for (const list of ['compliant', 'not_applicable', 'not_compliant'] as const)
      for (const x of (e[list] as unknown[]) ?? []) {
        const name = ruleName(x);
        if (name) rules.add(name);
      }
    for (const nc of (e.not_compliant as unknown[]) ?? []) {
      const r = obj(obj(nc)?.Rule);
      if (!r) continue;
      const rule = String(r.name);
      const leaves: Array<Omit<RawFinding, 'file' | 'rule'>> = [];
      walk(nc, undefined, leaves);
      if (leaves.length === 0)
        leaves.push({ pointer: '', detail: `rule ${rule} failed`, custom: messagesOf(r).custom });
      const seen = new Set<string>();
      for (const l of leaves) {
        const key = `${l.pointer}\u0000${l.missing ?? ''}`;
        if (seen.has(key)) continue;
        seen.add(key);
        findings.push({ file, rule, ...l });
      }
    }
    return { file, status: String(e.status ?? ''), findings, rules: [...rules] };
  });
}
