import { GetDeploymentCommand, type DeploymentInfo } from '@aws-sdk/client-codedeploy';
import { SummaryBuilder, errorMessage } from '@oaktree/action-kit';
import { retryTransient } from '@oaktree/aws';
import type { SavedDeployment } from './inflight.js';
import { isFinal } from './progress.js';
import { describeServiceDeployment, isNativeDone, stopNative } from './native-follow.js';
import { stopWithRollback, type RetrySeams, type Sender } from './stop.js';

/** How post reads and stops a deployment: CodeDeploy's calls, or ECS's for a service deployment. */
interface Backend {
  read(): Promise<string | undefined>;
  isFinal(status: string | undefined): boolean;
  stop(): Promise<'stopped' | 'already-completed'>;
  stopText: string;
}

function backendOf(
  saved: SavedDeployment,
  client: Sender,
  log: (line: string) => void,
  seams: RetrySeams,
): Backend {
  const id = saved.deploymentId;
  if (saved.controller === 'ECS')
    return {
      read: async () => (await describeServiceDeployment(client, id)).status,
      isFinal: isNativeDone,
      stop: () => stopNative(client, id, log, seams),
      stopText: 'rolled back (StopServiceDeployment ROLLBACK)',
    };
  return {
    read: async () =>
      (
        (await client.send(new GetDeploymentCommand({ deploymentId: id }))) as {
          deploymentInfo?: DeploymentInfo;
        }
      ).deploymentInfo?.status,
    isFinal,
    stop: () => stopWithRollback(client, id, seams),
    stopText: 'stopped with rollback',
  };
}

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
  /** The CodeDeploy client, or the ECS client for a service deployment (controller ECS). */
  client: Sender,
  log: (line: string) => void,
  seams: RetrySeams = {},
): Promise<Aftercare> {
  const id = saved.deploymentId;
  const backend = backendOf(saved, client, log, seams);
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
    status = await retryTransient(() => backend.read(), {
      what: `reading ${id}`,
      maxElapsedMs: 60_000,
      ...seams,
    });
  } catch (err) {
    say(`post: could not read ${id} (${errorMessage(err)}); acting on the saved state`);
  }
  if (backend.isFinal(status)) {
    say(`post: deployment ${id} ended ${status} meanwhile; nothing to roll back`);
    return { lines, action: 'already-ended' };
  }
  if (saved.onCancel !== 'rollback') {
    say(`post: deployment ${id} is ${status ?? 'in an unknown state'} and left running (on-cancel: leave)`);
    return { lines, action: 'left-running' };
  }
  say(`post: main did not finish deployment ${id}; stopping it with rollback (on-cancel: rollback)`);
  const outcome = await backend.stop();
  if (outcome === 'already-completed') {
    say(`post: deployment ${id} had already ended when the stop arrived`);
    return { lines, action: 'already-ended' };
  }
  say(`post: deployment ${id} ${backend.stopText} (it was ${status ?? 'in an unknown state'})`);
  return { lines, action: 'stopped' };
}

export function renderAftercare(saved: SavedDeployment, care: Aftercare, builder = new SummaryBuilder()) {
  builder.heading(`ECS blue/green (post): deployment ${saved.deploymentId}`, 3);
  builder.list(care.lines.map((l) => l.replace(/^post: /, '')));
  return builder;
}
