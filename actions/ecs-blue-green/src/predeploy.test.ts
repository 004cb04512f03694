import {
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { Inputs, type ConfigurationError } from '@oaktree/action-kit';
import { mockClient } from 'aws-sdk-client-mock';
import type { Deps, Report } from './deploy.js';
import { InFlight } from './inflight.js';
import { parseCommand, readConfig } from './inputs.js';
import {
  logStreamOf,
  preDeployContainer,
  preDeployMarkers,
  runPreDeployTask,
  type LogTail,
} from './predeploy.js';
import { fakeClock } from './testing.js';

const ecsMock = mockClient(ECSClient);
beforeEach(() => ecsMock.reset());
const TASK = 'arn:aws:ecs:eu-west-1:123456789012:task/shop/0123456789abcdef';
const TD = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:2';
const web = {
  name: 'web',
  essential: true,
  logConfiguration: {
    logDriver: 'awslogs',
    options: { 'awslogs-group': '/ecs/web', 'awslogs-stream-prefix': 'ecs' },
  },
};

function cfg(inputs: Record<string, string> = {}) {
  const all: Record<string, string> = {
    cluster: 'shop',
    service: 'web',
    'task-definition-arn': 'web:2',
    region: 'eu-west-1',
    'pre-deploy-command': '["npm", "run", "migrate"]',
    ...inputs,
  };
  return readConfig(new Inputs((n) => all[n] ?? ''), { GITHUB_WORKSPACE: '/tmp' }, 'step1');
}

test('the command: a JSON array (empty strings kept) or plain words; anything else names the input', () => {
  expect(parseCommand('["sh", "-c", "x", ""]')).toEqual(['sh', '-c', 'x', '']);
  expect(parseCommand('npm run  migrate')).toEqual(['npm', 'run', 'migrate']);
  expect(() => parseCommand('sh -c "npm run migrate"')).toThrow(/^input "pre-deploy-command" has quotes/);
  expect(() => parseCommand('["a", 1]')).toThrow(/must be a non-empty array of strings/);
  expect(() => parseCommand('[oops')).toThrow(/is not a valid JSON array/);
  expect(() => cfg({ 'pre-deploy-command': '', 'pre-deploy-container': 'web' })).toThrow(
    /^input "pre-deploy-container" is set without "pre-deploy-command"/,
  );
  expect(cfg({ 'pre-deploy-timeout': '90s' }).preDeploy).toEqual({
    command: ['npm', 'run', 'migrate'],
    container: undefined,
    timeoutMs: 90_000,
  });
});

test('the container: the named one, or the one essential container; otherwise a one-line error', () => {
  const pre = cfg().preDeploy!;
  expect(preDeployContainer(pre, [web, { name: 'log-router', essential: false }])).toBe(web);
  const err = (() => {
    try {
      preDeployContainer(pre, [web, { name: 'api' }]);
    } catch (e) {
      return e as ConfigurationError;
    }
  })();
  expect(err?.input).toBe('pre-deploy-container');
  expect(err?.message).toMatch(/has 2 essential containers \(web, api\)/);
  expect(() => preDeployContainer({ ...pre, container: 'nope' }, [web])).toThrow(
    /^input "pre-deploy-container" is "nope": the task definition has no such container \(it has web\)/,
  );
});

test('markers are stable for a step and a revision, and fit RunTask limits', () => {
  const a = preDeployMarkers('[oaktree o/r run 1.1 step a]', TD);
  expect(a).toEqual(preDeployMarkers('[oaktree o/r run 1.1 step a]', TD));
  expect(a.clientToken).toHaveLength(64);
  expect(a.startedBy).toMatch(/^[A-Za-z0-9_/-]{1,128}$/);
  expect(preDeployMarkers('[oaktree o/r run 1.1 step b]', TD).startedBy).not.toBe(a.startedBy);
});

test('the awslogs stream of the task: prefix/container/task-id', () => {
  expect(logStreamOf(web, TASK)).toEqual({
    group: '/ecs/web',
    stream: 'ecs/web/0123456789abcdef',
    region: undefined,
  });
  expect(logStreamOf({ name: 'web' }, TASK)).toBeUndefined();
});

function harness() {
  const clock = fakeClock();
  const lines: string[] = [];
  const tails: Array<Parameters<LogTail>[0]> = [];
  const deps: Deps = {
    ecs: new ECSClient({ region: 'eu-west-1' }),
    codedeploy: { send: () => Promise.reject(new Error('unused')) },
    log: { info: (l) => lines.push(l), notice: (l) => lines.push(l), warning: (l) => lines.push(l) },
    setOutputs: () => undefined,
    inflight: new InFlight(() => undefined),
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0,
    logTail: async (where) => {
      tails.push(where);
      return ['migrating', 'done'];
    },
  };
  const report: Report = {
    command: 'deploy',
    cluster: 'shop',
    service: 'web',
    region: 'eu-west-1',
    registered: true,
    events: [],
    timeline: [],
    reasons: [],
    outcome: 'invalid',
  };
  return { deps, report, lines, tails };
}

const service = {
  launchType: 'FARGATE' as const,
  platformVersion: '1.4.0',
  networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'] } },
};
const stopped = (exitCode: number) => ({
  tasks: [
    {
      taskArn: TASK,
      lastStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited' as const,
      containers: [{ name: 'web', exitCode }],
    },
  ],
});

test('runs the task with the service network, waits for STOPPED, shows the log tail; exit code 0 passes', async () => {
  ecsMock.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK }] });
  ecsMock
    .on(DescribeTasksCommand)
    .resolvesOnce({ tasks: [{ taskArn: TASK, lastStatus: 'RUNNING' }] })
    .resolves(stopped(0));
  const h = harness();
  await runPreDeployTask(cfg(), h.deps, h.report, service, TD, web, 1e15);
  const input = ecsMock.commandCalls(RunTaskCommand)[0]!.args[0].input;
  expect(input).toMatchObject({
    cluster: 'shop',
    taskDefinition: TD,
    launchType: 'FARGATE',
    platformVersion: '1.4.0',
    networkConfiguration: service.networkConfiguration,
    overrides: { containerOverrides: [{ name: 'web', command: ['npm', 'run', 'migrate'] }] },
  });
  expect(h.tails).toEqual([{ group: '/ecs/web', stream: 'ecs/web/0123456789abcdef', region: undefined }]);
  expect(h.lines).toContain('  | migrating');
  expect(h.lines).toContain('pre-deploy task 0123456789abcdef succeeded (exit code 0)');
  expect(h.report.preDeploy).toEqual({ taskArn: TASK, exitCode: 0 });
});

