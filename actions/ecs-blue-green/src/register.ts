import {
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import { awsErrorName } from '@oaktree/aws';
import type { Deps, Report } from './deploy.js';
import { stopIfCancelled } from './guard.js';
import { sameTaskDefinition, type TaskDef } from './taskdef.js';

/**
 * Phase 3 of a deploy: the task definition to deploy. A file whose content equals the latest active
 * revision of its family reuses that revision (a re-run registers no copy); otherwise it is
 * registered. With `task-definition-arn` the given revision is used as it is.
 */
export async function registerTaskDefinition(
  deps: Deps,
  report: Report,
  desired: TaskDef | undefined,
  existingArn: string,
): Promise<string> {
  let taskDefinitionArn = existingArn;
  if (desired) {
    let latest: Record<string, unknown> | undefined;
    try {
      const out = (await deps.ecs.send(
        new DescribeTaskDefinitionCommand({ taskDefinition: desired.family }),
      )) as {
        taskDefinition?: Record<string, unknown>;
      };
      latest = out.taskDefinition;
    } catch (err) {
      if (awsErrorName(err) !== 'ClientException') throw err; // a new family
    }
    if (latest && latest.status !== 'INACTIVE' && sameTaskDefinition(desired, latest)) {
      taskDefinitionArn = String(latest.taskDefinitionArn);
      report.registered = false;
      deps.log.info(
        `task definition unchanged: deploying the latest active revision ${taskDefinitionArn} (not registering a copy)`,
      );
    } else {
      stopIfCancelled(
        deps,
        report,
        'before registering the task definition',
        'nothing registered or deployed',
      );
      const out = (await deps.ecs.send(
        new RegisterTaskDefinitionCommand(desired as unknown as RegisterTaskDefinitionCommandInput),
      )) as { taskDefinition?: { taskDefinitionArn?: string } };
      taskDefinitionArn = out.taskDefinition?.taskDefinitionArn ?? '';
      report.registered = true;
      deps.log.info(`registered task definition ${taskDefinitionArn}`);
    }
  }
  report.taskDefinitionArn = taskDefinitionArn;
  deps.setOutputs({ 'task-definition-arn': taskDefinitionArn });
  return taskDefinitionArn;
}
