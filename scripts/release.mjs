// The release steps the release workflow runs, usable by hand against any clone:
//   node scripts/release.mjs bump X.Y.Z      one version for the whole suite (lerna fixed mode: lerna.json,
//                                            every package.json, the lock file, the user-agent constant)
//   node scripts/release.mjs tag X.Y.Z [--notes FILE] [--push REMOTE]
//                                            commit the bump (and the rebuilt dist), tag vX.Y.Z, move the
//                                            major tag (v1) to it, write the release notes
//   node scripts/release.mjs notes X.Y.Z     print the notes: commits since the previous release, per action
//   node scripts/release.mjs verify X.Y.Z    a pushed tag: the tree says version X.Y.Z
// Between bump and tag the workflow runs `npm run build && npm run check-dist`: dist carries the version.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const SEMVER = /^(\d+)\.(\d+)\.(\d+)$/;
const VERSION_TS = 'packages/aws/src/version.ts';

function git(cwd, ...args) {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}
const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));
const writeJson = (p, v) => writeFileSync(p, `${JSON.stringify(v, null, 2)}\n`);

export function parseVersion(v) {
  const m = SEMVER.exec(String(v ?? '').replace(/^v/, ''));
  if (!m) throw new Error(`version "${v}": expected X.Y.Z, e.g. 1.2.0`);
  return m.slice(1).map(Number);
}
const newer = (a, b) => {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return false;
};

/** Workspace package.json files (packages/*, actions/* that have one). */
function workspaceManifests(root) {
  const out = [];
  for (const parent of ['packages', 'actions']) {
    const dir = join(root, parent);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const p = join(dir, name, 'package.json');
      if (existsSync(p)) out.push(`${parent}/${name}`);
    }
  }
  return out;
}

export function currentVersion(root) {
  return readJson(join(root, 'lerna.json')).version;
}

/** Set one version everywhere the suite keeps it. Returns the files changed. */
export function bump(root, version) {
  const next = parseVersion(version);
  const current = currentVersion(root);
  if (!newer(next, parseVersion(current)))
    throw new Error(`version ${version} is not newer than the current ${current}`);
  const v = next.join('.');
  const changed = ['lerna.json', 'package.json'];
  writeJson(join(root, 'lerna.json'), { ...readJson(join(root, 'lerna.json')), version: v });
  writeJson(join(root, 'package.json'), { ...readJson(join(root, 'package.json')), version: v });
  const lockPath = join(root, 'package-lock.json');
  const lock = existsSync(lockPath) ? readJson(lockPath) : undefined;
  if (lock) {
    lock.version = v;
    if (lock.packages?.['']) lock.packages[''].version = v;
  }
  for (const ws of workspaceManifests(root)) {
    const p = join(root, ws, 'package.json');
    writeJson(p, { ...readJson(p), version: v });
    changed.push(`${ws}/package.json`);
    if (lock?.packages?.[ws]) lock.packages[ws].version = v;
  }
  if (lock) {
    writeJson(lockPath, lock);
    changed.push('package-lock.json');
  }
  const ts = join(root, VERSION_TS);
  const text = readFileSync(ts, 'utf8');
  const updated = text.replace(/SUITE_VERSION = '[^']*'/, `SUITE_VERSION = '${v}'`);
  if (updated === text) throw new Error(`${VERSION_TS}: no SUITE_VERSION constant to update`);
  writeFileSync(ts, updated);
  changed.push(VERSION_TS);
  return changed;
}

/** The newest vX.Y.Z tag reachable from HEAD other than `version`'s own, or undefined for the first release. */
export function previousTag(root, version) {
  const exclude = version ? ['--exclude', `v${version}`] : [];
  try {
    return (
      git(root, 'describe', '--tags', '--abbrev=0', '--match', 'v[0-9]*.[0-9]*.[0-9]*', ...exclude, 'HEAD') ||
      undefined
    );
  } catch {
    return undefined;
  }
}

