import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { TemplateLimitError, WorkBudget } from './limits.js';

/**
 * A position-keeping parse of a template (YAML with CloudFormation short-form tags, or JSON), so
 * Guard's JSON pointer paths (`/Resources/SG/Properties/SecurityGroupIngress/2/CidrIp`) can be
 * turned into the 1-based line and column of the key or list element they name. Guard's own
 * regions are 1:1 or 0-based; we never use them.
 */

export interface Pos {
  line: number;
  column: number;
}

export interface PNode {
  kind: 'map' | 'seq' | 'scalar';
  /** Where the value starts. */
  pos: Pos;
  /** Map entries in order: key text, where the key is, the value. */
  entries?: Map<string, { key: Pos; value: PNode }>;
  items?: PNode[];
  /** A YAML tag such as `!Ref` or `!If` (short-form intrinsic functions). */
  tag?: string;
  value?: unknown;
}

export interface ParsedFile {
  format: 'yaml' | 'json';
  root: PNode;
  /** The plain value, short forms turned into long forms (`!Ref X` -> `{ Ref: X }`). */
  data: unknown;
}

export class TemplateParseError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

/** Line starts, for offset -> line/column (CRLF counts as one break; the BOM is stripped first). */
export class Lines {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  at(offset: number): Pos {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo]! + 1 };
  }
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Counts the nodes of one file against its budget (per file, and the run's total), and checks the
 * nesting depth. `alias` tells an alias bomb from a merely big file.
 */
class Counter {
  nodes = 0;
  aliasNodes = 0;
  constructor(private readonly budget: WorkBudget) {}
  node(depth: number, alias: boolean, at: () => Pos): void {
    const b = this.budget;
    if (depth > b.depth)
      throw limitAt('nesting depth', `nested deeper than ${b.depth} levels (the nesting depth limit)`, at());
    if (alias && ++this.aliasNodes > b.aliasNodes)
      throw limitAt(
        'alias expansion',
        `YAML aliases expand to more than ${b.aliasNodes.toLocaleString('en-US')} values (the alias expansion limit)`,
        at(),
      );
    if (++this.nodes > b.perFile)
      throw limitAt(
        'nodes per file',
        `more than ${b.perFile.toLocaleString('en-US')} values (the per-file node limit)`,
        at(),
      );
    if (b.used + this.nodes > b.total)
      throw limitAt(
        'total work',
        `the run's files together exceed ${b.total.toLocaleString('en-US')} values (the total work limit); this file was not checked`,
        at(),
      );
  }
  commit(): void {
    this.budget.used += this.nodes;
  }
}

function limitAt(limit: TemplateLimitError['limit'], message: string, at: Pos): TemplateLimitError {
  return new TemplateLimitError(limit, message, at.line, at.column);
}

const STACK = /Maximum call stack size exceeded/;

/** JSON when the first significant character opens an object or array, YAML otherwise. */
export function parseTemplate(raw: string, fileName = '', budget = new WorkBudget()): ParsedFile {
  const text = stripBom(raw);
  const first = /\S/.exec(text)?.[0];
  const jsonByName = /\.(json|jsn)$/i.test(fileName);
  if (first === '{' || (first === '[' && jsonByName)) {
    try {
      return parseJsonWithPositions(text, budget);
    } catch (err) {
      // JSON is YAML too (nearly): fall through only for files not named .json
      if (jsonByName || !(err instanceof TemplateParseError)) throw err;
    }
  }
  return parseYamlWithPositions(text, budget);
}

// ---------------------------------------------------------------- YAML

/** Long form of a CloudFormation short-form tag. */
function longForm(tag: string, value: unknown): unknown {
  const name = tag.slice(1);
  if (name === 'Ref' || name === 'Condition') return { [name]: value };
  if (name === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': dot > 0 ? [value.slice(0, dot), value.slice(dot + 1)] : [value] };
  }
  return { [`Fn::${name}`]: value };
}

export function parseYamlWithPositions(text: string, budget = new WorkBudget()): ParsedFile {
  const lines = new Lines(text);
  const tooDeep = (line = 1, column = 1) =>
    new TemplateLimitError(
      'nesting depth',
      `nested too deeply to parse (the nesting depth limit is ${budget.depth} levels)`,
      line,
      column,
    );
  let doc: Document;
  try {
    doc = parseDocument(text, { prettyErrors: true, strict: false, uniqueKeys: true, merge: false });
  } catch (err) {
    if (STACK.test((err as Error).message)) throw tooDeep();
    throw new TemplateParseError((err as Error).message, 1, 1);
  }
  const err = doc.errors[0];
  if (err) {
    const lp = err.linePos?.[0] ?? lines.at(err.pos[0]);
    const line = 'line' in lp ? lp.line : 1;
    const col = 'col' in lp ? lp.col : 'column' in lp ? (lp as Pos).column : 1;
    if (STACK.test(err.message)) throw tooDeep(line, col);
    throw new TemplateParseError(err.message.split('\n')[0]!, line, col);
  }
  const counter = new Counter(budget);
  const convert = (node: unknown, depth = 0, alias = false): PNode => {
    if (isAlias(node)) return convert(node.resolve(doc), depth, true);
    const n = node as Node | null;
    let start = n?.range?.[0] ?? 0;
    counter.node(depth, alias, () => lines.at(start));
    const tag =
      n && 'tag' in n && typeof n.tag === 'string' && n.tag.startsWith('!') && !n.tag.startsWith('!!')
        ? n.tag
        : undefined;
    if (tag) {
      // yaml's range starts after the tag; a finding on `!Ref X` should point at the `!`.
      const at = text.lastIndexOf(tag, start);
      if (at >= 0 && /^\s*$/.test(text.slice(at + tag.length, start))) start = at;
    }
    const pos = lines.at(start);
    let out: PNode;
    if (isMap(n)) {
      const entries = new Map<string, { key: Pos; value: PNode }>();
      const value: Record<string, unknown> = {};
      for (const pair of n.items) {
        if (!isPair(pair)) continue;
        const k = pair.key as Node | null;
        const keyText = isScalar(k) ? String(k.value) : String(k);
        const keyPos = lines.at(k?.range?.[0] ?? start);
        const v =
          pair.value === null
            ? { kind: 'scalar' as const, pos: keyPos, value: null }
            : convert(pair.value, depth + 1, alias);
        entries.set(keyText, { key: keyPos, value: v });
        value[keyText] = v.value;
      }
      out = { kind: 'map', pos, entries, value };
    } else if (isSeq(n)) {
      const items = n.items.map((i) => convert(i, depth + 1, alias));
      out = { kind: 'seq', pos, items, value: items.map((i) => i.value) };
    } else {
      const v = isScalar(n) ? n.value : null;
      out = { kind: 'scalar', pos, value: typeof v === 'bigint' ? Number(v) : v };
    }
    if (tag) {
      out.tag = tag;
      out.value = longForm(tag, out.value);
    }
    return out;
  };
  const root = convert(doc.contents);
  counter.commit();
  return { format: 'yaml', root, data: root.value };
}

// ---------------------------------------------------------------- JSON

/** A small JSON parser that keeps where every value and key starts (pretty or minified). */
export function parseJsonWithPositions(text: string, budget = new WorkBudget()): ParsedFile {
  const lines = new Lines(text);
  const counter = new Counter(budget);
  let i = 0;
  const fail = (what: string): never => {
    const p = lines.at(Math.min(i, text.length));
    throw new TemplateParseError(`JSON: ${what} at line ${p.line} column ${p.column}`, p.line, p.column);
  };
  const ws = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const str = (): string => {
    const start = i;
    i++;
    let simple = true;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 34) break;
      if (c === 92) {
        simple = false;
        i += 2;
        continue;
      }
      if (c < 32) fail('control character in string');
      i++;
    }
    if (i >= text.length) {
      i = start;
      fail('unterminated string');
    }
    i++;
    const raw = text.slice(start, i);
    if (simple) return raw.slice(1, -1);
    try {
      return JSON.parse(raw) as string;
    } catch {
      i = start;
      return fail('bad escape in string');
    }
  };
  const value = (depth = 0): PNode => {
    ws();
    const start = i;
    const pos = lines.at(start);
    counter.node(depth, false, () => pos);
    const c = text[i];
    if (c === '{') {
      i++;
      const entries = new Map<string, { key: Pos; value: PNode }>();
      const obj: Record<string, unknown> = {};
      ws();
      if (text[i] === '}') {
        i++;
        return { kind: 'map', pos, entries, value: obj };
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a string key');
        const keyPos = lines.at(i);
        const k = str();
        ws();
        if (text[i] !== ':') fail('expected ":"');
        i++;
        const v = value(depth + 1);
        entries.set(k, { key: keyPos, value: v });
        obj[k] = v.value;
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          break;
        }
        fail('expected "," or "}"');
      }
      return { kind: 'map', pos, entries, value: obj };
    }
    if (c === '[') {
      i++;
      const items: PNode[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return { kind: 'seq', pos, items, value: [] };
      }
      for (;;) {
        items.push(value(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          break;
        }
        fail('expected "," or "]"');
      }
      return { kind: 'seq', pos, items, value: items.map((x) => x.value) };
    }
    if (c === '"') return { kind: 'scalar', pos, value: str() };
    const lit = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(
      text.slice(i, i + 64),
    );
    if (!lit) return fail(i >= text.length ? 'unexpected end of input' : `unexpected ${JSON.stringify(c)}`);
    i += lit[0].length;
    const v =
      lit[0] === 'true' ? true : lit[0] === 'false' ? false : lit[0] === 'null' ? null : Number(lit[0]);
    return { kind: 'scalar', pos, value: v };
  };
  const root = value();
  ws();
  if (i < text.length) fail('unexpected text after the document');
  counter.commit();
  return { format: 'json', root, data: root.value };
}

