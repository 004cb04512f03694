/**
 * The GitHub REST calls the action makes (check runs, one PR comment, PR files), through
 * `@actions/github`'s Octokit: the runner's GITHUB_API_URL (GitHub Enterprise Server works
 * unchanged), `HTTPS_PROXY` / `NO_PROXY` through `@actions/http-client`, lists followed by their
 * `Link` headers. Octokit is imported only when a run talks to GitHub, so a bad input still fails
 * without loading it.
 *
 * Every request is retried here: 5xx answers and network errors with backoff; primary and secondary
 * rate limits (403/429 with `retry-after`, or `x-ratelimit-remaining: 0`) by waiting as told, when
 * that wait is short enough to be worth it.
 */
import type * as ActionsGitHub from '@actions/github';
import { retryPlan, type RetryPolicy } from './github-retry.js';

export class GitHubError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    message: string,
  ) {
    super(`GitHub ${method} ${path} answered ${status}: ${message}`);
  }
}

export interface GitHubOptions {
  apiUrl: string;
  token: string;
  /** Per-request timeout. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Told about every wait (rate limit or retry), for the log. */
  onWait?: (line: string) => void;
}

/** The comment author GITHUB_TOKEN writes as (its installation cannot read GET /user). */
export const ACTIONS_BOT = 'github-actions[bot]';

type Octokit = ReturnType<typeof ActionsGitHub.getOctokit>;

interface Comment {
  id: number;
  body?: string;
  user?: { login?: string } | null;
}

export class GitHub {
  readonly calls: Array<{ method: string; path: string; status: number }> = [];
  private viewer?: Promise<string>;

  private constructor(
    private readonly octokit: Octokit,
    private readonly opts: GitHubOptions,
  ) {}

  static async create(opts: GitHubOptions): Promise<GitHub> {
    const { getOctokit } = await import('@actions/github');
    const octokit = getOctokit(opts.token, {
      baseUrl: opts.apiUrl.replace(/\/$/, ''),
      userAgent: 'oaktree-guard-validate',
    });
    const gh = new GitHub(octokit, opts);
    octokit.hook.wrap('request', (request, options) => gh.withRetries(request, options));
    return gh;
  }

  private async withRetries<T extends { status: number }>(
    request: (o: never) => T | Promise<T>,
    options: { method?: string; url?: string; request?: Record<string, unknown> },
  ): Promise<T> {
    const method = String(options.method ?? 'GET');
    const path = String(options.url ?? '').replace(/^https?:\/\/[^/]+/, '');
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

  /** Files changed by a pull request: 100 per page by `Link`, at most 3,000 (GitHub's own cap). */
  async pullRequestFiles(repo: string, pr: number): Promise<{ files: string[]; truncated: boolean }> {
    const [owner, name] = split(repo);
    const files: string[] = [];
    let seen = 0;
    for await (const page of this.octokit.paginate.iterator(this.octokit.rest.pulls.listFiles, {
      owner,
      repo: name,
      pull_number: pr,
      per_page: 100,
    })) {
      for (const f of page.data) {
        seen++;
        if (f.status !== 'removed') files.push(f.filename);
      }
    }
    return { files, truncated: seen >= 3000 };
  }

  async createCheckRun(repo: string, body: Record<string, unknown>): Promise<number> {
    const [owner, name] = split(repo);
    const r = await this.octokit.request('POST /repos/{owner}/{repo}/check-runs', {
      owner,
      repo: name,
      ...body,
    } as never);
    return (r.data as { id: number }).id;
  }

  async updateCheckRun(repo: string, id: number, body: Record<string, unknown>): Promise<void> {
    const [owner, name] = split(repo);
    await this.octokit.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
      owner,
      repo: name,
      check_run_id: id,
      ...body,
    } as never);
  }

  /**
   * Who the token writes as: GET /user for a personal or app user token; an installation token
   * (GITHUB_TOKEN) may not read it and writes as github-actions[bot].
   */
  login(): Promise<string> {
    this.viewer ??= this.octokit.rest.users.getAuthenticated().then(
      (r) => r.data.login,
      (err: unknown) => {
        const s = (err as { status?: number }).status;
        if (s === 401 || s === 403 || s === 404) return ACTIONS_BOT;
        throw err;
      },
    );
    return this.viewer;
  }

  /**
   * Our comment, created or updated in place: found by its hidden marker AND written by this
   * token's author, so a comment by someone else that quotes the marker is never edited.
   */
  async upsertComment(
    repo: string,
    issue: number,
    marker: string,
    body: string,
  ): Promise<'created' | 'updated'> {
    const [owner, name] = split(repo);
    const me = await this.login();
    for await (const page of this.octokit.paginate.iterator(this.octokit.rest.issues.listComments, {
      owner,
      repo: name,
      issue_number: issue,
      per_page: 100,
    })) {
      const ours = (page.data as Comment[]).find((c) => c.body?.includes(marker) && c.user?.login === me);
      if (ours) {
        await this.octokit.rest.issues.updateComment({ owner, repo: name, comment_id: ours.id, body });
        return 'updated';
      }
    }
    await this.octokit.rest.issues.createComment({ owner, repo: name, issue_number: issue, body });
    return 'created';
  }
}

function split(repo: string): [string, string] {
  const [owner = '', name = ''] = repo.split('/');
  return [owner, name];
}

function messageOf(e: { message?: string; response?: { data?: unknown } }): string {
  const data = e.response?.data as { message?: unknown } | string | undefined;
  const msg = typeof data === 'object' && typeof data?.message === 'string' ? data.message : e.message;
  return String(msg ?? 'request failed').slice(0, 300);
}
