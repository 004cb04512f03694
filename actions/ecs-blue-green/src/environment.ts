/**
 * A GitHub deployment for the `environment` input: created once this step is about to deploy (after
 * every check), with statuses in_progress -> success / failure / inactive and the environment_url, so
 * the repository's environment page shows what runs where. Through the shared GitHub client (Octokit
 * loaded only when `environment` is set; retries and rate limits). GitHub is a record here, not the
 * deployment: an answer GitHub refuses is a warning, never a failed deploy.
 *
 * Each record is made once even when a reply is lost: the deployment carries this step's run marker
 * in its payload and is looked for by it before a resend; a status is looked for as the newest one.
 */
import { errorMessage } from '@oaktree/action-kit';
import { GitHubClient, splitRepo } from '@oaktree/github';

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
  /** This step's run marker (marker.ts), kept in the deployment's payload. */
  marker: string;
  warn: (line: string) => void;
  info: (line: string) => void;
}

export type FinalState = 'success' | 'failure' | 'inactive';

interface Status {
  id: number;
  state?: string;
  description?: string | null;
}
type Repo = { owner: string; repo: string };

/** The two POSTs a GitHub deployment takes, each made once (see createOnce). */
class DeploymentsApi extends GitHubClient {
  /** A deployment of `ref` carrying `marker` in its payload. */
  async createDeployment(
    repo: Repo,
    d: { ref: string; environment: string; description: string; payload: Record<string, string> },
    marker: string,
  ): Promise<number> {
    const payload = { ...d.payload, oaktreeRun: marker };
    const { value } = await this.createOnce({
      what: `deployment to ${d.environment}`,
      create: async () => {
        const created = await this.octokit.rest.repos.createDeployment({
          ...repo,
          ...d,
          payload,
          auto_merge: false,
          required_contexts: [],
          transient_environment: false,
        });
        const data = created.data as { id?: number; message?: string };
        if (!data.id) throw new Error(`no deployment id in the answer (${String(data.message ?? '')})`);
        return data.id;
      },
      find: async () => {
        const r = await this.octokit.rest.repos.listDeployments({
          ...repo,
          sha: d.ref,
          environment: d.environment,
          per_page: 100,
        });
        return r.data.find((x) => (x.payload as { oaktreeRun?: unknown })?.oaktreeRun === marker)?.id;
      },
    });
    return value;
  }

  async createStatus(
    repo: Repo,
    deploymentId: number,
    s: { state: 'in_progress' | FinalState; description: string; log_url?: string; environment_url?: string },
  ): Promise<void> {
    await this.createOnce({
      what: `${s.state} status`,
      create: async () =>
        (
          await this.octokit.rest.repos.createDeploymentStatus({
            ...repo,
            deployment_id: deploymentId,
            ...s,
            auto_inactive: true,
          })
        ).data.id,
      find: async () => {
        // Statuses come newest first: ours is the newest when it went through.
        const r = await this.octokit.rest.repos.listDeploymentStatuses({
          ...repo,
          deployment_id: deploymentId,
          per_page: 1,
        });
        const newest = (r.data as Status[])[0];
        return newest?.state === s.state && (newest.description ?? '') === s.description
          ? newest.id
          : undefined;
      },
    });
  }
}

export class GitHubDeployment {
  private id?: number;
  private api?: DeploymentsApi;

  constructor(private readonly t: EnvironmentTarget) {}

  private get repo(): Repo {
    const [owner, repo] = splitRepo(this.t.repository);
    return { owner, repo };
  }

  /** Create the deployment and mark it in_progress; a refusal is a warning. */
  async start(description: string, payload: Record<string, string>): Promise<void> {
    try {
      this.api = await DeploymentsApi.connect({
        apiUrl: this.t.apiUrl,
        token: this.t.token,
        userAgent: 'oaktree-ecs-blue-green',
        onWait: (line) => this.t.info(line),
      });
      const id = await this.api.createDeployment(
        this.repo,
        { ref: this.t.ref, environment: this.t.environment, description: description.slice(0, 140), payload },
        this.t.marker,
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
    await this.api!.createStatus(this.repo, this.id!, {
      state,
      description: description.slice(0, 140),
      log_url: this.t.logUrl,
      environment_url: this.t.environmentUrl,
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
