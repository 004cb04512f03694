/**
 * The pre-deploy task through the committed bundle: a one-off RunTask of the new task definition with
 * the command override and the service's network configuration, awaited to STOPPED, gated on the
 * essential container's exit code, its CloudWatch Logs tail in the step log, before any traffic moves.
 * ECS is the ECS-native emulator (it runs one-off tasks to an exit and writes their logs to moto),
 * reached through the fault proxy; CodeDeploy is our emulator.
 */
import { DescribeServicesCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { motoEnv, motoUrl, runAction, useFaultProxy, useMoto } from '../../harness/index.js';
import { startEcsNativeEmulator, type EcsNativeEmulator } from '../../emulators/ecs-native/index.js';
import {
  CLUSTER,
  REGION,
  SERVICE,
  seedWorld,
  taskDefinitionInput,
  workspaceWith,
} from '../../fixtures/ecs-blue-green/world.js';
import { ACTION, callsOf, useCodeDeployEmulator } from './helpers.js';
import { seedNativeWorld } from './native-world.js';

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
const codedeploy = useCodeDeployEmulator();

const env = () => ({
  ...motoEnv(),
  AWS_ENDPOINT_URL_ECS: proxy().url,
  AWS_ENDPOINT_URL_CODEDEPLOY: codedeploy().url,
});
const MIGRATE = '["sh", "-c", "npm run migrate", ""]';

/** The new revision, its web container logging to CloudWatch Logs with the awslogs driver. */
function withLogs() {
  const td = taskDefinitionInput('public.ecr.aws/nginx/nginx:1.28');
  td.containerDefinitions[0] = {
    ...td.containerDefinitions[0]!,
    logConfiguration: {
      logDriver: 'awslogs',
      options: { 'awslogs-group': '/ecs/web', 'awslogs-region': REGION, 'awslogs-stream-prefix': 'ecs' },
    },
  } as never;
  return workspaceWith({ 'td.json': td });
}

const inputs = {
  cluster: CLUSTER,
  service: SERVICE,
  'task-definition': 'td.json',
  'poll-interval-seconds': 1,
  'pre-deploy-command': MIGRATE,
};
const ops = () => emulator().calls.map((c) => c.operation);

test('success: the migration runs in the new revision with the service network, its log is shown, then the deploy goes on', async () => {
  const world = await seedNativeWorld(motoUrl(), emulator().url);
  emulator().setTaskScenario({ exitCode: 0, logLines: ['migrating 0042_orders', 'migrations done'] });
  const run = await runAction({
    action: ACTION,
    inputs,
    env: env(),
    workspace: withLogs(),
    timeoutMs: 60_000,
  });
  expect(run.main.exitCode).toBe(0);
  expect(run.outputs.status).toBe('SUCCESSFUL');
  const runTask = emulator().calls.find((c) => c.operation === 'RunTask')!;
  const svc = (await world.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [SERVICE] })))
    .services![0]!;
  expect(runTask.input).toMatchObject({
    cluster: CLUSTER,
    taskDefinition: run.outputs['task-definition-arn'],
    launchType: 'FARGATE',
    networkConfiguration: JSON.parse(JSON.stringify(svc.networkConfiguration)),
    overrides: { containerOverrides: [{ name: 'web', command: ['sh', '-c', 'npm run migrate', ''] }] },
    startedBy: expect.stringMatching(/^oaktree-predeploy-[0-9a-f]{24}$/),
    clientToken: expect.stringMatching(/^[0-9a-f]{64}$/),
  });
  // before any traffic moves: RunTask and its end come before UpdateService
  expect(ops().indexOf('RunTask')).toBeLessThan(ops().indexOf('UpdateService'));
  expect(run.main.log).toMatch(/pre-deploy task [\w-]+: STOPPED/);
  expect(run.main.log).toMatch(/pre-deploy task [\w-]+ succeeded \(exit code 0\)/);
  expect(run.main.log).toContain('  | migrating 0042_orders');
  expect(run.main.log).toContain('  | migrations done');
});

test('failure: exit code 3 stops the deploy with nothing shifted; the log tail says why', async () => {
  const world = await seedNativeWorld(motoUrl(), emulator().url);
  emulator().setTaskScenario({ exitCode: 3, logLines: ['ERROR: relation "orders" already exists'] });
  const run = await runAction({
    action: ACTION,
    inputs,
    env: env(),
    workspace: withLogs(),
    timeoutMs: 60_000,
  });
  expect(run.main.exitCode).toBe(1);
  const errors = run.main.annotations.filter((a) => a.level === 'error');
  expect(errors).toHaveLength(1);
  expect(errors[0]!.message).toMatch(
    /^ecs-blue-green: pre-deploy task [\w-]+ failed in web \(exit code 3; EssentialContainerExited; Essential container in task exited\): registered arn:\S+:task-definition\/web:2, nothing deployed$/,
  );
  expect(run.main.log).toContain('  | ERROR: relation "orders" already exists');
  expect(ops()).not.toContain('UpdateService');
  expect(await world.deployments()).toHaveLength(1);
  const svc = (await world.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [SERVICE] })))
    .services![0]!;
  expect(svc.taskDefinition).toBe(world.taskDefinitionArn);
});

test('lost RunTask reply: the SDK repeats RunTask with the same clientToken; one task runs', async () => {
  const world = await seedNativeWorld(motoUrl(), emulator().url);
  proxy().inject({
    name: 'lost',
    service: 'ecs',
    operation: 'RunTask',
    times: 1,
    fault: { kind: 'lose-reply' },
  });
  const run = await runAction({
    action: ACTION,
    inputs,
    env: env(),
    workspace: withLogs(),
    timeoutMs: 60_000,
  });
  expect(proxy().injected('lost')).toHaveLength(1);
  expect(run.main.exitCode).toBe(0);
  expect(emulator().calls.filter((c) => c.operation === 'RunTask').length).toBeGreaterThanOrEqual(2);
  const startedBy = emulator().calls.find((c) => c.operation === 'RunTask')!.input.startedBy as string;
  const listed = [];
  for (const desiredStatus of ['RUNNING', 'STOPPED'] as const)
    listed.push(
      ...((await world.ecs.send(new ListTasksCommand({ cluster: CLUSTER, startedBy, desiredStatus })))
        .taskArns ?? []),
    );
  expect(listed).toHaveLength(1);
  // every RunTask answer named that one task
  expect(run.main.log).toContain(`pre-deploy task ${listed[0]!.split('/').pop()} `);
});

test('CodeDeploy path: a failed migration creates no deployment', async () => {
  await seedWorld({ motoUrl: motoUrl(), emulatorUrl: codedeploy().url });
  emulator().setTaskScenario({ exitCode: 1 });
  const run = await runAction({
    action: ACTION,
    inputs,
    env: env(),
    workspace: withLogs(),
    timeoutMs: 60_000,
  });
  expect(run.main.exitCode).toBe(1);
  expect(run.main.annotations.find((a) => a.level === 'error')!.message).toMatch(
    /pre-deploy task [\w-]+ failed in web \(exit code 1/,
  );
  expect(callsOf(codedeploy(), 'CreateDeployment')).toHaveLength(0);
  expect(ops()).toContain('RunTask');
});
