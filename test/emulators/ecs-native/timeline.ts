/**
 * One ECS service deployment on the emulator's scaled clock: PENDING, then the lifecycle stages in
 * order, then SUCCESSFUL; or, on a failed hook, an alarm or StopServiceDeployment, a rollback
 * (ROLLBACK_REQUESTED -> ROLLBACK_IN_PROGRESS -> ROLLBACK_SUCCESSFUL) or a stop (STOP_REQUESTED ->
 * STOPPED); a PAUSE lifecycle hook holds it IN_PROGRESS until ContinueServiceDeployment or its
 * timeout (pause.ts). Nothing runs on a timer: `advance(d, now)` applies every transition due by
 * `now`, each at its own emulated time, so polling faster or slower never changes the timeline.
 */
import { STAGES, productionPlan, type Stage } from './config.js';
import type { Clock, Deployment, TimelineSink } from './deployment.js';
import {
  awaitingPause,
  beginPause,
  duePause,
  endPause,
  lastPause,
  pauseStages,
  type DuePause,
  type HookRun,
} from './pause.js';

export function stagesFor(sourceCount: number): readonly Stage[] {
  return sourceCount > 1 ? STAGES : STAGES.filter((s) => s !== 'RECONCILE_SERVICE');
}

/** the Lambda hook at `stage`, if any (a hook-failure scenario fails Lambda hooks only) */
const lambdaHookAt = (d: Deployment, stage: Stage) =>
  d.config.hooks.find((h) => h.targetType === 'AWS_LAMBDA' && h.lifecycleStages.includes(stage));

function firstHookedStage(d: Deployment): Stage | undefined {
  return d.stages.find((s) => lambdaHookAt(d, s));
}

function stageMs(d: Deployment, clock: Clock, stage: Stage): number {
  if (stage === 'BAKE_TIME') return d.config.bakeTimeInMinutes * clock.minuteMs;
  if (stage === 'PRODUCTION_TRAFFIC_SHIFT' && d.status === 'IN_PROGRESS') {
    const plan = productionPlan(d.config);
    return plan[plan.length - 1]![0] * clock.minuteMs + d.stepMs;
  }
  return d.stepMs;
}

/** Green production weight at `now` (live during a forward PRODUCTION_TRAFFIC_SHIFT). */
export function greenProduction(d: Deployment, clock: Clock, now: number): number {
  if (d.status !== 'IN_PROGRESS' || d.stage !== 'PRODUCTION_TRAFFIC_SHIFT') return d.prodWeight;
  let w = 0;
  for (const [minute, weight] of productionPlan(d.config)) {
    if (d.since + minute * clock.minuteMs <= now) w = weight;
  }
  return w;
}

function enterStage(d: Deployment, sink: TimelineSink, stage: Stage, at: number): void {
  d.stage = stage;
  d.since = at;
  d.updatedAt = at;
  const rollingBack = d.status === 'ROLLBACK_IN_PROGRESS';
  if (!rollingBack && stage === 'POST_SCALE_UP') d.scaled = true;
  if (!rollingBack && stage === 'TEST_TRAFFIC_SHIFT') d.testWeight = 100;
  if (rollingBack && stage === 'PRODUCTION_TRAFFIC_SHIFT') d.prodWeight = 0;
  if (rollingBack && stage === 'TEST_TRAFFIC_SHIFT') d.testWeight = 0;
  if (rollingBack && stage === 'CLEAN_UP') d.scaled = false;
  sink.event(
    d,
    at,
    rollingBack
      ? `service deployment ${d.id} is rolling back: lifecycle stage ${stage}.`
      : `service deployment ${d.id} entered lifecycle stage ${stage}.`,
  );
}

function leaveStage(d: Deployment, clock: Clock, at: number): void {
  if (d.status === 'IN_PROGRESS' && d.stage === 'PRODUCTION_TRAFFIC_SHIFT') {
    d.prodWeight = greenProduction(d, clock, at);
  }
}

/**
 * The deployment failed at `at`. With `rollback` it rolls back to its production revision
 * (a first deployment has none: ROLLBACK_FAILED); otherwise it is STOPPED where it stands.
 */
