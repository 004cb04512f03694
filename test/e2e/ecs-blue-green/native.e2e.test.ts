/**
 * ECS-native blue/green (deployment controller ECS, strategy BLUE_GREEN) through the committed bundle:
 * the ECS-native emulator in front of moto, reached through the fault proxy. Success, a failing
 * lifecycle hook and an alarm in bake time rolled back by ECS, a failed smoke test rolled back by the
 * action, cancel and kill (main, then post, roll back), a timeout, if-deployment-active, a lost
 * UpdateService reply (exactly one service deployment) and the input checks of the native path.
 */
import { CreateServiceCommand, DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { motoEnv, motoUrl, runAction, useFaultProxy, useMoto } from '../../harness/index.js';
import { startEcsNativeEmulator, type EcsNativeEmulator } from '../../emulators/ecs-native/index.js';
import {
  CLUSTER,
  REGION,
  SERVICE,
  taskDefinitionInput,
  workspaceWith,
} from '../../fixtures/ecs-blue-green/world.js';
import { ACTION, testListener } from './helpers.js';
import { NATIVE_ALARM, seedNativeWorld, type NativeWorld } from './native-world.js';

useMoto();
let emu: EcsNativeEmulator | undefined;
beforeAll(async () => {
  emu = await startEcsNativeEmulator({
    ecsEndpoint: motoUrl(),
    region: REGION,
    stepMs: 100,
    maxLifetimeMs: 20 * 60_000,
  });
});
beforeEach(() => emu?.reset());
afterAll(async () => {
  await emu?.stop();
  emu = undefined;
});
const emulator = () => emu!;
const proxy = useFaultProxy(() => emulator().url);

const env = () => ({ ...motoEnv(), AWS_ENDPOINT_URL_ECS: proxy().url });
const base = { cluster: CLUSTER, service: SERVICE, 'poll-interval-seconds': 1 };
const DEPLOYMENT_ARN = /^arn:aws:ecs:us-east-1:123456789012:service-deployment\/shop\/web\/[\w-]+$/;

function newRevision(image = 'public.ecr.aws/nginx/nginx:1.28') {
  return {
    workspace: workspaceWith({ 'td.json': taskDefinitionInput(image) }),
    inputs: { ...base, 'task-definition': 'td.json' },
  };
}

const updates = () => emulator().calls.filter((c) => c.operation === 'UpdateService');

async function serviceTaskDefinition(world: NativeWorld): Promise<string | undefined> {
  const out = await world.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [SERVICE] }));
  return out.services?.[0]?.taskDefinition;
}

/** Waits (bounded) until no service deployment is in flight, then checks the newest one's status. */
async function settled(world: NativeWorld): Promise<string | undefined> {
  const until = Date.now() + 30_000;
  const busy = (s?: string) =>
    !['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'].includes(s ?? '');
  let list = await world.deployments();
  while (list.some((d) => busy(d.status)) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 200));
    list = await world.deployments();
  }
  expect(list.filter((d) => busy(d.status))).toEqual([]);
  return list[0]?.status;
}

const stripStamp = (log: string) => log.split('\n').map((l) => l.replace(/^\[\+[^\]]+\] /, ''));

