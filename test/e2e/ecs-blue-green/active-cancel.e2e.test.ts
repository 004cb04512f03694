import { CreateDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { createHash } from 'node:crypto';
import { motoEnv, motoUrl, runAction, useMoto } from '../../harness/index.js';
import { APP, CLUSTER, GROUP, SERVICE, seedWorld, type World } from '../../fixtures/ecs-blue-green/world.js';
import { ACTION, callsOf, useCodeDeployEmulator } from './helpers.js';

useMoto();
const emulator = useCodeDeployEmulator();

const env = () => ({ ...motoEnv(), AWS_ENDPOINT_URL_CODEDEPLOY: emulator().url });
const base = {
  cluster: CLUSTER,
  service: SERVICE,
  'task-definition-arn': 'web:1',
  'poll-interval-seconds': 1,
};

/** Someone else's deployment, started straight through the API. */
async function otherDeployment(world: World): Promise<string> {
  const content = JSON.stringify({
    version: '0.0',
    Resources: [
      {
        TargetService: {
          Type: 'AWS::ECS::Service',
          Properties: {
            TaskDefinition: world.taskDefinitionArn,
            LoadBalancerInfo: { ContainerName: 'web', ContainerPort: 80 },
          },
        },
      },
    ],
  });
  const out = await world.codedeploy.send(
    new CreateDeploymentCommand({
      applicationName: APP,
      deploymentGroupName: GROUP,
      revision: {
        revisionType: 'AppSpecContent',
        appSpecContent: { content, sha256: createHash('sha256').update(content).digest('hex') },
      },
    }),
  );
  return out.deploymentId!;
}

test('if-deployment-active fail (default): fails before registering or deploying, naming the input', async () => {
  const world = await seedWorld({ motoUrl: motoUrl(), emulatorUrl: emulator().url });
  emulator().setScenario({ kind: 'slow' });
  const other = await otherDeployment(world);
  const run = await runAction({ action: ACTION, inputs: base, env: env() });
  expect(run.main.exitCode).toBe(1);
  expect(run.main.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
    expect.stringMatching(
      new RegExp(
        `^ecs-blue-green: deployment ${other} is still active in ${GROUP} .*set if-deployment-active to wait`,
      ),
    ),
  ]);
  expect(callsOf(emulator(), 'CreateDeployment')).toHaveLength(1); // only ours from above
}, 60_000);

test('if-deployment-active stop: stops the active one with rollback, waits for the rollback, then deploys', async () => {
  const world = await seedWorld({ motoUrl: motoUrl(), emulatorUrl: emulator().url });
  emulator().setScenario({ kind: 'slow' });
  const other = await otherDeployment(world);
  emulator().setScenario({ kind: 'success' });
  const run = await runAction({
    action: ACTION,
    inputs: { ...base, 'if-deployment-active': 'stop' },
    env: env(),
  });
  expect(run.main.exitCode).toBe(0);
  // exactly one stop: the rollback deployment CodeDeploy starts for it is waited for, never stopped
  expect(callsOf(emulator(), 'StopDeployment').map((c) => c.input)).toEqual([
    { deploymentId: other, autoRollbackEnabled: true },
  ]);
  expect(run.main.log).toContain(`active deployment ${other} ended Stopped`);
  const rollback = /waiting for its rollback deployment (d-\w+) to end/.exec(run.main.log)?.[1];
  expect(rollback).toBeDefined();
  expect(run.main.log).toContain(`rollback deployment ${rollback} ended Succeeded`);
  expect(run.outputs.status).toBe('Succeeded');
  expect(run.outputs['deployment-id']).not.toBe(other);
}, 60_000);

test('if-deployment-active wait: follows the active one to its end first', async () => {
  const world = await seedWorld({ motoUrl: motoUrl(), emulatorUrl: emulator().url });
  emulator().setScenario({ kind: 'success', stepMs: 300 });
  const other = await otherDeployment(world);
  emulator().setScenario({ kind: 'success' });
  const run = await runAction({
    action: ACTION,
    inputs: { ...base, 'if-deployment-active': 'wait' },
    env: env(),
  });
  expect(run.main.exitCode).toBe(0);
  expect(run.main.log).toContain(`active deployment ${other} ended Succeeded`);
  expect(callsOf(emulator(), 'StopDeployment')).toHaveLength(0);
  expect(run.outputs.status).toBe('Succeeded');
}, 60_000);

