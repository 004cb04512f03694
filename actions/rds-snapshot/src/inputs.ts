import { ConfigurationError, Inputs, quote } from '@oaktree/action-kit';
import { tmpdir } from 'node:os';
import { REGION_PATTERN, parseArn, resolveRegion } from '@oaktree/aws';

/** The action's input names, in one place. */
export const INPUT = {
  instances: 'db-instance-identifiers',
  clusters: 'db-cluster-identifiers',
  prefix: 'snapshot-prefix',
  tags: 'tags',
  copyRegions: 'copy-to-regions',
  copyKmsKeys: 'copy-kms-keys',
  retentionDays: 'retention-days',
  keepLast: 'keep-last',
  maxRpo: 'max-rpo',
  wait: 'wait',
  timeoutMinutes: 'timeout-minutes',
  quota: 'manual-snapshot-quota',
  maxParallel: 'max-parallel',
  region: 'region',
} as const;

export interface Tag {
  Key: string;
  Value: string;
}

/** Who is running: provenance for the tags and the key that makes a re-run find its snapshot. */
export interface RunContext {
  /** GITHUB_RUN_ID; undefined outside Actions (then every run makes a new snapshot). */
  runId?: string;
  /** GITHUB_RUN_ATTEMPT ('1' when unknown). */
  attempt: string;
  repository?: string;
  sha?: string;
}

export interface Config {
  instances: string[];
  clusters: string[];
  prefix: string;
  tags: Tag[];
  copyRegions: string[];
  /** region -> key id, ARN or alias */
  copyKmsKeys: Record<string, string>;
  /** undefined: never prune */
  retentionDays?: number;
  keepLast: number;
  maxRpoMs: number;
  wait: boolean;
  timeoutMs: number;
  quota: number;
  /** Databases whose snapshot, copy and delete requests are sent at once. */
  maxParallel: number;
  region: string;
  run: RunContext;
  /** Directory for the JSON report (RUNNER_TEMP on a runner). */
  reportDir: string;
}

/**
 * RDS identifiers: a letter first, then letters, digits and hyphens, no two hyphens in a row and no
 * hyphen at the end. RDS stores them in lower case.
 */
export const IDENTIFIER = /^[a-z](?:[a-z0-9]|-(?=[a-z0-9]))*$/i;
const DB_ID_EXPECTED =
  'RDS identifiers (a letter first, then letters, digits and single hyphens, at most 63 characters)';
const PREFIX_MAX = 40;
/** Default for max-parallel: a few databases at a time stay well inside an account's RDS API rate. */
export const MAX_PARALLEL = 4;

function identifiers(inputs: Inputs, name: string): string[] {
  const items = inputs.list(name, { commas: true, expected: DB_ID_EXPECTED });
  for (const id of items) {
    if (!IDENTIFIER.test(id) || id.length > 63)
      throw new ConfigurationError(`input "${name}" has ${quote(id)}: expected ${DB_ID_EXPECTED}`, name);
  }
  const lower = items.map((id) => id.toLowerCase());
  const dup = lower.find((id, i) => lower.indexOf(id) !== i);
  if (dup)
    throw new ConfigurationError(`input "${name}" lists ${quote(dup)} twice: list each database once`, name);
  return lower;
}

const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

function userTags(inputs: Inputs): Tag[] {
  const map = inputs.map(INPUT.tags, { expected: 'key=value pairs, one per line' });
  const tags: Tag[] = [];
  for (const [Key, Value] of map) {
    if (/^(aws|oaktree):/i.test(Key))
      throw new ConfigurationError(
        `input "tags" has the key ${quote(Key)}: keys starting with aws: or oaktree: are reserved; rename it`,
        INPUT.tags,
      );
    if (!TAG_KEY.test(Key) || !TAG_VALUE.test(Value))
      throw new ConfigurationError(
        `input "tags" has ${quote(`${Key}=${Value}`)}: tag keys are 1-128 and values 0-256 letters, digits, spaces and _.:/=+-@`,
        INPUT.tags,
      );
    tags.push({ Key, Value });
  }
  if (tags.length > 40)
    throw new ConfigurationError(
      `input "tags" has ${tags.length} tags: at most 40 (RDS allows 50 per snapshot and the action adds its own)`,
      INPUT.tags,
    );
  return tags;
}

function regions(inputs: Inputs, source: string): string[] {
  const list = inputs
    .list(INPUT.copyRegions, {
      commas: true,
      item: REGION_PATTERN,
      expected: 'AWS regions such as us-west-2, one per line',
    })
    .map((r) => r.toLowerCase());
  const unique = [...new Set(list)];
  if (unique.includes(source))
    throw new ConfigurationError(
      `input "copy-to-regions" includes ${quote(source)}, the databases' own region: list only other (DR) regions`,
      INPUT.copyRegions,
    );
  return unique;
}