test('success: the controller is detected, UpdateService once, stages followed live to SUCCESSFUL; a re-run starts nothing', async () => {
  const world = await seedNativeWorld(motoUrl(), emulator().url);
  emulator().setScenario({ kind: 'slow', stepMs: 1200 });
  const { workspace, inputs } = newRevision();
  const run = await runAction({ action: ACTION, inputs, env: env(), workspace });
  expect(run.main.exitCode).toBe(0);
  expect(run.outputs.status).toBe('SUCCESSFUL');
  expect(run.outputs['deployment-id']).toMatch(DEPLOYMENT_ARN);
  expect(run.outputs['task-definition-arn']).toBe('arn:aws:ecs:us-east-1:123456789012:task-definition/web:2');
  expect(run.outputs['console-url']).toBe(
    'https://us-east-1.console.aws.amazon.com/ecs/home?region=us-east-1#/clusters/shop/services/web/deployments',
  );
  const lines = stripStamp(run.main.log);
  const id = run.outputs['deployment-id']!.split('/').pop();
  expect(lines).toContain(`service deployment ${id}: IN_PROGRESS`);
  // a 1 s poll sees most of the 1.2 s stages, one line per change
  const stages = lines.filter((l) => /^ {2}[A-Z_]+: (InProgress|Succeeded)/.test(l));
  expect(stages.length).toBeGreaterThanOrEqual(4);
  expect(new Set(stages).size).toBe(stages.length);
  expect(lines).toContain(`service deployment ${id}: SUCCESSFUL`);
  expect(updates()).toHaveLength(1);
  expect(updates()[0]!.input).toMatchObject({
    cluster: CLUSTER,
    service: SERVICE,
    taskDefinition: run.outputs['task-definition-arn'],
  });
  // nothing of CodeDeploy was called
  expect(proxy().calls.every((c) => c.service === 'ecs')).toBe(true);
  expect(await serviceTaskDefinition(world)).toBe(run.outputs['task-definition-arn']);
  expect(run.summary).toContain('service-deployment');

  // the same file again: the revision is reused and UpdateService starts no second deployment
  const again = await runAction({ action: ACTION, inputs, env: env(), workspace });
  expect(again.main.exitCode).toBe(0);
  expect(again.main.log).toContain(
    `service web already runs ${run.outputs['task-definition-arn']}: UpdateService started no service deployment`,
  );
  expect(await world.deployments()).toHaveLength(2);
});

test('a lifecycle hook that fails: ECS rolls back; the step fails with the reason, the rollback status and the ECS events', async () => {
  const world = await seedNativeWorld(motoUrl(), emulator().url);
  emulator().setScenario({ kind: 'hook-failure', message: 'smoke: 503 from /health' });
  const { workspace, inputs } = newRevision();
  const run = await runAction({ action: ACTION, inputs, env: env(), workspace });
  expect(run.main.exitCode).toBe(1);
  expect(run.outputs.status).toBe('ROLLBACK_SUCCESSFUL');
  const errors = run.main.annotations.filter((a) => a.level === 'error');
  expect(errors).toHaveLength(1);
  expect(errors[0]!.message).toMatch(
    /^ecs-blue-green: service deployment [\w-]+ failed: statusReason: .*smoke: 503 from \/health.*; ROLLBACK_SUCCESSFUL; see https:/,
  );
  expect(run.main.log).toContain('last ECS service events of web:');
  expect(run.main.log).toMatch(/rollback (PRODUCTION_TRAFFIC_SHIFT|TEST_TRAFFIC_SHIFT|CLEAN_UP)/);
  expect(await serviceTaskDefinition(world)).toBe(world.taskDefinitionArn);
  // ECS rolled back by itself: the action did not stop anything
  expect(emulator().calls.filter((c) => c.operation === 'StopServiceDeployment')).toHaveLength(0);
});

test('an alarm during bake time: rolled back, the alarm named', async () => {
  const world = await seedNativeWorld(motoUrl(), emulator().url);
  emulator().setScenario({ kind: 'alarm', alarmAt: 'BAKE_TIME' });
  const { workspace, inputs } = newRevision();
  const run = await runAction({ action: ACTION, inputs, env: env(), workspace });
  expect(run.main.exitCode).toBe(1);
  expect(run.outputs.status).toBe('ROLLBACK_SUCCESSFUL');
  expect(run.main.log).toContain(`alarms in ALARM: ${NATIVE_ALARM}`);
  expect(run.main.log).toContain(
    `statusReason: CloudWatch alarm(s) ${NATIVE_ALARM} in ALARM during BAKE_TIME`,
  );
  expect(await serviceTaskDefinition(world)).toBe(world.taskDefinitionArn);
});

