import {
  DescribeTasksCommand,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
  type Service,
  type Task,
} from '@aws-sdk/client-ecs';
import { ConfigurationError, OperationError, errorMessage, formatDuration, quote } from '@oaktree/action-kit';
import { PollCancelledError, PollTimeoutError, onceByReadBack, poll, retryTransient } from '@oaktree/aws';
import { createHash } from 'node:crypto';
import type { Deps, Report } from './deploy.js';
import { retrySeams, stopIfCancelled } from './guard.js';
import type { Config, PreDeploy } from './inputs.js';
import type { Sender } from './stop.js';

// The pre-deploy task (e.g. a schema migration): one RunTask of the NEW task definition with a command
// override, before any traffic moves. A failure ends the step with nothing shifted.

export interface ContainerShape {
  name?: string;
  essential?: boolean;
  logConfiguration?: { logDriver?: string; options?: Record<string, string> };
}

/** The container the command runs in: the input, or the task definition's one essential container. */
export function preDeployContainer(pre: PreDeploy, containers: ContainerShape[]): ContainerShape {
  const names = containers.map((c) => c.name ?? '?');
  if (pre.container) {
    const hit = containers.find((c) => c.name === pre.container);
    if (!hit)
      throw new ConfigurationError(
        `input "pre-deploy-container" is ${quote(pre.container)}: the task definition has no such container (it has ${names.join(', ')})`,
        'pre-deploy-container',
      );
    return hit;
  }
  const essential = containers.filter((c) => c.essential !== false);
  if (essential.length !== 1)
    throw new ConfigurationError(
      `input "pre-deploy-command" needs "pre-deploy-container": the task definition has ${essential.length} essential containers (${essential.map((c) => c.name).join(', ')}); name the one to run the command in`,
      'pre-deploy-container',
    );
  return essential[0]!;
}

/**
 * The idempotency of this step's pre-deploy task: RunTask's clientToken (ECS answers a repeated
 * RunTask with the same token with the task it started) and `startedBy`, which ListTasks filters on,
 * to find the task after a lost reply before running it again.
 */
export function preDeployMarkers(
  runMarker: string,
  taskDefinitionArn: string,
): { clientToken: string; startedBy: string } {
  const hash = createHash('sha256').update(`${runMarker} ${taskDefinitionArn}`).digest('hex');
  return { clientToken: hash.slice(0, 64), startedBy: `oaktree-predeploy-${hash.slice(0, 24)}` };
}

/** Where the container's awslogs output goes, when it uses the awslogs driver with a stream prefix. */
export function logStreamOf(
  container: ContainerShape,
  taskArn: string,
): { group: string; stream: string; region?: string } | undefined {
  const lc = container.logConfiguration;
  if (lc?.logDriver !== 'awslogs') return undefined;
  const group = lc.options?.['awslogs-group'];
  const prefix = lc.options?.['awslogs-stream-prefix'];
  if (!group || !prefix) return undefined;
  const taskId = taskArn.slice(taskArn.lastIndexOf('/') + 1);
  return { group, stream: `${prefix}/${container.name}/${taskId}`, region: lc.options?.['awslogs-region'] };
}

/** Reads the last lines of a log stream (CloudWatch Logs GetLogEvents); injected, loaded lazily. */
export type LogTail = (
  where: { group: string; stream: string; region?: string },
  limit: number,
) => Promise<string[]>;

async function findOwnTask(ecs: Sender, cluster: string, startedBy: string): Promise<string | undefined> {
  for (const desiredStatus of ['RUNNING', 'STOPPED'] as const) {
    const out = (await ecs.send(new ListTasksCommand({ cluster, startedBy, desiredStatus }))) as {
      taskArns?: string[];
    };
    if (out.taskArns?.[0]) return out.taskArns[0];
  }
  return undefined;
}

/** RunTask exactly once: a retry after a transient failure first looks for the task by startedBy. */
async function runOnce(
  config: Config,
  deps: Deps,
  service: Service,
  taskDefinitionArn: string,
  container: string,
  deadline: number,
) {
  const pre = config.preDeploy!;
  const { clientToken, startedBy } = preDeployMarkers(config.runMarker, taskDefinitionArn);
  const { value: taskArn, adopted } = await onceByReadBack({
    applied: () => findOwnTask(deps.ecs, config.cluster, startedBy),
    call: async () => {
      const out = (await deps.ecs.send(
        new RunTaskCommand({
          cluster: config.cluster,
          taskDefinition: taskDefinitionArn,
          count: 1,
          startedBy,
          clientToken,
          launchType: service.capacityProviderStrategy?.length ? undefined : service.launchType,
          capacityProviderStrategy: service.capacityProviderStrategy?.length
            ? service.capacityProviderStrategy
            : undefined,
          platformVersion: service.platformVersion,
          networkConfiguration: service.networkConfiguration,
          overrides: { containerOverrides: [{ name: container, command: pre.command }] },
        }),
      )) as { tasks?: Task[]; failures?: Array<{ reason?: string; detail?: string }> };
      const arn = out.tasks?.[0]?.taskArn;
      if (!arn) {
        const f = out.failures?.[0];
        throw new OperationError(
          `pre-deploy task: RunTask started no task (${[f?.reason, f?.detail].filter(Boolean).join(': ') || 'no reason given'}); nothing deployed`,
        );
      }
      return arn;
    },
    what: 'RunTask (pre-deploy task)',
    deadline: Math.min(deadline, (deps.now ?? Date.now)() + 5 * 60_000),
    ...retrySeams(deps),
    onRetry: (e) =>
      deps.log.info(
        `RunTask: AWS answered ${e.code} (transient); looking for this step's task (startedBy ${startedBy}) before trying again`,
      ),
  });
  return { taskArn, adopted };
}

