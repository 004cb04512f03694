import {
  GetDeploymentCommand,
  ListDeploymentsCommand,
  type DeploymentInfo,
} from '@aws-sdk/client-codedeploy';
import { awsErrorName, isAlreadyExists } from '@oaktree/aws';
import { carriesMarker } from './marker.js';
import type { Sender } from './stop.js';

/**
 * Recognising our own deployment after a lost reply. CodeDeploy's CreateDeployment takes no client
 * token, so a reply lost after CodeDeploy created the deployment makes the SDK's retry meet
 * DeploymentLimitExceededException naming the deployment this very step created. Every
 * CreateDeployment therefore carries a run marker in its description; a conflict whose deployment
 * carries the marker is ours and is adopted, any other is someone else's.
 */

/** The refusals that may hide our own earlier attempt: the group is busy, or "already exists". */
export function isCreateConflict(err: unknown): boolean {
  return awsErrorName(err) === 'DeploymentLimitExceededException' || isAlreadyExists(err);
}

/**
 * The deployment a refusal names: AWS says "The Deployment Group 'x' already has an active
 * Deployment 'd-XXXXXXXXX'".
 */
export function namedDeployment(err: unknown): string | undefined {
  return /\bd-[A-Z0-9]{9}\b/.exec(String((err as Error | undefined)?.message ?? ''))?.[0];
}

export interface Where {
  application: string;
  deploymentGroup: string;
  marker: string;
}

/** The decision, given what GetDeployment said about a candidate. */
export function isOurs(info: DeploymentInfo | undefined, where: Where): boolean {
  return (
    !!info &&
    info.applicationName === where.application &&
    info.deploymentGroupName === where.deploymentGroup &&
    info.creator !== 'codeDeployRollback' &&
    carriesMarker(info.description, where.marker)
  );
}

/**
 * Our deployment, if CodeDeploy has one: the one a refusal names, or else (a refusal naming none, or
 * a retry after a reply that never came) the group's deployments created since `since`. Reads only.
 */
export async function findOwnDeployment(
  codedeploy: Sender,
  where: Where,
  hint: { named?: string; since?: number },
): Promise<DeploymentInfo | undefined> {
  let candidates: string[];
  if (hint.named) candidates = [hint.named];
  else {
    const out = (await codedeploy.send(
      new ListDeploymentsCommand({
        applicationName: where.application,
        deploymentGroupName: where.deploymentGroup,
        // clocks differ: look five minutes further back than the step started
        createTimeRange: hint.since ? { start: new Date(hint.since - 5 * 60_000) } : undefined,
      }),
    )) as { deployments?: string[] };
    candidates = (out.deployments ?? []).slice(0, 10);
  }
  for (const id of candidates) {
    let info: DeploymentInfo | undefined;
    try {
      const got = (await codedeploy.send(new GetDeploymentCommand({ deploymentId: id }))) as {
        deploymentInfo?: DeploymentInfo;
      };
      info = got.deploymentInfo;
    } catch (err) {
      if (awsErrorName(err) === 'DeploymentDoesNotExistException') continue;
      throw err;
    }
    if (isOurs(info, where)) return { ...info, deploymentId: info?.deploymentId ?? id };
  }
  return undefined;
}
