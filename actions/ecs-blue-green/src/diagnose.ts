import { DescribeServicesCommand, DescribeTasksCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { retryTransient } from '@oaktree/aws';
import type { RetrySeams, Sender } from './stop.js';

export interface EcsDiagnosis {
  events: Array<{ at?: Date; message: string }>;
  stoppedTasks: Array<{ taskArn: string; stoppedAt?: Date; reason: string }>;
}

/**
 * What ECS says about the service: its last events and why tasks stopped. Best effort: a failure to
 * read these must not hide the deployment's own failure, so errors come back as text.
 */
export async function diagnoseService(
  ecs: Sender,
  cluster: string,
  service: string,
  since?: Date,
  opts: RetrySeams & { deadline?: number; limit?: number; log?: (line: string) => void } = {},
): Promise<EcsDiagnosis & { error?: string }> {
  const limit = opts.limit ?? 5;
  const out: EcsDiagnosis & { error?: string } = { events: [], stoppedTasks: [] };
  // Throttling, 5xx and resets are retried with backoff until the step's deadline; other errors are text.
  const read = (what: string, command: unknown) =>
    retryTransient(() => ecs.send(command), {
      ...opts,
      what: `ECS ${what}`,
      onRetry: (e) =>
        opts.log?.(
          `ECS ${what}: AWS answered ${e.code} (transient); retrying in ${Math.ceil(e.retryInMs / 1000)}s`,
        ),
    });
  try {
    const svc = (await read(
      'DescribeServices',
      new DescribeServicesCommand({ cluster, services: [service] }),
    )) as {
      services?: Array<{ events?: Array<{ createdAt?: Date; message?: string }> }>;
    };
    out.events = (svc.services?.[0]?.events ?? [])
      .filter((e) => !since || !e.createdAt || e.createdAt.getTime() >= since.getTime() - 60_000)
      .slice(0, limit)
      .map((e) => ({ at: e.createdAt, message: e.message ?? '' }));
    const list = (await read(
      'ListTasks',
      new ListTasksCommand({ cluster, serviceName: service, desiredStatus: 'STOPPED', maxResults: limit }),
    )) as { taskArns?: string[] };
    if (list.taskArns?.length) {
      const tasks = (await read(
        'DescribeTasks',
        new DescribeTasksCommand({ cluster, tasks: list.taskArns }),
      )) as {
        tasks?: Array<{
          taskArn?: string;
          stoppedAt?: Date;
          stoppedReason?: string;
          containers?: Array<{ name?: string; reason?: string; exitCode?: number }>;
        }>;
      };
      out.stoppedTasks = (tasks.tasks ?? [])
        .filter((t) => !since || !t.stoppedAt || t.stoppedAt.getTime() >= since.getTime() - 60_000)
        .map((t) => {
          const containers = (t.containers ?? [])
            .filter((c) => c.reason || (c.exitCode !== undefined && c.exitCode !== 0))
            .map((c) => `${c.name}: ${c.reason ?? `exit code ${c.exitCode}`}`);
          return {
            taskArn: t.taskArn ?? '?',
            stoppedAt: t.stoppedAt,
            reason: [t.stoppedReason ?? 'no reason given', ...containers].join('; '),
          };
        });
    }
  } catch (err) {
    out.error = `could not read ECS service events or stopped tasks: ${(err as Error).name}: ${(err as Error).message}`;
  }
  return out;
}
