import {
  BatchGetDeploymentTargetsCommand,
  ContinueDeploymentCommand,
  GetDeploymentCommand,
  ListDeploymentTargetsCommand,
  type DeploymentInfo,
} from '@aws-sdk/client-codedeploy';
import { formatDuration } from '@oaktree/action-kit';
import { awsErrorName, callInfo, poll, type RetryEvent } from '@oaktree/aws';
import type { SmokeTest } from './inputs.js';
import { ProgressTracker, isFinal, snapshotOf } from './progress.js';
import { SmokeRun, type SmokeResult } from './smoke.js';
import { stopWithRollback, type Sender } from './stop.js';

export interface FollowDeps {
  codedeploy: Sender;
  log: (line: string) => void;
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
  /** Runs the smoke test (injected so tests need no network). */
  probe?: (test: SmokeTest, signal?: AbortSignal) => Promise<SmokeResult>;
}

export interface FollowOptions {
  deploymentId: string;
  /** The ECS target id, `<cluster>:<service>`. */
  targetId: string;
  intervalMs: number;
  jitterMs?: number;
  deadline?: number;
  /** `ready`: return once the deployment waits in Ready (or ended). `final`: only when it ended. */
  until: 'ready' | 'final';
  smokeTest?: SmokeTest;
  /** Prefix of status lines ("deployment d-..." / "rollback d-..."). */
  label?: string;
  /**
   * Where the lines and the timeline go; the caller's own tracker keeps the timeline when the follow
   * ends with an error (timeout, cancel, AWS error), for the job summary.
   */
  tracker?: ProgressTracker;
}

export interface FollowResult {
  status: string;
  info: DeploymentInfo;
  tracker: ProgressTracker;
  smoke?: SmokeResult;
  /** True when this follower stopped the deployment because the smoke test failed. */
  stoppedForSmoke: boolean;
  /** True when this follower continued the deployment from Ready. */
  continued: boolean;
}

const NOT_YET = new Set(['DeploymentNotStartedException']);
/** ContinueDeployment on a deployment that left Ready since it was read. */
const MOVED_ON = new Set(['DeploymentIsNotInReadyStateException', 'DeploymentAlreadyCompletedException']);

/**
 * Follow one deployment with our poller: GetDeployment and the ECS target each interval, one line per
 * change. Runs the smoke test once AllowTestTraffic succeeded, continues from Ready on success and
 * stops with rollback on failure. Ends at Ready (`until: ready`) or a final status.
 */
