/**
 * The GitHub REST client the actions share: `@actions/github`'s Octokit (the runner's GITHUB_API_URL,
 * so GitHub Enterprise Server works unchanged; `HTTPS_PROXY` / `NO_PROXY` through
 * `@actions/http-client`), imported only when a run talks to GitHub, so a bad input still fails
 * without loading it. Every request is retried by `retryPlan`: 5xx answers and network errors with
 * backoff; primary and secondary rate limits by waiting as told, when the wait is worth it.
 *
 * Except one case: a POST creates something (a check run, a comment, a deployment or its status) and
 * takes no idempotency key, so a POST answered 5xx or not at all may have been applied. It is never
 * resent blind: it fails as `uncertain`, and `createOnce` looks for what it made before sending again.
 */
import type * as ActionsGitHub from '@actions/github';
import { retryPlan, type RetryPolicy } from './retry.js';

export class GitHubError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    message: string,
    /** A POST answered 5xx or not at all: GitHub may have applied it (the reply may be what was lost). */
    readonly uncertain = false,
  ) {
    super(`GitHub ${method} ${path} answered ${status}: ${message}`);
  }
}

/** What `createOnce` sends and how it recognises what an earlier attempt made. */
export interface CreateOnce<T> {
  /** For the log: "check run guard-validate". */
  what: string;
  create: () => Promise<T>;
  /** After an uncertain failure: what the earlier attempt made (found by its marker), if anything. */
  find: () => Promise<T | undefined>;
}

export interface GitHubOptions {
  apiUrl: string;
  token: string;
  /** Per-request timeout. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Told about every wait (rate limit or retry), for the log. */
  onWait?: (line: string) => void;
  /** The User-Agent product, e.g. oaktree-guard-validate. */
  userAgent?: string;
}

export type Octokit = ReturnType<typeof ActionsGitHub.getOctokit>;

/** An action's GitHub calls: subclasses add the endpoints they use on top of `octokit`. */
export class GitHubClient {
  readonly calls: Array<{ method: string; path: string; status: number }> = [];

  constructor(
    protected readonly octokit: Octokit,
    protected readonly opts: GitHubOptions,
  ) {}

  /** Load Octokit and make a client of this class whose every request goes through the retry rules. */
  static async connect<T extends GitHubClient>(
    this: new (octokit: Octokit, opts: GitHubOptions) => T,
    opts: GitHubOptions,
  ): Promise<T> {
    const { getOctokit } = await import('@actions/github');
    const octokit = getOctokit(opts.token, {
      baseUrl: opts.apiUrl.replace(/\/$/, ''),
      userAgent: opts.userAgent ?? 'oaktree-actions',
    });
    const client = new this(octokit, opts);
    octokit.hook.wrap('request', (request, options) => client.withRetries(request, options));
    return client;
  }

  private async withRetries<T extends { status: number }>(
    request: (o: never) => T | Promise<T>,
    options: { method?: string; url?: string; request?: Record<string, unknown> },
  ): Promise<T> {
    const method = String(options.method ?? 'GET');
    // The URL with its parameters filled in (options.url is the route template, /repos/{owner}/...).
    let url = String(options.url ?? '');
    try {
      url = this.octokit.request.endpoint.parse(options as never).url;
    } catch {
      // keep the template
    }
    const path = url.replace(/^https?:\/\/[^/]+/, '').replace(/^\/api\/v3(?=\/)/, '');
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      options.request = { ...options.request, signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000) };
      try {
        const res = await request(options as never);
        this.calls.push({ method, path, status: res.status });
        return res;
      } catch (err) {
        const e = err as {
          status?: number;
          message?: string;
          response?: { headers?: Record<string, string | undefined>; data?: unknown };
        };
        const status = typeof e.status === 'number' && e.response ? e.status : 0;
        this.calls.push({ method, path, status });
        if (method === 'POST' && (status === 0 || status >= 500))
          throw new GitHubError(status, method, path, messageOf(e), true);
        const plan = retryPlan(
          { status, headers: e.response?.headers ?? {}, message: e.message ?? '' },
          { attempt, elapsedMs: Date.now() - started, now: Date.now() },
          this.opts.retry,
        );
        if (!plan) throw new GitHubError(status, method, path, messageOf(e));
        this.opts.onWait?.(
          `GitHub ${method} ${path}: ${plan.reason}; retrying in ${(plan.waitMs / 1000).toFixed(1)}s`,
        );
        await new Promise((r) => setTimeout(r, plan.waitMs));
      }
    }
  }

  /**
   * A POST made exactly once: sent; after an uncertain failure (5xx or no answer), wait as for any
   * retry, look for what the earlier attempt made, adopt it when found, otherwise send again. Rate
   * limits were retried inside the request already (GitHub applied nothing then).
   */
  async createOnce<T>(c: CreateOnce<T>): Promise<{ value: T; adopted: boolean }> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        return { value: await c.create(), adopted: false };
      } catch (err) {
        if (!(err instanceof GitHubError) || !err.uncertain) throw err;
        const plan = retryPlan(
          {
            status: err.status,
            headers: {},
            message: err.message.replace(/^GitHub \S+ \S+ answered \d+: /, ''),
          },
          { attempt, elapsedMs: Date.now() - started, now: Date.now() },
          this.opts.retry,
        );
        if (!plan) throw err;
        this.opts.onWait?.(
          `GitHub ${err.method} ${err.path}: ${plan.reason}; looking for the ${c.what} it may have made before sending it again in ${(plan.waitMs / 1000).toFixed(1)}s`,
        );
        await new Promise((r) => setTimeout(r, plan.waitMs));
        const found = await c.find();
        if (found !== undefined) {
          this.opts.onWait?.(
            `GitHub ${err.method} ${err.path}: the reply was lost; the ${c.what} it made is used`,
          );
          return { value: found, adopted: true };
        }
      }
    }
  }
}

/** owner/name split in two. */
export function splitRepo(repo: string): [string, string] {
  const [owner = '', name = ''] = repo.split('/');
  return [owner, name];
}

function messageOf(e: { message?: string; response?: { data?: unknown } }): string {
  const data = e.response?.data as { message?: unknown } | string | undefined;
  const msg = typeof data === 'object' && typeof data?.message === 'string' ? data.message : e.message;
  return String(msg ?? 'request failed').slice(0, 300);
}
