export {
  createClient,
  singleAttempt,
  resolveRegion,
  callInfo,
  REGION_PATTERN,
  type ClientOptions,
  type CallInfo,
} from './clients.js';
export {
  poll,
  sleep,
  PollTimeoutError,
  PollCancelledError,
  type PollOptions,
  type PollResult,
} from './poller.js';
export { cancelOnSignals, type Cancellation } from './cancel.js';
export { explainAwsError, iamPrefix } from './explain.js';
export { parseArn, partitionOf, consoleHost, consoleUrl, type Arn } from './arn.js';
export { SUITE_VERSION } from './version.js';
export { awsErrorName, isNotFound, isAlreadyExists } from './errors.js';
export { SNAPSHOT_TAG, SNAPSHOT_MANAGED_BY } from './rds-tags.js';
export { isTransient, isThrottling } from './errors.js';
export {
  retryTransient,
  exactlyOnce,
  onceByReadBack,
  backoffMs,
  errorCode,
  TransientExhaustedError,
  type RetryOptions,
  type RetryEvent,
  type OnceOptions,
  type Once,
  type ReadBackOptions,
} from './resilient.js';
export { proxyAgents, readProxyEnv, bypassesProxy, type ProxyEnv } from './proxy.js';
