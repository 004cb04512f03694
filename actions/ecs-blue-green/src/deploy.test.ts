import {
  BatchGetDeploymentTargetsCommand,
  CodeDeployClient,
  ContinueDeploymentCommand,
  CreateDeploymentCommand,
  GetDeploymentCommand,
  GetDeploymentConfigCommand,
  GetDeploymentGroupCommand,
  ListDeploymentTargetsCommand,
  ListDeploymentsCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { ConfigurationError, OperationError } from '@oaktree/action-kit';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, type Deps, type Report } from './deploy.js';
import { InFlight, type SavedDeployment } from './inflight.js';
import { DESCRIPTION_LIMIT } from './marker.js';
import { readConfig, type Config } from './inputs.js';
import { fakeClock } from './testing.js';

const ecsMock = mockClient(ECSClient);
const cdMock = mockClient(CodeDeployClient);

function awsError(name: string): Error {
  const e = new Error(`${name} from the mock`);
  e.name = name;
  return e;
}

/** Build a Config through the real reader from plain inputs. */
async function cfg(inputs: Record<string, string> = {}): Promise<Config> {
  const { Inputs } = await import('@oaktree/action-kit');
  const all: Record<string, string> = {
    cluster: 'shop',
    service: 'web',
    'task-definition-arn': 'web:1',
    region: 'eu-west-1',
    ...inputs,
  };
  return readConfig(
    new Inputs((n) => all[n] ?? ''),
    { GITHUB_WORKSPACE: '/tmp', GITHUB_RUN_ID: '7', GITHUB_REPOSITORY: 'o/r' },
    'step1',
  );
}

const service = {
  serviceName: 'web',
  status: 'ACTIVE',
  deploymentController: { type: 'CODE_DEPLOY' as const },
  loadBalancers: [{ containerName: 'web', containerPort: 80, targetGroupArn: 'tg' }],
};
const group = {
  computePlatform: 'ECS' as const,
  deploymentStyle: {
    deploymentType: 'BLUE_GREEN' as const,
    deploymentOption: 'WITH_TRAFFIC_CONTROL' as const,
  },
  ecsServices: [{ clusterName: 'shop', serviceName: 'web' }],
  deploymentConfigName: 'CodeDeployDefault.ECSAllAtOnce',
};

function happyAws() {
  ecsMock.on(DescribeServicesCommand).resolves({ services: [service] });
  ecsMock.on(DescribeTaskDefinitionCommand).resolves({
    taskDefinition: {
      family: 'web',
      taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:1',
      containerDefinitions: [{ name: 'web', portMappings: [{ containerPort: 80 }] }],
    },
  });
  cdMock.on(GetDeploymentGroupCommand).resolves({ deploymentGroupInfo: group });
  cdMock.on(ListDeploymentsCommand).resolves({ deployments: [] });
  cdMock.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-AAAAAAAAA' });
}

function harness(signal?: AbortSignal) {
  const clock = fakeClock();
  const lines: string[] = [];
  const saved: SavedDeployment[] = [];
  const outputs: Record<string, string | undefined> = {};
  const deps: Deps = {
    ecs: new ECSClient({ region: 'eu-west-1' }),
    codedeploy: new CodeDeployClient({ region: 'eu-west-1' }),
    log: {
      info: (l) => lines.push(l),
      notice: (l) => lines.push(`notice: ${l}`),
      warning: (l) => lines.push(`warning: ${l}`),
    },
    setOutputs: (o) => Object.assign(outputs, o),
    inflight: new InFlight((s) => saved.push(s)),
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0,
    signal,
  };
  const report: Report = {
    command: 'deploy',
    cluster: 'shop',
    service: 'web',
    region: 'eu-west-1',
    events: [],
    timeline: [],
    reasons: [],
    outcome: 'invalid',
  };
  return { deps, lines, saved, outputs, report, clock };
}

beforeEach(() => {
  ecsMock.reset();
  cdMock.reset();
});

/** A deployment of the service's own group (command continue/stop check the group first). */
const ours = (info: Record<string, unknown>) => ({
  applicationName: 'AppECS-shop-web',
  deploymentGroupName: 'DgpECS-shop-web',
  ...info,
});

