/**
 * What the emulator asks ECS (moto): does the service exist and use the CODE_DEPLOY controller, does
 * the appspec's task definition have the container and port, and, on success, point the service at
 * the new task definition. The SDK is loaded on first use.
 */
import type * as EcsSdk from '@aws-sdk/client-ecs';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { EcsAppSpec } from './appspec.js';

type EcsModule = typeof EcsSdk;

const PREFIX = 'The ECS service cannot be updated due to an unexpected error:';

export class EcsBridge {
  private mod: Promise<EcsModule> | undefined;
  private client: ECSClient | undefined;

  constructor(
    private readonly endpoint: string,
    private readonly region: string,
  ) {}

  private async ecs(): Promise<{ m: EcsModule; c: ECSClient }> {
    this.mod ??= import('@aws-sdk/client-ecs');
    const m = await this.mod;
    this.client ??= new m.ECSClient({
      region: this.region,
      endpoint: this.endpoint,
      credentials: { accessKeyId: 'codedeploy-emulator', secretAccessKey: 'codedeploy-emulator' },
      maxAttempts: 2,
    });
    return { m, c: this.client };
  }

  destroy(): void {
    this.client?.destroy();
  }

  /** undefined when the service can be the target of an ECS deployment group, else why not. */
  async checkService(cluster: string, service: string): Promise<string | undefined> {
    const { m, c } = await this.ecs();
    try {
      const out = await c.send(new m.DescribeServicesCommand({ cluster, services: [service] }));
      const svc = out.services?.find((s) => s.serviceName === service && s.status !== 'INACTIVE');
      if (!svc) return `The ECS service ${service} does not exist in cluster ${cluster}.`;
      const type = svc.deploymentController?.type ?? 'ECS';
      if (type !== 'CODE_DEPLOY') {
        return `The ECS service ${cluster}:${service} uses the ${type} deployment controller; CodeDeploy needs CODE_DEPLOY.`;
      }
      return undefined;
    } catch (err) {
      return `The ECS service ${cluster}:${service} could not be described: ${(err as Error).message}`;
    }
  }

  async describeService(
    cluster: string,
    service: string,
  ): Promise<{ desiredCount?: number; taskDefinition?: string; problem?: string }> {
    const { m, c } = await this.ecs();
    try {
      const out = await c.send(new m.DescribeServicesCommand({ cluster, services: [service] }));
      const svc = out.services?.find((s) => s.serviceName === service && s.status !== 'INACTIVE');
      if (!svc) return { problem: `${PREFIX} The service ${service} was not found in cluster ${cluster}.` };
      return { desiredCount: svc.desiredCount, taskDefinition: svc.taskDefinition };
    } catch (err) {
      return { problem: `${PREFIX} ${(err as Error).message}` };
    }
  }

  /** undefined when the task definition exists and has the appspec's container and port, else the ECS error. */
  async checkTaskDefinition(appspec: EcsAppSpec): Promise<string | undefined> {
    const { m, c } = await this.ecs();
    let td;
    try {
      td = (await c.send(new m.DescribeTaskDefinitionCommand({ taskDefinition: appspec.taskDefinition })))
        .taskDefinition;
    } catch (err) {
      return `${PREFIX} Unable to describe task definition ${appspec.taskDefinition}: ${(err as Error).message}`;
    }
    if (!td) return `${PREFIX} Unable to describe task definition ${appspec.taskDefinition}.`;
    if (td.status === 'INACTIVE') return `${PREFIX} TaskDefinition ${appspec.taskDefinition} is inactive.`;
    const container = td.containerDefinitions?.find((cd) => cd.name === appspec.containerName);
    if (!container) {
      return `${PREFIX} The container ${appspec.containerName} does not exist in the task definition.`;
    }
    const ports = (container.portMappings ?? []).map((p) => p.containerPort);
    if (!ports.includes(appspec.containerPort)) {
      return `${PREFIX} The container ${appspec.containerName} did not have a container port ${appspec.containerPort} defined.`;
    }
    return undefined;
  }

  async pointServiceAt(cluster: string, service: string, taskDefinition: string): Promise<void> {
    const { m, c } = await this.ecs();
    await c.send(new m.UpdateServiceCommand({ cluster, service, taskDefinition }));
  }
}
