/** The error code of an AWS SDK error (`name`, or `Code` on some query-protocol errors), or ''. */
export function awsErrorName(err: unknown): string {
  const e = err as { name?: unknown; Code?: unknown } | null | undefined;
  if (typeof e?.name === 'string' && e.name !== 'Error') return e.name;
  return typeof e?.Code === 'string' ? e.Code : '';
}

/** `DBInstanceNotFoundFault`, `DBSnapshotNotFound`, `ClusterNotFoundException`, ...: the thing is not there. */
export function isNotFound(err: unknown): boolean {
  return /not ?found/i.test(awsErrorName(err));
}

/** `DBSnapshotAlreadyExists`, `DBInstanceAlreadyExistsFault`, ...: a create that already happened. */
export function isAlreadyExists(err: unknown): boolean {
  return /already ?exists/i.test(awsErrorName(err));
}
