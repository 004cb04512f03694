import { DescribeServicesCommand, DescribeTasksCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import type { Sender } from './stop.js';

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
  limit = 5,
): Promise<EcsDiagnosis & { error?: string }> {
  const out: EcsDiagnosis & { error?: string } = { events: [], stoppedTasks: [] };
  try {
    const svc = (await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }))) as {
      services?: Array<{ events?: Array<{ createdAt?: Date; message?: string }> }>;
    };
    out.events = (svc.services?.[0]?.events ?? [])
      .filter((e) => !since || !e.createdAt || e.createdAt.getTime() >= since.getTime() - 60_000)
      .slice(0, limit)
      .map((e) => ({ at: e.createdAt, message: e.message ?? '' }));
    const list = (await ecs.send(
      new ListTasksCommand({ cluster, serviceName: service, desiredStatus: 'STOPPED', maxResults: limit }),
    )) as { taskArns?: string[] };
    if (list.taskArns?.length) {
      const tasks = (await ecs.send(new DescribeTasksCommand({ cluster, tasks: list.taskArns }))) as {
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
