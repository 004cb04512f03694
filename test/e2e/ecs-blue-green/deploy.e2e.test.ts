import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { motoEnv, motoUrl, runAction, useMoto } from '../../harness/index.js';
import {
  CLUSTER,
  SERVICE,
  revisions,
  seedWorld,
  taskDefinitionInput,
  workspaceWith,
  type World,
} from '../../fixtures/ecs-blue-green/world.js';
import { ACTION, callsOf, useCodeDeployEmulator } from './helpers.js';

useMoto();
const emulator = useCodeDeployEmulator({ minuteMs: 500 }); // a linear shift of ten "minutes" takes 5 s

const env = () => ({ ...motoEnv(), AWS_ENDPOINT_URL_CODEDEPLOY: emulator().url });
const base = { cluster: CLUSTER, service: SERVICE, 'poll-interval-seconds': 1 };

/** The file a user gets from `aws ecs describe-task-definition`: read-only fields and empty values included. */
function describedFile(world: World) {
  return {
    taskDefinition: {
      ...taskDefinitionInput(),
      taskDefinitionArn: world.taskDefinitionArn,
      revision: 1,
      status: 'ACTIVE',
      compatibilities: ['EC2', 'FARGATE'],
      requiresAttributes: [{ name: 'ecs.capability.task-eni' }],
      registeredAt: '2026-11-01T10:00:00.000Z',
      registeredBy: 'arn:aws:iam::123456789012:role/ci',
      volumes: [],
      placementConstraints: [],
    },
  };
}

const stripStamp = (log: string) => log.split('\n').map((l) => l.replace(/^\[\+[^\]]+\] /, ''));

test('success: registers from a described file with an image override, follows live, then reuses an identical revision', async () => {
  const world = await seedWorld({ motoUrl: motoUrl(), emulatorUrl: emulator().url });
  const workspace = workspaceWith({ 'ecs/task-def.json': describedFile(world) });
  // events slow enough that a 1 s poll sees them one by one
  emulator().setScenario({ kind: 'success', stepMs: 600 });
  const inputs = {
    ...base,
    'task-definition': 'ecs/task-def.json',
    'container-images': 'web=public.ecr.aws/nginx/nginx:1.28',
  };
  const run = await runAction({ action: ACTION, inputs, env: env(), workspace });
  expect(run.main.exitCode).toBe(0);
  expect(run.outputs['task-definition-arn']).toBe('arn:aws:ecs:us-east-1:123456789012:task-definition/web:2');
  expect(run.outputs.status).toBe('Succeeded');
  expect(run.outputs['deployment-id']).toMatch(/^d-[A-Z0-9]{9}$/);
  expect(run.outputs['console-url']).toBe(
    `https://us-east-1.console.aws.amazon.com/codesuite/codedeploy/deployments/${run.outputs['deployment-id']}?region=us-east-1`,
  );
  // one notice listing every dropped read-only field
  const notices = run.main.annotations.filter((a) => a.level === 'notice');
  expect(notices).toHaveLength(1);
  expect(notices[0]!.message).toBe(
    'ecs/task-def.json: dropped compatibilities, taskDefinitionArn, requiresAttributes, revision, status, registeredAt, ' +
      'registeredBy (DescribeTaskDefinition output that RegisterTaskDefinition does not accept)',
  );
  const lines = stripStamp(run.main.log);
  expect(lines).toContain(`deployment ${run.outputs['deployment-id']}: InProgress`);
  expect(lines.some((l) => /^ {2}Install: Succeeded in \d/.test(l))).toBe(true);
  expect(lines.some((l) => /^ {2}traffic: BLUE \d+% \/ GREEN \d+%$/.test(l))).toBe(true);
  expect(lines).toContain(`deployment ${run.outputs['deployment-id']}: Succeeded`);
  // one line per change: no line repeats
  const progress = lines.filter((l) => /^( {2}\w+: |deployment d-)/.test(l));
  expect(new Set(progress).size).toBe(progress.length);
  // the appspec sent: JSON string + sha256, generated from the service
  const create = callsOf(emulator(), 'CreateDeployment')[0]!.input as {
    revision: { appSpecContent: { content: string; sha256: string } };
  };
  const appspec = JSON.parse(create.revision.appSpecContent.content);
  expect(appspec.Resources[0].TargetService.Properties).toMatchObject({
    TaskDefinition: run.outputs['task-definition-arn'],
    LoadBalancerInfo: { ContainerName: 'web', ContainerPort: 80 },
    PlatformVersion: '1.4.0',
    NetworkConfiguration: { AwsvpcConfiguration: { Subnets: world.subnets, AssignPublicIp: 'DISABLED' } },
  });
  expect(create.revision.appSpecContent.sha256).toMatch(/^[0-9a-f]{64}$/);
  expect(run.summary).toContain('ECS blue/green: shop/web');
  expect(run.summary).toContain('Deployment succeeded');
  expect(run.summary).toMatch(/\| AllowTraffic \| Succeeded \|/);
  expect(run.summary).toContain('### Timeline');
  const svc = await world.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [SERVICE] }));
  expect(svc.services?.[0]?.taskDefinition).toBe(run.outputs['task-definition-arn']);
  expect(run.post?.log).toContain('nothing to do');

  // same file again: identical to the latest active revision, so nothing is registered
  emulator().setScenario({ kind: 'success' });
  const again = await runAction({ action: ACTION, inputs, env: env(), workspace });
  expect(again.main.exitCode).toBe(0);
  expect(again.main.log).toContain('task definition unchanged: deploying the latest active revision');
  expect(again.outputs['task-definition-arn']).toBe(run.outputs['task-definition-arn']);
  expect(await revisions(world.ecs)).toHaveLength(2);
}, 60_000);