function noMutation() {
  expect(ecsMock.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(0);
  expect(cdMock.commandCalls(CreateDeploymentCommand)).toHaveLength(0);
  expect(cdMock.commandCalls(StopDeploymentCommand)).toHaveLength(0);
}

test.each([
  ['a non-ECS group', { ...group, computePlatform: 'Server' as const }, /deploys to Server, not ECS/],
  [
    'an in-place group',
    { ...group, deploymentStyle: { deploymentType: 'IN_PLACE' as const } },
    /deployment type is IN_PLACE, not BLUE_GREEN/,
  ],
  [
    'a group of another service',
    { ...group, ecsServices: [{ clusterName: 'shop', serviceName: 'api' }] },
    /it targets shop\/api, not shop\/web/,
  ],
])(
  '%s is a configuration error naming codedeploy-deployment-group, before any mutation',
  async (_name, g, message) => {
    happyAws();
    cdMock.on(GetDeploymentGroupCommand).resolves({ deploymentGroupInfo: g });
    const h = harness();
    const err = await run(await cfg(), h.deps, h.report).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigurationError);
    expect((err as ConfigurationError).input).toBe('codedeploy-deployment-group');
    expect((err as Error).message).toMatch(message);
    noMutation();
  },
);

test('a service neither deployed by CodeDeploy nor by ECS blue/green names the service input', async () => {
  happyAws();
  ecsMock
    .on(DescribeServicesCommand)
    .resolves({ services: [{ ...service, deploymentController: { type: 'ECS' } }] });
  const h = harness();
  await expect(run(await cfg(), h.deps, h.report)).rejects.toThrow(
    /^input "service": service web uses the ECS deployment controller with strategy ROLLING, not CODE_DEPLOY nor ECS blue\/green/,
  );
  noMutation();
});

test('a cluster that does not exist names the cluster input, in one line, before any mutation', async () => {
  happyAws();
  ecsMock.on(DescribeServicesCommand).rejects(awsError('ClusterNotFoundException'));
  const h = harness();
  const err = await run(await cfg({ cluster: 'shopp' }), h.deps, h.report).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigurationError);
  expect((err as ConfigurationError).input).toBe('cluster');
  expect((err as Error).message).toBe(
    'input "cluster" is "shopp": no such ECS cluster in eu-west-1: set it to the name or ARN of the cluster that runs the service (and check the region)',
  );
  noMutation();
});

test('a missing application names codedeploy-application', async () => {
  happyAws();
  cdMock.on(GetDeploymentGroupCommand).rejects(awsError('ApplicationDoesNotExistException'));
  const h = harness();
  await expect(run(await cfg(), h.deps, h.report)).rejects.toThrow(
    /^input "codedeploy-application" is "AppECS-shop-web": no such CodeDeploy application/,
  );
  noMutation();
});

test('a custom deployment config that does not exist names deployment-config; one that does sets the default timeout', async () => {
  happyAws();
  cdMock.on(GetDeploymentConfigCommand).rejects(awsError('DeploymentConfigDoesNotExistException'));
  let h = harness();
  await expect(run(await cfg({ 'deployment-config': 'Mine.Linear' }), h.deps, h.report)).rejects.toThrow(
    /^input "deployment-config" is "Mine.Linear"/,
  );
  noMutation();

  // 20% every 4 minutes: 4 more steps after the first = 16 minutes; + 30 = 46 minutes
  cdMock.on(GetDeploymentConfigCommand).resolves({
    deploymentConfigInfo: {
      trafficRoutingConfig: {
        type: 'TimeBasedLinear',
        timeBasedLinear: { linearInterval: 4, linearPercentage: 20 },
      },
    },
  });
  cdMock.on(GetDeploymentCommand).resolves({ deploymentInfo: { status: 'InProgress' } });
  cdMock.on(ListDeploymentTargetsCommand).resolves({ targetIds: ['shop:web'] });
  cdMock
    .on(BatchGetDeploymentTargetsCommand)
    .resolves({ deploymentTargets: [{ ecsTarget: { lifecycleEvents: [] } }] });
  cdMock.on(StopDeploymentCommand).resolves({ status: 'Pending' });
  h = harness();
  const start = h.clock.now();
  const err = await run(await cfg({ 'deployment-config': 'Mine.Linear' }), h.deps, h.report).catch(
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OperationError);
  expect((err as Error).message).toMatch(
    /^timed out after 46m\d\ds \(timeout-minutes\): stopped deployment d-AAAAAAAAA with rollback/,
  );
  expect(h.clock.now() - start).toBeGreaterThanOrEqual(46 * 60_000);
  expect(h.clock.now() - start).toBeLessThan(47 * 60_000);
  expect(h.outputs.status).toBe('Stopped');
  expect(h.saved.at(-1)).toMatchObject({ deploymentId: 'd-AAAAAAAAA', finished: true });
});