/** Release notes: each commit since the previous release under every part of the suite it touched. */
export function notes(root, version, since = previousTag(root, version)) {
  const range = since ? `${since}..HEAD` : 'HEAD';
  const raw = git(root, 'log', '--no-merges', '--format=%x1e%h%x1f%s', '--name-only', range);
  const sections = new Map();
  const add = (section, line) => {
    if (!sections.has(section)) sections.set(section, []);
    if (!sections.get(section).includes(line)) sections.get(section).push(line);
  };
  for (const entry of raw.split('\x1e').filter((e) => e.trim())) {
    const [head, ...files] = entry.trim().split('\n');
    const [sha, subject] = head.split('\x1f');
    const line = `- ${subject} (${sha})`;
    const parts = new Set();
    for (const f of files.filter(Boolean)) {
      const action = /^actions\/([^/]+)\/(?!dist\/)/.exec(f);
      if (action) parts.add(action[1]);
      else if (/^packages\//.test(f)) parts.add('shared packages');
      else if (!/^actions\/[^/]+\/dist\//.test(f)) parts.add('tooling, tests and docs');
    }
    if (parts.size === 0) parts.add('tooling, tests and docs');
    for (const p of parts) add(p, line);
  }
  const order = [...sections.keys()].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const out = [`# v${version}`, '', since ? `Changes since ${since}.` : 'First release.', ''];
  for (const s of order) out.push(`## ${s}`, '', ...sections.get(s), '');
  const major = parseVersion(version)[0];
  out.push(
    '## Using this release',
    '',
    `Pin the moving major tag (\`@v${major}\`) or, for a reviewed supply chain, the full commit SHA of`,
    `v${version} with a \`# v${version}\` comment.`,
    '',
  );
  return out.join('\n');
}
function rank(section) {
  return section === 'shared packages' ? 1 : section === 'tooling, tests and docs' ? 2 : 0;
}

/** Commit what bump (and the build) changed, tag vX.Y.Z, move vMAJOR to it; optionally push. */
export function tag(root, version, { notesFile, push } = {}) {
  const v = parseVersion(version).join('.');
  if (currentVersion(root) !== v)
    throw new Error(`lerna.json says ${currentVersion(root)}, not ${v}: run "release.mjs bump ${v}" first`);
  const text = notes(root, v);
  if (git(root, 'status', '--porcelain')) {
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', `release v${v}`);
  }
  const major = `v${parseVersion(v)[0]}`;
  git(root, 'tag', '-a', `v${v}`, '-m', `v${v}`);
  git(root, 'tag', '-f', '-a', major, '-m', `${major} -> v${v}`, `v${v}^{commit}`);
  if (notesFile) writeFileSync(notesFile, text);
  if (push) {
    git(root, 'push', push, 'HEAD', `refs/tags/v${v}`);
    git(root, 'push', '--force', push, `refs/tags/${major}`);
  }
  return { tag: `v${v}`, major, commit: git(root, 'rev-parse', 'HEAD'), notes: text };
}

/** A pushed vX.Y.Z tag must match the version the tree carries. */
export function verify(root, version) {
  const v = parseVersion(version).join('.');
  const found = { lerna: currentVersion(root), pkg: readJson(join(root, 'package.json')).version };
  const ts = /SUITE_VERSION = '([^']*)'/.exec(readFileSync(join(root, VERSION_TS), 'utf8'))?.[1];
  for (const [where, got] of Object.entries({ ...found, [VERSION_TS]: ts }))
    if (got !== v)
      throw new Error(`tag v${v} but ${where} says ${got}: release with "release.mjs bump" first`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [cmd, version, ...rest] = process.argv.slice(2);
  const opt = (name) => {
    const i = rest.indexOf(name);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  const root = process.cwd();
  try {
    if (cmd === 'bump') console.log(`version ${version}: ${bump(root, version).join(', ')}`);
    else if (cmd === 'notes') process.stdout.write(notes(root, parseVersion(version).join('.')));
    else if (cmd === 'verify') {
      verify(root, version);
      console.log(`tree is at ${version}`);
    } else if (cmd === 'tag') {
      const r = tag(root, version, { notesFile: opt('--notes'), push: opt('--push') });
      console.log(`tagged ${r.tag} and moved ${r.major} to ${r.commit}`);
    } else throw new Error('usage: release.mjs bump|tag|notes|verify X.Y.Z [--notes FILE] [--push REMOTE]');
  } catch (err) {
    console.error(`release: ${err.message}`);
    process.exit(1);
  }
}
