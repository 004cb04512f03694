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

const THROTTLING =
  /^(Throttling|ThrottlingException|ThrottledException|RequestThrottled|RequestThrottledException|TooManyRequestsException|RequestLimitExceeded|ProvisionedThroughputExceededException|SlowDown|BandwidthLimitExceeded|PriorRequestNotComplete|EC2ThrottledException|TransactionInProgressException)$/;
const SERVER_SIDE =
  /^(InternalFailure|InternalError|InternalServerError|InternalServerException|ServiceUnavailable|ServiceUnavailableException|ServiceException|RequestTimeout|RequestTimeoutException|TimeoutError)$/;
const NETWORK =
  /^(ECONNRESET|ECONNREFUSED|ECONNABORTED|EPIPE|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|UND_ERR_SOCKET|UND_ERR_CONNECT_TIMEOUT)$/;

/** AWS asked us to slow down: `Throttling`, `ThrottlingException`, `RequestLimitExceeded`, HTTP 429. */
export function isThrottling(err: unknown): boolean {
  const e = err as { $metadata?: { httpStatusCode?: number } } | undefined;
  return THROTTLING.test(awsErrorName(err)) || e?.$metadata?.httpStatusCode === 429;
}

/**
 * Worth asking again after a pause: throttling, a 5xx, a request timeout, a reset or refused
 * connection. Everything else (validation, access denied, not found, conflicts) is an answer.
 */
export function isTransient(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  if (isThrottling(err)) return true;
  const e = err as {
    code?: unknown;
    cause?: { code?: unknown };
    message?: unknown;
    $metadata?: { httpStatusCode?: number };
    $retryable?: unknown;
  };
  if (SERVER_SIDE.test(awsErrorName(err))) return true;
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === 'number' && status >= 500) return true;
  if (e.$retryable) return true;
  const code = typeof e.code === 'string' ? e.code : typeof e.cause?.code === 'string' ? e.cause.code : '';
  if (NETWORK.test(code)) return true;
  return (
    typeof e.message === 'string' && /socket hang up|ECONNRESET|EPIPE|other side closed/i.test(e.message)
  );
}
