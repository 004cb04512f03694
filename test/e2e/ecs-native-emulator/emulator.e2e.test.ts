/**
 * The ECS-native blue/green emulator in front of moto, driven by the real @aws-sdk/client-ecs: a
 * service with deployment controller ECS and strategy BLUE_GREEN, UpdateService with a new task
 * definition, followed with ListServiceDeployments/DescribeServiceDeployments to the end; a failing
 * hook rolled back; StopServiceDeployment ROLLBACK; and moto's own view kept consistent.
 */
import {
  ConflictException,
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  ECSClient,
  InvalidParameterException,
  ListServiceDeploymentsCommand,
  ListServicesCommand,
  RegisterTaskDefinitionCommand,
  ServiceNotFoundException,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
  type CreateServiceCommandInput,
  type ServiceDeployment,
} from '@aws-sdk/client-ecs';
import { motoUrl, useMoto } from '../../harness/index.js';
import { startEcsNativeEmulator, type EcsNativeEmulator } from '../../emulators/ecs-native/index.js';

useMoto();

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const creds = { accessKeyId: 'test', secretAccessKey: 'test' };
const HOOK = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:smoke`;
const DONE = new Set(['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED']);

let emu: EcsNativeEmulator;
let ecs: ECSClient;
let direct: ECSClient;

beforeAll(async () => {
  emu = await startEcsNativeEmulator({ ecsEndpoint: motoUrl(), region: REGION, stepMs: 30 });
  ecs = new ECSClient({ region: REGION, endpoint: emu.url, credentials: creds, maxAttempts: 1 });
  direct = new ECSClient({ region: REGION, endpoint: motoUrl(), credentials: creds });
});
beforeEach(() => emu.reset());
afterAll(async () => {
  ecs?.destroy();
  direct?.destroy();
  await emu?.stop();
});

async function registerTd(image: string): Promise<string> {
  const out = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'api',
      containerDefinitions: [
        { name: 'api', image, memory: 256, portMappings: [{ containerPort: 8080, protocol: 'tcp' }] },
      ],
    }),
  );
  return out.taskDefinition!.taskDefinitionArn!;
}

const blueGreen = (td: string): CreateServiceCommandInput => ({
  cluster: 'web',
  serviceName: 'api',
  taskDefinition: td,
  desiredCount: 2,
  deploymentController: { type: 'ECS' },
  deploymentConfiguration: {
    strategy: 'BLUE_GREEN',
    bakeTimeInMinutes: 2,
    lifecycleHooks: [
      {
        hookTargetArn: HOOK,
        roleArn: `arn:aws:iam::${ACCOUNT}:role/ecs-hooks`,
        lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
      },
    ],
    alarms: { alarmNames: ['api-5xx'], enable: true, rollback: true },
  },
  loadBalancers: [
    {
      targetGroupArn: `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/api-blue/1`,
      containerName: 'api',
      containerPort: 8080,
      advancedConfiguration: {
        alternateTargetGroupArn: `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/api-green/2`,
        productionListenerRule: `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:listener-rule/app/web/1/2/3`,
        testListenerRule: `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:listener-rule/app/web/1/2/4`,
        roleArn: `arn:aws:iam::${ACCOUNT}:role/ecs-elb`,
      },
    },
  ],
});

/** cluster + blue/green service whose first deployment has finished; returns [td1, td2] */
async function seed(): Promise<[string, string]> {
  await ecs.send(new CreateClusterCommand({ clusterName: 'web' }));
  const td1 = await registerTd('example/api:1');
  await ecs.send(new CreateServiceCommand(blueGreen(td1)));
  const [first] = (await ecs.send(new ListServiceDeploymentsCommand({ cluster: 'web', service: 'api' })))
    .serviceDeployments!;
  await follow(first!.serviceDeploymentArn!);
  return [td1, await registerTd('example/api:2')];
}

/** Poll DescribeServiceDeployments until the deployment completes. */
async function follow(arn: string, until = DONE): Promise<{ last: ServiceDeployment }> {
  const seen: string[] = [];
  for (let i = 0; i < 400; i++) {
    const out = await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }));
    const d = out.serviceDeployments![0]!;
    const step = `${d.status}:${d.lifecycleStage ?? '-'}`;
    if (seen[seen.length - 1] !== step) seen.push(step);
    if (until.has(d.status!)) return { last: d };
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`deployment ${arn} did not reach ${[...until].join('/')}: ${seen.join(' > ')}`);
}

/**
 * The lifecycle steps a deployment went through, oldest first, from the service's events (which record
 * every transition; polling at 5 ms on a shared machine can miss a 30 ms stage).
 */
async function stepsOf(arn: string): Promise<string[]> {
  const id = arn.slice(arn.lastIndexOf('/') + 1);
  const svc = (await ecs.send(new DescribeServicesCommand({ cluster: 'web', services: ['api'] })))
    .services![0]!;
  return svc
    .events!.map((e) => e.message!)
    .filter((m) => m.includes(id))
    .reverse()
    .map((m) => {
      const stage = /(entered|rolling back: ) ?lifecycle stage (\w+)/.exec(m);
      if (stage) return `${stage[1] === 'entered' ? 'forward' : 'rollback'}:${stage[2]}`;
      return m.replace(/^\(service api\) service deployment \S+ /, '');
    });
}

async function waitForStage(arn: string, stage: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const d = (await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] })))
      .serviceDeployments![0]!;
    if (d.lifecycleStage === stage) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`deployment ${arn} never reached ${stage}`);
}

async function updateTo(td: string): Promise<string> {
  const updated = await ecs.send(
    new UpdateServiceCommand({ cluster: 'web', service: 'api', taskDefinition: td }),
  );
  const out = await ecs.send(
    new ListServiceDeploymentsCommand({ cluster: 'web', service: 'api', status: ['PENDING', 'IN_PROGRESS'] }),
  );
  expect(out.serviceDeployments).toHaveLength(1);
  const arn = out.serviceDeployments![0]!.serviceDeploymentArn!;
  expect(updated.service?.currentServiceDeployment).toBe(arn);
  return arn;
}

const motoTaskDefinition = async () =>
  (await direct.send(new DescribeServicesCommand({ cluster: 'web', services: ['api'] }))).services![0]!
    .taskDefinition;

it('runs an UpdateService through the lifecycle stages to SUCCESSFUL, and moto then runs the new task definition', async () => {
  const [td1, td2] = await seed();
  const arn = await updateTo(td2);
  expect(await motoTaskDefinition()).toBe(td1);
  const during = (await ecs.send(new DescribeServicesCommand({ cluster: 'web', services: ['api'] })))
    .services![0]!;
  expect(during.taskDefinition).toBe(td2);
  expect(during.deployments!.map((d) => [d.status, d.taskDefinition])).toEqual([
    ['PRIMARY', td2],
    ['ACTIVE', td1],
  ]);
  expect(during.deploymentConfiguration).toMatchObject({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 2 });

  const { last } = await follow(arn);
  const steps = await stepsOf(arn);
  expect(steps.filter((x) => x.startsWith('forward:'))).toEqual(
    [
      'PRE_SCALE_UP',
      'SCALE_UP',
      'POST_SCALE_UP',
      'TEST_TRAFFIC_SHIFT',
      'POST_TEST_TRAFFIC_SHIFT',
      'PRODUCTION_TRAFFIC_SHIFT',
      'POST_PRODUCTION_TRAFFIC_SHIFT',
      'BAKE_TIME',
      'CLEAN_UP',
    ].map((x) => `forward:${x}`),
  );
  expect(steps[steps.length - 1]).toBe('completed.');
  expect(last.status).toBe('SUCCESSFUL');
  expect(last.createdAt).toBeInstanceOf(Date);
  expect(last.finishedAt!.getTime()).toBeGreaterThanOrEqual(last.startedAt!.getTime());
  expect(last.targetServiceRevision).toMatchObject({ requestedProductionTrafficWeight: 100 });
  expect(last.alarms).toMatchObject({ status: 'MONITORING_COMPLETE', alarmNames: ['api-5xx'] });
  expect(last.deploymentConfiguration?.lifecycleHooks?.[0]?.hookTargetArn).toBe(HOOK);

  expect(await motoTaskDefinition()).toBe(td2);
  const svc = (await ecs.send(new DescribeServicesCommand({ cluster: 'web', services: ['api'] })))
    .services![0]!;
  expect(svc.deployments!.map((d) => [d.status, d.taskDefinition, d.rolloutState])).toEqual([
    ['PRIMARY', td2, 'COMPLETED'],
  ]);
  expect(svc.events![0]!.message).toBe('(service api) has reached a steady state.');
  expect(svc.events![0]!.createdAt).toBeInstanceOf(Date);

  const revisions = await ecs.send(
    new DescribeServiceRevisionsCommand({ serviceRevisionArns: [last.targetServiceRevision!.arn!] }),
  );
  expect(revisions.serviceRevisions![0]).toMatchObject({ taskDefinition: td2, clusterArn: svc.clusterArn });
  expect(
    revisions.serviceRevisions![0]!.loadBalancers![0]!.advancedConfiguration?.alternateTargetGroupArn,
  ).toContain('api-green');
  const all = await ecs.send(new ListServiceDeploymentsCommand({ cluster: 'web', service: 'api' }));
  expect(all.serviceDeployments!.map((d) => d.status)).toEqual(['SUCCESSFUL', 'SUCCESSFUL']);
  expect(emu.calls.find((c) => c.operation === 'RegisterTaskDefinition')?.forwarded).toBe(true);
});

it('rolls a failed hook back to ROLLBACK_SUCCESSFUL with the hook message, leaving moto on the old task definition', async () => {
  const [td1, td2] = await seed();
  emu.setScenario({ kind: 'hook-failure', message: 'smoke: GET /health answered 503' });
  const arn = await updateTo(td2);
  const { last } = await follow(arn);
  const steps = await stepsOf(arn);
  expect(steps.slice(steps.indexOf('forward:POST_TEST_TRAFFIC_SHIFT'))).toEqual([
    'forward:POST_TEST_TRAFFIC_SHIFT',
    expect.stringMatching(/^failed: Lifecycle hook .* returned FAILED at POST_TEST_TRAFFIC_SHIFT/),
    'rollback:TEST_TRAFFIC_SHIFT',
    'rollback:CLEAN_UP',
    expect.stringMatching(/^rolled back to arn:aws:ecs:.*:service-revision\/web\/api\//),
  ]);
  expect(last.status).toBe('ROLLBACK_SUCCESSFUL');
  expect(last.statusReason).toContain('smoke: GET /health answered 503');
  expect(last.rollback?.serviceRevisionArn).toBe(last.sourceServiceRevisions![0]!.arn);
  expect(last.rollback?.startedAt).toBeInstanceOf(Date);
  expect(await motoTaskDefinition()).toBe(td1);
  const svc = (await ecs.send(new DescribeServicesCommand({ cluster: 'web', services: ['api'] })))
    .services![0]!;
  expect(svc.taskDefinition).toBe(td1);
  expect(svc.events!.map((e) => e.message).join('\n')).toContain('smoke: GET /health answered 503');
});

it('StopServiceDeployment ROLLBACK rolls a running deployment back; stopping it again is a ConflictException', async () => {
  const [td1, td2] = await seed();
  emu.setScenario({ kind: 'hold', holdAt: 'BAKE_TIME' });
  const arn = await updateTo(td2);
  await waitForStage(arn, 'BAKE_TIME');
  const out = await ecs.send(
    new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' }),
  );
  expect(out.serviceDeploymentArn).toBe(arn);
  const { last } = await follow(arn);
  const steps = await stepsOf(arn);
  expect(steps.slice(steps.indexOf('forward:BAKE_TIME') + 1, -1)).toEqual([
    expect.stringContaining('StopServiceDeployment'),
    'rollback:PRODUCTION_TRAFFIC_SHIFT',
    'rollback:TEST_TRAFFIC_SHIFT',
    'rollback:CLEAN_UP',
  ]);
  expect(last.status).toBe('ROLLBACK_SUCCESSFUL');
  expect(await motoTaskDefinition()).toBe(td1);
  await expect(
    ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' })),
  ).rejects.toBeInstanceOf(ConflictException);
});

it('refuses a bad blue/green configuration before moto creates anything, and answers for services it does not run', async () => {
  await ecs.send(new CreateClusterCommand({ clusterName: 'web' }));
  const td1 = await registerTd('example/api:1');
  const bad = blueGreen(td1);
  delete bad.deploymentConfiguration!.bakeTimeInMinutes;
  const err = await ecs.send(new CreateServiceCommand(bad)).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(InvalidParameterException);
  expect((err as Error).message).toContain('bakeTimeInMinutes');
  expect((await direct.send(new ListServicesCommand({ cluster: 'web' }))).serviceArns).toEqual([]);

  await ecs.send(
    new CreateServiceCommand({
      cluster: 'web',
      serviceName: 'rolling',
      taskDefinition: td1,
      desiredCount: 1,
    }),
  );
  const rolling = await ecs.send(new ListServiceDeploymentsCommand({ cluster: 'web', service: 'rolling' }));
  expect(rolling.serviceDeployments).toEqual([]);
  await expect(
    ecs.send(new ListServiceDeploymentsCommand({ cluster: 'web', service: 'nope' })),
  ).rejects.toBeInstanceOf(ServiceNotFoundException);
  const unsigned = await fetch(emu.url, {
    method: 'POST',
    headers: {
      'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters',
      'content-type': 'application/x-amz-json-1.1',
    },
    body: '{}',
  });
  expect(unsigned.status).toBe(400);
  expect(((await unsigned.json()) as { __type: string }).__type).toBe('MissingAuthenticationTokenException');
});

it('an alarm in ALARM during BAKE_TIME rolls production traffic back (alarms.rollback true)', async () => {
  const [td1, td2] = await seed();
  emu.setScenario({ kind: 'alarm', alarmAt: 'BAKE_TIME' });
  const arn = await updateTo(td2);
  const { last } = await follow(arn);
  const steps = await stepsOf(arn);
  expect(steps[steps.indexOf('forward:BAKE_TIME') + 1]).toMatch(
    /^failed: CloudWatch alarm\(s\) api-5xx in ALARM during BAKE_TIME/,
  );
  expect(steps).toContain('rollback:PRODUCTION_TRAFFIC_SHIFT');
  expect(last.status).toBe('ROLLBACK_SUCCESSFUL');
  expect(last.alarms).toEqual({
    status: 'TRIGGERED',
    alarmNames: ['api-5xx'],
    triggeredAlarmNames: ['api-5xx'],
  });
  expect(await motoTaskDefinition()).toBe(td1);
});

it("an UpdateService naming a task definition moto does not know fails with moto's error and starts nothing", async () => {
  await seed();
  const missing = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/api:99`;
  const err = await ecs
    .send(new UpdateServiceCommand({ cluster: 'web', service: 'api', taskDefinition: missing }))
    .catch((e: unknown) => e as Error);
  expect(err).toBeInstanceOf(Error);
  expect((err as Error).name).toBe('ClientException');
  const all = await ecs.send(new ListServiceDeploymentsCommand({ cluster: 'web', service: 'api' }));
  expect(all.serviceDeployments).toHaveLength(1);
});

