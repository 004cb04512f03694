import { stateSlot } from '@oaktree/action-kit';
import { isFinal } from './progress.js';

/** What main leaves for post: enough to look after a deployment main could not see to its end. */
export interface SavedDeployment {
  /** A CodeDeploy deployment id, or the ARN of an ECS service deployment (controller ECS). */
  deploymentId: string;
  /** Who runs the deployment: CodeDeploy (the default) or ECS itself. */
  controller?: 'CODE_DEPLOY' | 'ECS';
  applicationName?: string;
  onCancel: 'rollback' | 'leave';
  region: string;
  /** True once main is done with the deployment (it ended, main returned on purpose, or main stopped it). */
  finished: boolean;
  /** Why main ended without seeing it to an end (an AWS error, a timeout, a cancel), for post's report. */
  left?: string;
  /** It was adopted after a lost CreateDeployment reply. */
  adopted?: boolean;
}

export const savedDeployment = stateSlot<SavedDeployment>('deployment');

/**
 * The one owner of "is there a deployment of ours in flight" for the post step. Main tells it when a
 * deployment becomes ours (saved before anything else is done with it), when main is done with it,
 * and, when main fails, decides once whether post must take care of it.
 */
export class InFlight {
  private current?: SavedDeployment;

  constructor(private readonly save: (s: SavedDeployment) => void = (s) => savedDeployment.save(s)) {}

  get deployment(): Readonly<SavedDeployment> | undefined {
    return this.current;
  }

  /** A deployment of ours exists in AWS: unless main settles it, post takes care of it. */
  started(d: Omit<SavedDeployment, 'finished' | 'left'>): void {
    this.put({ ...d, finished: false });
  }

  /** Main is done with it: it ended, main returned on purpose (wait-for), or main stopped it. */
  settled(): void {
    if (this.current && !this.current.finished)
      this.put({ ...this.current, finished: true, left: undefined });
  }

  /**
   * Main is failing. A deployment already at a final status is settled; one still in flight (main
   * could not follow it to an end: an AWS error after retries, a timeout or cancel whose stop did not
   * go through, a kill) stays with post, with the reason. Returns the deployment left to post.
   */
  afterFailure(seen: { status?: string; why: string }): Readonly<SavedDeployment> | undefined {
    const d = this.current;
    if (!d || d.finished) return undefined;
    if (isFinal(seen.status)) {
      this.settled();
      return undefined;
    }
    this.put({ ...d, left: seen.why });
    return this.current;
  }

  private put(s: SavedDeployment): void {
    this.current = s;
    this.save(s);
  }
}
