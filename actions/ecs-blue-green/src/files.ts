import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ConfigurationError } from '@oaktree/action-kit';
import { LineCounter, parseDocument, isMap, isSeq, type Document, type Node } from 'yaml';

/** A parsed JSON or YAML file that still knows where each value came from. */
export interface StructuredFile {
  /** The path as the user wrote it (for messages). */
  file: string;
  value: unknown;
  /** `file:line` of the node at `path` (or of the nearest existing parent; the file alone if unknown). */
  at(path: Array<string | number>): string;
}

export function resolvePath(workspace: string, file: string): string {
  return isAbsolute(file) ? file : resolve(workspace, file);
}

/**
 * Read a JSON or YAML file (JSON is YAML, so one parser serves both and keeps line numbers).
 * Unreadable or invalid files are configuration errors that name the input and give file:line.
 */
export function readStructured(workspace: string, file: string, input: string): StructuredFile {
  let text: string;
  try {
    text = readFileSync(resolvePath(workspace, file), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigurationError(
      `input "${input}": cannot read ${file} (${code === 'ENOENT' ? 'no such file' : (code ?? 'error')}): ` +
        `give a path relative to the workspace`,
      input,
    );
  }
  return parseStructured(text, file, input);
}

export function parseStructured(text: string, file: string, input: string): StructuredFile {
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0] ?? lineCounter.linePos(first.pos[0]);
    const where = pos ? `${file}:${pos.line}` : file;
    const what = first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new ConfigurationError(`input "${input}": ${where}: not valid JSON or YAML: ${what}`, input);
  }
  const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
  return {
    file,
    value,
    at(path) {
      let node: unknown = doc.contents;
      let found: Node | undefined = doc.contents ?? undefined;
      for (const key of path) {
        if (isMap(node)) {
          const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
          if (!pair) break;
          found = (pair.key as Node) ?? found;
          node = pair.value;
          if (pair.value && (isMap(pair.value) || isSeq(pair.value))) found = pair.key as Node;
        } else if (isSeq(node) && typeof key === 'number') {
          const item = node.items[key];
          if (!item) break;
          found = item as Node;
          node = item;
        } else break;
      }
      const offset = found?.range?.[0];
      if (offset === undefined) return file;
      return `${file}:${lineCounter.linePos(offset).line}`;
    },
  };
}
