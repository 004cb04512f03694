// npm run docs: fill the inputs/outputs tables of every action README from its action.yml, and its
// minimal IAM policy from its iam-policy.json (the single source; the tests evaluate that file).
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

/** The iam-policy.json text as the README shows it: a JSON code block, verbatim. */
export function policyBlock(policyText) {
  return ['```json', policyText.trimEnd(), '```'].join('\n');
}

/**
 * The README with its marked tables (and, when the action has an iam-policy.json, its policy block)
 * regenerated; throws when a marker is missing.
 */
export function render(readme, meta, file = 'README.md', policyText = undefined) {
  const t = tables(meta);
  if (policyText !== undefined) t['iam-policy'] = policyBlock(policyText);
  let text = readme;
  for (const kind of Object.keys(t)) {
    const re = new RegExp(`(<!-- oaktree:${kind} -->)[\\s\\S]*?(<!-- /oaktree:${kind} -->)`);
    if (!re.test(text))
      throw new Error(`${file}: missing <!-- oaktree:${kind} --> ... <!-- /oaktree:${kind} --> markers`);
    // A function replacement: the policy text holds `$` (placeholders such as ${Account}).
    text = text.replace(re, (_, open, close) => `${open}\n${t[kind]}\n${close}`);
  }
  return text;
}

/** An action's iam-policy.json text, or undefined when it needs no AWS access. */
function policyOf(a) {
  const path = join(ROOT, a, 'iam-policy.json');
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
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
      if (render(current, meta, `${a}/README.md`, policyOf(a)) !== current)
        out.push(
          `${a}/README.md tables or IAM policy differ from action.yml / iam-policy.json (run npm run docs)`,
        );
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
    writeFileSync(readmePath, render(readFileSync(readmePath, 'utf8'), meta, `${a}/README.md`, policyOf(a)));
    console.log(`updated ${a}/README.md`);
  }
}
