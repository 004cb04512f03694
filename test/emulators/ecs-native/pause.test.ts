/**
 * PAUSE lifecycle hooks and ContinueServiceDeployment on the model's hand-driven clock: the pause
 * and its lifecycleHookDetails, CONTINUE, ROLLBACK, a repeated call, the timeout and its action,
 * and a stop or a newer deployment while paused.
 */
import { ApiError } from '../codedeploy/errors.js';
import { parseNativeConfig } from './config.js';
import { EcsNativeModel } from './model.js';
import type { Scenario } from './deployment.js';

const STEP = 10;
/** one AWS minute: long enough that a pause of a few minutes outlasts every stage */
const MINUTE = 100;
const TD1 = 'arn:aws:ecs:us-east-1:123456789012:task-definition/api:1';
const TD2 = 'arn:aws:ecs:us-east-1:123456789012:task-definition/api:2';
const TD3 = 'arn:aws:ecs:us-east-1:123456789012:task-definition/api:3';
const LAMBDA = 'arn:aws:lambda:us-east-1:123456789012:function:smoke';
const HOOK_ID = /^ecs-pause-[A-Za-z0-9_-]{43}$/;
const DONE = ['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'];

type Json = Record<string, any>;

const motoService = (td = TD1): Json => ({
  serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/web/api',
  serviceName: 'api',
  clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/web',
  taskDefinition: td,
  desiredCount: 2,
  launchType: 'FARGATE',
});

const pauseAt = (stage: string, timeoutConfiguration?: Json): Json => ({
  targetType: 'PAUSE',
  lifecycleStages: [stage],
  ...(timeoutConfiguration ? { timeoutConfiguration } : {}),
});

function setup(hooks: Json[]) {
  let t = 1_000_000;
  const synced: string[] = [];
  const model = new EcsNativeModel({ stepMs: STEP, minuteMs: MINUTE, now: () => t }, async (_c, _s, td) => {
    synced.push(td);
  });
  const config = parseNativeConfig({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1, lifecycleHooks: hooks });
  model.registerService(motoService(), config, false);
  const clock = {
    get now() {
      return t;
    },
    add(ms: number) {
      t += ms;
    },
  };
  const deploy = (td = TD2, scenario?: Scenario): string => {
    if (scenario) model.setScenario(scenario, 'api');
    const arn = model.updateService('web', 'api', { taskDefinition: td, force: false, moto: motoService() });
    if (!arn) throw new Error('no deployment started');
    return arn;
  };
  const describe = async (arn: string): Promise<Json> => {
    const out = (await model.handle('DescribeServiceDeployments', { serviceDeploymentArns: [arn] })) as Json;
    return out.serviceDeployments[0];
  };
  /** step 1 ms at a time until the deployment awaits action at a hook (or `limit` passes) */
  const untilPaused = async (arn: string, limit = 1000): Promise<Json> => {
    for (let i = 0; i < limit; i++) {
      const d = await describe(arn);
      if (d.lifecycleHookDetails.some((h: Json) => h.status === 'AWAITING_ACTION')) return d;
      clock.add(1);
    }
    throw new Error('the deployment never paused');
  };
  /** `status:stage` each time it changes, until the deployment completes */
  const trace = async (arn: string, limit = 5000): Promise<string[]> => {
    const seen: string[] = [];
    for (let i = 0; i < limit; i++) {
      const d = await describe(arn);
      const now = `${d.status}:${d.lifecycleStage}`;
      if (seen[seen.length - 1] !== now) seen.push(now);
      if (DONE.includes(d.status)) break;
      clock.add(1);
    }
    return seen;
  };
  const cont = (input: Json) => model.handle('ContinueServiceDeployment', input);
  return { model, clock, deploy, describe, untilPaused, trace, cont, synced };
}

async function apiError(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an API error');
}