test('hook failure: diagnostics, errorInformation, the rollback followed to its end, outputs set on failure', async () => {
  await seedWorld({ motoUrl: motoUrl(), emulatorUrl: emulator().url });
  emulator().setScenario({
    kind: 'hook-failure',
    failAt: 'AfterAllowTestTraffic',
    diagnosticsMessage: 'GET /ready on the test listener answered 503',
  });
  const run = await runAction({
    action: ACTION,
    inputs: {
      ...base,
      'task-definition-arn': 'web:1',
      hooks: 'AfterAllowTestTraffic=arn:aws:lambda:us-east-1:123456789012:function:check-green',
    },
    env: env(),
  });
  expect(run.main.exitCode).toBe(1);
  const id = run.outputs['deployment-id']!;
  const rollback = run.outputs['rollback-deployment-id']!;
  expect(rollback).toMatch(/^d-[A-Z0-9]{9}$/);
  expect(rollback).not.toBe(id);
  expect(run.outputs.status).toBe('Failed');
  expect(run.outputs['task-definition-arn']).toBe('arn:aws:ecs:us-east-1:123456789012:task-definition/web:1');
  const lines = stripStamp(run.main.log);
  expect(lines.some((l) => /^ {2}AfterAllowTestTraffic: Failed/.test(l))).toBe(true);
  expect(run.main.log).toContain(
    'AfterAllowTestTraffic failed: ScriptFailed: hook arn:aws:lambda:us-east-1:123456789012:function:check-green: GET /ready on the test listener answered 503',
  );
  expect(run.main.log).toMatch(/errorInformation: HOOK_EXECUTION_FAILURE: /);
  expect(lines).toContain(`rollback ${rollback}: Succeeded`);
  const errors = run.main.annotations.filter((a) => a.level === 'error');
  expect(errors).toHaveLength(1);
  expect(errors[0]!.message).toMatch(
    new RegExp(
      `^ecs-blue-green: deployment ${id} failed: AfterAllowTestTraffic failed: .*; rolled back by ${rollback} \\(Succeeded\\)`,
    ),
  );
  const create = callsOf(emulator(), 'CreateDeployment')[0]!.input as {
    revision: { appSpecContent: { content: string } };
  };
  expect(JSON.parse(create.revision.appSpecContent.content).Hooks).toEqual([
    { AfterAllowTestTraffic: 'arn:aws:lambda:us-east-1:123456789012:function:check-green' },
  ]);
  expect(run.summary).toContain('Deployment failed');
  expect(run.summary).toContain('### Why');
  expect(run.post?.log).toContain('nothing to do');
}, 60_000);

test('alarm stop: Stopped with the alarm named, rolled back', async () => {
  await seedWorld({ motoUrl: motoUrl(), emulatorUrl: emulator().url, alarms: ['web-5xx'] });
  emulator().setScenario({ kind: 'alarm-stop', alarmAt: 'AllowTraffic' });
  const run = await runAction({
    action: ACTION,
    inputs: { ...base, 'task-definition-arn': 'web:1' },
    env: env(),
  });
  expect(run.main.exitCode).toBe(1);
  expect(run.outputs.status).toBe('Stopped');
  expect(run.outputs['rollback-deployment-id']).toMatch(/^d-/);
  expect(run.main.log).toMatch(/errorInformation: ALARM_ACTIVE: .*web-5xx/);
  expect(run.main.annotations.find((a) => a.level === 'error')?.message).toMatch(
    /was stopped: AllowTraffic failed; errorInformation: ALARM_ACTIVE: .*web-5xx.*; rolled back by d-/,
  );
}, 60_000);

test('linear traffic shift: one line per weight change while traffic moves, with deployment-config from the input', async () => {
  // ten 10% steps on the emulated clock, seen by a 1 s poll
  await seedWorld({ motoUrl: motoUrl(), emulatorUrl: emulator().url });
  emulator().setScenario({ kind: 'success', stepMs: 400 });
  const run = await runAction({
    action: ACTION,
    inputs: {
      ...base,
      'task-definition-arn': 'web:1',
      'deployment-config': 'CodeDeployDefault.ECSLinear10PercentEvery1Minutes',
    },
    env: env(),
  });
  expect(run.main.exitCode).toBe(0);
  expect(callsOf(emulator(), 'CreateDeployment')[0]!.input.deploymentConfigName).toBe(
    'CodeDeployDefault.ECSLinear10PercentEvery1Minutes',
  );
  const weights = stripStamp(run.main.log)
    .map((l) => /^ {2}traffic: BLUE (\d+)% \/ GREEN (\d+)%$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[2]));
  // green only grows, in several visible steps, and ends at 100
  expect(weights.length).toBeGreaterThanOrEqual(3);
  expect([...weights].sort((a, b) => a - b)).toEqual(weights);
  expect(new Set(weights).size).toBe(weights.length);
  expect(weights.at(-1)).toBe(100);
  expect(weights.some((w) => w > 0 && w < 100)).toBe(true);
}, 60_000);