it('a newer UpdateService stops the deployment in flight and reconciles; ABORT stops without rolling back', async () => {
  const [td1, td2] = await seed();
  emu.setScenario({ kind: 'hold' });
  const first = await updateTo(td2);
  await waitForStage(first, 'POST_TEST_TRAFFIC_SHIFT');
  emu.setScenario({ kind: 'success' });
  const td3 = await registerTd('example/api:3');
  await ecs.send(new UpdateServiceCommand({ cluster: 'web', service: 'api', taskDefinition: td3 }));
  const { last: second } = await follow(
    (await ecs.send(new ListServiceDeploymentsCommand({ cluster: 'web', service: 'api', maxResults: 1 })))
      .serviceDeployments![0]!.serviceDeploymentArn!,
  );
  expect(second.status).toBe('SUCCESSFUL');
  expect(second.sourceServiceRevisions).toHaveLength(2);
  const forward = (await stepsOf(second.serviceDeploymentArn!)).filter((x) => x.startsWith('forward:'));
  expect(forward[0]).toBe('forward:RECONCILE_SERVICE');
  const { last: old } = await follow(first);
  expect(old.status).toBe('STOPPED');
  expect(old.statusReason).toContain('superseded');
  expect(await motoTaskDefinition()).toBe(td3);

  emu.setScenario({ kind: 'hold' });
  const aborted = await updateTo(td1);
  await ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: aborted, stopType: 'ABORT' }));
  const { last } = await follow(aborted);
  expect(last.status).toBe('STOPPED');
  expect(last.rollback).toBeUndefined();
  expect(last.stoppedAt).toBeInstanceOf(Date);
  expect(await motoTaskDefinition()).toBe(td3);
  const listed = await ecs.send(
    new ListServiceDeploymentsCommand({ cluster: 'web', service: 'api', maxResults: 2 }),
  );
  expect(listed.serviceDeployments).toHaveLength(2);
  const rest = await ecs.send(
    new ListServiceDeploymentsCommand({
      cluster: 'web',
      service: 'api',
      maxResults: 2,
      nextToken: listed.nextToken,
    }),
  );
  expect(rest.serviceDeployments!.map((d) => d.status)).toEqual(['STOPPED', 'SUCCESSFUL']);
  expect(rest.nextToken).toBeUndefined();
});

