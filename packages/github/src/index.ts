export {
  GitHubClient,
  GitHubError,
  splitRepo,
  type CreateOnce,
  type GitHubOptions,
  type Octokit,
} from './client.js';
export { retryPlan, DEFAULT_RETRY, type RetryPolicy, type Failure } from './retry.js';
