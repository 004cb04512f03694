import { motoEnv, motoUrl, runAction, useMoto } from '../../harness/index.js';
import { CLUSTER, SERVICE, seedWorld } from '../../fixtures/ecs-blue-green/world.js';
import { ACTION, callsOf, testListener, useCodeDeployEmulator } from './helpers.js';

useMoto();
const emulator = useCodeDeployEmulator();

const env = () => ({ ...motoEnv(), AWS_ENDPOINT_URL_CODEDEPLOY: emulator().url });
const base = {
  cluster: CLUSTER,
  service: SERVICE,
  'task-definition-arn': 'web:1',
  'poll-interval-seconds': 1,
};

test('Ready wait + smoke test passing on the test listener: ContinueDeployment, then Succeeded', async () => {
  await seedWorld({ motoUrl: motoUrl(), emulatorUrl: emulator().url, readyWaitMinutes: 120 });
  emulator().setScenario({ kind: 'ready-wait' });
  const listener = await testListener(() => 200);
  try {
    const run = await runAction({
      action: ACTION,
      inputs: { ...base, 'smoke-test-url': listener.url, 'smoke-test-timeout': '20s' },
      env: env(),
    });
    expect(run.main.exitCode).toBe(0);
    expect(listener.hits()).toBeGreaterThanOrEqual(1);
    expect(run.main.log).toMatch(/smoke test passed: http:\/\/127\.0\.0\.1:\d+\/health answered 200/);
    const cont = callsOf(emulator(), 'ContinueDeployment');
    expect(cont).toHaveLength(1);
    expect(cont[0]!.input).toEqual({
      deploymentId: run.outputs['deployment-id'],
      deploymentWaitType: 'READY_WAIT',
    });
    // the probe ran only after the test listener was serving green
    const lines = run.main.log.split('\n');
    const allowTest = lines.findIndex((l) => /AllowTestTraffic: Succeeded/.test(l));
    const probing = lines.findIndex((l) => l.startsWith('probing the green side'));
    expect(allowTest).toBeGreaterThanOrEqual(0);
    expect(probing).toBeGreaterThan(allowTest);
    expect(run.outputs.status).toBe('Succeeded');
    expect(run.summary).toContain('smoke test passed');
    expect(run.summary).toMatch(/\| \+[\dms]+ \| ContinueDeployment \(smoke test passed\) \|/);
  } finally {
    await listener.close();
  }
}, 60_000);

test('smoke test failing: StopDeployment with rollback, no ContinueDeployment, step fails naming the smoke test', async () => {
  await seedWorld({ motoUrl: motoUrl(), emulatorUrl: emulator().url, readyWaitMinutes: 120 });
  emulator().setScenario({ kind: 'ready-wait' });
  const listener = await testListener(() => 503);
  try {
    const run = await runAction({
      action: ACTION,
      inputs: {
        ...base,
        'smoke-test-url': listener.url,
        'smoke-test-timeout': '3s',
        'smoke-test-status': '2xx',
      },
      env: env(),
    });
    expect(run.main.exitCode).toBe(1);
    expect(callsOf(emulator(), 'ContinueDeployment')).toHaveLength(0);
    const stops = callsOf(emulator(), 'StopDeployment');
    expect(stops.map((c) => c.input)).toEqual([
      { deploymentId: run.outputs['deployment-id'], autoRollbackEnabled: true },
    ]);
    expect(listener.hits()).toBeGreaterThanOrEqual(2);
    expect(run.outputs.status).toBe('Stopped');
    expect(run.outputs['rollback-deployment-id']).toMatch(/^d-/);
    expect(run.main.annotations.find((a) => a.level === 'error')?.message).toMatch(
      /was stopped: smoke test failed: http:\/\/127\.0\.0\.1:\d+\/health did not answer 2xx within 3s \(\d+ attempt\(s\), last answer 503\)/,
    );
  } finally {
    await listener.close();
  }
}, 60_000);

test('wait-for ready returns at Ready; a later step continues it with command continue', async () => {
  await seedWorld({ motoUrl: motoUrl(), emulatorUrl: emulator().url, readyWaitMinutes: 300 });
  emulator().setScenario({ kind: 'ready-wait' });
  const first = await runAction({ action: ACTION, inputs: { ...base, 'wait-for': 'ready' }, env: env() });
  expect(first.main.exitCode).toBe(0);
  expect(first.outputs.status).toBe('Ready');
  expect(first.main.log).toContain('command: continue');
  expect(callsOf(emulator(), 'ContinueDeployment')).toHaveLength(0);
  expect(first.post?.log).toContain('nothing to do'); // returning at Ready on purpose must not roll back
  expect(callsOf(emulator(), 'StopDeployment')).toHaveLength(0);

  const id = first.outputs['deployment-id']!;
  const second = await runAction({
    action: ACTION,
    inputs: {
      cluster: CLUSTER,
      service: SERVICE,
      command: 'continue',
      'deployment-id': id,
      'poll-interval-seconds': 1,
    },
    env: env(),
  });
  expect(second.main.exitCode).toBe(0);
  expect(second.outputs.status).toBe('Succeeded');
  expect(callsOf(emulator(), 'ContinueDeployment').map((c) => c.input)).toEqual([
    { deploymentId: id, deploymentWaitType: 'READY_WAIT' },
  ]);
  expect(callsOf(emulator(), 'CreateDeployment')).toHaveLength(1);
}, 60_000);

test('command stop on a Ready deployment: stopped with rollback and followed, exit 0', async () => {
  await seedWorld({ motoUrl: motoUrl(), emulatorUrl: emulator().url, readyWaitMinutes: 300 });
  emulator().setScenario({ kind: 'ready-wait' });
  const first = await runAction({ action: ACTION, inputs: { ...base, 'wait-for': 'ready' }, env: env() });
  const id = first.outputs['deployment-id']!;
  const stop = await runAction({
    action: ACTION,
    inputs: {
      cluster: CLUSTER,
      service: SERVICE,
      command: 'stop',
      'deployment-id': id,
      'poll-interval-seconds': 1,
    },
    env: env(),
  });
  expect(stop.main.exitCode).toBe(0);
  expect(stop.outputs.status).toBe('Stopped');
  expect(stop.outputs['rollback-deployment-id']).toMatch(/^d-/);
  expect(callsOf(emulator(), 'StopDeployment').map((c) => c.input)).toEqual([
    { deploymentId: id, autoRollbackEnabled: true },
  ]);
}, 60_000);
