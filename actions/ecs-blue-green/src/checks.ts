import {
  GetDeploymentCommand,
  GetDeploymentConfigCommand,
  GetDeploymentGroupCommand,
  type DeploymentGroupInfo,
} from '@aws-sdk/client-codedeploy';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, type Service } from '@aws-sdk/client-ecs';
import { ConfigurationError, OperationError, errorMessage, quote } from '@oaktree/action-kit';
import { awsErrorName } from '@oaktree/aws';
import type { Deps } from './deploy.js';
import type { Config } from './inputs.js';
import type { Sender } from './stop.js';
import { BUILT_IN_SHIFT_MINUTES, shiftMinutes } from './timeout.js';

// Phase 1 of a deploy: read-only checks against AWS. Nothing here changes anything.

/** The service, checked: it exists and is active (controllerOf tells which path deploys it). */
export async function readService(config: Config, ecs: Sender): Promise<Service> {
  let out: { services?: Service[]; failures?: Array<{ reason?: string }> };
  try {
    out = (await ecs.send(
      new DescribeServicesCommand({ cluster: config.cluster, services: [config.service] }),
    )) as typeof out;
  } catch (err) {
    if (awsErrorName(err) === 'ClusterNotFoundException')
      throw new ConfigurationError(
        `input "cluster" is ${quote(config.cluster)}: no such ECS cluster in ${config.region}: ` +
          `set it to the name or ARN of the cluster that runs the service (and check the region)`,
        'cluster',
      );
    throw err;
  }
  const svc = out.services?.[0];
  if (!svc || svc.status === 'INACTIVE')
    throw new ConfigurationError(
      `input "service" is ${quote(config.service)}: no such active service in cluster ${quote(config.cluster)}` +
        (out.failures?.[0]?.reason ? ` (${out.failures[0].reason})` : '') +
        `: check the cluster and service names`,
      'service',
    );
  return svc;
}

/** The deployment group, checked: ECS, BLUE_GREEN, and targeting this cluster and service. */
export async function readGroup(config: Config, codedeploy: Sender): Promise<DeploymentGroupInfo> {
  let group: DeploymentGroupInfo | undefined;
  try {
    const out = (await codedeploy.send(
      new GetDeploymentGroupCommand({
        applicationName: config.application,
        deploymentGroupName: config.deploymentGroup,
      }),
    )) as { deploymentGroupInfo?: DeploymentGroupInfo };
    group = out.deploymentGroupInfo;
  } catch (err) {
    if (awsErrorName(err) === 'ApplicationDoesNotExistException')
      throw new ConfigurationError(
        `input "codedeploy-application" is ${quote(config.application)}: no such CodeDeploy application: ` +
          `set it to the application of the service's deployment group`,
        'codedeploy-application',
      );
    if (awsErrorName(err) === 'DeploymentGroupDoesNotExistException')
      throw new ConfigurationError(
        `input "codedeploy-deployment-group" is ${quote(config.deploymentGroup)}: no such deployment group in ` +
          `application ${config.application}: set it to the group that deploys ${config.clusterName}/${config.serviceName}`,
        'codedeploy-deployment-group',
      );
    throw err;
  }
  if (!group) throw new OperationError(`GetDeploymentGroup returned nothing for ${config.deploymentGroup}`);
  const where = `input "codedeploy-deployment-group" is ${quote(config.deploymentGroup)}:`;
  if (group.computePlatform && group.computePlatform !== 'ECS')
    throw new ConfigurationError(
      `${where} the group deploys to ${group.computePlatform}, not ECS: name the ECS deployment group of the service`,
      'codedeploy-deployment-group',
    );
  if (group.deploymentStyle?.deploymentType && group.deploymentStyle.deploymentType !== 'BLUE_GREEN')
    throw new ConfigurationError(
      `${where} the group's deployment type is ${group.deploymentStyle.deploymentType}, not BLUE_GREEN: use a blue/green group`,
      'codedeploy-deployment-group',
    );
  const targets = group.ecsServices ?? [];
  const ours = targets.some(
    (t) =>
      (t.clusterName === config.clusterName || t.clusterName === config.cluster) &&
      (t.serviceName === config.serviceName || t.serviceName === config.service),
  );
  if (!ours)
    throw new ConfigurationError(
      `${where} it targets ${targets.map((t) => `${t.clusterName}/${t.serviceName}`).join(', ') || 'no ECS service'}, ` +
        `not ${config.clusterName}/${config.serviceName}: name the group of this service`,
      'codedeploy-deployment-group',
    );
  return group;
}