export function failDeployment(
  d: Deployment,
  clock: Clock,
  sink: TimelineSink,
  at: number,
  reason: string,
  rollback: boolean,
): void {
  endPause(d, 'FAILED', at);
  if (d.status === 'IN_PROGRESS' && d.stage === 'PRODUCTION_TRAFFIC_SHIFT') {
    d.prodWeight = greenProduction(d, clock, at);
  }
  d.statusReason = reason;
  d.updatedAt = at;
  d.since = at;
  if (!rollback) {
    d.status = 'STOPPED';
    d.stoppedAt = at;
    sink.event(d, at, `service deployment ${d.id} stopped: ${reason}`);
    return;
  }
  const to = d.source[0];
  d.rollback = { reason, startedAt: at, serviceRevisionArn: to?.arn };
  if (!to) {
    d.status = 'ROLLBACK_FAILED';
    d.finishedAt = at;
    d.statusReason = `${reason} There is no previous service revision to roll back to.`;
    sink.event(d, at, `service deployment ${d.id} could not roll back: no previous service revision.`);
    return;
  }
  d.status = 'ROLLBACK_REQUESTED';
  sink.event(d, at, `service deployment ${d.id} failed: ${reason} Rolling back to ${to.arn}.`);
}

/** StopServiceDeployment ABORT, or a newer deployment of the service: STOP_REQUESTED, then STOPPED. */
export function requestStop(
  d: Deployment,
  clock: Clock,
  sink: TimelineSink,
  at: number,
  reason: string,
): void {
  endPause(d, 'FAILED', at);
  d.prodWeight = greenProduction(d, clock, at);
  d.status = 'STOP_REQUESTED';
  d.statusReason = reason;
  d.since = at;
  d.updatedAt = at;
  sink.event(d, at, `service deployment ${d.id} is stopping: ${reason}`);
}

interface Transition {
  at: number;
  apply(): void;
}

function pauseAt(d: Deployment, clock: Clock, sink: TimelineSink, due: DuePause, at: number): Transition {
  return {
    at,
    apply: () => {
      const run = beginPause(d, clock, due, at);
      sink.event(
        d,
        at,
        `service deployment ${d.id} paused at ${due.hookStage}: lifecycle hook ${run.hookId} is awaiting action.`,
      );
    },
  };
}

function timeOut(d: Deployment, clock: Clock, sink: TimelineSink, run: HookRun): Transition {
  const at = run.expiresAt;
  return {
    at,
    apply: () => {
      endPause(d, 'TIMED_OUT', at);
      const minutes = d.config.hooks[run.hook]!.timeoutConfiguration.timeoutInMinutes;
      const what = `Lifecycle hook ${run.hookId} (PAUSE) at ${run.stage} timed out after ${minutes} minute(s)`;
      if (run.timeoutAction === 'CONTINUE') {
        sink.event(d, at, `service deployment ${d.id}: ${what}; continuing.`);
        d.updatedAt = at;
      } else failDeployment(d, clock, sink, at, `${what}; its timeout action is ROLLBACK.`, true);
    },
  };
}

/** Leave the current stage at `at`: on to the next one, or SUCCESSFUL after the last. */
function finishStage(d: Deployment, clock: Clock, sink: TimelineSink, at: number): Transition {
  return {
    at,
    apply: () => {
      leaveStage(d, clock, at);
      if (d.stageIdx + 1 < d.stages.length) {
        d.stageIdx += 1;
        enterStage(d, sink, d.stages[d.stageIdx]!, at);
        return;
      }
      d.status = 'SUCCESSFUL';
      d.finishedAt = at;
      d.updatedAt = at;
      d.statusReason = undefined;
      d.prodWeight = 100;
      sink.succeeded(d, at);
    },
  };
}

