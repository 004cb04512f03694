// npm run docs: fill the inputs/outputs tables of every action README from its action.yml.
// --check: change nothing, exit 1 when a README has drifted (npm test runs this through a unit test).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { ROOT, listActions } from './actions.mjs';

const esc = (s) =>
  String(s ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ')
    .trim();

export function tables(meta) {
  const inputs = Object.entries(meta.inputs ?? {}).map(([name, spec]) => {
    const def = spec.default === undefined || spec.default === '' ? '' : `\`${esc(spec.default)}\``;
    return `| \`${name}\` | ${spec.required ? 'yes' : 'no'} | ${def} | ${esc(spec.description)} |`;
  });
  const outputs = Object.entries(meta.outputs ?? {}).map(
    ([name, spec]) => `| \`${name}\` | ${esc(spec.description)} |`,
  );
  return {
    inputs: ['| Input | Required | Default | Description |', '| --- | --- | --- | --- |', ...inputs].join(
      '\n',
    ),
    outputs: ['| Output | Description |', '| --- | --- |', ...outputs].join('\n'),
  };
}

/** The README with its marked tables regenerated; throws when a marker is missing. */
export function render(readme, meta, file = 'README.md') {
  const t = tables(meta);
  let text = readme;
  for (const kind of ['inputs', 'outputs']) {
    const re = new RegExp(`(<!-- oaktree:${kind} -->)[\\s\\S]*?(<!-- /oaktree:${kind} -->)`);
    if (!re.test(text))
      throw new Error(`${file}: missing <!-- oaktree:${kind} --> ... <!-- /oaktree:${kind} --> markers`);
    text = text.replace(re, `$1\n${t[kind]}\n$2`);
  }
  return text;
}

/** Action READMEs whose tables differ from action.yml. */
export function drifted() {
  const out = [];
  for (const a of listActions().filter((x) => x.startsWith('actions/'))) {
    const readmePath = join(ROOT, a, 'README.md');
    if (!existsSync(readmePath)) {
      out.push(`${a}/README.md is missing`);
      continue;
    }
    const meta = parse(readFileSync(join(ROOT, a, 'action.yml'), 'utf8'));
    const current = readFileSync(readmePath, 'utf8');
    try {
      if (render(current, meta, `${a}/README.md`) !== current)
        out.push(`${a}/README.md tables differ from action.yml (run npm run docs)`);
    } catch (err) {
      out.push(err.message);
    }
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv.includes('--check')) {
    const d = drifted();
    for (const line of d) console.error(line);
    process.exit(d.length ? 1 : 0);
  }
  for (const a of listActions().filter((x) => x.startsWith('actions/'))) {
    const readmePath = join(ROOT, a, 'README.md');
    if (!existsSync(readmePath)) continue;
    const meta = parse(readFileSync(join(ROOT, a, 'action.yml'), 'utf8'));
    writeFileSync(readmePath, render(readFileSync(readmePath, 'utf8'), meta, `${a}/README.md`));
    console.log(`updated ${a}/README.md`);
  }
}
