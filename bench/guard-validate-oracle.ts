import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';

/**
 * An oracle for guard-validate's locations that shares no code with the action: the `yaml`
 * package's own node ranges and source tokens (YAML and JSON alike, JSON being YAML), walked along a
 * finding's JSON path. It answers where the path's deepest existing node starts: the key of a map
 * entry, or a list element (at its short-form tag when it has one), as 1-based line and column.
 */

export interface OracleAnswer {
  line: number;
  column: number;
  /** Segments of the path found in the document. */
  found: number;
  segments: number;
}

interface Tokenish {
  type?: string;
  offset?: number;
  start?: Tokenish[];
  sep?: Tokenish[];
  items?: Tokenish[];
}

/** The offset of a short-form tag among a CST item's tokens, if any. */
function tagOffset(tokens: Tokenish[] | undefined): number | undefined {
  return tokens?.find((t) => t.type === 'tag')?.offset;
}

function tagName(node: unknown): string | undefined {
  const tag = (node as { tag?: unknown } | null)?.tag;
  return typeof tag === 'string' && tag.startsWith('!') && !tag.startsWith('!!') ? tag.slice(1) : undefined;
}

export class Oracle {
  private readonly lines = new LineCounter();
  private readonly doc: Document;

  constructor(text: string) {
    this.doc = parseDocument(text.replace(/^\uFEFF/, ''), {
      lineCounter: this.lines,
      keepSourceTokens: true,
      strict: false,
      uniqueKeys: false,
    });
  }

  private pos(offset: number): { line: number; column: number } {
    const p = this.lines.linePos(offset);
    return { line: p.line, column: p.col };
  }

  /** Where a JSON pointer points (Guard's paths: `/` in keys unescaped, short forms as long forms). */
  locate(pointer: string): OracleAnswer {
    const segs = pointer.split('/').slice(1);
    let node: unknown = this.doc.contents;
    let at = this.pos((node as Node | null)?.range?.[0] ?? 0);
    // where the current node's short-form tag is written (`!GetAtt X.Arn` stands for a list there)
    let tagAt: number | undefined;
    let i = 0;
    while (i < segs.length) {
      const seg = segs[i]!;
      const tag = tagName(node);
      if (tag && (seg === tag || seg === `Fn::${tag}`)) {
        // `!Ref X` is { Ref: X } to Guard: the segment names the tag, the place stays
        i++;
        if (tag === 'GetAtt' && isScalar(node) && /^\d+$/.test(segs[i] ?? '')) {
          at = this.pos(tagAt ?? (node as Node).range![0]);
          i++;
        }
        continue;
      }
      if (isMap(node)) {
        let hit: { pair: unknown; used: number } | undefined;
        for (let used = 1; !hit && used <= 4 && i + used <= segs.length; used++) {
          const key = segs.slice(i, i + used).join('/');
          const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key);
          if (pair) hit = { pair, used };
        }
        if (!hit || !isPair(hit.pair)) break;
        const key = hit.pair.key as Node;
        at = this.pos(key.range![0]);
        const cst = (node as { srcToken?: Tokenish }).srcToken?.items?.[
          node.items.indexOf(hit.pair as never)
        ];
        tagAt = tagOffset(cst?.sep);
        node = hit.pair.value;
        i += hit.used;
        continue;
      }
      if (isSeq(node) && /^\d+$/.test(seg)) {
        const k = Number(seg);
        const item = node.items[k] as Node | undefined;
        if (!item) break;
        const cst = (node as { srcToken?: Tokenish }).srcToken?.items?.[k];
        tagAt = tagOffset(cst?.start);
        at = this.pos(tagAt ?? item.range![0]);
        node = item;
        i++;
        continue;
      }
      break;
    }
    return { ...at, found: i, segments: segs.length };
  }
}
