/**
 * One-off tasks (RunTask) the way ECS runs them. moto 5.2.1 cannot stand in: its RunTask fails with a
 * 500 for a Fargate task definition whose memory is set on the task only (it adds container memory),
 * keeps tasks RUNNING forever, ignores `clientToken` and writes no container logs. So RunTask is served
 * here: the task definition is resolved through moto (moto's error comes back), an `awsvpc` one needs
 * a networkConfiguration; the task is PROVISIONING, then RUNNING, and after `runMs` it stops the way an
 * essential container's exit stops it (exit code from the task scenario); its awslogs lines are written
 * to moto's CloudWatch Logs; a RunTask repeating a `clientToken` within an hour answers with the task
 * that token started (the reference: "ensures the idempotency of the request"). DescribeTasks,
 * ListTasks and StopTask answer for these tasks and go to moto for the rest.
 */
import { randomBytes } from 'node:crypto';
import { fail } from '../codedeploy/errors.js';
import type { MotoEcs } from './moto.js';

export interface TaskScenario {
  /** The exit code of the container the command override names (default 0). */
  exitCode?: number;
  /** How long the task runs before it stops (default 3 × stepMs). */
  runMs?: number;
  /** Lines the container writes to its awslogs stream (written when it stops). */
  logLines?: string[];
}

interface Tracked {
  taskArn: string;
  startedAt: number;
  runMs: number;
  exitCode: number;
  container?: string;
  logLines: string[];
  stoppedBy?: { at: number; reason: string };
  logsWritten: boolean;
  cluster: string;
  startedBy?: string;
  task: Record<string, unknown>;
  definition: Record<string, unknown>;
}

const TOKEN_LIFE_MS = 60 * 60_000;

export class OneOffTasks {
  private readonly tasks = new Map<string, Tracked>();
  private readonly tokens = new Map<string, { at: number; text: string }>();
  private scenario: TaskScenario = {};

  constructor(
    private readonly moto: MotoEcs,
    private readonly defaultRunMs: number,
    private readonly logs: (group: string, stream: string, lines: string[]) => Promise<void>,
  ) {}

  setScenario(s: TaskScenario): void {
    this.scenario = s;
  }

  reset(): void {
    this.tasks.clear();
    this.tokens.clear();
    this.scenario = {};
  }

  async runTask(
    input: Record<string, unknown>,
    auth: string,
    region: string,
    account: string,
  ): Promise<unknown> {
    const token = typeof input.clientToken === 'string' ? input.clientToken : undefined;
    const seen = token ? this.tokens.get(token) : undefined;
    if (seen && Date.now() - seen.at < TOKEN_LIFE_MS) return JSON.parse(seen.text) as unknown;
    const tdReply = await this.moto.send(
      'DescribeTaskDefinition',
      JSON.stringify({ taskDefinition: input.taskDefinition }),
      auth,
    );
    if (tdReply.status !== 200) return { reply: tdReply };
    const td = (JSON.parse(tdReply.text) as { taskDefinition: Record<string, unknown> }).taskDefinition;
    if (td.networkMode === 'awsvpc' && !input.networkConfiguration)
      fail(
        'InvalidParameterException',
        "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
      );
    const cluster = String(input.cluster ?? 'default')
      .split('/')
      .pop()!;
    const overrides = input.overrides as { containerOverrides?: Array<{ name?: string }> } | undefined;
    const container = overrides?.containerOverrides?.[0]?.name;
    const defs = (td.containerDefinitions as Array<{ name?: string }> | undefined) ?? [];
    if (container && !defs.some((d) => d.name === container))
      fail(
        'InvalidParameterException',
        `Override for container named ${container} is not a container in the TaskDefinition.`,
      );
    const taskArn = `arn:aws:ecs:${region}:${account}:task/${cluster}/${randomBytes(16).toString('hex')}`;
    const t: Tracked = {
      taskArn,
      startedAt: Date.now(),
      runMs: this.scenario.runMs ?? this.defaultRunMs,
      exitCode: this.scenario.exitCode ?? 0,
      container,
      logLines: this.scenario.logLines ?? [],
      logsWritten: false,
      cluster,
      startedBy: typeof input.startedBy === 'string' ? input.startedBy : undefined,
      task: {
        taskArn,
        clusterArn: `arn:aws:ecs:${region}:${account}:cluster/${cluster}`,
        taskDefinitionArn: td.taskDefinitionArn,
        launchType: input.launchType,
        platformVersion: input.platformVersion,
        startedBy: input.startedBy,
        overrides: input.overrides ?? {},
        cpu: td.cpu,
        memory: td.memory,
        createdAt: Date.now() / 1000,
        containers: defs.map((d) => ({ name: d.name, taskArn, lastStatus: 'PENDING' })),
      },
      definition: td,
    };
    this.tasks.set(taskArn, t);
    const out = { tasks: [this.view(t)], failures: [] };
    if (token) this.tokens.set(token, { at: Date.now(), text: JSON.stringify(out) });
    return out;
  }

