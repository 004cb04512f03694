import { createHash } from 'node:crypto';
import { locate, type Located, type PNode } from './positions.js';
import type { Place, RawFinding } from './results.js';
import { messageText, type RuleCatalog, type RuleInfo } from './rules-meta.js';
import type { Evaluated, Finding } from './validate.js';

/**
 * Where a finding goes: the most specific node of the template that one of the failing check's
 * places resolves to. Guard names places in several ways (resolved values, where a lookup stopped,
 * message text); some are relative to a rule variable (`/0`) and resolve to nothing.
 */

export function fingerprint(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

export function resourceOf(f: Evaluated, pointer: string): string | undefined {
  const segs = pointer.split('/').filter(Boolean);
  if (f.kind === 'template' && segs[0] === 'Resources' && segs[1]) return segs[1];
  if (f.kind === 'plan' && segs[0] === 'resource_changes' && segs[1] !== undefined) {
    const rc = (f.parsed.data as { resource_changes?: Array<{ address?: string }> }).resource_changes;
    return rc?.[Number(segs[1])]?.address;
  }
  return undefined;
}

/**
 * The property a missing-property finding is about: the first step of Guard's remaining query
 * (`Tags[*]` and `Tags` are the same missing `Tags`; so is `BucketEncryption.X` when
 * `BucketEncryption` itself is absent).
 */
export function missingProperty(missing: string | undefined): string {
  return (missing ?? '').split('.')[0]!.replace(/\[.*$/, '');
}

interface Placed {
  raw: RawFinding;
  place: Place;
  at: Located;
  /** Why Guard's own places were not used: `resource` (the rule's type filter) or `document`. */
  fallback?: 'resource' | 'document';
}

/**
 * The deepest place that resolves in the document: most segments found, then an exact match (a
 * missing property under an existing parent beats a longer path that stops at the same parent).
 */
export function bestPlace(root: PNode, raw: RawFinding): { place: Place; at: Located } | undefined {
  const places = raw.places.length ? raw.places : [{ pointer: raw.pointer, missing: raw.missing }];
  let best: { place: Place; at: Located; score: number } | undefined;
  for (const place of places) {
    if (!place.pointer) continue;
    const at = locate(root, place.pointer);
    if (at.resolved.length === 0) continue;
    const score = at.resolved.length * 2 + (at.exact ? 1 : 0);
    if (!best || score > best.score) best = { place, at, score };
  }
  return best;
}

/** Logical ids of the template's resources of these types, in document order. */
function resourcesOfTypes(f: Evaluated, types: string[]): string[] {
  if (f.kind !== 'template') return [];
  const res = (f.parsed.data as { Resources?: Record<string, { Type?: unknown } | null> }).Resources;
  if (!res || typeof res !== 'object') return [];
  return Object.entries(res)
    .filter(([, r]) => typeof r?.Type === 'string' && types.includes(r.Type))
    .map(([id]) => id);
}

/**
 * Findings of one file, each at its most specific node. A rule whose failing checks name no place
 * that resolves (only paths relative to a rule variable, or none) is placed at the resource its type
 * filter selects, and only at the `Resources` key (or the document) when no such resource exists.
 * When some checks of a rule resolve, the others (restating them through a variable) are dropped.
 * One finding per rule, resource, place and missing property.
 */
export function locatedFindings(
  raws: RawFinding[],
  file: string,
  f: Evaluated,
  catalog: RuleCatalog,
): Finding[] {
  const root = f.parsed.root as PNode;
  const byRule = new Map<string, RawFinding[]>();
  for (const raw of raws) byRule.set(raw.rule, [...(byRule.get(raw.rule) ?? []), raw]);
  const out: Finding[] = [];
  for (const [rule, list] of byRule) {
    let keep: Placed[] = [];
    for (const raw of list) {
      const b = bestPlace(root, raw);
      if (b) keep.push({ raw, ...b });
    }
    if (keep.length === 0) keep = [fallbackPlace(list[0]!, rule, f, root, catalog)];
    const seen = new Set<string>();
    for (const p of keep) {
      const resource = resourceOf(f, p.place.pointer) ?? '';
      // Two properties missing under the same parent are two findings at the same place.
      const key = `${resource}\u0000${p.at.line}:${p.at.column}\u0000${missingProperty(p.place.missing)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(toFinding(p, file, f, catalog));
    }
  }
  return out;
}

function fallbackPlace(
  raw: RawFinding,
  rule: string,
  f: Evaluated,
  root: PNode,
  catalog: RuleCatalog,
): Placed {
  const ids = resourcesOfTypes(f, catalog.resourceTypes(rule));
  if (ids.length) {
    const pointer = `/Resources/${ids[0]!.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const note =
      ids.length > 1 ? ` (Guard named no path; the first of ${ids.length} resources the rule checks)` : '';
    return {
      raw: { ...raw, detail: `${raw.detail}${note}` },
      place: { pointer },
      at: locate(root, pointer),
      fallback: 'resource',
    };
  }
  const resources = locate(root, '/Resources');
  const pointer = resources.exact ? '/Resources' : '';
  return {
    raw,
    place: { pointer },
    at: resources.exact ? resources : locate(root, ''),
    fallback: 'document',
  };
}

function toFinding(p: Placed, file: string, f: Evaluated, catalog: RuleCatalog): Finding {
  const { raw, place, at } = p;
  const info: RuleInfo = catalog.info(raw.rule, raw.custom);
  const resource = resourceOf(f, place.pointer);
  const what = place.missing
    ? `${place.missing} is missing${place.pointer ? ` under ${place.pointer}` : ''}`
    : raw.detail;
  const text =
    info.source === 'control-tower' ? info.title : (messageText(raw.custom) ?? `Rule ${raw.rule} failed`);
  const where = resource ? (f.kind === 'plan' ? ` (${resource})` : ` (resource ${resource})`) : '';
  return {
    kind: 'violation',
    file,
    line: at.line,
    column: at.column,
    exact: at.exact && !place.missing && !p.fallback,
    rule: raw.rule,
    ruleId: info.id,
    controlId: info.controlId,
    severity: info.severity,
    title: info.controlId ? `${info.controlId}: ${info.title}` : info.title,
    message: `${text}${where}. ${what}`.replace(/\.\./g, '.'),
    remediation: info.remediation,
    helpUri: info.helpUri,
    pointer: place.pointer,
    missing: place.missing,
    resource,
    fingerprint: fingerprint(file, info.id, stablePath(f, place.pointer, resource), place.missing ?? ''),
  };
}

/**
 * The finding's path for its fingerprint: a plan's `/resource_changes/<index>` becomes the resource
 * address, so reordered or added resources leave the other findings' fingerprints alone. Template
 * paths start with `/Resources/<logical id>`, so a fingerprint is keyed on its resource either way.
 */
export function stablePath(f: Evaluated, pointer: string, resource: string | undefined): string {
  if (f.kind !== 'plan' || resource === undefined) return pointer;
  const m = /^\/resource_changes\/\d+(?=\/|$)/.exec(pointer);
  return m ? `resource_changes[${resource}]${pointer.slice(m[0].length)}` : pointer;
}
