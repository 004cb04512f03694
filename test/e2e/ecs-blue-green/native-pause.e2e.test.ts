/**
 * ECS-native blue/green with a PAUSE lifecycle hook, through the committed bundle: the ECS-native
 * emulator in front of moto, reached through the fault proxy. A deploy step with wait-for ready
 * returns once the deployment waits at the hook; a second step with command continue or stop and the
 * deployment-id output acts on it (ContinueServiceDeployment), once, even when its reply is lost.
 */
import { DescribeServiceDeploymentsCommand, DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { motoEnv, motoUrl, runAction, useFaultProxy, useMoto } from '../../harness/index.js';
import { startEcsNativeEmulator, type EcsNativeEmulator } from '../../emulators/ecs-native/index.js';
import {
  CLUSTER,
  REGION,
  SERVICE,
  taskDefinitionInput,
  workspaceWith,
} from '../../fixtures/ecs-blue-green/world.js';
import { ACTION } from './helpers.js';
import { seedNativeWorld, type NativeWorld } from './native-world.js';

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
const proxy = useFaultProxy(() => emu!.url);

const env = () => ({ ...motoEnv(), AWS_ENDPOINT_URL_ECS: proxy().url });
const base = { cluster: CLUSTER, service: SERVICE, 'poll-interval-seconds': 1 };
// 600 emulated minutes: a minute is one 100 ms step, so the pause lasts a minute of real time
const seed = () =>
  seedNativeWorld(motoUrl(), emu!.url, {
    bakeMinutes: 1,
    pause: { timeoutInMinutes: 600, action: 'ROLLBACK' },
  });
const continues = (from = 0) =>
  emu!.calls.slice(from).filter((c) => c.operation === 'ContinueServiceDeployment');

async function describe(world: NativeWorld, arn: string) {
  return (await world.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] })))
    .serviceDeployments![0]!;
}

/** A deploy step with wait-for ready: it returns with the new deployment waiting at the PAUSE hook. */
async function deployToPause(world: NativeWorld): Promise<string> {
  const run = await runAction({
    action: ACTION,
    env: env(),
    workspace: workspaceWith({ 'td.json': taskDefinitionInput('public.ecr.aws/nginx/nginx:1.29') }),
    inputs: { ...base, 'task-definition': 'td.json', 'wait-for': 'ready' },
  });
  expect(run.main.exitCode).toBe(0);
  const arn = run.outputs['deployment-id']!;
  expect(run.outputs.status).toBe('IN_PROGRESS');
  expect(run.main.log).toMatch(
    /paused at POST_TEST_TRAFFIC_SHIFT by a PAUSE hook: run this action with command continue or stop and this deployment-id; ECS takes ROLLBACK at \d{4}-/,
  );
  expect(run.main.log).not.toContain('has no PAUSE lifecycle hook');
  const d = await describe(world, arn);
  expect(d.status).toBe('IN_PROGRESS');
  expect(d.lifecycleHookDetails?.map((h) => h.status)).toEqual(['AWAITING_ACTION']);
  expect(run.post?.log ?? '').not.toMatch(/StopServiceDeployment|rolled back/);
  return arn;
}

test('wait-for ready stops at the PAUSE hook; command continue sends CONTINUE once and follows it to SUCCESSFUL', async () => {
  const world = await seed();
  const arn = await deployToPause(world);
  const seen = emu!.calls.length;
  const run = await runAction({
    action: ACTION,
    env: env(),
    inputs: { ...base, command: 'continue', 'deployment-id': arn },
  });
  expect(run.main.exitCode).toBe(0);
  expect(run.outputs).toMatchObject({ 'deployment-id': arn, status: 'SUCCESSFUL' });
  expect(continues(seen).map((c) => (c.input as { action?: string }).action)).toEqual(['CONTINUE']);
  expect(run.main.log).toContain(`continued service deployment ${arn.split('/').pop()} from its PAUSE hook`);
  expect((await describe(world, arn)).lifecycleHookDetails?.map((h) => h.status)).toEqual(['SUCCEEDED']);
  const svc = await world.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [SERVICE] }));
  expect(svc.services?.[0]?.taskDefinition).not.toBe(world.taskDefinitionArn);
}, 120_000);

test('command stop on the paused deployment: ROLLBACK at the hook, followed to ROLLBACK_SUCCESSFUL, which passes', async () => {
  const world = await seed();
  const arn = await deployToPause(world);
  const seen = emu!.calls.length;
  const run = await runAction({
    action: ACTION,
    env: env(),
    inputs: { ...base, command: 'stop', 'deployment-id': arn },
  });
  expect(run.main.exitCode).toBe(0);
  expect(run.outputs.status).toBe('ROLLBACK_SUCCESSFUL');
  expect(continues(seen).map((c) => (c.input as { action?: string }).action)).toEqual(['ROLLBACK']);
  expect(emu!.calls.slice(seen).filter((c) => c.operation === 'StopServiceDeployment')).toEqual([]);
  expect(run.main.log).toContain(
    `service deployment ${arn.split('/').pop()} stopped as asked: ROLLBACK_SUCCESSFUL`,
  );
  expect(run.summary).toContain('Deployment stopped with rollback (command: stop)');
  const svc = await world.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [SERVICE] }));
  expect(svc.services?.[0]?.taskDefinition).toBe(world.taskDefinitionArn);
}, 120_000);

test('a lost ContinueServiceDeployment reply: the hook is read back and found acted on; the call is never repeated', async () => {
  const world = await seed();
  const arn = await deployToPause(world);
  const seen = emu!.calls.length;
  proxy().inject({
    name: 'lost',
    service: 'ecs',
    operation: 'ContinueServiceDeployment',
    times: 1,
    fault: { kind: 'lose-reply' },
  });
  const run = await runAction({
    action: ACTION,
    env: env(),
    inputs: { ...base, command: 'continue', 'deployment-id': arn },
  });
  expect(run.main.exitCode).toBe(0);
  expect(run.outputs.status).toBe('SUCCESSFUL');
  expect(
    proxy()
      .injected('lost')
      .map((c) => c.backendStatus),
  ).toEqual([200]);
  expect(continues(seen)).toHaveLength(1);
  expect(run.main.log).toContain('reading the PAUSE hook back before trying again');
}, 120_000);

test('a deployment ARN of another service: one line naming deployment-id, no call to ECS', async () => {
  const other = `arn:aws:ecs:${REGION}:123456789012:service-deployment/${CLUSTER}/api/AbCdEf123`;
  const run = await runAction({
    action: ACTION,
    env: env(),
    inputs: { ...base, command: 'continue', 'deployment-id': other },
  });
  expect(run.main.exitCode).toBe(1);
  expect(run.main.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
    expect.stringMatching(
      /^ecs-blue-green: input "deployment-id" is a service deployment of shop\/api, not of shop\/web: /,
    ),
  ]);
  expect(proxy().calls).toEqual([]);
}, 60_000);
