import {
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import { awsErrorName, onceByReadBack, singleAttempt } from '@oaktree/aws';
import type { Deps, Report } from './deploy.js';
import { retrySeams, stopIfCancelled } from './guard.js';
import { sameTaskDefinition, type TaskDef } from './taskdef.js';

/**
 * Phase 3 of a deploy: the task definition to deploy. A file whose content equals the latest active
 * revision of its family reuses that revision (a re-run registers no copy); otherwise it is
 * registered. With `task-definition-arn` the given revision is used as it is.
 *
 * RegisterTaskDefinition has no "already exists": every call makes a revision. So it goes out as a
 * single attempt, and after a transient failure (a lost reply looks the same) the family is read
 * back first: a revision newer than the one seen before, equal to the file, is the one this call
 * made, and is adopted instead of registering a spare copy.
 */
export async function registerTaskDefinition(
  deps: Deps,
  report: Report,
  desired: TaskDef | undefined,
  existingArn: string,
): Promise<string> {
  let taskDefinitionArn = existingArn;
  if (desired) {
    const latest = await latestRevision(deps, desired.family);
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
      const seen = Number(latest?.revision ?? 0);
      const { value, adopted } = await onceByReadBack({
        what: `register task definition ${desired.family}`,
        call: async () => {
          const out = (await deps.ecs.send(
            singleAttempt(
              new RegisterTaskDefinitionCommand(desired as unknown as RegisterTaskDefinitionCommandInput),
            ),
          )) as { taskDefinition?: { taskDefinitionArn?: string } };
          return out.taskDefinition?.taskDefinitionArn ?? '';
        },
        applied: async () => {
          const now = await latestRevision(deps, desired.family);
          const made = now && Number(now.revision) > seen && now.status !== 'INACTIVE';
          return made && sameTaskDefinition(desired, now) ? String(now.taskDefinitionArn) : undefined;
        },
        ...retrySeams(deps),
        onRetry: (e) =>
          deps.log.info(
            `RegisterTaskDefinition: AWS answered ${e.code} (transient); reading family ${desired.family} back before trying again`,
          ),
      });
      taskDefinitionArn = value;
      report.registered = true;
      deps.log.info(
        adopted
          ? `registered task definition ${taskDefinitionArn} (the reply was lost; the revision it made is used, no copy registered)`
          : `registered task definition ${taskDefinitionArn}`,
      );
    }
  }
  report.taskDefinitionArn = taskDefinitionArn;
  deps.setOutputs({ 'task-definition-arn': taskDefinitionArn });
  return taskDefinitionArn;
}

/** The family's latest revision, or undefined for a family never registered. */
async function latestRevision(deps: Deps, family: string): Promise<Record<string, unknown> | undefined> {
  try {
    const out = (await deps.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: family }))) as {
      taskDefinition?: Record<string, unknown>;
    };
    return out.taskDefinition;
  } catch (err) {
    if (awsErrorName(err) !== 'ClientException') throw err; // a new family
    return undefined;
  }
}