test('a non-zero exit code fails with nothing deployed; a log that cannot be read does not hide it', async () => {
  ecsMock.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK }] });
  ecsMock.on(DescribeTasksCommand).resolves(stopped(2));
  const h = harness();
  h.deps.logTail = () => Promise.reject(new Error('AccessDenied'));
  await expect(runPreDeployTask(cfg(), h.deps, h.report, service, TD, web, 1e15)).rejects.toThrow(
    `pre-deploy task 0123456789abcdef failed in web (exit code 2; EssentialContainerExited): registered ${TD}, nothing deployed`,
  );
  expect(h.lines.some((l) => l.startsWith('could not read the pre-deploy task log /ecs/web'))).toBe(true);
});

test('RunTask failures (no capacity) and a timeout: the task is stopped, nothing deployed', async () => {
  ecsMock.on(RunTaskCommand).resolves({ failures: [{ reason: 'RESOURCE:MEMORY' }] });
  let h = harness();
  await expect(runPreDeployTask(cfg(), h.deps, h.report, service, TD, web, 1e15)).rejects.toThrow(
    /RunTask started no task \(RESOURCE:MEMORY\)/,
  );
  ecsMock.reset();
  ecsMock.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK }] });
  ecsMock.on(DescribeTasksCommand).resolves({ tasks: [{ taskArn: TASK, lastStatus: 'RUNNING' }] });
  ecsMock.on(StopTaskCommand).resolves({});
  h = harness();
  await expect(
    runPreDeployTask(cfg({ 'pre-deploy-timeout': '20s' }), h.deps, h.report, service, TD, web, 1e15),
  ).rejects.toThrow(
    /^pre-deploy task 0123456789abcdef did not stop within 20s \(pre-deploy-timeout\): stopped it;/,
  );
  expect(ecsMock.commandCalls(StopTaskCommand)).toHaveLength(1);
});

test('a transient RunTask failure: the task of this step is looked for by startedBy before running again', async () => {
  ecsMock
    .on(RunTaskCommand)
    .rejectsOnce(
      Object.assign(new Error('lost'), { name: 'ServerException', $metadata: { httpStatusCode: 500 } }),
    );
  ecsMock.on(ListTasksCommand).resolves({ taskArns: [TASK] });
  ecsMock.on(DescribeTasksCommand).resolves(stopped(0));
  const h = harness();
  await runPreDeployTask(cfg(), h.deps, h.report, service, TD, web, 1e15);
  expect(ecsMock.commandCalls(RunTaskCommand)).toHaveLength(1);
  expect(ecsMock.commandCalls(ListTasksCommand)[0]!.args[0].input.startedBy).toMatch(/^oaktree-predeploy-/);
  expect(h.lines.some((l) => l.includes("was started by this step's earlier RunTask (reply lost)"))).toBe(
    true,
  );
});