test('command continue on a deployment that is not in Ready: fails, and post does not roll it back', async () => {
  const world = await seedWorld({ motoUrl: motoUrl(), emulatorUrl: emulator().url });
  emulator().setScenario({ kind: 'slow' });
  const other = await otherDeployment(world);
  const run = await runAction({
    action: ACTION,
    inputs: { ...base, command: 'continue', 'deployment-id': other },
    env: env(),
  });
  expect(run.main.exitCode).toBe(1);
  expect(run.main.annotations.find((a) => a.level === 'error')?.message).toMatch(
    new RegExp(`^ecs-blue-green: cannot continue ${other}: DeploymentIsNotInReadyStateException`),
  );
  expect(run.post?.exitCode).toBe(0);
  expect(run.post?.log).not.toContain('stopping it with rollback');
  expect(callsOf(emulator(), 'StopDeployment')).toEqual([]);
}, 60_000);

test('SIGTERM mid-deployment: main stops it with rollback (on-cancel rollback), post has nothing left to do', async () => {
  await seedWorld({ motoUrl: motoUrl(), emulatorUrl: emulator().url });
  emulator().setScenario({ kind: 'slow' });
  const run = await runAction({
    action: ACTION,
    inputs: base,
    env: env(),
    interrupt: { when: (log) => /Install: InProgress/.test(log), signal: 'SIGTERM' },
  });
  expect(run.main.exitCode).toBe(1);
  const id = run.outputs['deployment-id']!;
  expect(callsOf(emulator(), 'StopDeployment').map((c) => c.input)).toEqual([
    { deploymentId: id, autoRollbackEnabled: true },
  ]);
  expect(run.main.annotations.find((a) => a.level === 'error')?.message).toMatch(
    new RegExp(`^ecs-blue-green: cancelled \\(SIGTERM\\): stopped deployment ${id} with rollback`),
  );
  expect(run.outputs.status).toBe('Stopped');
  expect(JSON.parse(run.state.deployment!)).toMatchObject({ deploymentId: id, finished: true });
  expect(run.post?.exitCode).toBe(0);
  expect(run.post?.log).toContain('nothing to do');
}, 60_000);

test('main killed outright mid-deployment: the post step stops it with rollback', async () => {
  await seedWorld({ motoUrl: motoUrl(), emulatorUrl: emulator().url });
  emulator().setScenario({ kind: 'slow' });
  const run = await runAction({
    action: ACTION,
    inputs: base,
    env: env(),
    interrupt: { when: (log) => /Install: InProgress/.test(log), signal: 'SIGKILL' },
  });
  expect(run.main.signal).toBe('SIGKILL');
  const id = JSON.parse(run.state.deployment!).deploymentId as string;
  expect(run.post?.exitCode).toBe(0);
  expect(run.post?.log).toContain(`post: main did not finish deployment ${id}; stopping it with rollback`);
  expect(callsOf(emulator(), 'StopDeployment').map((c) => c.input)).toEqual([
    { deploymentId: id, autoRollbackEnabled: true },
  ]);
}, 60_000);

test('on-cancel leave: SIGTERM leaves the deployment running, post does not stop it', async () => {
  await seedWorld({ motoUrl: motoUrl(), emulatorUrl: emulator().url });
  emulator().setScenario({ kind: 'slow' });
  const run = await runAction({
    action: ACTION,
    inputs: { ...base, 'on-cancel': 'leave' },
    env: env(),
    interrupt: { when: (log) => /Install: InProgress/.test(log), signal: 'SIGTERM' },
  });
  expect(run.main.exitCode).toBe(1);
  expect(run.main.log).toMatch(/left deployment d-\w+ running \(on-cancel: leave\)/);
  expect(callsOf(emulator(), 'StopDeployment')).toHaveLength(0);
}, 60_000);
