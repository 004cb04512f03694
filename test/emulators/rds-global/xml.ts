/**
 * Just enough XML for the query protocol's replies (RDS): elements with optional attributes and text,
 * no comments, CDATA or processing instructions beyond the `<?xml?>` declaration. Text is kept as it
 * stood on the wire (escaped) and unescaped only when read, so a reply that is parsed and written back
 * without edits comes out as it came in.
 */
export interface XmlElement {
  name: string;
  /** The raw attribute text after the name (` xmlns="..."`), or ''. */
  attrs: string;
  children: XmlElement[];
  /** Escaped text content, for leaf elements. */
  text?: string;
}

const TOKEN = /<\?[^>]*\?>|<(\/)?([A-Za-z_][\w.:-]*)([^>]*?)(\/)?>|([^<]+)/g;

export function parseXml(source: string): XmlElement {
  const root: XmlElement = { name: '#document', attrs: '', children: [] };
  const open: XmlElement[] = [root];
  for (const m of source.matchAll(TOKEN)) {
    const [, closing, name, attrs, selfClosing, text] = m;
    const top = open[open.length - 1]!;
    if (text !== undefined) {
      if (text.trim()) top.text = (top.text ?? '') + text;
    } else if (!name) {
      continue; // the declaration
    } else if (closing) {
      if (top.name !== name) throw new Error(`xml: </${name}> closes <${top.name}>`);
      open.pop();
    } else {
      const el: XmlElement = { name, attrs: attrs ?? '', children: [] };
      top.children.push(el);
      if (!selfClosing) open.push(el);
    }
  }
  if (open.length !== 1 || root.children.length !== 1) throw new Error('xml: not one complete document');
  return root.children[0]!;
}

export function renderXml(el: XmlElement): string {
  const inner = el.children.length ? el.children.map(renderXml).join('') : (el.text ?? '');
  return inner === '' ? `<${el.name}${el.attrs}/>` : `<${el.name}${el.attrs}>${inner}</${el.name}>`;
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function unescapeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

export function childrenNamed(el: XmlElement | undefined, name: string): XmlElement[] {
  return el?.children.filter((c) => c.name === name) ?? [];
}

/** The unescaped text of the child `name`, or undefined. */
export function textOf(el: XmlElement | undefined, name: string): string | undefined {
  const c = child(el, name);
  return c ? unescapeXml(c.text ?? '') : undefined;
}

/** A new element: a leaf holding `content` as text, or a parent of the elements given. */
export function element(name: string, content: string | XmlElement[] = []): XmlElement {
  return typeof content === 'string'
    ? { name, attrs: '', children: [], text: escapeXml(content) }
    : { name, attrs: '', children: content };
}

/** Replace the child named like `el` (keeping its place), or append it. */
export function setChild(parent: XmlElement, el: XmlElement): void {
  const i = parent.children.findIndex((c) => c.name === el.name);
  if (i >= 0) parent.children[i] = el;
  else parent.children.push(el);
}

export function removeChild(parent: XmlElement, name: string): void {
  parent.children = parent.children.filter((c) => c.name !== name);
}
