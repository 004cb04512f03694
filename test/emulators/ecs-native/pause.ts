/**
 * PAUSE lifecycle hooks: where a deployment pauses, the hook runs DescribeServiceDeployments lists
 * as `lifecycleHookDetails`, and how a pause ends (ContinueServiceDeployment, the timeout, or the
 * deployment leaving IN_PROGRESS). The transitions themselves are in timeline.ts.
 *
 * A PAUSE hook pauses the deployment at the end of its lifecycle stage (after the stage's own
 * time, its Lambda hooks and alarms), so CONTINUE goes straight on to the next stage. One at
 * PRE_PRODUCTION_TRAFFIC_SHIFT, which is not a lifecycleStage, pauses at the end of
 * POST_TEST_TRAFFIC_SHIFT (after that stage's own pauses), before production traffic moves. Several
 * PAUSE hooks at one stage pause one after the other, in configuration order.
 */
import { randomBytes } from 'node:crypto';
import type { Hook, HookAction, Stage } from './config.js';
import type { Clock, Deployment } from './deployment.js';

export type HookStatus = 'AWAITING_ACTION' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';

export interface HookRun {
  hookId: string;
  /** index of the hook in the deployment's config.hooks */
  hook: number;
  /** the hook stage it ran for (PRE_PRODUCTION_TRAFFIC_SHIFT, or the lifecycle stage) */
  stage: string;
  status: HookStatus;
  startedAt: number;
  expiresAt: number;
  endedAt?: number;
  timeoutAction: HookAction;
}

export const PRE_PRODUCTION = 'PRE_PRODUCTION_TRAFFIC_SHIFT';

/** `ecs-pause-` and 43 URL-safe characters (32 random bytes), the shape ECS gives a pause's hookId */
export const newPauseHookId = (): string => `ecs-pause-${randomBytes(32).toString('base64url')}`;

export interface DuePause {
  hook: Hook;
  index: number;
  hookStage: string;
}

/** The hook stages whose PAUSE hooks pause at the end of lifecycle stage `stage`, in order. */
export const pauseStages = (stage: Stage): string[] =>
  stage === 'POST_TEST_TRAFFIC_SHIFT' ? [stage, PRE_PRODUCTION] : [stage];

/** The next PAUSE hook of these hook stages that has not yet run in this deployment, if any. */
export function duePause(d: Deployment, hookStages: string[]): DuePause | undefined {
  for (const hookStage of hookStages) {
    for (const [index, hook] of d.config.hooks.entries()) {
      if (hook.targetType !== 'PAUSE' || !hook.lifecycleStages.includes(hookStage)) continue;
      if (!d.hookRuns.some((r) => r.hook === index && r.stage === hookStage))
        return { hook, index, hookStage };
    }
  }
  return undefined;
}

/** The last pause of these hook stages (a stage is passed once going forward, so: of this stage). */
export const lastPause = (d: Deployment, hookStages: string[]): HookRun | undefined =>
  d.hookRuns.filter((r) => hookStages.includes(r.stage)).pop();

/** The hook run awaiting ContinueServiceDeployment (at most one at a time). */
export const awaitingPause = (d: Deployment): HookRun | undefined =>
  d.hookRuns.find((r) => r.status === 'AWAITING_ACTION');

/** The pause begins at `at`: AWAITING_ACTION until `timeoutInMinutes` (scaled by minuteMs) have passed. */
export function beginPause(d: Deployment, clock: Clock, due: DuePause, at: number): HookRun {
  const { timeoutInMinutes, action } = due.hook.timeoutConfiguration;
  const run: HookRun = {
    hookId: newPauseHookId(),
    hook: due.index,
    stage: due.hookStage,
    status: 'AWAITING_ACTION',
    startedAt: at,
    expiresAt: at + timeoutInMinutes * clock.minuteMs,
    timeoutAction: action,
  };
  d.hookRuns.push(run);
  d.updatedAt = at;
  return run;
}

/** End the pause awaiting action, if any, with `status` (a deployment leaving IN_PROGRESS ends it FAILED). */
export function endPause(d: Deployment, status: HookStatus, at: number): HookRun | undefined {
  const run = awaitingPause(d);
  if (!run) return undefined;
  run.status = status;
  run.endedAt = at;
  return run;
}