test('CreateDeployment gets the appspec content, truncated description and the auto-rollback override', async () => {
  happyAws();
  const h = harness();
  await run(
    await cfg({
      'wait-for': 'created',
      description: 'x'.repeat(600),
      'auto-rollback-events': 'DEPLOYMENT_FAILURE, deployment_stop_on_alarm',
    }),
    h.deps,
    h.report,
  );
  const input = cdMock.commandCalls(CreateDeploymentCommand)[0]!.args[0].input;
  expect(input.description).toHaveLength(DESCRIPTION_LIMIT);
  // the run marker survives the truncation
  expect(input.description).toMatch(/x… \[oaktree o\/r run 7\.1 step step1\]$/);
  expect(input.autoRollbackConfiguration).toEqual({
    enabled: true,
    events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'],
  });
  expect(input.revision?.revisionType).toBe('AppSpecContent');
  expect(
    JSON.parse(input.revision!.appSpecContent!.content!).Resources[0].TargetService.Properties.TaskDefinition,
  ).toBe('arn:aws:ecs:eu-west-1:123456789012:task-definition/web:1');
  expect(h.saved.at(-1)).toMatchObject({ finished: true }); // wait-for created: main is done, post must not stop it
  expect(h.report.outcome).toBe('created');
});

/** A task definition file (absolute path) whose content differs from what DescribeTaskDefinition answers. */
function taskDefinitionFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'ebg-td-')), 'td.json');
  writeFileSync(
    file,
    JSON.stringify({
      family: 'web',
      containerDefinitions: [{ name: 'web', image: 'nginx:2', portMappings: [{ containerPort: 80 }] }],
    }),
  );
  return file;
}

test('cancelled before any change: nothing registered, nothing deployed', async () => {
  happyAws();
  const ac = new AbortController();
  ac.abort('SIGINT');
  let h = harness(ac.signal);
  await expect(run(await cfg(), h.deps, h.report)).rejects.toThrow(
    /^cancelled \(SIGINT\) before creating the deployment: nothing deployed$/,
  );
  noMutation();
  expect(h.report.outcome).toBe('cancelled');
  expect(h.saved).toEqual([]);

  h = harness(ac.signal);
  await expect(
    run(await cfg({ 'task-definition-arn': '', 'task-definition': taskDefinitionFile() }), h.deps, h.report),
  ).rejects.toThrow(
    /^cancelled \(SIGINT\) before registering the task definition: nothing registered or deployed$/,
  );
  noMutation();
});