function kmsKeys(inputs: Inputs, copyRegions: string[]): Record<string, string> {
  const map = inputs.map(INPUT.copyKmsKeys, { expected: 'region=keyArnOrAlias pairs, one per line' });
  const out: Record<string, string> = {};
  for (const [region, key] of map) {
    if (!REGION_PATTERN.test(region))
      throw new ConfigurationError(
        `input "copy-kms-keys" has ${quote(`${region}=${key}`)}: expected region=keyArnOrAlias, such as us-west-2=alias/dr-snapshots`,
        INPUT.copyKmsKeys,
      );
    if (!copyRegions.includes(region))
      throw new ConfigurationError(
        `input "copy-kms-keys" names ${quote(region)}, which is not in copy-to-regions: add the region there or drop the key`,
        INPUT.copyKmsKeys,
      );
    if (key === '')
      throw new ConfigurationError(
        `input "copy-kms-keys" has no key for ${quote(region)}: write ${region}=<key ARN, id or alias/name>`,
        INPUT.copyKmsKeys,
      );
    const arn = key.startsWith('arn:') ? parseArn(key) : undefined;
    if (key.startsWith('arn:') && (!arn || arn.service !== 'kms'))
      throw new ConfigurationError(
        `input "copy-kms-keys" has ${quote(key)} for ${region}: expected a KMS key ARN, key id or alias/name`,
        INPUT.copyKmsKeys,
      );
    if (arn && arn.region !== region)
      throw new ConfigurationError(
        `input "copy-kms-keys" gives ${region} a key from ${arn.region} (${quote(key)}): KMS keys are regional, use a key in ${region}`,
        INPUT.copyKmsKeys,
      );
    out[region] = key;
  }
  return out;
}

/** Read and check every input; throws ConfigurationError before anything touches AWS. */
export function readConfig(inputs = new Inputs(), env: NodeJS.ProcessEnv = process.env): Config {
  const instances = identifiers(inputs, INPUT.instances);
  const clusters = identifiers(inputs, INPUT.clusters);
  if (instances.length === 0 && clusters.length === 0)
    throw new ConfigurationError(
      `inputs "db-instance-identifiers" and "db-cluster-identifiers" are both empty: name at least one database`,
      INPUT.instances,
    );
  const prefix = inputs.string(INPUT.prefix, {
    default: 'oaktree',
    pattern: IDENTIFIER,
    expected: `a letter, then letters, digits and single hyphens (at most ${PREFIX_MAX} characters)`,
  })!;
  if (prefix.length > PREFIX_MAX)
    throw new ConfigurationError(
      `input "snapshot-prefix" is ${quote(prefix)}: at most ${PREFIX_MAX} characters`,
      INPUT.prefix,
    );
  const tags = userTags(inputs);
  const maxRpoMs = inputs.duration(INPUT.maxRpo, { default: '15m', minMs: 1000 })!;
  const retentionDays = inputs.integer(INPUT.retentionDays, { min: 0, max: 36500 });
  const keepLast = inputs.integer(INPUT.keepLast, { min: 1, max: 100, default: 3 })!;
  const wait = inputs.boolean(INPUT.wait, { default: true });
  const timeoutMinutes = inputs.integer(INPUT.timeoutMinutes, { min: 1, max: 1440, default: 60 })!;
  const quota = inputs.integer(INPUT.quota, { min: 1, max: 100000, default: 100 })!;
  const maxParallel = inputs.integer(INPUT.maxParallel, { min: 1, max: 50, default: MAX_PARALLEL })!;
  const region = resolveRegion(inputs.string(INPUT.region), env, INPUT.region);
  const copyRegions = regions(inputs, region);
  const copyKmsKeys = kmsKeys(inputs, copyRegions);

  const runId = env.GITHUB_RUN_ID?.trim() || undefined;
  return {
    instances,
    clusters,
    prefix: prefix.toLowerCase(),
    tags,
    copyRegions,
    copyKmsKeys,
    retentionDays,
    keepLast,
    maxRpoMs,
    wait,
    timeoutMs: timeoutMinutes * 60_000,
    quota,
    maxParallel,
    region,
    run: {
      runId: runId && /^\d+$/.test(runId) ? runId : undefined,
      attempt: /^\d+$/.test(env.GITHUB_RUN_ATTEMPT ?? '') ? env.GITHUB_RUN_ATTEMPT! : '1',
      repository: env.GITHUB_REPOSITORY || undefined,
      sha: env.GITHUB_SHA || undefined,
    },
    reportDir: env.RUNNER_TEMP || tmpdir(),
  };
}
