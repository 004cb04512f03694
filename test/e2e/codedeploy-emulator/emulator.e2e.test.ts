/**
 * The CodeDeploy emulator against moto's ECS: the appspec is checked against real (moto) task
 * definitions, and a successful deployment points the ECS service at the new task definition.
 */
import { createHash } from 'node:crypto';
import {
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentCommand,
  CreateDeploymentGroupCommand,
  GetDeploymentCommand,
  ListDeploymentTargetsCommand,
  BatchGetDeploymentTargetsCommand,
  type DeploymentInfo,
} from '@aws-sdk/client-codedeploy';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { motoUrl, useMoto } from '../../harness/index.js';
import { startCodeDeployEmulator, type CodeDeployEmulator } from '../../emulators/codedeploy/index.js';

useMoto();

const REGION = 'eu-west-1';
const creds = { accessKeyId: 'test', secretAccessKey: 'test' };
let emu: CodeDeployEmulator;
let cd: CodeDeployClient;
let ecs: ECSClient;

beforeAll(async () => {
  emu = await startCodeDeployEmulator({ ecsEndpoint: motoUrl(), region: REGION, stepMs: 40 });
  cd = new CodeDeployClient({ region: REGION, endpoint: emu.url, credentials: creds, maxAttempts: 1 });
  ecs = new ECSClient({ region: REGION, endpoint: motoUrl(), credentials: creds });
});
beforeEach(() => emu.reset());
afterAll(async () => {
  cd?.destroy();
  ecs?.destroy();
  await emu?.stop();
});

async function registerTd(port = 8080): Promise<string> {
  const out = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'api',
      containerDefinitions: [
        {
          name: 'api',
          image: 'example/api:1',
          memory: 256,
          portMappings: [{ containerPort: port, protocol: 'tcp' }],
        },
      ],
    }),
  );
  return out.taskDefinition!.taskDefinitionArn!;
}

async function seedService(controller: 'CODE_DEPLOY' | 'ECS' = 'CODE_DEPLOY'): Promise<string> {
  await ecs.send(new CreateClusterCommand({ clusterName: 'web' }));
  const td = await registerTd();
  await ecs.send(
    new CreateServiceCommand({
      cluster: 'web',
      serviceName: 'api',
      taskDefinition: td,
      desiredCount: 2,
      deploymentController: { type: controller },
    }),
  );
  return td;
}

async function createGroup(autoRollback = false) {
  await cd.send(new CreateApplicationCommand({ applicationName: 'app', computePlatform: 'ECS' }));
  await cd.send(
    new CreateDeploymentGroupCommand({
      applicationName: 'app',
      deploymentGroupName: 'dg',
      serviceRoleArn: 'arn:aws:iam::123456789012:role/codedeploy',
      ecsServices: [{ clusterName: 'web', serviceName: 'api' }],
      deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      blueGreenDeploymentConfiguration: {
        terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: 0 },
      },
      loadBalancerInfo: {
        targetGroupPairInfoList: [
          {
            targetGroups: [{ name: 'blue' }, { name: 'green' }],
            prodTrafficRoute: {
              listenerArns: ['arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/a/1/2'],
            },
          },
        ],
      },
      autoRollbackConfiguration: autoRollback ? { enabled: true, events: ['DEPLOYMENT_FAILURE'] } : undefined,
    }),
  );
}

async function deploy(taskDefinition: string, containerName = 'api', containerPort = 8080): Promise<string> {
  const content = JSON.stringify({
    version: 0.0,
    Resources: [
      {
        TargetService: {
          Type: 'AWS::ECS::Service',
          Properties: {
            TaskDefinition: taskDefinition,
            LoadBalancerInfo: { ContainerName: containerName, ContainerPort: containerPort },
          },
        },
      },
    ],
  });
  const out = await cd.send(
    new CreateDeploymentCommand({
      applicationName: 'app',
      deploymentGroupName: 'dg',
      revision: {
        revisionType: 'AppSpecContent',
        appSpecContent: { content, sha256: createHash('sha256').update(content).digest('hex') },
      },
    }),
  );
  return out.deploymentId!;
}

