/**
 * ecs-blue-green under faults, through the committed bundle: CodeDeploy is reached through the fault
 * proxy in front of our emulator (ECS is moto). A lost CreateDeployment reply, another run's
 * deployment getting in first, throttling longer than the SDK's retries, a terminal AWS error
 * mid-deployment and a timeout; after each, nothing is left in flight in the emulator.
 */
import {
  CreateDeploymentCommand,
  GetDeploymentCommand,
  ListDeploymentsCommand,
  type CodeDeployClient,
} from '@aws-sdk/client-codedeploy';
import { createHash } from 'node:crypto';
import { motoEnv, motoUrl, runAction, useFaultProxy, useMoto } from '../../harness/index.js';
import { APP, CLUSTER, GROUP, SERVICE, seedWorld, type World } from '../../fixtures/ecs-blue-green/world.js';
import { ACTION, callsOf, useCodeDeployEmulator } from './helpers.js';

useMoto();
const emulator = useCodeDeployEmulator();
const proxy = useFaultProxy(() => emulator().url);

const env = () => ({ ...motoEnv(), AWS_ENDPOINT_URL_CODEDEPLOY: proxy().url });
const base = {
  cluster: CLUSTER,
  service: SERVICE,
  'task-definition-arn': 'web:1',
  'poll-interval-seconds': 1,
};
const ACTIVE = ['Created', 'Queued', 'InProgress', 'Ready', 'Baking'] as const;

/** Every deployment of the group, newest first, straight from the emulator (not through the proxy). */
async function deployments(cd: CodeDeployClient, statuses?: readonly string[]) {
  const out = await cd.send(
    new ListDeploymentsCommand({
      applicationName: APP,
      deploymentGroupName: GROUP,
      includeOnlyStatuses: statuses as never,
    }),
  );
  return out.deployments ?? [];
}

/** Nothing left in flight: wait (bounded) for rollbacks to end, then check no deployment is active. */
async function expectNothingInFlight(cd: CodeDeployClient) {
  const until = Date.now() + 30_000;
  while ((await deployments(cd, ACTIVE)).length && Date.now() < until)
    await new Promise((r) => setTimeout(r, 250));
  expect(await deployments(cd, ACTIVE)).toEqual([]);
}

/** Someone else's deployment, started straight through the API (no run marker). */
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
      description: 'oaktree-demo/shop run 7099999999 (another run)',
      revision: {
        revisionType: 'AppSpecContent',
        appSpecContent: { content, sha256: createHash('sha256').update(content).digest('hex') },
      },
    }),
  );
  return out.deploymentId!;
}

