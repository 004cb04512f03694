import {
  DescribeServiceDeploymentsCommand,
  StopServiceDeploymentCommand,
  type DeploymentLifecycleHookDetail,
  type ServiceDeployment,
} from '@aws-sdk/client-ecs';
import { formatDuration, OperationError } from '@oaktree/action-kit';
import { awsErrorName, callInfo, poll, retryTransient, type RetryEvent } from '@oaktree/aws';
import type { FollowDeps } from './follow.js';
import type { SmokeTest } from './inputs.js';
import { ProgressTracker, type Snapshot } from './progress.js';
import { SmokeRun, type SmokeResult } from './smoke.js';
import type { RetrySeams, Sender } from './stop.js';

// ECS-native blue/green (deployment controller ECS, strategy BLUE_GREEN/LINEAR/CANARY): the service
// deployment UpdateService started, followed with DescribeServiceDeployments, stopped with
// StopServiceDeployment ROLLBACK.

export const NATIVE_DONE = ['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'] as const;
export const NATIVE_ACTIVE = [
  'PENDING',
  'IN_PROGRESS',
  'STOP_REQUESTED',
  'ROLLBACK_REQUESTED',
  'ROLLBACK_IN_PROGRESS',
] as const;

export function isNativeDone(status: string | undefined): boolean {
  return (NATIVE_DONE as readonly string[]).includes(status ?? '');
}

/** Stages after which the target revision serves the test listener rule. */
const TEST_TRAFFIC_ON = new Set([
  'POST_TEST_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
  'BAKE_TIME',
  'CLEAN_UP',
]);

export function testTrafficOn(d: ServiceDeployment): boolean {
  return d.status === 'IN_PROGRESS' && TEST_TRAFFIC_ON.has(d.lifecycleStage ?? '');
}

/** The PAUSE lifecycle hook an in-progress deployment waits at (AWAITING_ACTION), if any. */
export function pausedHook(
  d: ServiceDeployment,
): (DeploymentLifecycleHookDetail & { hookId: string }) | undefined {
  if (d.status !== 'IN_PROGRESS') return undefined;
  const h = d.lifecycleHookDetails?.find((x) => x.targetType === 'PAUSE' && x.status === 'AWAITING_ACTION');
  return h?.hookId ? (h as DeploymentLifecycleHookDetail & { hookId: string }) : undefined;
}

/** What a paused deployment waits for, for the log and the summary. */
export function pauseText(d: ServiceDeployment, h: DeploymentLifecycleHookDetail): string {
  const timeout = h.expiresAt
    ? `; ECS takes ${h.timeoutAction ?? 'its timeout action'} at ${new Date(h.expiresAt).toISOString()}`
    : '';
  return `paused at ${d.lifecycleStage ?? 'a lifecycle stage'} by a PAUSE hook: run this action with command continue or stop and this deployment-id${timeout}`;
}

/** The short id at the end of a service deployment ARN, for log lines. */
export function shortDeployment(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** Read one service deployment; throws when ECS does not know it. */
export async function describeServiceDeployment(ecs: Sender, arn: string): Promise<ServiceDeployment> {
  const out = (await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }))) as {
    serviceDeployments?: ServiceDeployment[];
    failures?: Array<{ reason?: string }>;
  };
  const d = out.serviceDeployments?.[0];
  if (!d)
    throw new OperationError(
      `service deployment ${arn} not found (${out.failures?.[0]?.reason ?? 'no answer'})`,
    );
  return d;
}

/**
 * Turns a service deployment into the tracker's snapshot: its status, one "event" per lifecycle stage
 * seen (the current one InProgress, the ones before Succeeded; stages of a rollback are named so), and
 * the production traffic weights of source and target.
 */
export class StageView {
  private readonly stages: Array<{ name: string; status: string }> = [];

  snapshot(d: ServiceDeployment): Snapshot {
    const rollingBack = (d.status ?? '').startsWith('ROLLBACK');
    const stage = d.lifecycleStage ? `${rollingBack ? 'rollback ' : ''}${d.lifecycleStage}` : undefined;
    const last = this.stages[this.stages.length - 1];
    if (stage && last?.name !== stage) {
      if (last && last.status === 'InProgress') last.status = 'Succeeded';
      this.stages.push({ name: stage, status: 'InProgress' });
    }
    if (isNativeDone(d.status)) {
      const end = this.stages[this.stages.length - 1];
      if (end?.status === 'InProgress') end.status = d.status === 'SUCCESSFUL' ? 'Succeeded' : 'Failed';
    }
    const green = d.targetServiceRevision?.requestedProductionTrafficWeight;
    return {
      status: d.status,
      events: this.stages.map((s) => ({ ...s })),
      weights: green === undefined ? undefined : { blue: 100 - green, green },
    };
  }
}

export type NativeStopOutcome = 'stopped' | 'already-completed';

/**
 * StopServiceDeployment ROLLBACK. One that completed answers ConflictException (counted as done);
 * transient errors are retried for up to a minute unless `seams` is false (the poller retries).
 */
export async function stopNative(
  ecs: Sender,
  arn: string,
  log: (line: string) => void,
  seams: RetrySeams | false = {},
): Promise<NativeStopOutcome> {
  const stop = () =>
    ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' }));
  try {
    if (seams === false) await stop();
    else
      await retryTransient(stop, {
        what: `StopServiceDeployment ${shortDeployment(arn)}`,
        maxElapsedMs: 60_000,
        ...seams,
        onRetry: (e) =>
          log(
            `StopServiceDeployment ${shortDeployment(arn)}: AWS answered ${e.code} (transient); trying again`,
          ),
      });
    log(`rollback requested for service deployment ${shortDeployment(arn)} (StopServiceDeployment ROLLBACK)`);
    return 'stopped';
  } catch (err) {
    if (awsErrorName(err) === 'ConflictException') {
      log(
        `service deployment ${shortDeployment(arn)} had already completed; nothing to stop (${(err as Error).message})`,
      );
      return 'already-completed';
    }
    throw err;
  }
}