async function finished(id: string): Promise<DeploymentInfo> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const info = (await cd.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo!;
    if (['Succeeded', 'Failed', 'Stopped'].includes(info.status!)) return info;
    if (Date.now() > deadline) throw new Error(`${id} still ${info.status}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function serviceTd(): Promise<string | undefined> {
  const out = await ecs.send(new DescribeServicesCommand({ cluster: 'web', services: ['api'] }));
  return out.services?.[0]?.taskDefinition;
}

test('a valid appspec deploys; on success the ECS service points at the new task definition', async () => {
  const oldTd = await seedService();
  await createGroup();
  const newTd = await registerTd();
  expect(newTd).not.toBe(oldTd);
  const id = await deploy(newTd);
  const info = await finished(id);
  expect(info.status).toBe('Succeeded');
  expect(await serviceTd()).toBe(newTd);
  // the desired count of the task sets comes from the ECS service
  const { targetIds } = await cd.send(new ListDeploymentTargetsCommand({ deploymentId: id }));
  const t = await cd.send(new BatchGetDeploymentTargetsCommand({ deploymentId: id, targetIds }));
  const green = t.deploymentTargets![0]!.ecsTarget!.taskSetsInfo!.find((s) => s.taskSetLabel === 'Green');
  expect(green).toMatchObject({ desiredCount: 2, runningCount: 2, trafficWeight: 100 });
});

test.each([
  ['a container the task definition lacks', 'web', 8080, /container web does not exist/],
  ['a port the container does not expose', 'api', 9090, /did not have a container port 9090/],
])(
  'an appspec naming %s fails the deployment at Install with ECS_UPDATE_ERROR',
  async (_what, name, port, why) => {
    const oldTd = await seedService();
    await createGroup(true);
    const newTd = await registerTd();
    const id = await deploy(newTd, name, port);
    const info = await finished(id);
    expect(info.status).toBe('Failed');
    expect(info.errorInformation?.code).toBe('ECS_UPDATE_ERROR');
    expect(info.errorInformation?.message).toMatch(why);
    const { targetIds } = await cd.send(new ListDeploymentTargetsCommand({ deploymentId: id }));
    const t = await cd.send(new BatchGetDeploymentTargetsCommand({ deploymentId: id, targetIds }));
    const install = t.deploymentTargets![0]!.ecsTarget!.lifecycleEvents!.find(
      (e) => e.lifecycleEventName === 'Install',
    );
    expect(install?.status).toBe('Failed');
    // ECS refused the green task set: only blue is there, still serving everything
    expect(
      t.deploymentTargets![0]!.ecsTarget!.taskSetsInfo!.map((s) => [s.taskSetLabel, s.trafficWeight]),
    ).toEqual([['Blue', 100]]);
    const rollback = await finished(info.rollbackInfo!.rollbackDeploymentId!);
    expect(rollback.status).toBe('Succeeded');
    expect(await serviceTd()).toBe(oldTd);
  },
);

test('a task definition ECS does not know fails the deployment', async () => {
  await seedService();
  await createGroup();
  const info = await finished(await deploy('arn:aws:ecs:eu-west-1:123456789012:task-definition/ghost:9'));
  expect(info.status).toBe('Failed');
  expect(info.errorInformation).toMatchObject({ code: 'ECS_UPDATE_ERROR' });
  expect(info.errorInformation?.message).toContain('ghost:9');
});

test('a deployment group needs an existing ECS service with the CODE_DEPLOY controller', async () => {
  await expect(createGroup()).rejects.toMatchObject({ name: 'InvalidECSServiceException' });
  emu.reset();
  await seedService('ECS');
  await expect(createGroup()).rejects.toMatchObject({
    name: 'InvalidECSServiceException',
    message: expect.stringContaining('CODE_DEPLOY'),
  });
  expect(emu.calls.map((c) => c.operation)).toEqual(['CreateApplication', 'CreateDeploymentGroup']);
});

test('AWS_ENDPOINT_URL_CODEDEPLOY sends CodeDeploy to the emulator while AWS_ENDPOINT_URL points at moto', async () => {
  const saved = { ...process.env };
  try {
    process.env.AWS_ENDPOINT_URL = motoUrl();
    process.env.AWS_ENDPOINT_URL_CODEDEPLOY = emu.url;
    const fromEnv = new CodeDeployClient({ region: REGION, credentials: creds });
    await fromEnv.send(new CreateApplicationCommand({ applicationName: 'via-env', computePlatform: 'ECS' }));
    fromEnv.destroy();
    expect(emu.calls).toEqual([
      expect.objectContaining({
        operation: 'CreateApplication',
        input: { applicationName: 'via-env', computePlatform: 'ECS' },
      }),
    ]);
    // a client signing for another region is refused, as a regional endpoint would
    const wrong = new CodeDeployClient({ region: 'us-west-2', credentials: creds, maxAttempts: 1 });
    await expect(wrong.send(new CreateApplicationCommand({ applicationName: 'x' }))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
    });
    wrong.destroy();
  } finally {
    process.env = saved;
  }
});