  /** Tasks of ours in a ListTasks answer (cluster, startedBy, desiredStatus), before moto's. */
  listTasks(input: Record<string, unknown>): string[] {
    if (input.serviceName || input.family || input.containerInstance) return [];
    const cluster = String(input.cluster ?? 'default')
      .split('/')
      .pop();
    const want = input.desiredStatus ?? 'RUNNING';
    return [...this.tasks.values()]
      .filter((t) => t.cluster === cluster && (!input.startedBy || t.startedBy === input.startedBy))
      .filter((t) => (this.stopped(t) ? 'STOPPED' : 'RUNNING') === want)
      .map((t) => t.taskArn);
  }

  owns(task: unknown): boolean {
    return this.find(task) !== undefined;
  }

  stopTask(input: Record<string, unknown>): void {
    const t = this.find(input.task);
    if (t && !this.stopped(t))
      t.stoppedBy = { at: Date.now(), reason: String(input.reason ?? 'Task stopped by user') };
  }

  private find(task: unknown): Tracked | undefined {
    if (typeof task !== 'string') return undefined;
    return this.tasks.get(task) ?? [...this.tasks.values()].find((t) => t.taskArn.endsWith(`/${task}`));
  }

  private stopped(t: Tracked): boolean {
    return t.stoppedBy !== undefined || Date.now() - t.startedAt >= t.runMs;
  }

  /** DescribeTasks of our tasks (and a log write the first time one is seen stopped). */
  async describe(task: unknown): Promise<Record<string, unknown> | undefined> {
    const t = this.find(task);
    if (!t) return undefined;
    const view = this.view(t);
    if (this.stopped(t) && !t.logsWritten && t.logLines.length) {
      t.logsWritten = true;
      const defs = (t.definition.containerDefinitions as Array<Record<string, unknown>> | undefined) ?? [];
      const def = defs.find((d) => d.name === (t.container ?? defs[0]?.name));
      const opts = (def?.logConfiguration as { options?: Record<string, string> } | undefined)?.options;
      const group = opts?.['awslogs-group'];
      const prefix = opts?.['awslogs-stream-prefix'];
      if (group && prefix) {
        const id = t.taskArn.slice(t.taskArn.lastIndexOf('/') + 1);
        await this.logs(group, `${prefix}/${String(def!.name)}/${id}`, t.logLines);
      }
    }
    return view;
  }

  private view(t: Tracked): Record<string, unknown> {
    const task = structuredClone(t.task);
    const containers = task.containers as Array<Record<string, unknown>>;
    if (!this.stopped(t)) {
      const status = Date.now() - t.startedAt < t.runMs / 3 ? 'PROVISIONING' : 'RUNNING';
      Object.assign(task, { lastStatus: status, desiredStatus: 'RUNNING' });
      for (const c of containers) c.lastStatus = status === 'RUNNING' ? 'RUNNING' : 'PENDING';
      return task;
    }
    const byUser = t.stoppedBy;
    Object.assign(task, {
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stoppedAt: (byUser?.at ?? t.startedAt + t.runMs) / 1000,
      stopCode: byUser ? 'UserInitiated' : 'EssentialContainerExited',
      stoppedReason: byUser ? byUser.reason : 'Essential container in task exited',
    });
    for (const c of containers) {
      c.lastStatus = 'STOPPED';
      c.exitCode = byUser ? 137 : !t.container || c.name === t.container ? t.exitCode : 0;
    }
    return task;
  }
}
