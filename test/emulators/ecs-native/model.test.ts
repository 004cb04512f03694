/**
 * The ECS-native blue/green model on a hand-driven clock: stages in order, bake time, hook failure
 * and alarm rollbacks, StopServiceDeployment, superseding deployments, the list/describe operations
 * and the DescribeServices view. The HTTP front and moto are covered by the e2e test.
 */
import { ApiError } from '../codedeploy/errors.js';
import { STAGES, parseNativeConfig, type Stage } from './config.js';
import { EcsNativeModel } from './model.js';
import type { Scenario } from './deployment.js';

const STEP = 10;
const CLUSTER_ARN = 'arn:aws:ecs:us-east-1:123456789012:cluster/web';
const TD1 = 'arn:aws:ecs:us-east-1:123456789012:task-definition/api:1';
const TD2 = 'arn:aws:ecs:us-east-1:123456789012:task-definition/api:2';
const TD3 = 'arn:aws:ecs:us-east-1:123456789012:task-definition/api:3';
const HOOK = 'arn:aws:lambda:us-east-1:123456789012:function:smoke';

type Json = Record<string, any>;

function motoService(td = TD1): Json {
  return {
    serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/web/api',
    serviceName: 'api',
    clusterArn: CLUSTER_ARN,
    taskDefinition: td,
    desiredCount: 2,
    launchType: 'FARGATE',
    events: [],
    deployments: [],
  };
}