// ---------------------------------------------------------------- pointers

export interface Located extends Pos {
  /** True when every segment of the path was found; false means the nearest existing parent. */
  exact: boolean;
  /** The segments that were found (a prefix of the path). */
  resolved: string[];
}

/** Split a JSON pointer (`/a/b~1c/0`); Guard does not always escape, so `~` is only unescaped in pairs. */
export function splitPointer(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .replace(/^\//, '')
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * Where a JSON pointer points: the key of the last map entry found, or the start of the last list
 * element found. A path that goes further than the document (a missing property) stops at the
 * nearest existing parent. Short-form tags are transparent (`!If [...]` answers `Fn::If`).
 */
export function locate(root: PNode, pointer: string): Located {
  const segs = splitPointer(pointer);
  let node = root;
  let where: Pos = root.pos;
  const resolved: string[] = [];
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    // A short-form tag stands for a one-key map: `!Sub x` is { "Fn::Sub": x }.
    if (node.tag && (seg === node.tag.slice(1) || seg === `Fn::${node.tag.slice(1)}`)) {
      resolved.push(seg);
      const inner: PNode = { ...node };
      delete inner.tag;
      if (node.tag === '!GetAtt' && inner.kind === 'scalar') {
        // Guard keeps `!GetAtt X.Arn` a string; the long form is a list: stay on the scalar.
        node = { kind: 'seq', pos: node.pos, items: [inner, inner], value: inner.value };
      } else node = inner;
      continue;
    }
    if (node.kind === 'map') {
      let e = node.entries!.get(seg);
      // Guard does not escape `/` in keys: `a/b` arrives as two segments.
      let used = 1;
      for (let j = i + 1; !e && j < segs.length && j < i + 4; j++) {
        e = node.entries!.get(segs.slice(i, j + 1).join('/'));
        used = j - i + 1;
      }
      if (!e) break;
      where = e.key;
      node = e.value;
      resolved.push(...segs.slice(i, i + used));
      i += used - 1;
      continue;
    } else if (node.kind === 'seq' && /^\d+$/.test(seg)) {
      const item = node.items![Number(seg)];
      if (!item) break;
      where = item.pos;
      node = item;
    } else break;
    resolved.push(seg);
  }
  return { ...where, exact: resolved.length === segs.length, resolved };
}