export interface NativeFollowOptions {
  arn: string;
  intervalMs: number;
  deadline?: number;
  /**
   * `ready`: return once the deployment waits for continue (`readyAt: pause`, a PAUSE hook awaiting
   * action) or, for a service without PAUSE hooks, once the target serves test traffic; with a smoke
   * test, only after it passed on the test traffic.
   */
  until: 'ready' | 'final';
  readyAt?: 'pause' | 'test-traffic';
  smokeTest?: SmokeTest;
  label?: string;
  tracker?: ProgressTracker;
}

export interface NativeFollowResult {
  status: string;
  deployment: ServiceDeployment;
  tracker: ProgressTracker;
  smoke?: SmokeResult;
  stoppedForSmoke: boolean;
}

/**
 * Follow one service deployment with our poller, one line per change (status, lifecycle stage,
 * traffic). Runs the smoke test once the target serves the test listener rule and rolls back on its
 * failure. Transient read errors are retried until the deadline.
 */
export async function followNative(
  opts: NativeFollowOptions,
  deps: FollowDeps & { ecs: Sender },
): Promise<NativeFollowResult> {
  const now = deps.now ?? Date.now;
  const label = opts.label ?? `service deployment ${shortDeployment(opts.arn)}`;
  const tracker = opts.tracker ?? new ProgressTracker(label, now);
  const view = new StageView();
  const smokeRun =
    opts.smokeTest && deps.probe ? new SmokeRun(opts.smokeTest, deps.probe, deps.signal) : undefined;
  let deployment: ServiceDeployment = {};
  let stopForSmoke = false;
  let stoppedForSmoke = false;
  let failingSince: number | undefined;
  let pausedAt: string | undefined;
  let reading = 'DescribeServiceDeployments';
  const onRetry = (e: RetryEvent) => {
    const op = callInfo(e.error)?.operation || reading;
    if (failingSince === undefined) {
      failingSince = now();
      tracker.record(`AWS answered ${e.code} to ${op}: transient, retrying until the timeout`);
    }
    deps.log(
      `${label}: AWS answered ${e.code} to ${op} (transient, not the deployment's state); retrying in ${formatDuration(e.retryInMs)}`,
    );
  };
  let status: string;
  try {
    status = await poll<string>({
      what: `${label} to ${opts.until !== 'ready' ? 'complete' : opts.readyAt === 'pause' ? 'pause for continue' : 'serve test traffic'}`,
      intervalMs: opts.intervalMs,
      jitterMs: Math.min(1000, opts.intervalMs / 2),
      deadline: opts.deadline,
      signal: deps.signal,
      now,
      random: deps.random,
      sleep: deps.sleep,
      onRetry,
      check: async () => {
        reading = 'DescribeServiceDeployments';
        deployment = await describeServiceDeployment(deps.ecs, opts.arn);
        if (failingSince !== undefined) {
          const text = `AWS answers again after ${formatDuration(now() - failingSince)} of transient errors`;
          deps.log(`${label}: ${text}`);
          tracker.record(text);
          failingSince = undefined;
        }
        for (const line of tracker.update(view.snapshot(deployment))) deps.log(line);
        if (isNativeDone(deployment.status)) {
          // a probe that answered as the deployment ended is still reported
          const late = smokeRun?.take();
          if (late) {
            deps.log(late.text);
            tracker.record(late.text);
          }
          return { done: true, value: deployment.status! };
        }

        const paused = pausedHook(deployment);
        if (paused && paused.hookId !== pausedAt) {
          pausedAt = paused.hookId;
          const text = pauseText(deployment, paused);
          deps.log(`${label}: ${text}`);
          tracker.record(`paused at ${deployment.lifecycleStage ?? '?'} (PAUSE hook, awaiting action)`);
        }
        const testUp = testTrafficOn(deployment);
        if (smokeRun && testUp && !deps.signal?.aborted) await smokeRun.start(deps.log);
        const smoke = smokeRun?.take();
        if (smoke) {
          deps.log(smoke.text);
          tracker.record(smoke.text);
          if (!smoke.ok && !deps.signal?.aborted) {
            deps.log(`rolling back ${shortDeployment(opts.arn)} because the smoke test failed`);
            tracker.record('StopServiceDeployment ROLLBACK (smoke test failed)');
            stopForSmoke = true;
          }
        }
        // Kept until it went through: a transient error here makes the next check try again.
        if (stopForSmoke && !stoppedForSmoke) {
          reading = 'StopServiceDeployment';
          await stopNative(deps.ecs, opts.arn, deps.log, false);
          stoppedForSmoke = true;
        }
        const readyNow = opts.readyAt === 'pause' ? paused !== undefined : testUp;
        if (
          opts.until === 'ready' &&
          readyNow &&
          !stopForSmoke &&
          (!smokeRun || !testUp || smokeRun.result?.ok)
        )
          return { done: true, value: deployment.status! };
        return { done: false, progress: tracker.describe() };
      },
    });
  } finally {
    smokeRun?.abort();
  }
  return { status, deployment, tracker, smoke: smokeRun?.result, stoppedForSmoke };
}
