import { GetDeploymentCommand, type DeploymentInfo } from '@aws-sdk/client-codedeploy';
import { SummaryBuilder, errorMessage } from '@oaktree/action-kit';
import { retryTransient } from '@oaktree/aws';
import type { SavedDeployment } from './inflight.js';
import { isFinal } from './progress.js';
import { stopWithRollback, type RetrySeams, type Sender } from './stop.js';

export interface Aftercare {
  /** What post found and did, one line each (also the post summary). */
  lines: string[];
  action: 'none' | 'stopped' | 'already-ended' | 'left-running';
}

/**
 * The post step's care of a deployment main did not see to its end (main was killed, cancelled or
 * timed out before its stop went through, or an AWS error ended the follow): read where it stands;
 * one that ended is reported; one still in flight is stopped with rollback (on-cancel: rollback) or
 * reported as left running (on-cancel: leave).
 */
export async function attend(
  saved: SavedDeployment,
  codedeploy: Sender,
  log: (line: string) => void,
  seams: RetrySeams = {},
): Promise<Aftercare> {
  const id = saved.deploymentId;
  const lines: string[] = [];
  const say = (line: string) => {
    lines.push(line);
    log(line);
  };
  say(
    `post: main did not see deployment ${id} to its end` +
      (saved.left ? ` (${saved.left})` : ' (main ended without a word: killed?)'),
  );
  let status: string | undefined;
  try {
    const got = (await retryTransient(() => codedeploy.send(new GetDeploymentCommand({ deploymentId: id })), {
      what: `GetDeployment ${id}`,
      maxElapsedMs: 60_000,
      ...seams,
    })) as { deploymentInfo?: DeploymentInfo };
    status = got.deploymentInfo?.status;
  } catch (err) {
    say(`post: could not read ${id} (${errorMessage(err)}); acting on the saved state`);
  }
  if (isFinal(status)) {
    say(`post: deployment ${id} ended ${status} meanwhile; nothing to roll back`);
    return { lines, action: 'already-ended' };
  }
  if (saved.onCancel !== 'rollback') {
    say(`post: deployment ${id} is ${status ?? 'in an unknown state'} and left running (on-cancel: leave)`);
    return { lines, action: 'left-running' };
  }
  say(`post: main did not finish deployment ${id}; stopping it with rollback (on-cancel: rollback)`);
  const outcome = await stopWithRollback(codedeploy, id, seams);
  if (outcome === 'already-completed') {
    say(`post: deployment ${id} had already ended when the stop arrived`);
    return { lines, action: 'already-ended' };
  }
  say(`post: deployment ${id} stopped with rollback (it was ${status ?? 'in an unknown state'})`);
  return { lines, action: 'stopped' };
}

export function renderAftercare(saved: SavedDeployment, care: Aftercare, builder = new SummaryBuilder()) {
  builder.heading(`ECS blue/green (post): deployment ${saved.deploymentId}`, 3);
  builder.list(care.lines.map((l) => l.replace(/^post: /, '')));
  return builder;
}