it('takes over an existing ECS service switched to BLUE_GREEN, and hands it back on ROLLING', async () => {
  await ecs.send(new CreateClusterCommand({ clusterName: 'web' }));
  const td1 = await registerTd('example/api:1');
  await ecs.send(
    new CreateServiceCommand({ cluster: 'web', serviceName: 'api', taskDefinition: td1, desiredCount: 1 }),
  );
  expect(
    (await ecs.send(new ListServiceDeploymentsCommand({ cluster: 'web', service: 'api' })))
      .serviceDeployments,
  ).toEqual([]);
  const td2 = await registerTd('example/api:2');
  const { deploymentConfiguration, loadBalancers } = blueGreen(td2);
  await ecs.send(
    new UpdateServiceCommand({
      cluster: 'web',
      service: 'api',
      taskDefinition: td2,
      deploymentConfiguration,
      loadBalancers,
    }),
  );
  const [d] = (await ecs.send(new ListServiceDeploymentsCommand({ cluster: 'web', service: 'api' })))
    .serviceDeployments!;
  const { last } = await follow(d!.serviceDeploymentArn!);
  expect(last.status).toBe('SUCCESSFUL');
  expect(last.sourceServiceRevisions).toHaveLength(1);
  expect(await motoTaskDefinition()).toBe(td2);
  await ecs.send(
    new UpdateServiceCommand({
      cluster: 'web',
      service: 'api',
      deploymentConfiguration: { strategy: 'ROLLING' },
    }),
  );
  expect(
    (await ecs.send(new ListServiceDeploymentsCommand({ cluster: 'web', service: 'api' })))
      .serviceDeployments,
  ).toEqual([]);
  expect(emu.calls.filter((c) => c.operation === 'UpdateService')).toHaveLength(2);
});
