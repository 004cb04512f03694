import type { DeploymentGroupInfo } from '@aws-sdk/client-codedeploy';
import type { Service } from '@aws-sdk/client-ecs';
import type { Deps } from './deploy.js';
import {
  appSpecFromFile,
  checkAppSpecContainer,
  generateAppSpec,
  strategyWarning,
  type AppSpec,
  type AppSpecSource,
} from './appspec.js';
import { readGroup, readTaskDefinitionArn, shiftOf, type ExistingTaskDef } from './checks.js';
import { readStructured } from './files.js';
import { preDeployContainer, type ContainerShape } from './predeploy.js';
import type { Config } from './inputs.js';
import { applyImages, cleanTaskDefinition, type TaskDef } from './taskdef.js';
import { defaultTimeoutMinutes } from './timeout.js';

/** What the workspace files say: the task definition to register and the appspec, if given. */
export interface LocalFiles {
  desired?: TaskDef;
  appspec?: { appspec: AppSpec; source: AppSpecSource };
}

/** Phase 0: local files, read and checked before anything is asked of AWS. */
export function readLocalFiles(config: Config, deps: Deps): LocalFiles {
  let desired: TaskDef | undefined;
  if (config.taskDefinitionFile) {
    const file = readStructured(config.workspace, config.taskDefinitionFile, 'task-definition');
    const { taskDefinition, dropped } = cleanTaskDefinition(file);
    if (dropped.length)
      deps.log.notice(
        `${config.taskDefinitionFile}: dropped ${dropped.join(', ')} (DescribeTaskDefinition output that RegisterTaskDefinition does not accept)`,
      );
    desired = applyImages(taskDefinition, config.containerImages);
  }
  const appspec = config.appspecFile
    ? appSpecFromFile(
        readStructured(config.workspace, config.appspecFile, 'appspec'),
        appSpecOverrides(config),
      )
    : undefined;
  return { desired, appspec };
}

function appSpecOverrides(config: Config) {
  return { containerName: config.containerName, containerPort: config.containerPort, hooks: config.hooks };
}

/** The task definition's family and containers: from the file, or read from AWS for an ARN. */
export async function taskDefinitionShape(
  config: Config,
  deps: Deps,
  local: LocalFiles,
): Promise<ExistingTaskDef> {
  if (local.desired)
    return {
      family: local.desired.family,
      containers: local.desired.containerDefinitions as ExistingTaskDef['containers'],
    };
  return readTaskDefinitionArn(config, deps.ecs);
}

/** Everything a CodeDeploy deployment needs, worked out without changing anything. */
export interface CodeDeployPlan {
  group: DeploymentGroupInfo;
  appspec: AppSpec;
  /** The revision given by `task-definition-arn`, as AWS names it. */
  existingArn?: string;
  configName: string;
  deadline: number;
  /** The container the pre-deploy task runs in, checked before any change. */
  preDeployContainer?: ContainerShape;
}

/** Phase 2 (CodeDeploy): group, task definition, appspec, deployment configuration and deadline. */
export async function planCodeDeploy(
  config: Config,
  deps: Deps,
  local: LocalFiles,
  service: Service,
  started: number,
): Promise<CodeDeployPlan> {
  const group = await readGroup(config, deps.codedeploy);
  const shape = await taskDefinitionShape(config, deps, local);
  const plan = local.appspec ?? generateAppSpec(service, appSpecOverrides(config));
  checkAppSpecContainer(plan.appspec, plan.source, shape.family, shape.containers);
  const warning = strategyWarning(plan.appspec, service);
  if (warning) deps.log.warning(warning);

  const configName =
    config.deploymentConfig ?? group.deploymentConfigName ?? 'CodeDeployDefault.ECSAllAtOnce';
  const shift = await shiftOf(configName, config.deploymentConfig !== undefined, deps.codedeploy, deps);
  const bg = group.blueGreenDeploymentConfiguration;
  const timeoutMinutes =
    config.timeoutMinutes ??
    defaultTimeoutMinutes(
      {
        readyOption: bg?.deploymentReadyOption,
        terminationWaitMinutes: bg?.terminateBlueInstancesOnDeploymentSuccess?.terminationWaitTimeInMinutes,
      },
      shift,
    );
  const readyWaits = bg?.deploymentReadyOption?.actionOnTimeout === 'STOP_DEPLOYMENT';
  if (config.waitFor === 'ready' && !readyWaits)
    deps.log.warning(
      `wait-for is ready, but deployment group ${config.deploymentGroup} does not stop at Ready ` +
        `(deploymentReadyOption.actionOnTimeout is ${bg?.deploymentReadyOption?.actionOnTimeout ?? 'CONTINUE_DEPLOYMENT'}): following it to the end`,
    );
  return {
    group,
    appspec: plan.appspec,
    existingArn: shape.taskDefinitionArn,
    configName,
    deadline: started + timeoutMinutes * 60_000,
    preDeployContainer: config.preDeploy
      ? preDeployContainer(config.preDeploy, shape.containers as ContainerShape[])
      : undefined,
  };
}