export async function follow(opts: FollowOptions, deps: FollowDeps): Promise<FollowResult> {
  const now = deps.now ?? Date.now;
  const label = opts.label ?? `deployment ${opts.deploymentId}`;
  const tracker = opts.tracker ?? new ProgressTracker(label, now);
  let targetId: string | undefined;
  let info: DeploymentInfo = {};
  const smokeRun =
    opts.smokeTest && deps.probe ? new SmokeRun(opts.smokeTest, deps.probe, deps.signal) : undefined;
  let stoppedForSmoke = false;
  let continued = false;
  let saidWaiting = false;
  let stopForSmoke = false;
  // The read in progress, for the transient-error line when the client does not name it.
  let reading = 'GetDeployment';
  let failingSince: number | undefined;
  let failures = 0;
  const onRetry = (e: RetryEvent) => {
    const op = callInfo(e.error)?.operation || reading;
    if (failingSince === undefined) {
      failingSince = now();
      tracker.record(`AWS answered ${e.code} to ${op}: transient, retrying until the timeout`);
    }
    failures++;
    const left =
      opts.deadline !== undefined
        ? `; gives up at the timeout, in ${formatDuration(Math.max(0, opts.deadline - now()))}`
        : '';
    deps.log(
      `${label}: AWS answered ${e.code} to ${op} (transient, not the deployment's state); retrying in ${formatDuration(e.retryInMs)}${left}`,
    );
  };

  const readTarget = async (status: string | undefined) => {
    if (status === 'Created' || status === 'Queued') return undefined;
    try {
      if (!targetId) {
        reading = 'ListDeploymentTargets';
        const list = (await deps.codedeploy.send(
          new ListDeploymentTargetsCommand({ deploymentId: opts.deploymentId }),
        )) as { targetIds?: string[] };
        const ids = list.targetIds ?? [];
        targetId = ids.find((id) => id === opts.targetId) ?? ids[0];
        if (!targetId) return undefined;
      }
      reading = 'BatchGetDeploymentTargets';
      const got = (await deps.codedeploy.send(
        new BatchGetDeploymentTargetsCommand({ deploymentId: opts.deploymentId, targetIds: [targetId] }),
      )) as { deploymentTargets?: Array<{ ecsTarget?: Parameters<typeof snapshotOf>[1] }> };
      return got.deploymentTargets?.[0]?.ecsTarget;
    } catch (err) {
      if (NOT_YET.has(awsErrorName(err))) return undefined;
      throw err;
    }
  };

  let status: string;
  try {
    status = await poll<string>({
      what: `${label} to ${opts.until === 'ready' ? 'reach Ready' : 'end'}`,
      intervalMs: opts.intervalMs,
      jitterMs: opts.jitterMs ?? 1000,
      deadline: opts.deadline,
      signal: deps.signal,
      now,
      random: deps.random,
      sleep: deps.sleep,
      onRetry,
      check: async () => {
        reading = 'GetDeployment';
        const got = (await deps.codedeploy.send(
          new GetDeploymentCommand({ deploymentId: opts.deploymentId }),
        )) as {
          deploymentInfo?: DeploymentInfo;
        };
        info = got.deploymentInfo ?? {};
        const st = info.status;
        const target = await readTarget(st);
        if (failingSince !== undefined) {
          const text = `AWS answers again after ${formatDuration(now() - failingSince)} of transient errors (${failures} retries)`;
          deps.log(`${label}: ${text}`);
          tracker.record(text);
          failingSince = undefined;
          failures = 0;
        }
        const snap = snapshotOf(st, target);
        for (const line of tracker.update(snap)) deps.log(line);

        if (isFinal(st)) return { done: true, value: st! };

        // Smoke test of the green side once it serves the test listener.
        const testTrafficUp =
          snap.events.some((e) => e.name === 'AllowTestTraffic' && e.status === 'Succeeded') ||
          st === 'Ready';
        if (smokeRun && testTrafficUp) await smokeRun.start(deps.log);
        const smoke = smokeRun?.take();
        if (smoke) {
          deps.log(smoke.text);
          tracker.record(smoke.text);
          if (!smoke.ok && !deps.signal?.aborted) {
            deps.log(`stopping ${opts.deploymentId} with rollback because the smoke test failed`);
            tracker.record('StopDeployment with rollback (smoke test failed)');
            stopForSmoke = true;
          }
        }
        // Kept until it went through: a transient error here makes the next check try again.
        if (stopForSmoke && !stoppedForSmoke) {
          reading = 'StopDeployment';
          await stopWithRollback(deps.codedeploy, opts.deploymentId, false);
          stoppedForSmoke = true;
          return { done: false, progress: tracker.describe() };
        }

        if (st === 'Ready' && !stoppedForSmoke) {
          const smokeWanted = opts.smokeTest !== undefined;
          if (opts.until === 'ready' && (!smokeWanted || smokeRun?.result?.ok))
            return { done: true, value: st };
          if (smokeWanted && smokeRun?.result?.ok && !continued) {
            reading = 'ContinueDeployment';
            try {
              await deps.codedeploy.send(
                new ContinueDeploymentCommand({
                  deploymentId: opts.deploymentId,
                  deploymentWaitType: 'READY_WAIT',
                }),
              );
            } catch (err) {
              // It moved on between our read and the call (the ready wait ran out, someone else continued
              // or stopped it): the next look says where it is.
              if (!MOVED_ON.has(awsErrorName(err))) throw err;
              deps.log(
                `ContinueDeployment answered ${awsErrorName(err)}: ${opts.deploymentId} is no longer waiting in Ready; following it`,
              );
              return { done: false, progress: tracker.describe() };
            }
            continued = true;
            deps.log(
              `continued ${opts.deploymentId}: the smoke test passed, shifting production traffic to green`,
            );
            tracker.record('ContinueDeployment (smoke test passed)');
          } else if (!smokeWanted && !saidWaiting) {
            saidWaiting = true;
            deps.log(
              `waiting in Ready for ContinueDeployment (run this action with command: continue, or the group's wait time ends it)`,
            );
          }
        }
        return { done: false, progress: tracker.describe() };
      },
    });
  } finally {
    // the deployment ended or the follow gave up: a probe still running has nothing left to decide
    smokeRun?.abort();
  }
  return { status, info, tracker, smoke: smokeRun?.result, stoppedForSmoke, continued };
}
