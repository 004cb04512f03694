/**
 * The `environment` input through the committed bundle: a GitHub deployment in the GitHub fake with
 * statuses in_progress -> success / failure / inactive and the environment_url, on the ECS-native path
 * (the ECS-native emulator in front of moto). GitHub refusing is a warning, never a failed deploy.
 */
import { motoEnv, motoUrl, runAction, useMoto } from '../../harness/index.js';
import { startEcsNativeEmulator, type EcsNativeEmulator } from '../../emulators/ecs-native/index.js';
import { startGitHubFake, type GitHubFake } from '../../emulators/github/server.js';
import { startFaultProxy } from '../../harness/faults.js';
import {
  CLUSTER,
  REGION,
  SERVICE,
  taskDefinitionInput,
  workspaceWith,
} from '../../fixtures/ecs-blue-green/world.js';
import { ACTION } from './helpers.js';
import { seedNativeWorld } from './native-world.js';

useMoto();
let emu: EcsNativeEmulator | undefined;
let gh: GitHubFake | undefined;
beforeAll(async () => {
  emu = await startEcsNativeEmulator({
    ecsEndpoint: motoUrl(),
    region: REGION,
    stepMs: 100,
    maxLifetimeMs: 20 * 60_000,
  });
});
beforeEach(async () => {
  emu?.reset();
  gh = await startGitHubFake({ lifetimeMs: 120_000 });
});
afterEach(async () => {
  await gh?.close();
});
afterAll(async () => {
  await emu?.stop();
});

const SHA = '0123456789abcdef0123456789abcdef01234567';
const env = () => ({ ...motoEnv(), AWS_ENDPOINT_URL_ECS: emu!.url, GITHUB_API_URL: gh!.url });
const inputs = {
  cluster: CLUSTER,
  service: SERVICE,
  'task-definition': 'td.json',
  'poll-interval-seconds': 1,
  environment: 'production',
  'environment-url': 'https://shop.example.com',
};
const workspace = () => workspaceWith({ 'td.json': taskDefinitionInput('public.ecr.aws/nginx/nginx:1.28') });
const states = () => gh!.deployments[0]?.statuses.map((s) => s.state);

test('success: one deployment of the commit to the environment, in_progress then success with the URL', async () => {
  await seedNativeWorld(motoUrl(), emu!.url);
  const run = await runAction({ action: ACTION, inputs, env: env(), workspace: workspace() });
  expect(run.main.exitCode).toBe(0);
  expect(gh!.deployments).toHaveLength(1);
  const d = gh!.deployments[0]!;
  expect(d).toMatchObject({
    ref: SHA,
    environment: 'production',
    payload: { taskDefinition: run.outputs['task-definition-arn'], cluster: 'shop', service: 'web' },
  });
  expect(states()).toEqual(['in_progress', 'success']);
  expect(d.statuses.at(-1)).toMatchObject({
    environment_url: 'https://shop.example.com',
    log_url: 'https://github.com/oaktree-demo/shop/actions/runs/7100000001',
  });
  // created after every check and the registration, before UpdateService
  const auth = gh!.calls.filter((c) => c.path.endsWith('/deployments'));
  expect(auth).toHaveLength(1);
  expect(run.main.log).toMatch(/GitHub deployment \d+ to environment production: success/);
});

test('a failed deployment (hook failure, rolled back) ends failure', async () => {
  await seedNativeWorld(motoUrl(), emu!.url);
  emu!.setScenario({ kind: 'hook-failure' });
  const run = await runAction({ action: ACTION, inputs, env: env(), workspace: workspace() });
  expect(run.main.exitCode).toBe(1);
  expect(states()).toEqual(['in_progress', 'failure']);
  expect(gh!.deployments[0]!.statuses.at(-1)!.description).toMatch(/^service deployment [\w-]+ failed/);
});

test('cancelled and rolled back: inactive', async () => {
  await seedNativeWorld(motoUrl(), emu!.url);
  emu!.setScenario({ kind: 'hold' });
  const run = await runAction({
    action: ACTION,
    inputs,
    env: env(),
    workspace: workspace(),
    interrupt: { when: (log) => /POST_TEST_TRAFFIC_SHIFT: InProgress/.test(log), signal: 'SIGTERM' },
  });
  expect(run.main.exitCode).toBe(1);
  expect(states()).toEqual(['in_progress', 'inactive']);
});

test('GitHub refusing deployments is a warning; the deploy goes on', async () => {
  await seedNativeWorld(motoUrl(), emu!.url);
  gh!.forbid.add('deployments');
  const run = await runAction({ action: ACTION, inputs, env: env(), workspace: workspace() });
  expect(run.main.exitCode).toBe(0);
  expect(run.outputs.status).toBe('SUCCESSFUL');
  expect(run.main.annotations.filter((a) => a.level === 'warning').map((a) => a.message)).toEqual([
    expect.stringMatching(
      /^could not record a GitHub deployment to environment production: .*Resource not accessible by integration/,
    ),
  ]);
});

test('environment-url without environment: one-line error, nothing in AWS or GitHub', async () => {
  await seedNativeWorld(motoUrl(), emu!.url);
  emu!.calls.splice(0);
  const { environment: _e, ...rest } = inputs;
  const run = await runAction({ action: ACTION, inputs: rest, env: env(), workspace: workspace() });
  expect(run.main.exitCode).toBe(1);
  const errors = run.main.annotations.filter((a) => a.level === 'error');
  expect(errors).toHaveLength(1);
  expect(errors[0]!.message).toMatch(/^ecs-blue-green: input "environment-url" is set without "environment"/);
  expect(gh!.calls).toEqual([]);
  expect(emu!.calls).toEqual([]);
});

test('replies lost after GitHub made the deployment and each status: one deployment, one status each', async () => {
  await seedNativeWorld(motoUrl(), emu!.url);
  const faults = await startFaultProxy({ target: gh!.url, maxLifetimeMs: 120_000 });
  try {
    faults.inject({
      name: 'deployment',
      service: 'github',
      operation: /^POST \/repos\/[^/]+\/[^/]+\/deployments$/,
      times: 1,
      fault: { kind: 'lose-reply' },
    });
    faults.inject({
      name: 'status',
      service: 'github',
      operation: /^POST \/repos\/.*\/statuses$/,
      fault: { kind: 'lose-reply', as: 'reset' },
    });
    const run = await runAction({
      action: ACTION,
      inputs,
      env: { ...env(), GITHUB_API_URL: faults.url },
      workspace: workspace(),
    });
    expect(run.main.exitCode).toBe(0);
    expect(faults.injected('deployment')).toHaveLength(1);
    expect(faults.injected('status')).toHaveLength(2); // in_progress and success, each applied once
    expect(gh!.deployments).toHaveLength(1);
    expect(gh!.deployments[0]!.payload).toMatchObject({
      taskDefinition: run.outputs['task-definition-arn'],
      oaktreeRun: expect.stringMatching(
        /^\[oaktree oaktree-demo\/shop run 7100000001\.1 .*step [0-9a-f]{8}\]$/,
      ),
    });
    expect(states()).toEqual(['in_progress', 'success']);
    expect(run.main.log.match(/the reply was lost; the [\w ]+ it made is used/g)).toHaveLength(3);
    expect(run.main.annotations.filter((a) => a.level === 'warning')).toEqual([]);
  } finally {
    await faults.stop();
  }
});
