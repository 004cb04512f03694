/**
 * The GitHub REST calls guard-validate makes (check runs, one PR comment, PR files) on the shared
 * client of @oaktree/github (retries, rate limits, proxy); lists are followed by their `Link` headers.
 */
import { randomUUID } from 'node:crypto';
import { GitHubClient, splitRepo as split, type GitHubOptions } from '@oaktree/github';

export { GitHubError, type GitHubOptions } from '@oaktree/github';

/** The comment author GITHUB_TOKEN writes as (its installation cannot read GET /user). */
export const ACTIONS_BOT = 'github-actions[bot]';

interface Comment {
  id: number;
  body?: string;
  user?: { login?: string } | null;
}

export class GitHub extends GitHubClient {
  private viewer?: Promise<string>;
  /** Drawn once per step execution: the check run's external_id, so a lost reply finds its own run. */
  readonly checkRunMarker = `oaktree-guard-validate ${randomUUID()}`;

  static create(opts: GitHubOptions): Promise<GitHub> {
    return GitHub.connect({ userAgent: 'oaktree-guard-validate', ...opts });
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

  /** Create the check run once: after a lost reply, the run of this step is found by its external_id. */
  async createCheckRun(
    repo: string,
    body: Record<string, unknown> & { name: string; head_sha: string },
  ): Promise<number> {
    const [owner, name] = split(repo);
    const externalId = this.checkRunMarker;
    const { value } = await this.createOnce({
      what: `check run ${body.name}`,
      create: async () => {
        const r = await this.octokit.request('POST /repos/{owner}/{repo}/check-runs', {
          owner,
          repo: name,
          ...body,
          external_id: externalId,
        } as never);
        return (r.data as { id: number }).id;
      },
      find: async () => {
        const r = await this.octokit.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
          owner,
          repo: name,
          ref: body.head_sha,
          check_name: body.name,
          filter: 'all',
          per_page: 100,
        });
        const runs = (r.data as { check_runs?: Array<{ id: number; external_id?: string | null }> })
          .check_runs;
        return runs?.find((c) => c.external_id === externalId)?.id;
      },
    });
    return value;
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
    const ours = await this.findComment(repo, issue, marker);
    if (ours !== undefined) {
      await this.octokit.rest.issues.updateComment({ owner, repo: name, comment_id: ours, body });
      return 'updated';
    }
    // No comment of ours before: one found after a lost reply is the one this call made.
    await this.createOnce({
      what: 'pull request comment',
      create: async () =>
        (await this.octokit.rest.issues.createComment({ owner, repo: name, issue_number: issue, body })).data
          .id,
      find: () => this.findComment(repo, issue, marker),
    });
    return 'created';
  }

  /** The id of our comment: it carries the marker and was written by this token's author. */
  private async findComment(repo: string, issue: number, marker: string): Promise<number | undefined> {
    const [owner, name] = split(repo);
    const me = await this.login();
    for await (const page of this.octokit.paginate.iterator(this.octokit.rest.issues.listComments, {
      owner,
      repo: name,
      issue_number: issue,
      per_page: 100,
    })) {
      const ours = (page.data as Comment[]).find((c) => c.body?.includes(marker) && c.user?.login === me);
      if (ours) return ours.id;
    }
    return undefined;
  }
}