/**
 * Run the pre-deploy task of the new task definition and wait for it to stop; its essential
 * container's exit code decides. Its log tail is printed. Throws (nothing shifted) on failure,
 * timeout or cancel (the task is stopped then).
 */
export async function runPreDeployTask(
  config: Config,
  deps: Deps & { logTail?: LogTail },
  report: Report,
  service: Service,
  taskDefinitionArn: string,
  container: ContainerShape,
  deadline: number,
): Promise<void> {
  const pre = config.preDeploy!;
  const name = container.name!;
  const left = report.registered ? `registered ${taskDefinitionArn}, nothing deployed` : 'nothing deployed';
  stopIfCancelled(deps, report, 'before the pre-deploy task', left);
  const now = deps.now ?? Date.now;
  const { taskArn, adopted } = await runOnce(config, deps, service, taskDefinitionArn, name, deadline);
  const id = taskArn.slice(taskArn.lastIndexOf('/') + 1);
  report.preDeploy = { taskArn };
  deps.log.info(
    adopted
      ? `pre-deploy task ${id} was started by this step's earlier RunTask (reply lost); waiting for it`
      : `pre-deploy task ${id} started in ${name}: ${JSON.stringify(pre.command)}`,
  );
  let task: Task;
  let lastStatus: string | undefined;
  try {
    task = await poll<Task>({
      what: `pre-deploy task ${id} to stop`,
      intervalMs: Math.min(config.pollIntervalMs, 5000),
      jitterMs: 0,
      deadline: Math.min(deadline, now() + pre.timeoutMs),
      signal: deps.signal,
      now,
      random: deps.random,
      sleep: deps.sleep,
      check: async () => {
        const out = (await deps.ecs.send(
          new DescribeTasksCommand({ cluster: config.cluster, tasks: [taskArn] }),
        )) as {
          tasks?: Task[];
        };
        const t = out.tasks?.[0];
        if (t?.lastStatus && t.lastStatus !== lastStatus) {
          lastStatus = t.lastStatus;
          deps.log.info(`pre-deploy task ${id}: ${t.lastStatus}`);
        }
        return t?.lastStatus === 'STOPPED'
          ? { done: true, value: t }
          : { done: false, progress: lastStatus ?? 'not seen yet' };
      },
    });
  } catch (err) {
    if (err instanceof PollCancelledError || err instanceof PollTimeoutError) {
      const why =
        err instanceof PollCancelledError
          ? `cancelled (${String(err.reason ?? 'signal')})`
          : `did not stop within ${formatDuration(pre.timeoutMs)} (pre-deploy-timeout)`;
      try {
        await retryTransient(
          () =>
            deps.ecs.send(
              new StopTaskCommand({
                cluster: config.cluster,
                task: taskArn,
                reason: `oaktree ecs-blue-green: ${why}`,
              }),
            ),
          {
            what: `StopTask ${id}`,
            maxElapsedMs: 60_000,
            now: deps.now,
            sleep: deps.sleep,
            random: deps.random,
          },
        );
        deps.log.info(`stopped pre-deploy task ${id}`);
      } catch (stopErr) {
        deps.log.warning(`could not stop pre-deploy task ${id}: ${errorMessage(stopErr)}`);
      }
      if (err instanceof PollCancelledError) report.outcome = 'cancelled';
      report.error = `pre-deploy task ${id} ${why}: stopped it; ${left}`;
      throw new OperationError(report.error);
    }
    throw err;
  }
  const c = task.containers?.find((x) => x.name === name);
  await showLogs(deps, container, taskArn);
  report.preDeploy = { taskArn, exitCode: c?.exitCode };
  if (c?.exitCode === 0) {
    deps.log.info(`pre-deploy task ${id} succeeded (exit code 0)`);
    return;
  }
  report.outcome = 'failed';
  const detail = [
    c?.exitCode !== undefined ? `exit code ${c.exitCode}` : 'no exit code',
    c?.reason,
    task.stopCode,
    task.stoppedReason,
  ]
    .filter(Boolean)
    .join('; ');
  report.error = `pre-deploy task ${id} failed in ${name} (${detail}): ${left}`;
  throw new OperationError(report.error);
}

async function showLogs(
  deps: Deps & { logTail?: LogTail },
  container: ContainerShape,
  taskArn: string,
): Promise<void> {
  const where = logStreamOf(container, taskArn);
  if (!where) {
    deps.log.info(
      `pre-deploy task logs: container ${container.name} does not use the awslogs driver with a stream prefix; no log tail`,
    );
    return;
  }
  if (!deps.logTail) return;
  try {
    const lines = await deps.logTail(where, 50);
    deps.log.info(`pre-deploy task log (${where.group} ${where.stream}, last ${lines.length} lines):`);
    for (const l of lines) deps.log.info(`  | ${l}`);
  } catch (err) {
    deps.log.info(
      `could not read the pre-deploy task log ${where.group} ${where.stream}: ${errorMessage(err)}`,
    );
  }
}