test('cancelled while the task definition is being registered: no deployment is created', async () => {
  happyAws();
  const ac = new AbortController();
  ecsMock.on(RegisterTaskDefinitionCommand).callsFake(() => {
    ac.abort('SIGTERM');
    return {
      taskDefinition: { taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:2' },
    };
  });
  const h = harness(ac.signal);
  await expect(
    run(await cfg({ 'task-definition-arn': '', 'task-definition': taskDefinitionFile() }), h.deps, h.report),
  ).rejects.toThrow(
    'cancelled (SIGTERM) before creating the deployment: registered arn:aws:ecs:eu-west-1:123456789012:task-definition/web:2, nothing deployed',
  );
  expect(ecsMock.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(1);
  expect(cdMock.commandCalls(CreateDeploymentCommand)).toHaveLength(0);
});

test('cancelled with the deployment in flight: StopDeployment with rollback; DeploymentAlreadyCompleted counts as done; leave does not stop', async () => {
  happyAws();
  cdMock.on(GetDeploymentCommand).resolves({ deploymentInfo: { status: 'InProgress' } });
  cdMock.on(ListDeploymentTargetsCommand).resolves({ targetIds: ['shop:web'] });
  cdMock.on(BatchGetDeploymentTargetsCommand).resolves({ deploymentTargets: [{ ecsTarget: {} }] });
  cdMock.on(StopDeploymentCommand).rejects(awsError('DeploymentAlreadyCompletedException'));
  const cancelAtFirstSleep = (h: ReturnType<typeof harness>, ac: AbortController) => {
    h.deps.sleep = async (ms) => {
      h.clock.advance(ms);
      ac.abort('SIGINT');
    };
  };
  let ac = new AbortController();
  let h = harness(ac.signal);
  cancelAtFirstSleep(h, ac);
  await expect(run(await cfg(), h.deps, h.report)).rejects.toThrow(
    'cancelled (SIGINT): deployment d-AAAAAAAAA had already ended',
  );
  expect(cdMock.commandCalls(CreateDeploymentCommand)).toHaveLength(1);
  expect(cdMock.commandCalls(StopDeploymentCommand)[0]!.args[0].input).toEqual({
    deploymentId: 'd-AAAAAAAAA',
    autoRollbackEnabled: true,
  });
  expect(h.report.outcome).toBe('cancelled');

  cdMock.resetHistory();
  ac = new AbortController();
  h = harness(ac.signal);
  cancelAtFirstSleep(h, ac);
  await expect(run(await cfg({ 'on-cancel': 'leave' }), h.deps, h.report)).rejects.toThrow(
    /left deployment d-AAAAAAAAA running \(on-cancel: leave\)/,
  );
  expect(cdMock.commandCalls(StopDeploymentCommand)).toHaveLength(0);
});

test('cancelled before command continue or stop: the deployment is left as it was', async () => {
  const ac = new AbortController();
  ac.abort('SIGINT');
  cdMock.on(GetDeploymentCommand).resolves({ deploymentInfo: ours({ status: 'Ready' }) });
  for (const command of ['continue', 'stop']) {
    const h = harness(ac.signal);
    await expect(
      run(await cfg({ command, 'deployment-id': 'd-BBBBBBBBB' }), h.deps, h.report),
    ).rejects.toThrow(
      /^cancelled \(SIGINT\) before (continuing|stopping) d-BBBBBBBBB: the deployment was left as it was$/,
    );
  }
  expect(cdMock.commandCalls(ContinueDeploymentCommand)).toHaveLength(0);
  expect(cdMock.commandCalls(StopDeploymentCommand)).toHaveLength(0);
});

/**
 * A group with someone else's deployment d-OTHER in progress. StopDeployment with rollback stops it
 * and starts the rollback d-ROLLBACK (creator codeDeployRollback), which ends Succeeded after
 * `rollbackReads` GetDeployment calls. ListDeployments answers whatever is still active.
 */
function activeGroup(opts: { rollbackAlreadyRunning?: boolean; rollbackReads?: number } = {}) {
  const status: Record<string, string> = {
    'd-OTHER': opts.rollbackAlreadyRunning ? 'Stopped' : 'InProgress',
  };
  if (opts.rollbackAlreadyRunning) status['d-ROLLBACK'] = 'InProgress';
  let rollbackReads = 0;
  cdMock.on(ListDeploymentsCommand).callsFake(() => ({
    deployments: Object.keys(status).filter((id) => status[id] === 'InProgress'),
  }));
  cdMock.on(StopDeploymentCommand).callsFake((input: { deploymentId: string }) => {
    if (status[input.deploymentId] !== 'InProgress') throw awsError('DeploymentAlreadyCompletedException');
    status[input.deploymentId] = 'Stopped';
    if (input.deploymentId === 'd-OTHER') status['d-ROLLBACK'] = 'InProgress';
    return { status: 'Succeeded' };
  });
  cdMock.on(GetDeploymentCommand).callsFake((input: { deploymentId: string }) => {
    const id = input.deploymentId;
    if (id === 'd-ROLLBACK' && status[id] === 'InProgress' && ++rollbackReads > (opts.rollbackReads ?? 2))
      status[id] = 'Succeeded';
    return {
      deploymentInfo: {
        deploymentId: id,
        status: status[id],
        creator: id === 'd-ROLLBACK' ? 'codeDeployRollback' : 'user',
        rollbackInfo:
          id === 'd-OTHER' && status['d-ROLLBACK']
            ? { rollbackDeploymentId: 'd-ROLLBACK' }
            : id === 'd-ROLLBACK'
              ? { rollbackTriggeringDeploymentId: 'd-OTHER' }
              : undefined,
      },
    };
  });
  cdMock.on(ListDeploymentTargetsCommand).resolves({ targetIds: ['shop:web'] });
  cdMock.on(BatchGetDeploymentTargetsCommand).resolves({ deploymentTargets: [{ ecsTarget: {} }] });
  return status;
}

test('if-deployment-active stop: stops the active deployment once, waits for its rollback, never stops the rollback', async () => {
  happyAws();
  const status = activeGroup();
  const h = harness();
  await run(await cfg({ 'if-deployment-active': 'stop', 'wait-for': 'created' }), h.deps, h.report);
  expect(cdMock.commandCalls(StopDeploymentCommand).map((c) => c.args[0].input)).toEqual([
    { deploymentId: 'd-OTHER', autoRollbackEnabled: true },
  ]);
  expect(status['d-ROLLBACK']).toBe('Succeeded');
  expect(h.lines).toContain('active deployment d-OTHER ended Stopped');
  expect(h.lines).toContain('rollback deployment d-ROLLBACK ended Succeeded');
  // the new deployment is created only after the rollback ended
  const created = cdMock.commandCalls(CreateDeploymentCommand);
  expect(created).toHaveLength(1);
  const lastRollbackRead = cdMock
    .commandCalls(GetDeploymentCommand)
    .filter((c) => c.args[0].input.deploymentId === 'd-ROLLBACK')
    .at(-1)!;
  expect(lastRollbackRead.calledBefore(created[0]!)).toBe(true);
  expect(h.report.outcome).toBe('created');
});

test('if-deployment-active stop: the task definition is registered first; a failed register stops nothing', async () => {
  happyAws();
  activeGroup();
  ecsMock.on(DescribeTaskDefinitionCommand, { taskDefinition: 'web' }).rejects(awsError('ClientException'));
  ecsMock.on(RegisterTaskDefinitionCommand).rejects(awsError('AccessDeniedException'));
  let h = harness();
  const inputs = {
    'task-definition-arn': '',
    'task-definition': taskDefinitionFile(),
    'if-deployment-active': 'stop',
  };
  await expect(run(await cfg(inputs), h.deps, h.report)).rejects.toThrow(/AccessDeniedException/);
  expect(cdMock.commandCalls(StopDeploymentCommand)).toHaveLength(0);
  expect(cdMock.commandCalls(CreateDeploymentCommand)).toHaveLength(0);

  ecsMock.on(RegisterTaskDefinitionCommand).resolves({
    taskDefinition: { taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:2' },
  });
  h = harness();
  await run(await cfg({ ...inputs, 'wait-for': 'created' }), h.deps, h.report);
  const registered = ecsMock.commandCalls(RegisterTaskDefinitionCommand).at(-1)!;
  const stopped = cdMock.commandCalls(StopDeploymentCommand);
  expect(stopped).toHaveLength(1);
  expect(registered.calledBefore(stopped[0]!)).toBe(true);
});

test('if-deployment-active stop: an active rollback deployment is waited for, not stopped', async () => {
  happyAws();
  const status = activeGroup({ rollbackAlreadyRunning: true });
  const h = harness();
  await run(await cfg({ 'if-deployment-active': 'stop', 'wait-for': 'created' }), h.deps, h.report);
  expect(cdMock.commandCalls(StopDeploymentCommand)).toHaveLength(0);
  expect(status['d-ROLLBACK']).toBe('Succeeded');
  expect(h.lines).toContain(
    'deployment d-ROLLBACK active in DgpECS-shop-web is a rollback of d-OTHER; waiting for it to end (a rollback is never stopped)',
  );
  expect(cdMock.commandCalls(CreateDeploymentCommand)).toHaveLength(1);
});

test('command continue refused (not in Ready, already ended): nothing left for post to roll back', async () => {
  for (const name of ['DeploymentIsNotInReadyStateException', 'DeploymentAlreadyCompletedException']) {
    cdMock.reset();
    cdMock.on(GetDeploymentCommand).resolves({ deploymentInfo: ours({ status: 'Ready' }) });
    cdMock.on(ContinueDeploymentCommand).rejects(awsError(name));
    const h = harness();
    await expect(
      run(await cfg({ command: 'continue', 'deployment-id': 'd-BBBBBBBBB' }), h.deps, h.report),
    ).rejects.toThrow(new RegExp(`^cannot continue d-BBBBBBBBB: ${name}`));
    expect(h.saved.filter((s) => !s.finished)).toEqual([]);
    expect(cdMock.commandCalls(StopDeploymentCommand)).toHaveLength(0);
  }
});

test('command stop: once stopped nothing is left for post; command continue is in flight until it ends', async () => {
  cdMock.on(StopDeploymentCommand).resolves({ status: 'Succeeded' });
  cdMock.on(GetDeploymentCommand).resolves({ deploymentInfo: ours({ status: 'Ready' }) });
  let h = harness();
  await run(
    await cfg({ command: 'stop', 'deployment-id': 'd-BBBBBBBBB', 'wait-for': 'ready' }),
    h.deps,
    h.report,
  );
  // saved the moment it became ours, then settled: nothing left for post
  expect(h.saved.map((s) => [s.deploymentId, s.finished])).toEqual([
    ['d-BBBBBBBBB', false],
    ['d-BBBBBBBBB', true],
  ]);
  expect(h.report.outcome).toBe('stopped');
  expect(h.lines.at(-1)).toMatch(
    /^deployment d-BBBBBBBBB stopped with rollback; not following the rollback \(wait-for: ready\): https:/,
  );

  cdMock.on(ContinueDeploymentCommand).resolves({});
  cdMock
    .on(GetDeploymentCommand)
    .resolvesOnce({ deploymentInfo: ours({ status: 'Ready' }) })
    .resolvesOnce({ deploymentInfo: ours({ status: 'InProgress' }) })
    .resolves({ deploymentInfo: ours({ status: 'Succeeded' }) });
  cdMock.on(ListDeploymentTargetsCommand).resolves({ targetIds: ['shop:web'] });
  cdMock.on(BatchGetDeploymentTargetsCommand).resolves({ deploymentTargets: [{ ecsTarget: {} }] });
  h = harness();
  await run(await cfg({ command: 'continue', 'deployment-id': 'd-BBBBBBBBB' }), h.deps, h.report);
  expect(h.saved.map((s) => s.finished)).toEqual([false, true]);
});

test('command continue with wait-for ready: the outcome is continued, not created', async () => {
  cdMock.on(ContinueDeploymentCommand).resolves({});
  cdMock.on(GetDeploymentCommand).resolves({ deploymentInfo: ours({ status: 'Ready' }) });
  const h = harness();
  await run(
    await cfg({ command: 'continue', 'deployment-id': 'd-BBBBBBBBB', 'wait-for': 'ready' }),
    h.deps,
    h.report,
  );
  expect(h.report.outcome).toBe('continued');
  expect(h.lines.at(-1)).toMatch(
    /^deployment d-BBBBBBBBB continued from Ready; not following it \(wait-for: ready\): https:/,
  );
  expect(h.saved.map((s) => s.finished)).toEqual([false, true]);
});

test('command continue/stop returning early still set the status output from one GetDeployment', async () => {
  cdMock.on(ContinueDeploymentCommand).resolves({});
  cdMock
    .on(GetDeploymentCommand)
    .resolvesOnce({ deploymentInfo: ours({ status: 'Ready' }) })
    .resolves({ deploymentInfo: ours({ status: 'InProgress' }) });
  let h = harness();
  await run(
    await cfg({ command: 'continue', 'deployment-id': 'd-BBBBBBBBB', 'wait-for': 'ready' }),
    h.deps,
    h.report,
  );
  expect(h.outputs.status).toBe('InProgress');
  expect(h.report.status).toBe('InProgress');

  // a failed read is not a failed step: the call itself succeeded
  cdMock.reset();
  cdMock.on(StopDeploymentCommand).resolves({ status: 'Succeeded' });
  cdMock
    .on(GetDeploymentCommand)
    .resolvesOnce({ deploymentInfo: ours({ status: 'Ready' }) })
    .rejects(awsError('ThrottlingException'));
  h = harness();
  await run(
    await cfg({ command: 'stop', 'deployment-id': 'd-BBBBBBBBB', 'wait-for': 'created' }),
    h.deps,
    h.report,
  );
  expect(h.outputs.status).toBeUndefined();
  expect(h.report.outcome).toBe('stopped');
  expect(h.lines).toContainEqual(
    expect.stringMatching(/^could not read the status of d-BBBBBBBBB after the call: /),
  );
});

test('a failure reads the ECS service events and stopped-task reasons', async () => {
  happyAws();
  const recent = new Date(1_700_000_000_000 + 1000);
  ecsMock.on(DescribeServicesCommand).resolves({
    services: [
      {
        ...service,
        events: [
          { createdAt: recent, message: '(service web) failed to launch a task: CannotPullContainerError' },
        ],
      },
    ],
  });
  ecsMock
    .on(ListTasksCommand)
    .resolves({ taskArns: ['arn:aws:ecs:eu-west-1:123456789012:task/shop/abc123'] });
  ecsMock.on(DescribeTasksCommand).resolves({
    tasks: [
      {
        taskArn: 'arn:aws:ecs:eu-west-1:123456789012:task/shop/abc123',
        stoppedAt: recent,
        stoppedReason: 'Essential container in task exited',
        containers: [
          { name: 'web', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' },
        ],
      },
    ],
  });
  cdMock.on(GetDeploymentCommand).resolves({
    deploymentInfo: {
      status: 'Failed',
      errorInformation: { code: 'ECS_UPDATE_ERROR', message: 'tasks failed to start' },
    },
  });
  cdMock.on(ListDeploymentTargetsCommand).resolves({ targetIds: ['shop:web'] });
  cdMock.on(BatchGetDeploymentTargetsCommand).resolves({
    deploymentTargets: [
      { ecsTarget: { lifecycleEvents: [{ lifecycleEventName: 'Install', status: 'Failed' }] } },
    ],
  });
  const h = harness();
  await expect(run(await cfg(), h.deps, h.report)).rejects.toThrow(
    /^deployment d-AAAAAAAAA failed: Install failed; errorInformation: ECS_UPDATE_ERROR: tasks failed to start/,
  );
  expect(ecsMock.commandCalls(ListTasksCommand)[0]!.args[0].input).toMatchObject({
    cluster: 'shop',
    serviceName: 'web',
    desiredStatus: 'STOPPED',
  });
  expect(h.lines).toContain(
    '  abc123: Essential container in task exited; web: OutOfMemoryError: Container killed due to memory usage',
  );
  expect(h.lines.some((l) => l.includes('CannotPullContainerError'))).toBe(true);
  expect(h.report.ecs?.stoppedTasks).toHaveLength(1);
});

test('console links follow the partition', async () => {
  const { codeDeployConsoleUrl, ecsConsoleUrl } = await import('./deploy.js');
  expect(codeDeployConsoleUrl('cn-north-1', 'd-1')).toBe(
    'https://cn-north-1.console.amazonaws.cn/codesuite/codedeploy/deployments/d-1?region=cn-north-1',
  );
  expect(codeDeployConsoleUrl('us-gov-west-1', 'd-1')).toMatch(
    /^https:\/\/us-gov-west-1\.console\.amazonaws-us-gov\.com\//,
  );
  expect(ecsConsoleUrl('eu-west-1', 'shop', 'web')).toBe(
    'https://eu-west-1.console.aws.amazon.com/ecs/home?region=eu-west-1#/clusters/shop/services/web/deployments',
  );
});

test('command continue/stop check that deployment-id belongs to the service group before acting', async () => {
  cdMock.on(GetDeploymentCommand).resolves({
    deploymentInfo: ours({
      applicationName: 'AppECS-billing-api',
      deploymentGroupName: 'DgpECS-billing-api',
      status: 'Ready',
    }),
  });
  for (const command of ['continue', 'stop']) {
    const h = harness();
    const err = await run(await cfg({ command, 'deployment-id': 'd-BBBBBBBBB' }), h.deps, h.report).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(ConfigurationError);
    expect((err as Error).message).toBe(
      'input "deployment-id" is "d-BBBBBBBBB": it belongs to AppECS-billing-api/DgpECS-billing-api, not AppECS-shop-web/DgpECS-shop-web; set codedeploy-application and codedeploy-deployment-group to that group, or use this service\'s deployment id',
    );
    expect(h.saved).toEqual([]);
  }
  cdMock.reset();
  cdMock.on(GetDeploymentCommand).rejects(awsError('DeploymentDoesNotExistException'));
  const h = harness();
  await expect(
    run(await cfg({ command: 'stop', 'deployment-id': 'd-NOPE12345' }), h.deps, h.report),
  ).rejects.toThrow(/^input "deployment-id" is "d-NOPE12345": no such deployment in /);
  expect(cdMock.commandCalls(ContinueDeploymentCommand)).toHaveLength(0);
  expect(cdMock.commandCalls(StopDeploymentCommand)).toHaveLength(0);
});

const limitNaming = (id: string) =>
  Object.assign(
    new Error(`The Deployment Group 'DgpECS-shop-web' already has an active Deployment '${id}'`),
    { name: 'DeploymentLimitExceededException', $metadata: { httpStatusCode: 400 } },
  );
const MARKER = '[oaktree o/r run 7.1 step step1]';
const noTargets = () => cdMock.on(ListDeploymentTargetsCommand).resolves({ targetIds: [] });

test('lost CreateDeployment reply: our own deployment is adopted, saved for post first, followed and reported as ours', async () => {
  happyAws();
  noTargets();
  cdMock.on(CreateDeploymentCommand).rejects(limitNaming('d-MINE00001'));
  cdMock.on(GetDeploymentCommand, { deploymentId: 'd-MINE00001' }).resolves({
    deploymentInfo: ours({ deploymentId: 'd-MINE00001', status: 'Succeeded', description: `o/r ${MARKER}` }),
  });
  const h = harness();
  await run(await cfg(), h.deps, h.report);
  expect(h.saved[0]).toEqual({
    deploymentId: 'd-MINE00001',
    applicationName: 'AppECS-shop-web',
    onCancel: 'rollback',
    region: 'eu-west-1',
    adopted: true,
    finished: false,
  });
  expect(h.saved.at(-1)).toMatchObject({ finished: true });
  expect(h.outputs).toMatchObject({ 'deployment-id': 'd-MINE00001', status: 'Succeeded' });
  expect(h.report).toMatchObject({ adopted: true, outcome: 'succeeded' });
  expect(h.lines).toContainEqual(
    expect.stringMatching(
      /^adopted deployment d-MINE00001 created by this run's earlier attempt \(reply lost\): https:/,
    ),
  );
  expect(h.report.timeline[0]!.text).toBe(
    "adopted deployment d-MINE00001 created by this run's earlier attempt (reply lost)",
  );
  expect(cdMock.commandCalls(CreateDeploymentCommand)).toHaveLength(1);
});

test('a deployment of another run got in just before ours: not adopted; if-deployment-active fail names it', async () => {
  happyAws();
  cdMock.on(CreateDeploymentCommand).rejects(limitNaming('d-OTHER0001'));
  cdMock.on(GetDeploymentCommand, { deploymentId: 'd-OTHER0001' }).resolves({
    deploymentInfo: ours({ deploymentId: 'd-OTHER0001', status: 'InProgress', description: 'o/r run 6' }),
  });
  const h = harness();
  await expect(run(await cfg(), h.deps, h.report)).rejects.toThrow(
    /^deployment d-OTHER0001 of another run became active in DgpECS-shop-web just before ours \(DeploymentLimitExceededException; it does not carry this step's run marker\): run again, or set if-deployment-active to wait or stop$/,
  );
  expect(h.saved).toEqual([]);
  expect(h.report.deploymentId).toBeUndefined();
});

test('a deployment of another run got in just before ours: if-deployment-active wait follows it, then deploys', async () => {
  happyAws();
  noTargets();
  cdMock
    .on(CreateDeploymentCommand)
    .rejectsOnce(limitNaming('d-OTHER0001'))
    .resolves({ deploymentId: 'd-NEW000001' });
  cdMock
    .on(ListDeploymentsCommand)
    .resolvesOnce({ deployments: [] })
    .resolvesOnce({ deployments: ['d-OTHER0001'] })
    .resolves({ deployments: [] });
  cdMock.on(GetDeploymentCommand, { deploymentId: 'd-OTHER0001' }).resolves({
    deploymentInfo: ours({ deploymentId: 'd-OTHER0001', status: 'Succeeded', description: 'o/r run 6' }),
  });
  cdMock.on(GetDeploymentCommand, { deploymentId: 'd-NEW000001' }).resolves({
    deploymentInfo: ours({ deploymentId: 'd-NEW000001', status: 'Succeeded' }),
  });
  const h = harness();
  await run(await cfg({ 'if-deployment-active': 'wait' }), h.deps, h.report);
  expect(h.lines).toContain(
    "deployment d-OTHER0001 of another run became active in DgpECS-shop-web just before ours (it does not carry this step's run marker); if-deployment-active: wait applies to it",
  );
  expect(h.lines).toContain('active deployment d-OTHER0001 ended Succeeded');
  expect(h.report).toMatchObject({ deploymentId: 'd-NEW000001', outcome: 'succeeded' });
  expect(h.report.adopted).toBe(false);
  expect(cdMock.commandCalls(CreateDeploymentCommand)).toHaveLength(2);
});

test('cancelled while CreateDeployment is retried after a lost reply: the deployment of this step is found, saved and stopped', async () => {
  happyAws();
  cdMock.on(CreateDeploymentCommand).rejects(
    Object.assign(new Error('We encountered an internal error.'), {
      name: 'InternalFailure',
      $metadata: { httpStatusCode: 500 },
    }),
  );
  cdMock
    .on(ListDeploymentsCommand, { includeOnlyStatuses: undefined })
    .resolves({ deployments: ['d-MINE00001'] });
  cdMock.on(GetDeploymentCommand, { deploymentId: 'd-MINE00001' }).resolves({
    deploymentInfo: ours({ deploymentId: 'd-MINE00001', status: 'InProgress', description: MARKER }),
  });
  cdMock.on(StopDeploymentCommand).resolves({ status: 'Pending' });
  const ac = new AbortController();
  const h = harness(ac.signal);
  // the job is cancelled during the pause before the retry
  h.deps.sleep = async () => ac.abort('SIGINT');
  await expect(run(await cfg(), h.deps, h.report)).rejects.toThrow(
    'cancelled while CreateDeployment was being retried; deployment d-MINE00001 of this step was created by an attempt whose reply was lost: stopped it with rollback (on-cancel: rollback)',
  );
  expect(cdMock.commandCalls(CreateDeploymentCommand)).toHaveLength(1);
  expect(cdMock.commandCalls(StopDeploymentCommand).map((c) => c.args[0].input)).toEqual([
    { deploymentId: 'd-MINE00001', autoRollbackEnabled: true },
  ]);
  expect(h.saved.map((s) => [s.deploymentId, s.adopted, s.finished])).toEqual([
    ['d-MINE00001', true, false],
    ['d-MINE00001', true, true],
  ]);
  expect(h.report).toMatchObject({ outcome: 'cancelled', deploymentId: 'd-MINE00001', status: 'Stopped' });
});

test('cancelled while CreateDeployment is retried and nothing of this step exists: nothing saved for post', async () => {
  happyAws();
  cdMock.on(CreateDeploymentCommand).rejects(
    Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    }),
  );
  const ac = new AbortController();
  const h = harness(ac.signal);
  h.deps.sleep = async () => ac.abort('SIGINT');
  await expect(run(await cfg(), h.deps, h.report)).rejects.toThrow(
    'cancelled while CreateDeployment was being retried: no deployment of this step was found',
  );
  expect(h.saved).toEqual([]);
  expect(cdMock.commandCalls(StopDeploymentCommand)).toHaveLength(0);
});
