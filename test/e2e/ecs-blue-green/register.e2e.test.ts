/**
 * RegisterTaskDefinition under faults, through the committed bundle: ECS is moto behind the fault
 * proxy, CodeDeploy our emulator. RegisterTaskDefinition has no "already exists", so a resend after a
 * lost reply would register a second, identical revision: the action sends it once and reads the
 * family back before any resend.
 */
import { motoEnv, motoUrl, runAction, useFaultProxy, useMoto } from '../../harness/index.js';
import {
  CLUSTER,
  SERVICE,
  revisions,
  seedWorld,
  taskDefinitionInput,
  workspaceWith,
} from '../../fixtures/ecs-blue-green/world.js';
import { ACTION, useCodeDeployEmulator } from './helpers.js';

useMoto();
const emulator = useCodeDeployEmulator();
const ecsProxy = useFaultProxy(() => motoUrl());

const env = () => ({
  ...motoEnv(),
  AWS_ENDPOINT_URL_ECS: ecsProxy().url,
  AWS_ENDPOINT_URL_CODEDEPLOY: emulator().url,
});
const inputs = {
  cluster: CLUSTER,
  service: SERVICE,
  'task-definition': 'td.json',
  'poll-interval-seconds': 1,
};
const workspace = () => workspaceWith({ 'td.json': taskDefinitionInput('public.ecr.aws/nginx/nginx:1.29') });
const registers = () => ecsProxy().calls.filter((c) => c.operation === 'RegisterTaskDefinition');

test('a lost RegisterTaskDefinition reply: the revision it made is found and deployed, no second revision registered', async () => {
  const world = await seedWorld({ motoUrl: motoUrl(), emulatorUrl: emulator().url });
  const before = await revisions(world.ecs);
  ecsProxy().inject({
    name: 'lost',
    service: 'ecs',
    operation: 'RegisterTaskDefinition',
    times: 1,
    fault: { kind: 'lose-reply' },
  });
  const run = await runAction({ action: ACTION, inputs, env: env(), workspace: workspace() });
  expect(run.main.exitCode).toBe(0);
  expect(run.outputs.status).toBe('Succeeded');
  // moto applied the one call whose reply was lost, and nothing else was sent
  expect(ecsProxy().injected('lost')).toHaveLength(1);
  expect(ecsProxy().injected('lost')[0]!.backendStatus).toBe(200);
  expect(registers()).toHaveLength(1);
  const after = await revisions(world.ecs);
  expect(after).toHaveLength(before.length + 1);
  const made = after.find((a) => !before.includes(a))!;
  expect(run.outputs['task-definition-arn']).toBe(made);
  expect(run.main.log).toContain(
    'RegisterTaskDefinition: AWS answered InternalFailure (transient); reading family web back before trying again',
  );
  expect(run.main.log).toContain(
    `registered task definition ${made} (the reply was lost; the revision it made is used, no copy registered)`,
  );
}, 120_000);

test('RegisterTaskDefinition throttled for 5 s (no apply): read back, sent again after the throttling, one revision', async () => {
  const world = await seedWorld({ motoUrl: motoUrl(), emulatorUrl: emulator().url });
  const before = await revisions(world.ecs);
  ecsProxy().inject({
    name: 'throttled',
    service: 'ecs',
    operation: 'RegisterTaskDefinition',
    window: { forMs: 5_000 },
    fault: { kind: 'throttle' },
  });
  const run = await runAction({ action: ACTION, inputs, env: env(), workspace: workspace() });
  expect(run.main.exitCode).toBe(0);
  const throttled = ecsProxy().injected('throttled');
  expect(throttled.length).toBeGreaterThanOrEqual(2);
  expect(throttled.every((c) => c.backendStatus === undefined)).toBe(true);
  // every attempt is one request (no SDK resend), and each resend came after a read of the family
  expect(registers()).toHaveLength(throttled.length + 1);
  const ops = ecsProxy().calls.map((c) => c.operation);
  const firstRegister = ops.indexOf('RegisterTaskDefinition');
  for (let i = firstRegister + 1; i < ops.length; i++)
    if (ops[i] === 'RegisterTaskDefinition') expect(ops[i - 1]).toBe('DescribeTaskDefinition');
  const after = await revisions(world.ecs);
  expect(after).toHaveLength(before.length + 1);
  expect(run.outputs['task-definition-arn']).toBe(after.find((a) => !before.includes(a)));
  expect(run.main.log).toContain(
    'RegisterTaskDefinition: AWS answered ThrottlingException (transient); reading family web back before trying again',
  );
}, 120_000);