test('smoke test on the test listener fails: StopServiceDeployment ROLLBACK once, nothing shifted for good', async () => {
  const world = await seedNativeWorld(motoUrl(), emulator().url);
  emulator().setScenario({ kind: 'hold', holdAt: 'POST_TEST_TRAFFIC_SHIFT' });
  const listener = await testListener(() => 503);
  try {
    const { workspace, inputs } = newRevision();
    const run = await runAction({
      action: ACTION,
      inputs: { ...inputs, 'smoke-test-url': listener.url, 'smoke-test-timeout': '2s' },
      env: env(),
      workspace,
    });
    expect(run.main.exitCode).toBe(1);
    expect(listener.hits()).toBeGreaterThan(0);
    const stops = emulator().calls.filter((c) => c.operation === 'StopServiceDeployment');
    expect(stops).toHaveLength(1);
    expect(stops[0]!.input).toMatchObject({
      serviceDeploymentArn: run.outputs['deployment-id'],
      stopType: 'ROLLBACK',
    });
    expect(run.outputs.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(run.main.annotations.find((a) => a.level === 'error')!.message).toMatch(/failed: smoke test/);
    expect(await serviceTaskDefinition(world)).toBe(world.taskDefinitionArn);
  } finally {
    await listener.close();
  }
});

test('smoke test passes: the deployment goes on to SUCCESSFUL', async () => {
  await seedNativeWorld(motoUrl(), emulator().url);
  emulator().setScenario({ kind: 'slow', stepMs: 1200 });
  const listener = await testListener(() => 200);
  try {
    const { workspace, inputs } = newRevision();
    const run = await runAction({
      action: ACTION,
      inputs: { ...inputs, 'smoke-test-url': listener.url },
      env: env(),
      workspace,
    });
    expect(run.main.exitCode).toBe(0);
    expect(listener.hits()).toBeGreaterThan(0);
    expect(run.main.log).toMatch(/smoke test passed|answered 200/);
    expect(emulator().calls.filter((c) => c.operation === 'StopServiceDeployment')).toHaveLength(0);
  } finally {
    await listener.close();
  }
});

test('SIGTERM mid-deployment: main rolls it back (on-cancel rollback); post has nothing left', async () => {
  const world = await seedNativeWorld(motoUrl(), emulator().url);
  emulator().setScenario({ kind: 'hold' });
  const { workspace, inputs } = newRevision();
  const run = await runAction({
    action: ACTION,
    inputs,
    env: env(),
    workspace,
    interrupt: { when: (log) => /POST_TEST_TRAFFIC_SHIFT: InProgress/.test(log), signal: 'SIGTERM' },
  });
  expect(run.main.exitCode).toBe(1);
  expect(run.main.annotations.find((a) => a.level === 'error')!.message).toMatch(
    /^ecs-blue-green: cancelled \(SIGTERM\): rolled back service deployment [\w-]+ \(StopServiceDeployment ROLLBACK; on-cancel: rollback\)/,
  );
  expect(run.post!.log).toMatch(/main finished with deployment .* nothing to do/);
  expect(emulator().calls.filter((c) => c.operation === 'StopServiceDeployment')).toHaveLength(1);
  expect(await settled(world)).toBe('ROLLBACK_SUCCESSFUL');
});

test('main killed outright: the post step rolls the service deployment back', async () => {
  const world = await seedNativeWorld(motoUrl(), emulator().url);
  emulator().setScenario({ kind: 'hold' });
  const { workspace, inputs } = newRevision();
  const run = await runAction({
    action: ACTION,
    inputs,
    env: env(),
    workspace,
    interrupt: { when: (log) => /POST_TEST_TRAFFIC_SHIFT: InProgress/.test(log), signal: 'SIGKILL' },
  });
  expect(run.main.signal).toBe('SIGKILL');
  expect(run.post!.exitCode).toBe(0);
  expect(run.post!.log).toMatch(
    /post: deployment arn:aws:ecs:\S+ rolled back \(StopServiceDeployment ROLLBACK\) \(it was IN_PROGRESS\)/,
  );
  expect(await settled(world)).toBe('ROLLBACK_SUCCESSFUL');
});

test('timeout-minutes passes: the deployment is rolled back by main', async () => {
  const world = await seedNativeWorld(motoUrl(), emulator().url);
  emulator().setScenario({ kind: 'hold' });
  const { workspace, inputs } = newRevision();
  const run = await runAction({
    action: ACTION,
    inputs: { ...inputs, 'timeout-minutes': 1 },
    env: env(),
    workspace,
  });
  expect(run.main.exitCode).toBe(1);
  expect(run.main.annotations.find((a) => a.level === 'error')!.message).toMatch(
    /^ecs-blue-green: timed out after \S+ \(timeout-minutes\): rolled back service deployment/,
  );
  expect(await settled(world)).toBe('ROLLBACK_SUCCESSFUL');
}, 150_000);

test('lost UpdateService reply: the SDK repeats the call, ECS starts nothing more, the one deployment is adopted', async () => {
  const world = await seedNativeWorld(motoUrl(), emulator().url);
  proxy().inject({
    name: 'lost',
    service: 'ecs',
    operation: 'UpdateService',
    times: 1,
    fault: { kind: 'lose-reply' },
  });
  const { workspace, inputs } = newRevision();
  const run = await runAction({ action: ACTION, inputs, env: env(), workspace });
  expect(proxy().injected('lost')).toHaveLength(1);
  expect(run.main.exitCode).toBe(0);
  expect(updates().length).toBeGreaterThanOrEqual(2);
  // the first service deployment (CreateService) and exactly one of ours
  expect(await world.deployments()).toHaveLength(2);
  expect(run.main.log).toMatch(
    /adopted service deployment [\w-]+ started by this step's earlier UpdateService \(reply lost\)/,
  );
  expect(run.outputs.status).toBe('SUCCESSFUL');
});

test('if-deployment-active fail names the service deployment in flight; stop rolls it back first, after registering', async () => {
  const world = await seedNativeWorld(motoUrl(), emulator().url);
  emulator().setScenario({ kind: 'hold' });
  const other = await world.ecs.send(
    new UpdateServiceCommand({
      cluster: CLUSTER,
      service: SERVICE,
      taskDefinition: world.taskDefinitionArn,
      forceNewDeployment: true,
    }),
  );
  const otherArn = other.service!.currentServiceDeployment!;
  const { workspace, inputs } = newRevision();
  const failed = await runAction({ action: ACTION, inputs, env: env(), workspace });
  expect(failed.main.exitCode).toBe(1);
  expect(failed.main.annotations.find((a) => a.level === 'error')!.message).toMatch(
    new RegExp(`service deployment ${otherArn.split('/').pop()} of web is still (PENDING|IN_PROGRESS)`),
  );
  expect(updates()).toHaveLength(1); // only ours above, none from the action

  emulator().setScenario({ kind: 'success' });
  const run = await runAction({
    action: ACTION,
    inputs: { ...inputs, 'if-deployment-active': 'stop' },
    env: env(),
    workspace,
  });
  expect(run.main.exitCode).toBe(0);
  const stop = emulator().calls.findIndex((c) => c.operation === 'StopServiceDeployment');
  const register = emulator().calls.findIndex((c) => c.operation === 'RegisterTaskDefinition');
  expect(stop).toBeGreaterThan(register);
  expect(emulator().calls[stop]!.input).toMatchObject({
    serviceDeploymentArn: otherArn,
    stopType: 'ROLLBACK',
  });
  expect(run.outputs.status).toBe('SUCCESSFUL');
});

test('native path input checks: a CodeDeploy-only input and a rolling service are one-line errors, nothing changed', async () => {
  const world = await seedNativeWorld(motoUrl(), emulator().url);
  const { workspace, inputs } = newRevision();
  const run = await runAction({
    action: ACTION,
    inputs: { ...inputs, 'deployment-config': 'CodeDeployDefault.ECSAllAtOnce' },
    env: env(),
    workspace,
  });
  expect(run.main.exitCode).toBe(1);
  const errors = run.main.annotations.filter((a) => a.level === 'error');
  expect(errors).toHaveLength(1);
  expect(errors[0]!.message).toMatch(
    /input "deployment-config" applies to CodeDeploy, but service web is deployed by ECS itself/,
  );
  expect(emulator().calls.map((c) => c.operation)).not.toEqual(
    expect.arrayContaining(['RegisterTaskDefinition', 'UpdateService']),
  );

  // a service with the ECS controller and the default ROLLING strategy: not a blue/green service
  await world.ecs.send(
    new CreateServiceCommand({
      cluster: CLUSTER,
      serviceName: 'api',
      taskDefinition: world.taskDefinitionArn,
      desiredCount: 1,
    }),
  );
  emulator().calls.splice(0);
  const rolling = await runAction({
    action: ACTION,
    inputs: { ...inputs, service: 'api' },
    env: env(),
    workspace,
  });
  expect(rolling.main.exitCode).toBe(1);
  const rollingErrors = rolling.main.annotations.filter((a) => a.level === 'error');
  expect(rollingErrors).toHaveLength(1);
  expect(rollingErrors[0]!.message).toMatch(
    /^ecs-blue-green: input "service": service api uses the ECS deployment controller with strategy ROLLING, not CODE_DEPLOY nor ECS blue\/green/,
  );
  expect(emulator().calls.map((c) => c.operation)).not.toEqual(
    expect.arrayContaining(['RegisterTaskDefinition', 'UpdateService']),
  );
});
