/**
 * The few GitHub REST calls the action makes (check runs, one PR comment, PR files), over fetch.
 * The base URL is the runner's GITHUB_API_URL (GitHub Enterprise Server works unchanged).
 */

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
  fetchImpl?: typeof fetch;
}

export class GitHub {
  readonly calls: Array<{ method: string; path: string; status: number }> = [];
  constructor(private readonly opts: GitHubOptions) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const f = this.opts.fetchImpl ?? fetch;
    let last: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const res = await f(`${this.opts.apiUrl.replace(/\/$/, '')}${path}`, {
        method,
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${this.opts.token}`,
          'x-github-api-version': '2022-11-28',
          'user-agent': 'oaktree-guard-validate',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000),
      });
      this.calls.push({ method, path, status: res.status });
      if (res.status >= 500 && attempt < 2) {
        last = new GitHubError(res.status, method, path, await res.text());
        await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
        continue;
      }
      if (!res.ok) {
        let msg = await res.text();
        try {
          msg = (JSON.parse(msg) as { message?: string }).message ?? msg;
        } catch {
          // not JSON
        }
        throw new GitHubError(res.status, method, path, msg.slice(0, 300));
      }
      if (res.status === 204) return undefined as T;
      return (await res.json()) as T;
    }
    throw last;
  }

  /** Files changed by a pull request: 100 per page, at most 3,000 (GitHub's own cap). */
  async pullRequestFiles(repo: string, pr: number): Promise<{ files: string[]; truncated: boolean }> {
    const files: string[] = [];
    for (let page = 1; page <= 30; page++) {
      const batch = await this.request<
        Array<{ filename: string; status: string; previous_filename?: string }>
      >('GET', `/repos/${repo}/pulls/${pr}/files?per_page=100&page=${page}`);
      for (const f of batch) if (f.status !== 'removed') files.push(f.filename);
      if (batch.length < 100) return { files, truncated: false };
    }
    return { files, truncated: true };
  }

  async createCheckRun(repo: string, body: Record<string, unknown>): Promise<number> {
    const r = await this.request<{ id: number }>('POST', `/repos/${repo}/check-runs`, body);
    return r.id;
  }

  async updateCheckRun(repo: string, id: number, body: Record<string, unknown>): Promise<void> {
    await this.request('PATCH', `/repos/${repo}/check-runs/${id}`, body);
  }

  /** Our comment (found by its hidden marker), created or updated in place. */
  async upsertComment(
    repo: string,
    issue: number,
    marker: string,
    body: string,
  ): Promise<'created' | 'updated'> {
    for (let page = 1; page <= 30; page++) {
      const comments = await this.request<Array<{ id: number; body?: string }>>(
        'GET',
        `/repos/${repo}/issues/${issue}/comments?per_page=100&page=${page}`,
      );
      const ours = comments.find((c) => c.body?.includes(marker));
      if (ours) {
        await this.request('PATCH', `/repos/${repo}/issues/comments/${ours.id}`, { body });
        return 'updated';
      }
      if (comments.length < 100) break;
    }
    await this.request('POST', `/repos/${repo}/issues/${issue}/comments`, { body });
    return 'created';
  }
}