describe('a PAUSE lifecycle hook', () => {
  it('holds the deployment IN_PROGRESS at its stage with AWAITING_ACTION details until acted on', async () => {
    const { deploy, describe, untilPaused, clock, synced } = setup([
      pauseAt('POST_TEST_TRAFFIC_SHIFT', { timeoutInMinutes: 10, action: 'CONTINUE' }),
    ]);
    const arn = deploy();
    expect((await describe(arn)).lifecycleHookDetails).toEqual([]);
    clock.add(3 * STEP);
    expect((await describe(arn)).lifecycleHookDetails).toEqual([]);
    const paused = await untilPaused(arn);
    const pausedAt = clock.now;
    expect(paused).toMatchObject({ status: 'IN_PROGRESS', lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT' });
    expect(paused.lifecycleHookDetails).toEqual([
      {
        hookId: expect.stringMatching(HOOK_ID),
        targetType: 'PAUSE',
        status: 'AWAITING_ACTION',
        expiresAt: (pausedAt + 10 * MINUTE) / 1000,
        timeoutAction: 'CONTINUE',
      },
    ]);
    // far beyond the stage's own time, just short of the timeout: still paused, nothing moved
    clock.add(10 * MINUTE - 1);
    const still = await describe(arn);
    expect(still).toMatchObject({ status: 'IN_PROGRESS', lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT' });
    expect(still.lifecycleHookDetails[0].status).toBe('AWAITING_ACTION');
    expect(still.targetServiceRevision.requestedProductionTrafficWeight).toBe(0);
    expect(synced).toEqual([]);
  });

  it('CONTINUE: the hook SUCCEEDED, the deployment goes on to the next stage and to SUCCESSFUL', async () => {
    const { deploy, describe, untilPaused, trace, cont, synced } = setup([
      pauseAt('POST_TEST_TRAFFIC_SHIFT'),
    ]);
    const arn = deploy();
    const { hookId } = (await untilPaused(arn)).lifecycleHookDetails[0];
    await expect(cont({ serviceDeploymentArn: arn, hookId, action: 'CONTINUE' })).resolves.toEqual({
      serviceDeploymentArn: arn,
    });
    const next = await describe(arn);
    expect(next).toMatchObject({ status: 'IN_PROGRESS', lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT' });
    expect(await trace(arn)).toEqual([
      'IN_PROGRESS:PRODUCTION_TRAFFIC_SHIFT',
      'IN_PROGRESS:POST_PRODUCTION_TRAFFIC_SHIFT',
      'IN_PROGRESS:BAKE_TIME',
      'IN_PROGRESS:CLEAN_UP',
      'SUCCESSFUL:CLEAN_UP',
    ]);
    const done = await describe(arn);
    expect(done.lifecycleHookDetails).toEqual([expect.objectContaining({ hookId, status: 'SUCCEEDED' })]);
    expect(synced).toEqual([TD2]);
  });

  it('CONTINUE is the default action', async () => {
    const { deploy, describe, untilPaused, cont } = setup([pauseAt('POST_SCALE_UP')]);
    const arn = deploy();
    const { hookId } = (await untilPaused(arn)).lifecycleHookDetails[0];
    await cont({ serviceDeploymentArn: arn, hookId });
    const d = await describe(arn);
    expect(d.status).toBe('IN_PROGRESS');
    expect(d.lifecycleHookDetails[0].status).toBe('SUCCEEDED');
    expect(d.rollback).toBeUndefined();
  });

  it('ROLLBACK: the hook SUCCEEDED and the deployment rolls back as StopServiceDeployment would', async () => {
    const { deploy, describe, untilPaused, trace, cont, synced } = setup([
      pauseAt('POST_TEST_TRAFFIC_SHIFT'),
    ]);
    const arn = deploy();
    const { hookId } = (await untilPaused(arn)).lifecycleHookDetails[0];
    await cont({ serviceDeploymentArn: arn, hookId, action: 'ROLLBACK' });
    expect((await describe(arn)).status).toBe('ROLLBACK_REQUESTED');
    expect(await trace(arn)).toEqual([
      'ROLLBACK_REQUESTED:POST_TEST_TRAFFIC_SHIFT',
      'ROLLBACK_IN_PROGRESS:TEST_TRAFFIC_SHIFT',
      'ROLLBACK_IN_PROGRESS:CLEAN_UP',
      'ROLLBACK_SUCCESSFUL:CLEAN_UP',
    ]);
    const d = await describe(arn);
    expect(d.statusReason).toContain('rolled back by ContinueServiceDeployment');
    expect(d.rollback.serviceRevisionArn).toBe(d.sourceServiceRevisions[0].arn);
    expect(d.lifecycleHookDetails).toEqual([expect.objectContaining({ hookId, status: 'SUCCEEDED' })]);
    expect(synced).toEqual([]);
  });

  it.each(['CONTINUE', 'ROLLBACK'])(
    'a repeated ContinueServiceDeployment %s (a retry after a lost reply) is refused, never applied twice',
    async (action) => {
      const { deploy, describe, untilPaused, cont } = setup([
        pauseAt('POST_SCALE_UP'),
        pauseAt('POST_TEST_TRAFFIC_SHIFT'),
      ]);
      const arn = deploy();
      const { hookId } = (await untilPaused(arn)).lifecycleHookDetails[0];
      await cont({ serviceDeploymentArn: arn, hookId, action });
      const before = await describe(arn);
      const again = await apiError(cont({ serviceDeploymentArn: arn, hookId, action }));
      expect(again.type).toBe('InvalidParameterException');
      expect(again.message).toContain('not AWAITING_ACTION');
      expect(await describe(arn)).toEqual(before);
    },
  );

  it('a repeat does not continue the next pause either; that one needs its own hookId', async () => {
    const { deploy, describe, untilPaused, cont } = setup([
      pauseAt('POST_SCALE_UP'),
      pauseAt('POST_TEST_TRAFFIC_SHIFT'),
    ]);
    const arn = deploy();
    const first = (await untilPaused(arn)).lifecycleHookDetails[0].hookId;
    await cont({ serviceDeploymentArn: arn, hookId: first });
    const paused = await untilPaused(arn);
    expect(paused.lifecycleStage).toBe('POST_TEST_TRAFFIC_SHIFT');
    const second = paused.lifecycleHookDetails[1].hookId;
    expect(second).not.toBe(first);
    expect((await apiError(cont({ serviceDeploymentArn: arn, hookId: first }))).type).toBe(
      'InvalidParameterException',
    );
    const d = await describe(arn);
    expect(d.lifecycleStage).toBe('POST_TEST_TRAFFIC_SHIFT');
    expect(d.lifecycleHookDetails.map((h: Json) => h.status)).toEqual(['SUCCEEDED', 'AWAITING_ACTION']);
  });

  it('refuses unknown deployments, unknown hooks and bad parameters', async () => {
    const { deploy, untilPaused, cont } = setup([pauseAt('POST_SCALE_UP')]);
    const arn = deploy();
    const { hookId } = (await untilPaused(arn)).lifecycleHookDetails[0];
    const unknown = arn.replace(/[^/]+$/, 'AAAAAAAAAAAAAAAAAAAAAA');
    const notFound = await apiError(cont({ serviceDeploymentArn: unknown, hookId }));
    expect(notFound.type).toBe('ServiceDeploymentNotFoundException');
    const noHook = await apiError(cont({ serviceDeploymentArn: arn, hookId: 'ecs-pause-nope' }));
    expect([noHook.type, noHook.message]).toEqual([
      'InvalidParameterException',
      expect.stringContaining('has no lifecycle hook ecs-pause-nope'),
    ]);
    for (const [bad, message] of [
      [{ hookId }, 'serviceDeploymentArn is required'],
      [{ serviceDeploymentArn: arn }, 'hookId is required'],
      [{ serviceDeploymentArn: arn, hookId, action: 'ABORT' }, 'action must be CONTINUE or ROLLBACK'],
      [{ serviceDeploymentArn: 'd-123', hookId }, 'is not a service deployment ARN'],
    ] as const) {
      const err = await apiError(cont(bad));
      expect([err.type, err.message]).toEqual([
        'InvalidParameterException',
        expect.stringContaining(message),
      ]);
    }
    // none of them touched the pause
    expect((await untilPaused(arn)).lifecycleHookDetails).toEqual([
      expect.objectContaining({ hookId, status: 'AWAITING_ACTION' }),
    ]);
  });

  it('a deployment without PAUSE hooks has nothing to continue', async () => {
    const { deploy, describe, clock, cont } = setup([
      { hookTargetArn: LAMBDA, lifecycleStages: ['POST_SCALE_UP'] },
    ]);
    const arn = deploy();
    clock.add(4 * STEP);
    expect((await describe(arn)).lifecycleHookDetails).toEqual([]);
    expect((await apiError(cont({ serviceDeploymentArn: arn, hookId: 'ecs-pause-x' }))).type).toBe(
      'InvalidParameterException',
    );
  });
});

describe('a PAUSE hook nobody acts on', () => {
  it('times out at expiresAt, TIMED_OUT, and takes its timeout action ROLLBACK (the default)', async () => {
    const { deploy, describe, untilPaused, trace, clock, cont } = setup([
      pauseAt('POST_SCALE_UP', { timeoutInMinutes: 3 }),
    ]);
    const arn = deploy();
    const paused = await untilPaused(arn);
    const { hookId, expiresAt, timeoutAction } = paused.lifecycleHookDetails[0];
    expect(timeoutAction).toBe('ROLLBACK');
    expect(expiresAt * 1000 - clock.now).toBe(3 * MINUTE);
    clock.add(3 * MINUTE - 1);
    expect((await describe(arn)).lifecycleHookDetails[0].status).toBe('AWAITING_ACTION');
    clock.add(1);
    const d = await describe(arn);
    expect(d.status).toBe('ROLLBACK_REQUESTED');
    expect(d.statusReason).toContain(`${hookId} (PAUSE) at POST_SCALE_UP timed out after 3 minute(s)`);
    expect(d.lifecycleHookDetails[0]).toMatchObject({ hookId, status: 'TIMED_OUT' });
    expect((await trace(arn)).pop()).toBe('ROLLBACK_SUCCESSFUL:CLEAN_UP');
    // too late to act on it
    expect((await apiError(cont({ serviceDeploymentArn: arn, hookId }))).message).toContain('TIMED_OUT');
  });

  it('with timeout action CONTINUE goes on to SUCCESSFUL, the hook TIMED_OUT', async () => {
    const { deploy, describe, untilPaused, trace, synced } = setup([
      pauseAt('PRE_SCALE_UP', { timeoutInMinutes: 1, action: 'CONTINUE' }),
    ]);
    const arn = deploy();
    expect((await untilPaused(arn)).lifecycleStage).toBe('PRE_SCALE_UP');
    expect((await trace(arn)).slice(0, 2)).toEqual(['IN_PROGRESS:PRE_SCALE_UP', 'IN_PROGRESS:SCALE_UP']);
    const d = await describe(arn);
    expect(d.status).toBe('SUCCESSFUL');
    expect(d.lifecycleHookDetails.map((h: Json) => h.status)).toEqual(['TIMED_OUT']);
    expect(synced).toEqual([TD2]);
  });
});

describe('a paused deployment that is stopped or superseded', () => {
  it('StopServiceDeployment ROLLBACK rolls it back; the pause ends FAILED', async () => {
    const { model, deploy, describe, untilPaused, trace, cont } = setup([
      pauseAt('POST_PRODUCTION_TRAFFIC_SHIFT'),
    ]);
    const arn = deploy();
    const paused = await untilPaused(arn);
    expect(paused.targetServiceRevision.requestedProductionTrafficWeight).toBe(100);
    await model.handle('StopServiceDeployment', { serviceDeploymentArn: arn });
    const d = await describe(arn);
    expect(d.status).toBe('ROLLBACK_REQUESTED');
    expect(d.lifecycleHookDetails[0].status).toBe('FAILED');
    expect((await trace(arn)).pop()).toBe('ROLLBACK_SUCCESSFUL:CLEAN_UP');
    const { hookId } = d.lifecycleHookDetails[0];
    expect((await apiError(cont({ serviceDeploymentArn: arn, hookId }))).type).toBe(
      'InvalidParameterException',
    );
  });

  it('a newer deployment stops it; the pause ends FAILED and the new deployment pauses on its own', async () => {
    const { deploy, describe, untilPaused } = setup([pauseAt('POST_SCALE_UP')]);
    const first = deploy();
    const oldHook = (await untilPaused(first)).lifecycleHookDetails[0].hookId;
    const second = deploy(TD3);
    const old = await describe(first);
    expect(old.status).toBe('STOP_REQUESTED');
    expect(old.lifecycleHookDetails[0].status).toBe('FAILED');
    const paused = await untilPaused(second);
    expect(paused.lifecycleHookDetails[0].hookId).not.toBe(oldHook);
  });
});

describe("a service's first deployment (CreateService)", () => {
  it('pauses too (hooks are configuration, not a scenario); ROLLBACK has nothing to roll back to', async () => {
    let t = 5_000;
    const model = new EcsNativeModel({ stepMs: STEP, minuteMs: MINUTE, now: () => t });
    const config = parseNativeConfig({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 1,
      lifecycleHooks: [pauseAt('POST_SCALE_UP')],
    });
    model.registerService(motoService(), config, true);
    const svc = motoService();
    model.overlayService(svc);
    const arn = svc.currentServiceDeployment as string;
    const describe = async (): Promise<Json> =>
      ((await model.handle('DescribeServiceDeployments', { serviceDeploymentArns: [arn] })) as Json)
        .serviceDeployments[0];
    t += 10 * STEP;
    const paused = await describe();
    expect(paused).toMatchObject({ status: 'IN_PROGRESS', lifecycleStage: 'POST_SCALE_UP' });
    const { hookId } = paused.lifecycleHookDetails[0];
    await model.handle('ContinueServiceDeployment', {
      serviceDeploymentArn: arn,
      hookId,
      action: 'ROLLBACK',
    });
    const d = await describe();
    expect(d.status).toBe('ROLLBACK_FAILED');
    expect(d.statusReason).toContain('ContinueServiceDeployment');
    expect(d.lifecycleHookDetails[0].status).toBe('SUCCEEDED');
  });
});

describe('where PAUSE hooks pause', () => {
  it('at each stage of the hook, with a new hookId each time; several at one stage one after the other', async () => {
    const { deploy, describe, untilPaused, trace, cont } = setup([
      { targetType: 'PAUSE', lifecycleStages: ['PRE_SCALE_UP', 'POST_SCALE_UP'] },
      pauseAt('POST_SCALE_UP', { timeoutInMinutes: 5 }),
    ]);
    const arn = deploy();
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      const d = await untilPaused(arn);
      const h = d.lifecycleHookDetails[i];
      seen.push(`${d.lifecycleStage}:${h.status}`);
      await cont({ serviceDeploymentArn: arn, hookId: h.hookId });
    }
    expect(seen).toEqual([
      'PRE_SCALE_UP:AWAITING_ACTION',
      'POST_SCALE_UP:AWAITING_ACTION',
      'POST_SCALE_UP:AWAITING_ACTION',
    ]);
    expect((await trace(arn)).pop()).toBe('SUCCESSFUL:CLEAN_UP');
    const details = (await describe(arn)).lifecycleHookDetails as Json[];
    expect(details.map((h) => h.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(new Set(details.map((h) => h.hookId)).size).toBe(3);
  });

  it('PRE_PRODUCTION_TRAFFIC_SHIFT pauses at the end of POST_TEST_TRAFFIC_SHIFT, before production traffic moves', async () => {
    const { deploy, describe, untilPaused, trace, cont } = setup([pauseAt('PRE_PRODUCTION_TRAFFIC_SHIFT')]);
    const arn = deploy();
    const paused = await untilPaused(arn);
    expect(paused.lifecycleStage).toBe('POST_TEST_TRAFFIC_SHIFT');
    expect(paused.targetServiceRevision).toMatchObject({
      requestedTestTrafficWeight: 100,
      requestedProductionTrafficWeight: 0,
    });
    await cont({ serviceDeploymentArn: arn, hookId: paused.lifecycleHookDetails[0].hookId });
    expect((await describe(arn)).lifecycleStage).toBe('PRODUCTION_TRAFFIC_SHIFT');
    expect((await trace(arn)).pop()).toBe('SUCCESSFUL:CLEAN_UP');
  });

  it('a hook-failure scenario fails Lambda hooks only, never a PAUSE hook', async () => {
    const { deploy, untilPaused, trace, cont } = setup([pauseAt('POST_SCALE_UP')]);
    const arn = deploy(TD2, { kind: 'hook-failure', failAt: 'POST_SCALE_UP' });
    const { hookId } = (await untilPaused(arn)).lifecycleHookDetails[0];
    await cont({ serviceDeploymentArn: arn, hookId });
    expect((await trace(arn)).pop()).toBe('SUCCESSFUL:CLEAN_UP');
  });
});
