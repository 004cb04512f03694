/**
 * A service ECS deploys itself (deployment controller ECS, strategy BLUE_GREEN) for the ECS-native
 * e2e tests: created through the ECS-native emulator in front of moto, its first deployment finished.
 */
import {
  ContinueServiceDeploymentCommand,
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServiceDeploymentsCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  RegisterTaskDefinitionCommand,
  type ServiceDeploymentBrief,
} from '@aws-sdk/client-ecs';
import {
  CLUSTER,
  REGION,
  SERVICE,
  defaultNetwork,
  taskDefinitionInput,
} from '../../fixtures/ecs-blue-green/world.js';

const ACCOUNT = '123456789012';
const creds = { accessKeyId: 'test', secretAccessKey: 'test' };
export const NATIVE_ALARM = 'web-5xx';
export const NATIVE_HOOK = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:web-smoke`;

export interface NativeWorld {
  ecs: ECSClient;
  taskDefinitionArn: string;
  /** Every service deployment of the service, newest first, straight from the emulator. */
  deployments(): Promise<ServiceDeploymentBrief[]>;
}

export async function seedNativeWorld(
  motoUrl: string,
  emulatorUrl: string,
  opts: {
    bakeMinutes?: number;
    /** A PAUSE hook at POST_TEST_TRAFFIC_SHIFT (instead of the Lambda hook) with this timeout. */
    pause?: { timeoutInMinutes: number; action: 'CONTINUE' | 'ROLLBACK' };
  } = {},
): Promise<NativeWorld> {
  const ecs = new ECSClient({ region: REGION, endpoint: emulatorUrl, credentials: creds, maxAttempts: 2 });
  const { subnets, securityGroup } = await defaultNetwork(motoUrl);
  await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  const td = await ecs.send(new RegisterTaskDefinitionCommand(taskDefinitionInput()));
  const taskDefinitionArn = td.taskDefinition!.taskDefinitionArn!;
  const elb = (kind: string) => `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:${kind}`;
  await ecs.send(
    new CreateServiceCommand({
      cluster: CLUSTER,
      serviceName: SERVICE,
      taskDefinition: taskDefinitionArn,
      desiredCount: 2,
      launchType: 'FARGATE',
      deploymentController: { type: 'ECS' },
      deploymentConfiguration: {
        strategy: 'BLUE_GREEN',
        bakeTimeInMinutes: opts.bakeMinutes ?? 2,
        lifecycleHooks: [
          opts.pause
            ? {
                targetType: 'PAUSE',
                lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
                timeoutConfiguration: opts.pause,
              }
            : {
                hookTargetArn: NATIVE_HOOK,
                roleArn: `arn:aws:iam::${ACCOUNT}:role/ecs-hooks`,
                lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
              },
        ],
        alarms: { alarmNames: [NATIVE_ALARM], enable: true, rollback: true },
      },
      loadBalancers: [
        {
          targetGroupArn: elb('targetgroup/web-blue/1'),
          containerName: 'web',
          containerPort: 80,
          advancedConfiguration: {
            alternateTargetGroupArn: elb('targetgroup/web-green/2'),
            productionListenerRule: elb('listener-rule/app/shop/1/2/3'),
            testListenerRule: elb('listener-rule/app/shop/1/2/4'),
            roleArn: `arn:aws:iam::${ACCOUNT}:role/ecs-elb`,
          },
        },
      ],
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets,
          securityGroups: [securityGroup],
          assignPublicIp: 'DISABLED',
        },
      },
    }),
  );
  const deployments = async () =>
    (await ecs.send(new ListServiceDeploymentsCommand({ cluster: CLUSTER, service: SERVICE })))
      .serviceDeployments ?? [];
  // the first deployment runs to its end before a test starts
  const first = (await deployments())[0]!.serviceDeploymentArn!;
  for (let i = 0; i < 600; i++) {
    const d = (await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [first] })))
      .serviceDeployments![0]!;
    if (d.status === 'SUCCESSFUL') return { ecs, taskDefinitionArn, deployments };
    // a PAUSE hook pauses the first deployment too: let it through
    const hook = d.lifecycleHookDetails?.find((h) => h.status === 'AWAITING_ACTION');
    if (hook)
      await ecs.send(
        new ContinueServiceDeploymentCommand({
          serviceDeploymentArn: first,
          hookId: hook.hookId!,
          action: 'CONTINUE',
        }),
      );
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the first service deployment did not succeed');
}