test('lost CreateDeployment reply: the retry meets our own deployment, which is adopted and followed to Succeeded', async () => {
  const world = await seedWorld({ motoUrl: motoUrl(), emulatorUrl: emulator().url });
  proxy().inject({
    name: 'lost',
    service: 'codedeploy',
    operation: 'CreateDeployment',
    times: 1,
    fault: { kind: 'lose-reply' },
  });
  const run = await runAction({ action: ACTION, inputs: base, env: env() });
  expect(run.main.exitCode).toBe(0);
  // the first attempt reached CodeDeploy and created it; the SDK's retry was refused
  expect(proxy().injected('lost')).toHaveLength(1);
  expect(proxy().injected('lost')[0]!.backendStatus).toBe(200);
  expect(callsOf(emulator(), 'CreateDeployment')).toHaveLength(2);
  const all = await deployments(world.codedeploy);
  expect(all).toHaveLength(1);
  const id = all[0]!;
  expect(run.outputs['deployment-id']).toBe(id);
  expect(run.outputs.status).toBe('Succeeded');
  const info = (await world.codedeploy.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo!;
  expect(info.status).toBe('Succeeded');
  expect(info.description).toMatch(
    /^oaktree-demo\/shop run 7100000001 \[oaktree oaktree-demo\/shop run 7100000001\.1 job test step [0-9a-f]{8}\]$/,
  );
  expect(run.main.log).toContain(
    `adopted deployment ${id} created by this run's earlier attempt (reply lost)`,
  );
  expect(run.main.log).not.toMatch(/another deployment|another run/);
  expect(run.summary).toContain('Deployment succeeded');
  expect(run.summary).toContain(
    `Adopted deployment ${id} created by this run's earlier attempt (reply lost)`,
  );
  expect(run.post?.log).toContain(`post: main finished with deployment ${id}; nothing to do`);
  await expectNothingInFlight(world.codedeploy);
}, 90_000);

/**
 * Another run's deployment gets in just before ours: our CreateDeployment is held in the proxy while
 * the other one starts (and is still running, about 3 s, when ours reaches CodeDeploy).
 */
function otherGetsInFirst(world: World): Promise<string> {
  emulator().setScenario({ kind: 'success', stepMs: 400 });
  proxy().inject({
    service: 'codedeploy',
    operation: 'CreateDeployment',
    times: 1,
    fault: { kind: 'delay', ms: 1500 },
  });
  return (async () => {
    const until = Date.now() + 60_000;
    while (!proxy().calls.some((c) => c.operation === 'CreateDeployment') && Date.now() < until)
      await new Promise((r) => setTimeout(r, 20));
    return otherDeployment(world);
  })();
}

test('a deployment of another run gets in just before our CreateDeployment: not adopted, if-deployment-active wait applies', async () => {
  const world = await seedWorld({ motoUrl: motoUrl(), emulatorUrl: emulator().url });
  const watcher = otherGetsInFirst(world);
  const run = await runAction({
    action: ACTION,
    inputs: { ...base, 'if-deployment-active': 'wait' },
    env: env(),
  });
  const other = await watcher;
  expect(run.main.exitCode).toBe(0);
  expect(run.main.log).toContain(
    `deployment ${other} of another run became active in ${GROUP} just before ours (it does not carry this step's run marker); if-deployment-active: wait applies to it`,
  );
  expect(run.main.log).toContain(`active deployment ${other} ended Succeeded`);
  expect(run.main.log).not.toContain('adopted');
  expect(run.summary).not.toContain('Adopted');
  const ours = run.outputs['deployment-id']!;
  expect(ours).not.toBe(other);
  expect(run.outputs.status).toBe('Succeeded');
  expect(await deployments(world.codedeploy)).toEqual([ours, other]);
  expect(callsOf(emulator(), 'StopDeployment')).toEqual([]);
  await expectNothingInFlight(world.codedeploy);
}, 90_000);

test('the same with if-deployment-active fail (default): fails naming the other deployment; nothing of ours created or adopted', async () => {
  const world = await seedWorld({ motoUrl: motoUrl(), emulatorUrl: emulator().url });
  const watcher = otherGetsInFirst(world);
  const run = await runAction({ action: ACTION, inputs: base, env: env() });
  const other = await watcher;
  expect(run.main.exitCode).toBe(1);
  expect(run.main.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
    `ecs-blue-green: deployment ${other} of another run became active in ${GROUP} just before ours (DeploymentLimitExceededException; it does not carry this step's run marker): run again, or set if-deployment-active to wait or stop`,
  ]);
  expect(run.outputs['deployment-id']).toBeUndefined();
  expect(run.state.deployment).toBeUndefined();
  expect(await deployments(world.codedeploy)).toEqual([other]);
  expect(callsOf(emulator(), 'StopDeployment')).toEqual([]); // the other run's deployment is left alone
  await expectNothingInFlight(world.codedeploy);
}, 90_000);

