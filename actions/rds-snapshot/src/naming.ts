import { SNAPSHOT_MANAGED_BY, SNAPSHOT_TAG } from '@oaktree/aws';
import type { RunContext, Tag } from './inputs.js';

/** Value of the managed-by tag: pruning only ever touches snapshots carrying it. */
export const MANAGED_BY = SNAPSHOT_MANAGED_BY;

/** The provenance tags every snapshot (and, through CopyTags, every copy) carries; dr-drill reads them too. */
export const TAG = SNAPSHOT_TAG;

/** RDS allows 50 tags per resource. */
export const MAX_TAGS = 50;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/**
 * `<prefix>-<database>-<yyyymmdd>-<hhmmss>[-r<run id>-a<attempt>]`, in UTC, lower case. The time is
 * when the snapshot was first requested; a re-run of the same attempt does not build a new name but
 * finds its snapshot by the run-id and run-attempt tags (see findRunSnapshot).
 */
export function snapshotId(prefix: string, database: string, at: Date, run: RunContext): string {
  const date = `${at.getUTCFullYear()}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}`;
  const time = `${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}`;
  const runPart = run.runId ? `-r${run.runId}-a${run.attempt}` : '';
  return `${prefix}-${database}-${date}-${time}${runPart}`.toLowerCase();
}

/** Where a snapshot series lives: one database, one source region, one prefix. */
export interface Scope {
  database: string;
  sourceRegion: string;
  prefix: string;
}

export function provenanceTags(scope: Scope, run: RunContext): Tag[] {
  const tags: Tag[] = [
    { Key: TAG.managedBy, Value: MANAGED_BY },
    { Key: TAG.sourceDb, Value: scope.database },
    { Key: TAG.sourceRegion, Value: scope.sourceRegion },
    { Key: TAG.prefix, Value: scope.prefix },
  ];
  if (run.repository) tags.push({ Key: TAG.repository, Value: run.repository });
  if (run.runId) {
    tags.push({ Key: TAG.runId, Value: run.runId });
    tags.push({ Key: TAG.attempt, Value: run.attempt });
  }
  if (run.sha) tags.push({ Key: TAG.sha, Value: run.sha });
  return tags;
}

/**
 * The snapshot's tags: the database's own tags (RDS stops copying them once Tags is passed), then the
 * user's `tags` input over them, then the provenance tags over both. The database's `aws:` tags cannot
 * be set by anyone and its `oaktree:` tags would lie about provenance, so both are left out. When the
 * total passes RDS's 50, database tags are dropped (and named) first.
 */
export function mergeTags(
  databaseTags: Tag[],
  userTags: Tag[],
  provenance: Tag[],
): { tags: Tag[]; dropped: string[] } {
  const fixed = new Map<string, string>();
  for (const t of userTags) fixed.set(t.Key, t.Value);
  for (const t of provenance) fixed.set(t.Key, t.Value);
  const inherited = databaseTags.filter((t) => !/^(aws|oaktree):/i.test(t.Key) && !fixed.has(t.Key));
  const room = Math.max(0, MAX_TAGS - fixed.size);
  const kept = inherited.slice(0, room);
  const dropped = inherited.slice(room).map((t) => t.Key);
  const tags = [...kept.map((t) => ({ Key: t.Key, Value: t.Value ?? '' }))];
  for (const [Key, Value] of fixed) tags.push({ Key, Value });
  return { tags, dropped };
}

export type TagMap = Record<string, string>;

export function tagMap(tags: Array<{ Key?: string; Value?: string }> | undefined): TagMap {
  const out: TagMap = {};
  for (const t of tags ?? []) if (t.Key) out[t.Key] = t.Value ?? '';
  return out;
}

/** True for snapshots this action made for the series: the only ones pruning may delete. */
export function inScope(tags: TagMap, scope: Scope): boolean {
  return (
    tags[TAG.managedBy] === MANAGED_BY &&
    tags[TAG.sourceDb] === scope.database &&
    tags[TAG.sourceRegion] === scope.sourceRegion &&
    tags[TAG.prefix] === scope.prefix
  );
}

/** True when the snapshot was made by this very run attempt (a re-run reuses it). */
export function fromRun(tags: TagMap, run: RunContext): boolean {
  return run.runId !== undefined && tags[TAG.runId] === run.runId && tags[TAG.attempt] === run.attempt;
}

/**
 * Carries this run's marker: our tags for the series and, in Actions, this run attempt's run-id and
 * run-attempt tags. Outside Actions there is no run id: then the snapshot (named with this run's start
 * second) must also have been taken since this run started.
 */
export function madeByRun(
  tags: TagMap,
  createdAt: Date | undefined,
  scope: Scope,
  run: RunContext,
  started: Date,
): boolean {
  if (!inScope(tags, scope)) return false;
  if (run.runId !== undefined) return fromRun(tags, run);
  return createdAt !== undefined && createdAt.getTime() >= Math.floor(started.getTime() / 1000) * 1000;
}
