/**
 * Reading `cfn-guard validate -o json --structured` output. One entry per data file; each failed
 * top-level rule nests rules, clauses, disjunctions and blocks. We keep every failing leaf that
 * names a place in the document (a resolved value's path, or for a missing property the path Guard
 * got to plus what it looked for), with the nearest custom message above it.
 */

/** A place a failing check names: a JSON pointer, and for a missing property what was looked for. */
export interface Place {
  pointer: string;
  missing?: string;
}

export interface RawFinding {
  /** The data file name as Guard echoes it (the path we passed). */
  file: string;
  /** The top-level rule that failed. */
  rule: string;
  /**
   * The deepest of `places` (by path length, before the document is consulted): JSON pointer of the
   * offending value, or of the nearest existing parent for a missing property.
   */
  pointer: string;
  /** The property Guard looked for and did not find (`BucketEncryption`). */
  missing?: string;
  /** Every place the failing check (or the failed alternatives of a disjunction) names. */
  places: Place[];
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

const MAX_SCAN_DEPTH = 8;

/**
 * Every place a check names: resolved `from` / `to` / Unary `value` paths, UnResolved and Block
 * `traversed_to` (+ `remaining_query`), wherever they sit in the check. Values (the document's own
 * data under a path) are not searched.
 */
export function placesOf(x: unknown, out: Place[] = [], depth = 0): Place[] {
  if (depth > MAX_SCAN_DEPTH || !x || typeof x !== 'object') return out;
  if (Array.isArray(x)) {
    for (const v of x) placesOf(v, out, depth + 1);
    return out;
  }
  const o = x as Json;
  const t = obj(o.traversed_to);
  if (typeof t?.path === 'string') {
    out.push({
      pointer: t.path,
      missing: typeof o.remaining_query === 'string' ? o.remaining_query : undefined,
    });
    return out;
  }
  if (typeof o.path === 'string') {
    out.push({ pointer: o.path });
    return out;
  }
  for (const [k, v] of Object.entries(o))
    if (k !== 'messages' && k !== 'context') placesOf(v, out, depth + 1);
  return out;
}

/** Paths in Guard's message text: `Path=/R/X[L:..]` and `property [/R/X[L:..]]`. */
export function placesInMessage(text: string | undefined): Place[] {
  if (!text) return [];
  const out: Place[] = [];
  for (const m of text.matchAll(/Path=(\/[^[\s\]]*)|\[(\/[^[\]\s]*)\[L:/g))
    out.push({ pointer: (m[1] ?? m[2])! });
  return out;
}

/** Segments of a pointer (for "deepest"). */
function depthOf(p: Place): number {
  return p.pointer.split('/').filter(Boolean).length + (p.missing ? 1 : 0);
}

/** Places without empties and repeats, deepest first. */
export function uniquePlaces(places: Place[]): Place[] {
  const seen = new Set<string>();
  const out: Place[] = [];
  for (const p of places) {
    if (!p.pointer) continue;
    const key = `${p.pointer}\u0000${p.missing ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out.sort((a, b) => depthOf(b) - depthOf(a));
}

type Leaf = Omit<RawFinding, 'file' | 'rule' | 'pointer' | 'missing'> & { group?: number };

function walk(
  node: unknown,
  custom: string | undefined,
  out: Leaf[],
  group: { next: number; cur?: number },
): void {
  const n = obj(node);
  if (!n) return;
  if (n.Rule) {
    const r = obj(n.Rule)!;
    const m = messagesOf(r);
    for (const c of (r.checks as unknown[]) ?? []) walk(c, m.custom ?? custom, out, group);
    return;
  }
  if (n.Disjunctions) {
    // One failed disjunction is one finding: its alternatives share a group (the outermost one).
    const outer = group.cur;
    if (outer === undefined) group.cur = group.next++;
    for (const c of (obj(n.Disjunctions)?.checks as unknown[]) ?? []) walk(c, custom, out, group);
    group.cur = outer;
    return;
  }
  if (n.Block) {
    const b = obj(n.Block)!;
    const m = messagesOf(b);
    out.push({
      places: [...placesOf({ unresolved: b.unresolved }), ...placesInMessage(m.error)],
      detail: cleanDetail(m.error ?? 'block check failed'),
      custom: m.custom ?? custom,
      group: group.cur,
    });
    return;
  }
  if (n.Clause) {
    const clause = obj(n.Clause)!;
    for (const v of Object.values(clause)) {
      const leaf = obj(v);
      if (!leaf) continue;
      const m = messagesOf(leaf);
      const detail =
        m.error ??
        (typeof leaf.context === 'string' ? `check failed: ${leaf.context.trim()}` : 'check failed');
      out.push({
        places: [...placesOf(leaf.check), ...placesInMessage(m.error)],
        detail: cleanDetail(detail),
        custom: m.custom ?? custom,
        group: group.cur,
      });
    }
  }
}

/** The `/Resources/<id>` (or `/resource_changes/<n>`) a place is under, for grouping alternatives. */
function resourceKey(places: Place[]): string {
  const p = places.find((x) => /^\/(Resources|resource_changes)\/[^/]+/.test(x.pointer));
  return p ? /^\/(?:Resources|resource_changes)\/[^/]+/.exec(p.pointer)![0] : '';
}

/**
 * Leaves of one failed rule as raw findings: the alternatives of one failed disjunction (about one
 * resource) merge into one finding whose message lists them; repeats of a place are dropped.
 */
export function mergeLeaves(file: string, rule: string, leaves: Leaf[]): RawFinding[] {
  const merged: Array<Leaf & { details: string[] }> = [];
  const byGroup = new Map<string, Leaf & { details: string[] }>();
  for (const l of leaves) {
    const key = l.group === undefined ? undefined : `${l.group}\u0000${resourceKey(l.places)}`;
    const into = key === undefined ? undefined : byGroup.get(key);
    if (into) {
      into.places.push(...l.places);
      if (!into.details.includes(l.detail)) into.details.push(l.detail);
      into.custom ??= l.custom;
      continue;
    }
    const m = { ...l, places: [...l.places], details: [l.detail] };
    merged.push(m);
    if (key !== undefined) byGroup.set(key, m);
  }
  const out: RawFinding[] = [];
  const seen = new Set<string>();
  for (const m of merged) {
    const places = uniquePlaces(m.places);
    const best = places[0] ?? { pointer: '' };
    const detail =
      m.details.length > 1 ? `none of the alternatives holds: ${m.details.join('; or ')}` : m.details[0]!;
    const key = `${best.pointer}\u0000${best.missing ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ file, rule, pointer: best.pointer, missing: best.missing, places, detail, custom: m.custom });
  }
  return out;
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
      const leaves: Leaf[] = [];
      walk(nc, undefined, leaves, { next: 0 });
      if (leaves.length === 0)
        leaves.push({ places: [], detail: `rule ${rule} failed`, custom: messagesOf(r).custom });
      findings.push(...mergeLeaves(file, rule, leaves));
    }
    return { file, status: String(e.status ?? ''), findings, rules: [...rules] };
  });
}
