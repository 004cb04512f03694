/**
 * The tags rds-snapshot puts on every snapshot it makes (and, through CopyTags, on every copy). They are a
 * contract: rds-snapshot prunes only what carries `managedBy`, and dr-drill finds a database's copied
 * snapshots in the DR region by `sourceDb` and `sourceRegion`. Both actions read them from here.
 */
export const SNAPSHOT_TAG = {
  managedBy: 'oaktree:managed-by',
  sourceDb: 'oaktree:source-db',
  sourceRegion: 'oaktree:source-region',
  prefix: 'oaktree:prefix',
  repository: 'oaktree:repository',
  runId: 'oaktree:run-id',
  attempt: 'oaktree:run-attempt',
  sha: 'oaktree:sha',
} as const;

/** The value of `managedBy` on rds-snapshot's snapshots. */
export const SNAPSHOT_MANAGED_BY = 'rds-snapshot';