function nextTransition(d: Deployment, clock: Clock, sink: TimelineSink): Transition | undefined {
  const s = d.scenario;
  switch (d.status) {
    case 'PENDING': {
      const at = d.createdAt + clock.pendingMs;
      return {
        at,
        apply: () => {
          d.status = 'IN_PROGRESS';
          d.startedAt = at;
          sink.event(d, at, `service deployment ${d.id} started.`);
          enterStage(d, sink, d.stages[0]!, at);
        },
      };
    }
    case 'IN_PROGRESS': {
      const stage = d.stages[d.stageIdx]!;
      const waiting = awaitingPause(d);
      if (waiting) return timeOut(d, clock, sink, waiting);
      const hookStages = pauseStages(stage);
      const pause = duePause(d, hookStages);
      const paused = lastPause(d, hookStages);
      if (paused) {
        // the stage's own time is over and its pauses have begun: the next one, or on from the last
        const at = paused.endedAt!;
        return pause ? pauseAt(d, clock, sink, pause, at) : finishStage(d, clock, sink, at);
      }
      if (!d.initial && s.kind === 'hold' && (s.holdAt ?? 'POST_TEST_TRAFFIC_SHIFT') === stage)
        return undefined;
      const end = d.since + stageMs(d, clock, stage);
      const alarms = d.config.alarms;
      if (!d.initial && s.kind === 'alarm' && (s.alarmAt ?? 'BAKE_TIME') === stage && alarms?.enable) {
        const at = d.since + Math.floor((end - d.since) / 2);
        return {
          at,
          apply: () => {
            const fired = s.alarmNames?.length ? s.alarmNames : alarms.alarmNames;
            d.triggeredAlarms = [...fired];
            failDeployment(
              d,
              clock,
              sink,
              at,
              `CloudWatch alarm(s) ${fired.join(', ')} in ALARM during ${stage}.`,
              alarms.rollback,
            );
          },
        };
      }
      if (!d.initial && s.kind === 'hook-failure' && (s.failAt ?? firstHookedStage(d)) === stage) {
        const hook = lambdaHookAt(d, stage);
        if (hook) {
          return {
            at: end,
            apply: () =>
              failDeployment(
                d,
                clock,
                sink,
                end,
                `Lifecycle hook ${hook.hookTargetArn} returned FAILED at ${stage}` +
                  (s.message ? `: ${s.message}` : '.'),
                true,
              ),
          };
        }
      }
      return pause ? pauseAt(d, clock, sink, pause, end) : finishStage(d, clock, sink, end);
    }
    case 'STOP_REQUESTED': {
      const at = d.since + d.stepMs;
      return {
        at,
        apply: () => {
          d.status = 'STOPPED';
          d.stoppedAt = at;
          d.updatedAt = at;
          sink.event(d, at, `service deployment ${d.id} stopped.`);
        },
      };
    }
    case 'ROLLBACK_REQUESTED': {
      const at = d.since + d.stepMs;
      return {
        at,
        apply: () => {
          d.status = 'ROLLBACK_IN_PROGRESS';
          d.rollbackStages = [
            ...(d.prodWeight > 0 ? (['PRODUCTION_TRAFFIC_SHIFT'] as const) : []),
            ...(d.testWeight > 0 ? (['TEST_TRAFFIC_SHIFT'] as const) : []),
            'CLEAN_UP',
          ];
          d.stageIdx = 0;
          enterStage(d, sink, d.rollbackStages[0]!, at);
        },
      };
    }
    case 'ROLLBACK_IN_PROGRESS': {
      const at = d.since + d.stepMs;
      return {
        at,
        apply: () => {
          if (d.stageIdx + 1 < d.rollbackStages.length) {
            d.stageIdx += 1;
            enterStage(d, sink, d.rollbackStages[d.stageIdx]!, at);
            return;
          }
          d.status = 'ROLLBACK_SUCCESSFUL';
          d.finishedAt = at;
          d.updatedAt = at;
          sink.rolledBack(d, at);
        },
      };
    }
    default:
      return undefined;
  }
}

/** Apply every transition due by `now`, in order. */
export function advance(d: Deployment, clock: Clock, sink: TimelineSink, now: number): void {
  for (let guard = 0; guard < 10_000; guard++) {
    const t = nextTransition(d, clock, sink);
    if (!t || t.at > now) return;
    t.apply();
  }
}