/** Traffic shift minutes of the configuration, checking a custom one exists. */
export async function shiftOf(name: string, input: boolean, codedeploy: Sender, deps: Deps): Promise<number> {
  if (name in BUILT_IN_SHIFT_MINUTES) return BUILT_IN_SHIFT_MINUTES[name]!;
  try {
    const out = (await codedeploy.send(new GetDeploymentConfigCommand({ deploymentConfigName: name }))) as {
      deploymentConfigInfo?: {
        trafficRoutingConfig?: Parameters<typeof shiftMinutes>[0];
        computePlatform?: string;
      };
    };
    return shiftMinutes(out.deploymentConfigInfo?.trafficRoutingConfig);
  } catch (err) {
    if (input && awsErrorName(err) === 'DeploymentConfigDoesNotExistException')
      throw new ConfigurationError(
        `input "deployment-config" is ${quote(name)}: no such deployment configuration: use a CodeDeployDefault.ECS* name or create it first`,
        'deployment-config',
      );
    deps.log.warning(
      `could not read deployment configuration ${name} (${awsErrorName(err) || errorMessage(err)}); the default timeout assumes no traffic shift time`,
    );
    return 0;
  }
}

/**
 * `deployment-id` must name a deployment of this service's group: continue and stop act on it, and a
 * pasted id from another application must not shift or roll back someone else's traffic.
 */
export async function checkDeploymentBelongs(config: Config, deps: Deps, id: string): Promise<void> {
  let info: { applicationName?: string; deploymentGroupName?: string } | undefined;
  try {
    const got = (await deps.codedeploy.send(new GetDeploymentCommand({ deploymentId: id }))) as {
      deploymentInfo?: typeof info;
    };
    info = got.deploymentInfo;
  } catch (err) {
    if (awsErrorName(err) !== 'DeploymentDoesNotExistException') throw err;
  }
  if (!info)
    throw new ConfigurationError(
      `input "deployment-id" is ${quote(id)}: no such deployment in ${config.region}; use the deployment-id output of the deploy step`,
      'deployment-id',
    );
  const group = `${config.application}/${config.deploymentGroup}`;
  const actual = `${info.applicationName}/${info.deploymentGroupName}`;
  if (actual !== group)
    throw new ConfigurationError(
      `input "deployment-id" is ${quote(id)}: it belongs to ${actual}, not ${group}; set codedeploy-application and codedeploy-deployment-group to that group, or use this service's deployment id`,
      'deployment-id',
    );
}

export interface ExistingTaskDef {
  family: string;
  taskDefinitionArn?: string;
  containers: Array<{ name?: string; portMappings?: Array<{ containerPort?: number }> }>;
}

/** The task definition named by `task-definition-arn`, checked to exist. */
export async function readTaskDefinitionArn(config: Config, ecs: Sender): Promise<ExistingTaskDef> {
  try {
    const out = (await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: config.taskDefinitionArn }),
    )) as {
      taskDefinition?: {
        family?: string;
        taskDefinitionArn?: string;
        containerDefinitions?: ExistingTaskDef['containers'];
      };
    };
    return {
      family: out.taskDefinition?.family ?? '',
      containers: out.taskDefinition?.containerDefinitions ?? [],
      taskDefinitionArn: out.taskDefinition?.taskDefinitionArn,
    };
  } catch (err) {
    if (awsErrorName(err) === 'ClientException' || awsErrorName(err) === 'InvalidParameterException')
      throw new ConfigurationError(
        `input "task-definition-arn" is ${quote(config.taskDefinitionArn!)}: no such task definition (${(err as Error).message}): ` +
          `give an existing revision ARN or family:revision`,
        'task-definition-arn',
      );
    throw err;
  }
}
