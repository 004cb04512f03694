// Places the Guard engine and the Control Tower rule pack next to the bundle, so the committed
// action runs with no install step:
//   dist/bin/<os>/<arch>/cfn-guard            (digest checked against src/engine-lock.ts)
//   dist/rules/control-tower/<service>/*.guard
//   dist/rules/control-tower/index.json       (per rule file: rule names, control id, severity, ...)
//   dist/checksums.txt                        (sha256 of every file placed here, for reviewers)
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

function sha256(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Every platform the action ships a binary for (engine.ts platformKey). */
export const PLATFORMS = ['ubuntu/x86_64', 'ubuntu/aarch64', 'macos/x86_64', 'macos/aarch64'];

/** The pinned digests of src/engine-lock.ts: one per platform, or the build fails. */
export function pinned(actionDir) {
  const lock = join(actionDir, 'src/engine-lock.ts');
  const text = readFileSync(lock, 'utf8');
  const out = {};
  for (const m of text.matchAll(/'((?:ubuntu|macos)\/(?:x86_64|aarch64))': '([0-9a-f]{64})'/g))
    out[m[1]] = m[2];
  const missing = PLATFORMS.filter((p) => !out[p]);
  if (missing.length)
    throw new Error(
      `guard-validate: ${lock} pins no sha256 for ${missing.join(', ')}; every platform needs one`,
    );
  return out;
}

export async function afterBuild({ distDir, actionDir }) {
  const pkgDir = dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
  const version = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
  if (version !== '0.0.62')
    throw new Error(`guard-validate: expected @cdklabs/cdk-validator-cfnguard 0.0.62, found ${version}`);
  const sums = [];
  for (const [platform, digest] of Object.entries(pinned(actionDir))) {
    const src = join(pkgDir, 'bin', platform, 'cfn-guard');
    if (!existsSync(src)) throw new Error(`guard-validate: ${src} is missing from the engine package`);
    const got = sha256(src);
    if (got !== digest) throw new Error(`guard-validate: ${src} has sha256 ${got}, pinned ${digest}`);
    const dst = join(distDir, 'bin', platform, 'cfn-guard');
    mkdirSync(dirname(dst), { recursive: true });
    copyFileSync(src, dst);
    chmodSync(dst, 0o755);
    sums.push(`${digest}  bin/${platform}/cfn-guard`);
  }

  // Control Tower rules: copy the .guard files and boil the metadata down to what findings need.
  const ctRoot = join(pkgDir, 'rules/control-tower');
  const outRoot = join(distDir, 'rules/control-tower');
  const index = [];
  const ruleFiles = new Map();
  for (const service of readdirSync(join(ctRoot, 'cfn-guard')).sort()) {
    for (const file of readdirSync(join(ctRoot, 'cfn-guard', service)).sort()) {
      if (!file.endsWith('.guard')) continue;
      const src = join(ctRoot, 'cfn-guard', service, file);
      const text = readFileSync(src, 'utf8');
      const dst = join(outRoot, service, file);
      mkdirSync(dirname(dst), { recursive: true });
      copyFileSync(src, dst);
      sums.push(`${sha256(dst)}  rules/control-tower/${service}/${file}`);
      const base = file.replace(/\.guard$/, '');
      const meta = JSON.parse(
        readFileSync(join(ctRoot, 'metadata', service, `${base}.metadata.json`), 'utf8'),
      );
      // The primary rules are the ones guarded by is_cfn_template / is_cfn_hook.
      const rules = [...text.matchAll(/^rule\s+([A-Za-z0-9_]+)\s+when\s+is_cfn_(?:template|hook)/gm)].map(
        (m) => m[1],
      );
      const unique = [...new Set(rules)];
      for (const r of unique) ruleFiles.set(r, (ruleFiles.get(r) ?? 0) + 1);
      const doc = (meta.DocumentationReferences ?? [])[0];
      index.push({
        file: `${service}/${file}`,
        service,
        rules: unique,
        id: meta.Id,
        title: meta.DisplayName,
        description: meta.Description,
        severity: String(meta.Severity ?? 'MEDIUM').toLowerCase(),
        remediation: meta.RemediationMessage,
        docs: doc?.Url,
        // Every resource type the rule can look at: the metadata's list and any type named in the
        // rule text. A template with none of them would only SKIP this control, so it is not run.
        resourceTypes: [
          ...new Set([
            ...(meta.EvaluatedResourceTypes ?? []),
            ...[...text.matchAll(/['"](AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)['"]/g)].map((m) => m[1]),
          ]),
        ].sort(),
      });
    }
  }
  const dup = [...ruleFiles].filter(([, n]) => n > 1).map(([r]) => r);
  if (dup.length) throw new Error(`guard-validate: rule names in more than one control: ${dup.join(', ')}`);
  writeFileSync(
    join(outRoot, 'index.json'),
    JSON.stringify({ package: `@cdklabs/cdk-validator-cfnguard@${version}`, controls: index }),
  );
  sums.push(`${sha256(join(outRoot, 'index.json'))}  rules/control-tower/index.json`);
  writeFileSync(
    join(distDir, 'checksums.txt'),
    sums.sort((a, b) => a.slice(66).localeCompare(b.slice(66))).join('\n') + '\n',
  );
}
