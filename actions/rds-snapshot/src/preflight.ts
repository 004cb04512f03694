import { ConfigurationError, quote } from '@oaktree/action-kit';
import { INPUT, type Config } from './inputs.js';
import type { Database, Kind, Snapshot } from './rds.js';

/** A configuration problem found before anything is made, with the input to blame. */
export interface Problem {
  input: string;
  text: string;
}

const USABLE = new Set(['available', 'storage-optimization']);

/** Every named database that exists, is not an Aurora member and is available; a problem for each other. */
export function checkDatabases(
  config: Pick<Config, 'instances' | 'clusters' | 'region'>,
  instances: Database[],
  clusters: Database[],
): { found: Database[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const found: Database[] = [];
  const check = (kind: Kind, ids: string[], dbs: Database[]) => {
    const input = kind === 'instance' ? INPUT.instances : INPUT.clusters;
    const noun = kind === 'instance' ? 'DB instance' : 'DB cluster';
    for (const id of ids) {
      const db = dbs.find((d) => d.id.toLowerCase() === id);
      if (!db) {
        const other =
          kind === 'instance'
            ? `, or list it under ${INPUT.clusters} if it is a cluster`
            : `, or list it under ${INPUT.instances} if it is an instance`;
        problems.push({
          input,
          text: `input "${input}": there is no ${noun} ${quote(id)} in ${config.region}: check the name and the region${other}`,
        });
      } else if (db.clusterId) {
        problems.push({
          input,
          text: `input "${input}": ${id} belongs to the cluster ${db.clusterId}, whose storage is snapshotted as a whole: list ${db.clusterId} under ${INPUT.clusters} instead`,
        });
      } else if (!USABLE.has(db.status)) {
        problems.push({
          input,
          text: `input "${input}": ${noun} ${id} is ${quote(db.status)}, and a snapshot needs it available: run again once it is available, or leave it out`,
        });
      } else found.push(db);
    }
  };
  check('instance', config.instances, instances);
  check('cluster', config.clusters, clusters);
  return { found, problems };
}

/** Copy regions without a key while some source is encrypted (KMS keys are regional). */
export function missingKeys(
  config: Pick<Config, 'copyRegions' | 'copyKmsKeys'>,
  encrypted: Database[],
): Problem[] {
  const names = encrypted.map((d) => d.id).join(', ');
  return config.copyRegions
    .filter((r) => !config.copyKmsKeys[r])
    .map((region) => ({
      input: INPUT.copyKmsKeys,
      text: `input "${INPUT.copyKmsKeys}" has no key for ${region}, and ${names} ${encrypted.length === 1 ? 'is' : 'are'} encrypted: add ${region}=<KMS key ARN or alias/name in ${region}>`,
    }));
}

/** One line for one problem, all of them counted for several; blames the first one's input. */
export function configurationError(problems: Problem[]): ConfigurationError {
  const text =
    problems.length === 1
      ? problems[0]!.text
      : `${problems.length} problems: ${problems.map((p) => p.text).join('; ')}`;
  return new ConfigurationError(text, problems[0]!.input);
}

/**
 * Manual snapshots per region and kind would pass the quota (100 unless raised): the source region gets
 * this run's new snapshots, each copy region the copies not already there.
 */
export function quotaProblems(
  config: Pick<Config, 'region' | 'copyRegions' | 'quota'>,
  plans: Array<{ db: { kind: Kind }; id: string; existing?: Snapshot }>,
  listing: (region: string, kind: Kind) => Snapshot[],
): string[] {
  const out: string[] = [];
  for (const kind of [...new Set(plans.map((p) => p.db.kind))]) {
    const mine = plans.filter((p) => p.db.kind === kind);
    const check = (region: string, adding: number) => {
      const have = listing(region, kind).length;
      if (adding > 0 && have + adding > config.quota)
        out.push(
          `${region} has ${have} manual DB ${kind} snapshots; ${adding} more would pass the quota of ${config.quota}: ` +
            `delete old manual snapshots (or prune with retention-days), or raise the quota and set ${INPUT.quota}`,
        );
    };
    check(config.region, mine.filter((p) => !p.existing).length);
    for (const region of config.copyRegions)
      check(region, mine.filter((p) => !listing(region, kind).some((s) => s.id === p.id)).length);
  }
  return out;
}
