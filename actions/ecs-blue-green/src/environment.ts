/**
 * A GitHub deployment for the `environment` input: created once this step is about to deploy (after
 * every check), with statuses in_progress -> success / failure / inactive and the environment_url, so
 * the repository's environment page shows what runs where. Through `@actions/github`'s Octokit,
 * imported only when `environment` is set. GitHub is a record here, not the deployment: an answer
 * GitHub refuses is a warning, never a failed deploy.
 */
import type * as ActionsGitHub from '@actions/github';
import { errorMessage } from '@oaktree/action-kit';

export interface EnvironmentTarget {
  apiUrl: string;
  token: string;
  /** owner/name */
  repository: string;
  ref: string;
  environment: string;
  environmentUrl?: string;
  /** The workflow run, shown as the status's log link. */
  logUrl?: string;
  warn: (line: string) => void;
  info: (line: string) => void;
}

export type FinalState = 'success' | 'failure' | 'inactive';

type Octokit = ReturnType<typeof ActionsGitHub.getOctokit>;

export class GitHubDeployment {
  private id?: number;
  private octokit?: Octokit;

  constructor(private readonly t: EnvironmentTarget) {}

  private get repo() {
    const [owner, repo] = this.t.repository.split('/') as [string, string];
    return { owner, repo };
  }

  /** Create the deployment and mark it in_progress; a refusal is a warning. */
  async start(description: string, payload: Record<string, string>): Promise<void> {
    try {
      const { getOctokit } = await import('@actions/github');
      this.octokit = getOctokit(this.t.token, {
        baseUrl: this.t.apiUrl.replace(/\/$/, ''),
        userAgent: 'oaktree-ecs-blue-green',
      });
      const created = await this.octokit.rest.repos.createDeployment({
        ...this.repo,
        ref: this.t.ref,
        environment: this.t.environment,
        description: description.slice(0, 140),
        payload,
        auto_merge: false,
        required_contexts: [],
        transient_environment: false,
      });
      const id = (created.data as { id?: number }).id;
      if (!id)
        throw new Error(
          `no deployment id in the answer (${String((created.data as { message?: string }).message ?? '')})`,
        );
      this.id = id;
      await this.status('in_progress', `deploying ${payload.taskDefinition ?? ''}`.trim());
      this.t.info(`GitHub deployment ${id} to environment ${this.t.environment}: in_progress`);
    } catch (err) {
      this.t.warn(
        `could not record a GitHub deployment to environment ${this.t.environment}: ${errorMessage(err)}`,
      );
    }
  }

  /** The final status; nothing when no deployment was created. */
  async finish(state: FinalState, description: string): Promise<void> {
    if (!this.id) return;
    try {
      await this.status(state, description);
      this.t.info(`GitHub deployment ${this.id} to environment ${this.t.environment}: ${state}`);
    } catch (err) {
      this.t.warn(`could not set GitHub deployment ${this.id} to ${state}: ${errorMessage(err)}`);
    }
  }

  private async status(state: 'in_progress' | FinalState, description: string): Promise<void> {
    await this.octokit!.rest.repos.createDeploymentStatus({
      ...this.repo,
      deployment_id: this.id!,
      state,
      description: description.slice(0, 140),
      log_url: this.t.logUrl,
      environment_url: this.t.environmentUrl,
      auto_inactive: true,
    });
  }
}

/** The GitHub state for how the step ended (undefined: leave it in_progress, e.g. wait-for created). */
export function finalState(outcome: string): FinalState | undefined {
  if (outcome === 'succeeded') return 'success';
  if (outcome === 'failed' || outcome === 'aws-error') return 'failure';
  if (outcome === 'cancelled' || outcome === 'timed-out' || outcome === 'stopped') return 'inactive';
  return undefined;
}