test("reads throttled for 30 s, far longer than one call's SDK retries: transient, retried with a line saying so; the deploy succeeds", async () => {
  const world = await seedWorld({ motoUrl: motoUrl(), emulatorUrl: emulator().url });
  emulator().setScenario({ kind: 'success', stepMs: 300 });
  proxy().inject({
    name: 'throttled',
    service: 'codedeploy',
    operation: /^(GetDeployment|ListDeploymentTargets|BatchGetDeploymentTargets)$/,
    window: { forMs: 30_000 },
    fault: { kind: 'throttle' },
  });
  const run = await runAction({ action: ACTION, inputs: base, env: env() });
  expect(run.main.exitCode).toBe(0);
  expect(run.outputs.status).toBe('Succeeded');
  const throttled = proxy().injected('throttled');
  expect(throttled.length).toBeGreaterThan(6); // more than one call's SDK attempts
  expect(throttled.at(-1)!.at - throttled[0]!.at).toBeGreaterThan(20_000);
  expect(run.main.log).toMatch(
    /deployment d-\w+: AWS answered ThrottlingException to GetDeployment \(transient, not the deployment's state\); retrying in \S+; gives up at the timeout/,
  );
  expect(run.main.log).toMatch(/AWS answers again after \S+ of transient errors/);
  expect(run.summary).toMatch(
    /\| AWS answered ThrottlingException to GetDeployment: transient, retrying until the timeout \|/,
  );
  expect(run.summary).toContain('Deployment succeeded');
  await expectNothingInFlight(world.codedeploy);
}, 150_000);

test('a terminal AWS error ends main mid-deployment: post stops the in-flight deployment with rollback; both summaries say so', async () => {
  const world = await seedWorld({ motoUrl: motoUrl(), emulatorUrl: emulator().url });
  emulator().setScenario({ kind: 'slow' });
  proxy().inject({
    name: 'denied',
    service: 'codedeploy',
    operation: 'GetDeployment',
    calls: [3], // the fourth look: the deployment is under way
    fault: {
      kind: 'error',
      status: 400,
      code: 'AccessDeniedException',
      message:
        'User: arn:aws:sts::123456789012:assumed-role/deploy/ci is not authorized to perform: codedeploy:GetDeployment',
    },
  });
  const run = await runAction({ action: ACTION, inputs: base, env: env() });
  expect(run.main.exitCode).toBe(1);
  expect(proxy().injected('denied')).toHaveLength(1);
  const id = run.outputs['deployment-id']!;
  expect(id).toMatch(/^d-/);
  expect(JSON.parse(run.state.deployment!)).toMatchObject({
    deploymentId: id,
    finished: false,
    left: expect.stringContaining('not authorized to perform: codedeploy:GetDeployment'),
  });
  expect(run.main.log).toContain(
    `main could not see deployment ${id} to its end; the post step stops it with rollback`,
  );
  // the summary of main: headline, what was left to post, and the timeline seen until the error
  expect(run.summary).toContain('Stopped following the deployment: AWS answered an error');
  expect(run.summary).toContain(`⚠️ In flight: main could not see deployment ${id} to its end`);
  expect(run.summary).toMatch(
    new RegExp(`### Timeline[\\s\\S]*\\| created deployment ${id} \\|[\\s\\S]*InProgress`),
  );
  expect(run.summary).toMatch(/\| stopped following: AccessDeniedException: .*not authorized/);
  // post: stops it with rollback and says so in its own summary
  expect(run.post?.exitCode).toBe(0);
  expect(run.post?.log).toContain(
    `post: main did not finish deployment ${id}; stopping it with rollback (on-cancel: rollback)`,
  );
  expect(callsOf(emulator(), 'StopDeployment').map((c) => c.input)).toEqual([
    { deploymentId: id, autoRollbackEnabled: true },
  ]);
  expect(run.summary).toContain(`ECS blue/green (post): deployment ${id}`);
  expect(run.summary).toMatch(/stopped with rollback \(it was InProgress\)/);
  const info = (await world.codedeploy.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo!;
  expect(info.status).toBe('Stopped');
  await expectNothingInFlight(world.codedeploy);
}, 90_000);

test('timed out (timeout-minutes) while waiting in Ready: stopped with rollback, and the summary has the timeline', async () => {
  const world = await seedWorld({ motoUrl: motoUrl(), emulatorUrl: emulator().url });
  emulator().setScenario({ kind: 'ready-wait' }); // waits in Ready far longer than a minute
  const run = await runAction({
    action: ACTION,
    inputs: { ...base, 'timeout-minutes': 1, 'poll-interval-seconds': 2 },
    env: env(),
  });
  expect(run.main.exitCode).toBe(1);
  const id = run.outputs['deployment-id']!;
  expect(run.main.annotations.find((a) => a.level === 'error')?.message).toMatch(
    new RegExp(
      `^ecs-blue-green: timed out after 1m\\S* \\(timeout-minutes\\): stopped deployment ${id} with rollback`,
    ),
  );
  expect(run.summary).toContain('Timed out');
  expect(run.summary).toMatch(/### Timeline[\s\S]*\| deployment d-\w+: Ready \|/);
  expect(run.summary).toMatch(/### Timeline[\s\S]*\| AllowTestTraffic: Succeeded in \S+ \|/);
  expect(run.summary).toMatch(/\| timed out after 1m\S* \(timeout-minutes\) \|/);
  expect(run.summary).toMatch(
    new RegExp(`\\| stopped deployment ${id} with rollback \\(on-cancel: rollback\\) \\|`),
  );
  expect(run.summary).toMatch(/### Lifecycle events/);
  expect(run.post?.log).toContain('nothing to do');
  await expectNothingInFlight(world.codedeploy);
}, 150_000);