function setup(dc: Json = {}, opts: { minuteMs?: number } = {}) {
  let t = 1_000_000;
  const synced: string[] = [];
  const model = new EcsNativeModel(
    { stepMs: STEP, minuteMs: opts.minuteMs ?? STEP, now: () => t },
    async (_c, _s, td) => {
      synced.push(td);
    },
  );
  const config = parseNativeConfig({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 2, ...dc });
  // an existing service switched to blue/green: TD1 is production, no first deployment
  model.registerService(motoService(), config, false);
  const clock = {
    get now() {
      return t;
    },
    set(v: number) {
      t = v;
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
  /** (status, stage) at every ms until the deployment completes or `limit` passes */
  const trace = async (arn: string, limit = 2000): Promise<Array<[string, string | undefined]>> => {
    const seen: Array<[string, string | undefined]> = [];
    for (let i = 0; i < limit; i++) {
      const d = await describe(arn);
      const last = seen[seen.length - 1];
      if (!last || last[0] !== d.status || last[1] !== d.lifecycleStage)
        seen.push([d.status, d.lifecycleStage]);
      if (['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'].includes(d.status)) break;
      clock.add(1);
    }
    return seen;
  };
  return { model, clock, deploy, describe, trace, synced };
}

async function apiError(p: Promise<unknown> | (() => unknown)): Promise<ApiError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an API error');
}

const FORWARD: Stage[] = STAGES.filter((s) => s !== 'RECONCILE_SERVICE');

describe('a BLUE_GREEN service deployment', () => {
  it('goes PENDING, through the lifecycle stages in order, to SUCCESSFUL and updates the backend', async () => {
    const { deploy, trace, describe, synced } = setup();
    const arn = deploy();
    const first = await describe(arn);
    expect(first.status).toBe('PENDING');
    expect(first.lifecycleStage).toBeUndefined();
    const seen = await trace(arn);
    expect(seen).toEqual([
      ['PENDING', undefined],
      ...FORWARD.map((s) => ['IN_PROGRESS', s]),
      ['SUCCESSFUL', 'CLEAN_UP'],
    ]);
    const done = await describe(arn);
    expect(done.finishedAt).toBeGreaterThan(done.startedAt);
    expect(done.startedAt).toBeGreaterThan(done.createdAt);
    expect(done.targetServiceRevision).toMatchObject({
      requestedProductionTrafficWeight: 100,
      requestedTestTrafficWeight: 100,
      runningTaskCount: 2,
    });
    expect(done.sourceServiceRevisions[0]).toMatchObject({
      requestedProductionTrafficWeight: 0,
      runningTaskCount: 0,
    });
    expect(done.alarms).toEqual({ status: 'DISABLED' });
    expect(done.rollback).toBeUndefined();
    expect(synced).toEqual([TD2]);
  });

  it('stays in BAKE_TIME for bakeTimeInMinutes scaled by minuteMs', async () => {
    const { deploy, describe, clock } = setup({ bakeTimeInMinutes: 3 }, { minuteMs: 100 });
    const arn = deploy();
    const start = clock.now;
    // PENDING + 7 stages of STEP before BAKE_TIME starts
    clock.set(start + STEP + 7 * STEP);
    expect((await describe(arn)).lifecycleStage).toBe('BAKE_TIME');
    clock.set(start + STEP + 7 * STEP + 299);
    expect((await describe(arn)).lifecycleStage).toBe('BAKE_TIME');
    clock.set(start + STEP + 7 * STEP + 300);
    expect((await describe(arn)).lifecycleStage).toBe('CLEAN_UP');
  });

  it('a failed hook rolls back with the hook message in statusReason and no backend update', async () => {
    const hooks = [{ hookTargetArn: HOOK, lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }];
    const { deploy, trace, describe, synced } = setup({ lifecycleHooks: hooks });
    const arn = deploy(TD2, { kind: 'hook-failure', message: 'smoke test: 503 from /health' });
    const seen = await trace(arn);
    expect(seen.slice(-4)).toEqual([
      ['ROLLBACK_REQUESTED', 'POST_TEST_TRAFFIC_SHIFT'],
      ['ROLLBACK_IN_PROGRESS', 'TEST_TRAFFIC_SHIFT'],
      ['ROLLBACK_IN_PROGRESS', 'CLEAN_UP'],
      ['ROLLBACK_SUCCESSFUL', 'CLEAN_UP'],
    ]);
    expect(seen.map(([, s]) => s)).not.toContain('PRODUCTION_TRAFFIC_SHIFT');
    const d = await describe(arn);
    expect(d.statusReason).toContain('smoke test: 503 from /health');
    expect(d.statusReason).toContain(HOOK);
    expect(d.rollback.serviceRevisionArn).toBe(d.sourceServiceRevisions[0].arn);
    expect(d.rollback.startedAt).toBeGreaterThan(d.startedAt);
    expect(d.sourceServiceRevisions[0].requestedTestTrafficWeight).toBe(100);
    expect(synced).toEqual([]);
  });

  it('a hook-failure scenario at a stage without a hook does not fail the deployment', async () => {
    const hooks = [{ hookTargetArn: HOOK, lifecycleStages: ['PRE_SCALE_UP'] }];
    const { deploy, trace } = setup({ lifecycleHooks: hooks });
    const arn = deploy(TD2, { kind: 'hook-failure', failAt: 'POST_TEST_TRAFFIC_SHIFT' });
    expect((await trace(arn)).pop()).toEqual(['SUCCESSFUL', 'CLEAN_UP']);
  });

  it('an alarm in ALARM during BAKE_TIME rolls production traffic back when alarms.rollback is true', async () => {
    const alarms = { alarmNames: ['api-5xx', 'api-latency'], enable: true, rollback: true };
    const { deploy, trace, describe } = setup({ alarms });
    const arn = deploy(TD2, { kind: 'alarm', alarmNames: ['api-5xx'] });
    const seen = await trace(arn);
    expect(seen).toContainEqual(['ROLLBACK_REQUESTED', 'BAKE_TIME']);
    expect(seen).toContainEqual(['ROLLBACK_IN_PROGRESS', 'PRODUCTION_TRAFFIC_SHIFT']);
    const d = await describe(arn);
    expect(d.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(d.alarms).toEqual({
      status: 'TRIGGERED',
      alarmNames: ['api-5xx', 'api-latency'],
      triggeredAlarmNames: ['api-5xx'],
    });
    expect(d.statusReason).toContain('api-5xx');
    expect(d.sourceServiceRevisions[0].requestedProductionTrafficWeight).toBe(100);
  });

  it('an alarm without rollback leaves the deployment STOPPED with stoppedAt', async () => {
    const alarms = { alarmNames: ['api-5xx'], enable: true, rollback: false };
    const { deploy, trace, describe } = setup({ alarms });
    const arn = deploy(TD2, { kind: 'alarm', alarmAt: 'TEST_TRAFFIC_SHIFT' });
    expect((await trace(arn)).pop()).toEqual(['STOPPED', 'TEST_TRAFFIC_SHIFT']);
    const d = await describe(arn);
    expect(d.stoppedAt).toBeDefined();
    expect(d.finishedAt).toBeUndefined();
    expect(d.rollback).toBeUndefined();
  });

  it('alarms that are not enabled never fail a deployment', async () => {
    const { deploy, trace, describe } = setup({
      alarms: { alarmNames: ['a'], enable: false, rollback: true },
    });
    const arn = deploy(TD2, { kind: 'alarm' });
    expect((await trace(arn)).pop()).toEqual(['SUCCESSFUL', 'CLEAN_UP']);
    expect((await describe(arn)).alarms).toEqual({ status: 'DISABLED', alarmNames: ['a'] });
  });

  it('LINEAR shifts production traffic step by step on the minute clock', async () => {
    const { deploy, describe, clock } = setup(
      {
        strategy: 'LINEAR',
        bakeTimeInMinutes: undefined,
        linearConfiguration: { stepPercent: 40, stepBakeTimeInMinutes: 2 },
      },
      { minuteMs: 100 },
    );
    const arn = deploy();
    const shiftStart = clock.now + STEP + 5 * STEP; // PENDING + five stages before PRODUCTION_TRAFFIC_SHIFT
    const weightAt = async (t: number) => {
      clock.set(t);
      const d = await describe(arn);
      return [d.lifecycleStage, d.targetServiceRevision.requestedProductionTrafficWeight];
    };
    expect(await weightAt(shiftStart)).toEqual(['PRODUCTION_TRAFFIC_SHIFT', 40]);
    expect(await weightAt(shiftStart + 199)).toEqual(['PRODUCTION_TRAFFIC_SHIFT', 40]);
    expect(await weightAt(shiftStart + 200)).toEqual(['PRODUCTION_TRAFFIC_SHIFT', 80]);
    expect(await weightAt(shiftStart + 400)).toEqual(['PRODUCTION_TRAFFIC_SHIFT', 100]);
    expect(await weightAt(shiftStart + 400 + STEP)).toEqual(['POST_PRODUCTION_TRAFFIC_SHIFT', 100]);
  });
});

describe('StopServiceDeployment', () => {
  it('ROLLBACK on a running deployment: ROLLBACK_REQUESTED, then rolled back', async () => {
    const { model, deploy, trace, clock, describe } = setup();
    const arn = deploy(TD2, { kind: 'hold', holdAt: 'POST_PRODUCTION_TRAFFIC_SHIFT' });
    clock.add(20 * STEP);
    expect(await describe(arn)).toMatchObject({
      status: 'IN_PROGRESS',
      lifecycleStage: 'POST_PRODUCTION_TRAFFIC_SHIFT',
    });
    await expect(
      model.handle('StopServiceDeployment', { serviceDeploymentArn: arn, stopType: 'ROLLBACK' }),
    ).resolves.toEqual({
      serviceDeploymentArn: arn,
    });
    expect((await describe(arn)).status).toBe('ROLLBACK_REQUESTED');
    // a second stop while the rollback runs: the rollback continues
    await expect(model.handle('StopServiceDeployment', { serviceDeploymentArn: arn })).resolves.toEqual({
      serviceDeploymentArn: arn,
    });
    const seen = await trace(arn);
    expect(seen.map(([s, st]) => `${s}:${st}`)).toEqual([
      'ROLLBACK_REQUESTED:POST_PRODUCTION_TRAFFIC_SHIFT',
      'ROLLBACK_IN_PROGRESS:PRODUCTION_TRAFFIC_SHIFT',
      'ROLLBACK_IN_PROGRESS:TEST_TRAFFIC_SHIFT',
      'ROLLBACK_IN_PROGRESS:CLEAN_UP',
      'ROLLBACK_SUCCESSFUL:CLEAN_UP',
    ]);
    expect((await describe(arn)).statusReason).toContain('StopServiceDeployment');
  });

  it('ABORT: STOP_REQUESTED, then STOPPED without a rollback', async () => {
    const { model, deploy, trace, describe } = setup();
    const arn = deploy(TD2, { kind: 'hold' });
    await model.handle('StopServiceDeployment', { serviceDeploymentArn: arn, stopType: 'ABORT' });
    expect((await describe(arn)).status).toBe('STOP_REQUESTED');
    expect((await trace(arn)).pop()?.[0]).toBe('STOPPED');
    expect((await describe(arn)).rollback).toBeUndefined();
  });

  it('a finished deployment answers ConflictException; unknown and malformed ARNs are refused', async () => {
    const { model, deploy, trace } = setup();
    const arn = deploy();
    await trace(arn);
    const done = await apiError(model.handle('StopServiceDeployment', { serviceDeploymentArn: arn }));
    expect(done.type).toBe('ConflictException');
    expect(done.message).toContain('SUCCESSFUL');
    const unknown = arn.replace(/[^/]+$/, 'AAAAAAAAAAAAAAAAAAAAAA');
    expect(
      (await apiError(model.handle('StopServiceDeployment', { serviceDeploymentArn: unknown }))).type,
    ).toBe('ServiceDeploymentNotFoundException');
    expect(
      (await apiError(model.handle('StopServiceDeployment', { serviceDeploymentArn: 'd-123' }))).type,
    ).toBe('InvalidParameterException');
    expect(
      (await apiError(model.handle('StopServiceDeployment', { serviceDeploymentArn: arn, stopType: 'NOW' })))
        .type,
    ).toBe('InvalidParameterException');
  });
});

describe('one deployment in flight per service', () => {
  it('a newer UpdateService stops the running deployment and reconciles both revisions', async () => {
    const { model, deploy, describe, trace, clock } = setup();
    const first = deploy(TD2, { kind: 'hold' });
    clock.add(10 * STEP);
    model.setScenario({ kind: 'success' }, 'api');
    const second = deploy(TD3);
    const old = await describe(first);
    expect(old.status).toBe('STOP_REQUESTED');
    expect(old.statusReason).toContain('superseded');
    const seen = await trace(second);
    expect(seen[1]).toEqual(['IN_PROGRESS', 'RECONCILE_SERVICE']);
    expect(seen.pop()).toEqual(['SUCCESSFUL', 'CLEAN_UP']);
    expect((await describe(first)).status).toBe('STOPPED');
    const d = await describe(second);
    expect(d.sourceServiceRevisions).toHaveLength(2);
    expect(d.sourceServiceRevisions[1].arn).toBe(old.targetServiceRevision.arn);
  });

  it('repeating UpdateService with the task definition in flight starts nothing new', () => {
    const { model, deploy } = setup();
    deploy(TD2, { kind: 'hold' });
    expect(
      model.updateService('web', 'api', { taskDefinition: TD2, force: false, moto: motoService() }),
    ).toBeUndefined();
    expect(
      model.updateService('web', 'api', { taskDefinition: TD2, force: true, moto: motoService() }),
    ).toBeDefined();
  });
});

describe('ListServiceDeployments and DescribeServiceDeployments', () => {
  it('lists newest first with status and createdAt filters and pages with nextToken', async () => {
    const { model, deploy, clock, trace } = setup();
    const a = deploy(TD2);
    await trace(a);
    clock.add(1000);
    const b = deploy(TD3, { kind: 'hold' });
    const all = model.listServiceDeployments({ cluster: 'web', service: 'api' }) as Json;
    expect(all.serviceDeployments.map((d: Json) => d.serviceDeploymentArn)).toEqual([b, a]);
    expect(all.serviceDeployments[1]).toMatchObject({
      status: 'SUCCESSFUL',
      targetServiceRevisionArn: expect.stringContaining(':service-revision/web/api/'),
    });
    expect(all.nextToken).toBeUndefined();
    const running = model.listServiceDeployments({
      service: 'arn:aws:ecs:us-east-1:123456789012:service/web/api',
      cluster: CLUSTER_ARN,
      status: ['IN_PROGRESS', 'PENDING'],
    }) as Json;
    expect(running.serviceDeployments.map((d: Json) => d.serviceDeploymentArn)).toEqual([b]);
    const before = model.listServiceDeployments({
      cluster: 'web',
      service: 'api',
      createdAt: { before: all.serviceDeployments[0].createdAt },
    }) as Json;
    expect(before.serviceDeployments.map((d: Json) => d.serviceDeploymentArn)).toEqual([a]);
    const page1 = model.listServiceDeployments({ cluster: 'web', service: 'api', maxResults: 1 }) as Json;
    expect(page1.serviceDeployments).toHaveLength(1);
    const page2 = model.listServiceDeployments({
      cluster: 'web',
      service: 'api',
      maxResults: 1,
      nextToken: page1.nextToken,
    }) as Json;
    expect(page2.serviceDeployments.map((d: Json) => d.serviceDeploymentArn)).toEqual([a]);
    expect(page2.nextToken).toBeUndefined();
    expect(model.listServiceDeployments({ cluster: 'web', service: 'other' })).toBeUndefined();
  });

  it('refuses bad parameters', async () => {
    const { model } = setup();
    for (const input of [
      { cluster: 'web', service: 'api', maxResults: 0 },
      { cluster: 'web', service: 'api', maxResults: 101 },
      { cluster: 'web', service: 'api', status: ['DONE'] },
      { cluster: 'web', service: 'api', nextToken: 'bogus' },
      { cluster: 'web' },
    ]) {
      expect((await apiError(() => model.listServiceDeployments(input))).type).toBe(
        'InvalidParameterException',
      );
    }
    const many = Array.from(
      { length: 21 },
      (_, i) => `arn:aws:ecs:us-east-1:123456789012:service-deployment/web/api/${i}`,
    );
    expect(
      (await apiError(model.handle('DescribeServiceDeployments', { serviceDeploymentArns: many }))).type,
    ).toBe('InvalidParameterException');
    const out = (await model.handle('DescribeServiceDeployments', {
      serviceDeploymentArns: many.slice(0, 2),
    })) as Json;
    expect(out).toEqual({
      serviceDeployments: [],
      failures: many.slice(0, 2).map((arn) => ({ arn, reason: 'MISSING' })),
    });
  });

  it('describes the service revisions of a deployment', async () => {
    const { model, deploy, describe } = setup();
    const d = await describe(deploy());
    const out = (await model.handle('DescribeServiceRevisions', {
      serviceRevisionArns: [d.targetServiceRevision.arn, d.sourceServiceRevisions[0].arn, 'arn:nope'],
    })) as Json;
    expect(out.serviceRevisions.map((r: Json) => r.taskDefinition)).toEqual([TD2, TD1]);
    expect(out.serviceRevisions[0]).toMatchObject({ launchType: 'FARGATE', clusterArn: CLUSTER_ARN });
    expect(out.failures).toEqual([{ arn: 'arn:nope', reason: 'MISSING' }]);
  });
});

describe('the DescribeServices view', () => {
  it('shows PRIMARY/ACTIVE deployments, the task definition and events as the deployment runs and rolls back', async () => {
    const hooks = [{ hookTargetArn: HOOK, lifecycleStages: ['TEST_TRAFFIC_SHIFT'] }];
    const { model, deploy, trace } = setup({ lifecycleHooks: hooks });
    const view = () => {
      const s = motoService();
      model.overlayService(s);
      return s;
    };
    const arn = deploy(TD2, { kind: 'hook-failure', message: 'hook said no' });
    const during = view();
    expect(during.taskDefinition).toBe(TD2);
    expect(during.deployments.map((d: Json) => [d.status, d.taskDefinition, d.rolloutState])).toEqual([
      ['PRIMARY', TD2, 'IN_PROGRESS'],
      ['ACTIVE', TD1, 'COMPLETED'],
    ]);
    expect(during.deploymentConfiguration).toMatchObject({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 2 });
    expect(during.currentServiceDeployment).toBe(arn);
    expect(during.currentServiceRevisions).toHaveLength(2);
    await trace(arn);
    const after = view();
    expect(after.taskDefinition).toBe(TD1);
    expect(after.deployments.map((d: Json) => [d.status, d.taskDefinition, d.rolloutState])).toEqual([
      ['PRIMARY', TD1, 'COMPLETED'],
    ]);
    expect(after.currentServiceRevisions).toEqual([
      expect.objectContaining({
        runningTaskCount: 2,
        arn: expect.stringContaining(':service-revision/web/api/'),
      }),
    ]);
    const messages = after.events.map((e: Json) => e.message).join('\n');
    expect(messages).toContain('hook said no');
    expect(messages).toContain('(service api) has reached a steady state.');
    expect(after.events[0].createdAt).toBeGreaterThanOrEqual(after.events[after.events.length - 1].createdAt);
  });
});
