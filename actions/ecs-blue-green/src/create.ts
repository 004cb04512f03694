import { CreateDeploymentCommand, type CreateDeploymentCommandInput } from '@aws-sdk/client-codedeploy';
import { OperationError, formatDuration } from '@oaktree/action-kit';
import { exactlyOnce } from '@oaktree/aws';
import { findOwnDeployment, isCreateConflict, namedDeployment, type Where } from './adopt.js';
import { describeWithMarker } from './marker.js';
import type { RetrySeams, Sender } from './stop.js';

export interface Created {
  deploymentId: string;
  /** Found already made by this step's earlier attempt whose reply was lost. */
  adopted: boolean;
}

/**
 * CreateDeployment exactly once. The description carries the run marker. Transient failures are
 * retried (beyond the SDK's own retries) until `deadline`, and before each such retry the group is
 * searched for a deployment with our marker; a conflict (DeploymentLimitExceededException, "already
 * exists") over a deployment with our marker is adopted. A conflict over anyone else's deployment is
 * thrown as it came, for the if-deployment-active policy.
 */
export async function createOnce(
  codedeploy: Sender,
  request: Omit<CreateDeploymentCommandInput, 'description'> & { description?: string },
  where: Where,
  opts: RetrySeams & {
    since: number;
    deadline: number;
    log: (line: string) => void;
    /** A cancel ends the retries with PollCancelledError (an earlier attempt may have created it). */
    signal?: AbortSignal;
  },
): Promise<Created> {
  let attempts = 0;
  let foundBeforeRetry = false;
  const once = await exactlyOnce<string>({
    ...opts,
    what: `CreateDeployment in ${where.application}/${where.deploymentGroup}`,
    deadline: opts.deadline,
    conflict: isCreateConflict,
    onRetry: (e) =>
      opts.log(
        `CreateDeployment: AWS answered ${e.code} (transient); looking for a deployment of this step before ` +
          `trying again in ${formatDuration(e.retryInMs)}`,
      ),
    call: async () => {
      if (attempts++ > 0) {
        const mine = await findOwnDeployment(codedeploy, where, { since: opts.since });
        if (mine?.deploymentId) {
          foundBeforeRetry = true;
          return mine.deploymentId;
        }
      }
      const out = (await codedeploy.send(
        new CreateDeploymentCommand({
          ...request,
          description: describeWithMarker(request.description, where.marker),
        }),
      )) as { deploymentId?: string };
      if (!out.deploymentId) throw new OperationError('CreateDeployment answered without a deployment id');
      return out.deploymentId;
    },
    adopt: async (err) =>
      (await findOwnDeployment(codedeploy, where, { named: namedDeployment(err), since: opts.since }))
        ?.deploymentId,
  });
  return { deploymentId: once.value, adopted: once.adopted || foundBeforeRetry };
}
