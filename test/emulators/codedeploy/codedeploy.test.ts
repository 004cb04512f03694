/**
 * The emulator driven by the real @aws-sdk/client-codedeploy: proves the SDK parses every answer
 * (epoch-second timestamps, error names) and that the blue/green state machine behaves.
 */
import { createHash } from 'node:crypto';
import {
  BatchGetDeploymentTargetsCommand,
  CodeDeployClient,
  ContinueDeploymentCommand,
  CreateApplicationCommand,
  CreateDeploymentCommand,
  CreateDeploymentGroupCommand,
  DeleteApplicationCommand,
  DeleteDeploymentGroupCommand,
  GetApplicationRevisionCommand,
  GetDeploymentCommand,
  GetDeploymentConfigCommand,
  GetDeploymentGroupCommand,
  GetDeploymentTargetCommand,
  ListDeploymentGroupsCommand,
  ListDeploymentsCommand,
  ListDeploymentTargetsCommand,
  RegisterApplicationRevisionCommand,
  StopDeploymentCommand,
  UpdateDeploymentGroupCommand,
  type CreateDeploymentGroupCommandInput,
  type DeploymentInfo,
  type ECSTarget,
} from '@aws-sdk/client-codedeploy';
import { startCodeDeployEmulator, type CodeDeployEmulator, type CodeDeployEmulatorOptions } from './index.js';

const APP = 'AppECS-web-api';
const GROUP = 'DgpECS-web-api';
const TD = 'arn:aws:ecs:us-east-1:123456789012:task-definition/api:7';
const FINAL = new Set(['Succeeded', 'Failed', 'Stopped']);

const running: CodeDeployEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

async function setup(opts: CodeDeployEmulatorOptions = {}) {
  const emu = await startCodeDeployEmulator({ stepMs: 40, ...opts });
  running.push(emu);
  const cd = new CodeDeployClient({
    region: 'us-east-1',
    endpoint: emu.url,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  return { emu, cd };
}

function appspec(hooks: Record<string, string> = {}, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    version: 0.0,
    Resources: [
      {
        TargetService: {
          Type: 'AWS::ECS::Service',
          Properties: { TaskDefinition: TD, LoadBalancerInfo: { ContainerName: 'api', ContainerPort: 8080 } },
          ...overrides,
        },
      },
    ],
    Hooks: Object.entries(hooks).map(([k, v]) => ({ [k]: v })),
  });
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const revision = (content = appspec()) => ({
  revisionType: 'AppSpecContent' as const,
  appSpecContent: { content, sha256: sha(content) },
});

async function createGroup(
  cd: CodeDeployClient,
  extra: Partial<CreateDeploymentGroupCommandInput> = {},
  name = GROUP,
  service = 'api',
) {
  await cd.send(new CreateApplicationCommand({ applicationName: APP, computePlatform: 'ECS' })).catch((e) => {
    if (e.name !== 'ApplicationAlreadyExistsException') throw e;
  });
  await cd.send(
    new CreateDeploymentGroupCommand({
      applicationName: APP,
      deploymentGroupName: name,
      serviceRoleArn: 'arn:aws:iam::123456789012:role/codedeploy',
      ecsServices: [{ clusterName: 'web', serviceName: service }],
      deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      blueGreenDeploymentConfiguration: {
        terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: 0 },
        deploymentReadyOption: { actionOnTimeout: 'CONTINUE_DEPLOYMENT', waitTimeInMinutes: 0 },
      },
      loadBalancerInfo: {
        targetGroupPairInfoList: [
          {
            targetGroups: [{ name: 'api-blue' }, { name: 'api-green' }],
            prodTrafficRoute: {
              listenerArns: ['arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/x/1/2'],
            },
            testTrafficRoute: {
              listenerArns: ['arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/x/1/3'],
            },
          },
        ],
      },
      ...extra,
    }),
  );
}

async function deploy(
  cd: CodeDeployClient,
  extra: Record<string, unknown> = {},
  group = GROUP,
): Promise<string> {
  const out = await cd.send(
    new CreateDeploymentCommand({
      applicationName: APP,
      deploymentGroupName: group,
      revision: revision(),
      ...extra,
    }),
  );
  expect(out.deploymentId).toMatch(/^d-[A-Z0-9]{9}$/);
  return out.deploymentId!;
}

const get = async (cd: CodeDeployClient, id: string): Promise<DeploymentInfo> =>
  (await cd.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo!;

async function target(cd: CodeDeployClient, id: string): Promise<ECSTarget> {
  const { targetIds } = await cd.send(new ListDeploymentTargetsCommand({ deploymentId: id }));
  expect(targetIds).toEqual(['web:api']);
  const out = await cd.send(new BatchGetDeploymentTargetsCommand({ deploymentId: id, targetIds }));
  expect(out.deploymentTargets?.[0]?.deploymentTargetType).toBe('ECSTarget');
  return out.deploymentTargets![0]!.ecsTarget!;
}

/** Poll until `until(info)` holds; collects every status seen. */
async function follow(
  cd: CodeDeployClient,
  id: string,
  until: (d: DeploymentInfo) => boolean = (d) => FINAL.has(d.status!),
  opts: { timeoutMs?: number; onTarget?: (t: ECSTarget) => void } = {},
): Promise<{ info: DeploymentInfo; statuses: string[] }> {
  const statuses: string[] = [];
  const deadline = Date.now() + (opts.timeoutMs ?? 8000);
  for (;;) {
    const info = await get(cd, id);
    if (statuses.at(-1) !== info.status) statuses.push(info.status!);
    if (opts.onTarget && info.status !== 'Created') opts.onTarget(await target(cd, id));
    if (until(info)) return { info, statuses };
    if (Date.now() > deadline)
      throw new Error(`deployment ${id} still ${info.status}; saw ${statuses.join(' > ')}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

async function errorOf(p: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await p;
  } catch (err) {
    return err as { name: string; message: string };
  }
  throw new Error('expected the call to fail');
}

test('success: Created > InProgress > Baking > Succeeded, every event in order, traffic moves to green', async () => {
  const { cd, emu } = await setup({ createdMs: 400, minuteMs: 150 });
  await createGroup(cd, {
    blueGreenDeploymentConfiguration: {
      terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: 3 },
    },
  });
  const id = await deploy(cd, { description: 'ship it' });
  const weights: string[] = [];
  const { info, statuses } = await follow(cd, id, undefined, {
    onTarget: (t) => {
      const w = t.taskSetsInfo!.map((s) => `${s.taskSetLabel}:${s.trafficWeight}`).join(' ');
      if (weights.at(-1) !== w) weights.push(w);
    },
  });
  expect(statuses[0]).toBe('Created');
  expect(statuses).toEqual(expect.arrayContaining(['InProgress', 'Baking']));
  expect(statuses.at(-1)).toBe('Succeeded');
  expect(info).toMatchObject({
    applicationName: APP,
    deploymentGroupName: GROUP,
    deploymentConfigName: 'CodeDeployDefault.ECSAllAtOnce',
    computePlatform: 'ECS',
    creator: 'user',
    description: 'ship it',
    instanceTerminationWaitTimeStarted: true,
    deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
    deploymentOverview: { Succeeded: 1, Failed: 0, InProgress: 0, Pending: 0, Skipped: 0, Ready: 0 },
  });
  expect(info.errorInformation).toBeUndefined();
  expect(info.createTime).toBeInstanceOf(Date);
  expect(info.startTime!.getTime()).toBeGreaterThanOrEqual(info.createTime!.getTime());
  expect(info.completeTime!.getTime()).toBeGreaterThan(info.startTime!.getTime());
  // the emulator clock: created + 8 steps + 3 "minutes" of termination wait, whatever the polling
  expect(info.startTime!.getTime() - info.createTime!.getTime()).toBe(400);
  expect(info.completeTime!.getTime() - info.startTime!.getTime()).toBe(8 * 40 + 3 * 150);

  const t = await target(cd, id);
  expect(t.targetId).toBe('web:api');
  expect(t.targetArn).toBe('arn:aws:ecs:us-east-1:123456789012:service/web/api');
  expect(t.status).toBe('Succeeded');
  expect(t.lastUpdatedAt).toBeInstanceOf(Date);
  expect(t.lifecycleEvents!.map((e) => e.lifecycleEventName)).toEqual([
    'BeforeInstall',
    'Install',
    'AfterInstall',
    'AllowTestTraffic',
    'AfterAllowTestTraffic',
    'BeforeAllowTraffic',
    'AllowTraffic',
    'AfterAllowTraffic',
  ]);
  let prevEnd = 0;
  for (const e of t.lifecycleEvents!) {
    expect(e.status).toBe('Succeeded');
    expect(e.startTime!.getTime()).toBeGreaterThanOrEqual(prevEnd);
    expect(e.endTime!.getTime()).toBeGreaterThan(e.startTime!.getTime());
    prevEnd = e.endTime!.getTime();
  }
  expect(weights).toContain('Blue:100 Green:0');
  expect(weights.at(-1)).toBe('Blue:0 Green:100');
  const green = t.taskSetsInfo!.find((s) => s.taskSetLabel === 'Green')!;
  expect(green).toMatchObject({ status: 'PRIMARY', runningCount: 1, targetGroup: { name: 'api-green' } });
  expect(green.identifer).toMatch(/^ecs-svc\/\d+$/);

  const group = (
    await cd.send(new GetDeploymentGroupCommand({ applicationName: APP, deploymentGroupName: GROUP }))
  ).deploymentGroupInfo!;
  expect(group.lastSuccessfulDeployment).toMatchObject({ deploymentId: id, status: 'Succeeded' });
  expect(group.lastSuccessfulDeployment!.endTime).toBeInstanceOf(Date);
  expect(group.blueGreenDeploymentConfiguration).toEqual({
    deploymentReadyOption: { actionOnTimeout: 'CONTINUE_DEPLOYMENT', waitTimeInMinutes: 0 },
    terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: 3 },
  });
  expect(group).toMatchObject({
    computePlatform: 'ECS',
    ecsServices: [{ clusterName: 'web', serviceName: 'api' }],
  });
  expect(emu.calls.filter((c) => c.operation === 'CreateDeployment')).toHaveLength(1);
  expect(emu.calls[0]).toMatchObject({ operation: 'CreateApplication', input: { applicationName: APP } });

  // the next deployment starts from the new blue: target groups swap
  const id2 = await deploy(cd);
  await follow(cd, id2, (d) => d.status === 'InProgress');
  const t2 = await target(cd, id2);
  expect(t2.taskSetsInfo!.find((s) => s.taskSetLabel === 'Blue')).toMatchObject({
    identifer: green.identifer,
    targetGroup: { name: 'api-green' },
  });
  expect((await get(cd, id2)).previousRevision).toEqual(info.revision);
});

test('target operations answer DeploymentNotStartedException while the deployment is Created', async () => {
  const { cd } = await setup({ createdMs: 60_000 });
  await createGroup(cd);
  const id = await deploy(cd);
  expect((await get(cd, id)).status).toBe('Created');
  expect((await errorOf(cd.send(new ListDeploymentTargetsCommand({ deploymentId: id })))).name).toBe(
    'DeploymentNotStartedException',
  );
  expect(
    (
      await errorOf(
        cd.send(new BatchGetDeploymentTargetsCommand({ deploymentId: id, targetIds: ['web:api'] })),
      )
    ).name,
  ).toBe('DeploymentNotStartedException');
  expect(
    (await errorOf(cd.send(new GetDeploymentTargetCommand({ deploymentId: id, targetId: 'web:api' })))).name,
  ).toBe('DeploymentNotStartedException');
});

test('one active deployment per group: DeploymentLimitExceededException names the active deployment', async () => {
  const { cd, emu } = await setup();
  await createGroup(cd);
  emu.setScenario({ kind: 'slow' });
  const first = await deploy(cd);
  const err = await errorOf(deploy(cd));
  expect(err.name).toBe('DeploymentLimitExceededException');
  expect(err.message).toBe(`The Deployment Group '${GROUP}' already has an active Deployment '${first}'`);
  // another group is not blocked
  await createGroup(cd, {}, 'other', 'worker');
  await deploy(cd, {}, 'other');
});

test('Ready wait (STOP_DEPLOYMENT): waits in Ready until ContinueDeployment(READY_WAIT)', async () => {
  const { cd } = await setup();
  await createGroup(cd, {
    blueGreenDeploymentConfiguration: {
      terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: 0 },
      deploymentReadyOption: { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: 600 },
    },
  });
  const id = await deploy(cd);
  const early = await errorOf(
    cd.send(new ContinueDeploymentCommand({ deploymentId: id, deploymentWaitType: 'READY_WAIT' })),
  );
  expect(early.name).toBe('DeploymentIsNotInReadyStateException');
  await follow(cd, id, (d) => d.status === 'Ready');
  const t = await target(cd, id);
  expect(t.status).toBe('Ready');
  const byName = Object.fromEntries(t.lifecycleEvents!.map((e) => [e.lifecycleEventName, e.status]));
  expect(byName).toMatchObject({ AfterAllowTestTraffic: 'Succeeded', BeforeAllowTraffic: 'Pending' });
  expect((await get(cd, id)).deploymentOverview).toMatchObject({ Ready: 1 });
  // it stays Ready: the emulator clock is far from 600 "minutes"
  await new Promise((r) => setTimeout(r, 200));
  expect((await get(cd, id)).status).toBe('Ready');
  const bad = await errorOf(
    cd.send(new ContinueDeploymentCommand({ deploymentId: id, deploymentWaitType: 'SOON' as 'READY_WAIT' })),
  );
  expect(bad.name).toBe('InvalidDeploymentWaitTypeException');
  await cd.send(new ContinueDeploymentCommand({ deploymentId: id, deploymentWaitType: 'READY_WAIT' }));
  const { info } = await follow(cd, id);
  expect(info.status).toBe('Succeeded');
  const done = await errorOf(
    cd.send(new ContinueDeploymentCommand({ deploymentId: id, deploymentWaitType: 'READY_WAIT' })),
  );
  expect(done.name).toBe('DeploymentAlreadyCompletedException');
});

test('ready-wait scenario forces the wait; the wait time running out stops the deployment', async () => {
  const { cd, emu } = await setup({ minuteMs: 40 });
  await createGroup(cd, {
    blueGreenDeploymentConfiguration: {
      terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE' },
      deploymentReadyOption: { actionOnTimeout: 'CONTINUE_DEPLOYMENT', waitTimeInMinutes: 5 },
    },
  });
  emu.setScenario({ kind: 'ready-wait' }, GROUP);
  const id = await deploy(cd);
  const { statuses, info } = await follow(cd, id);
  expect(statuses).toEqual(expect.arrayContaining(['Ready', 'Stopped']));
  expect(info.errorInformation?.code).toBe('TIMEOUT');
  expect(info.rollbackInfo).toBeUndefined();
});

test('hook failure: event Failed with diagnostics, deployment Failed, a rollback deployment runs to its end', async () => {
  const { cd, emu } = await setup();
  await createGroup(cd, { autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE'] } });
  emu.setScenario({
    kind: 'hook-failure',
    failAt: 'AfterAllowTestTraffic',
    diagnosticsMessage: 'smoke test: 503',
  });
  const content = appspec({ AfterAllowTestTraffic: 'arn:aws:lambda:us-east-1:123456789012:function:smoke' });
  const id = await deploy(cd, { revision: revision(content) });
  const { info } = await follow(cd, id);
  expect(info.status).toBe('Failed');
  expect(info.errorInformation).toMatchObject({ code: 'HOOK_EXECUTION_FAILURE' });
  expect(info.errorInformation!.message).toContain('AfterAllowTestTraffic');
  const t = await target(cd, id);
  expect(t.status).toBe('Failed');
  const ev = Object.fromEntries(t.lifecycleEvents!.map((e) => [e.lifecycleEventName, e]));
  expect(ev.AfterAllowTestTraffic).toMatchObject({
    status: 'Failed',
    diagnostics: {
      errorCode: 'ScriptFailed',
      scriptName: 'arn:aws:lambda:us-east-1:123456789012:function:smoke',
      message: 'smoke test: 503',
    },
  });
  expect(ev.AllowTestTraffic!.status).toBe('Succeeded');
  expect(ev.BeforeAllowTraffic!.status).toBe('Skipped');
  expect(ev.AfterAllowTraffic!.status).toBe('Skipped');

  const rbId = info.rollbackInfo?.rollbackDeploymentId;
  expect(rbId).toMatch(/^d-[A-Z0-9]{9}$/);
  expect(rbId).not.toBe(id);
  // while the rollback runs, the group is busy
  const rbNow = await get(cd, rbId!);
  if (!FINAL.has(rbNow.status!)) {
    expect((await errorOf(deploy(cd))).name).toBe('DeploymentLimitExceededException');
  }
  const rb = await follow(cd, rbId!);
  expect(rb.info).toMatchObject({
    status: 'Succeeded',
    creator: 'codeDeployRollback',
    rollbackInfo: { rollbackTriggeringDeploymentId: id },
  });
  const rt = await target(cd, rbId!);
  expect(rt.taskSetsInfo!.find((s) => s.taskSetLabel === 'Blue')).toMatchObject({ trafficWeight: 100 });
  const listed = await cd.send(
    new ListDeploymentsCommand({ applicationName: APP, deploymentGroupName: GROUP }),
  );
  expect(listed.deployments!.sort()).toEqual([id, rbId].sort());
  // the scenario stays: failures are repeatable until changed
  emu.setScenario({ kind: 'success' });
  expect((await follow(cd, await deploy(cd))).info.status).toBe('Succeeded');
});

test('hook failure without auto rollback: no rollback deployment', async () => {
  const { cd, emu } = await setup();
  await createGroup(cd);
  emu.setScenario({ kind: 'hook-failure', failAt: 'BeforeInstall' });
  const { info } = await follow(cd, await deploy(cd));
  expect(info.status).toBe('Failed');
  expect(info.errorInformation?.code).toBe('HOOK_EXECUTION_FAILURE');
  expect(info.rollbackInfo).toBeUndefined();
  const t = await target(cd, info.deploymentId!);
  expect(t.lifecycleEvents![0]).toMatchObject({ lifecycleEventName: 'BeforeInstall', status: 'Failed' });
  expect(t.lifecycleEvents![0]!.diagnostics?.message).toBeTruthy();
});

test('alarm stop: Stopped with ALARM_ACTIVE naming the alarm, rollback when DEPLOYMENT_STOP_ON_ALARM is on', async () => {
  const { cd, emu } = await setup();
  await createGroup(cd, {
    alarmConfiguration: { enabled: true, alarms: [{ name: 'api-5xx' }] },
    autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_STOP_ON_ALARM'] },
    deploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent5Minutes',
  });
  emu.setScenario({ kind: 'alarm-stop' });
  const id = await deploy(cd);
  const { info } = await follow(cd, id);
  expect(info.status).toBe('Stopped');
  expect(info.errorInformation?.code).toBe('ALARM_ACTIVE');
  expect(info.errorInformation?.message).toContain('api-5xx');
  const t = await target(cd, id);
  const allow = t.lifecycleEvents!.find((e) => e.lifecycleEventName === 'AllowTraffic')!;
  expect(allow.status).toBe('Failed');
  // stopped in the middle of the canary: 10% on green
  expect(t.taskSetsInfo!.find((s) => s.taskSetLabel === 'Green')!.trafficWeight).toBe(10);
  const rb = await follow(cd, info.rollbackInfo!.rollbackDeploymentId!);
  expect(rb.info.status).toBe('Succeeded');

  // a deployment-level override turns the rollback off
  const id2 = await deploy(cd, { autoRollbackConfiguration: { enabled: false } });
  const second = await follow(cd, id2);
  expect(second.info.status).toBe('Stopped');
  expect(second.info.rollbackInfo).toBeUndefined();
  expect(second.info.autoRollbackConfiguration?.enabled).toBe(false);
});

test('StopDeployment: stops with rollback mid-deployment; on a finished deployment DeploymentAlreadyCompletedException', async () => {
  const { cd, emu } = await setup();
  await createGroup(cd);
  emu.setScenario({ kind: 'slow', stepMs: 2000 });
  const id = await deploy(cd);
  await follow(cd, id, (d) => d.status === 'InProgress');
  // BeforeInstall runs: no green task set yet
  const before = await target(cd, id);
  expect(before.lifecycleEvents![0]).toMatchObject({
    lifecycleEventName: 'BeforeInstall',
    status: 'InProgress',
  });
  expect(before.taskSetsInfo!.map((s) => `${s.taskSetLabel}:${s.trafficWeight}`)).toEqual(['Blue:100']);
  const out = await cd.send(new StopDeploymentCommand({ deploymentId: id, autoRollbackEnabled: true }));
  expect(out.status).toBe('Succeeded');
  const info = await get(cd, id);
  expect(info.status).toBe('Stopped');
  expect(info.errorInformation?.code).toBe('MANUAL_STOP');
  const rbId = info.rollbackInfo!.rollbackDeploymentId!;
  expect((await follow(cd, rbId)).info.status).toBe('Succeeded');
  const again = await errorOf(
    cd.send(new StopDeploymentCommand({ deploymentId: id, autoRollbackEnabled: true })),
  );
  expect(again.name).toBe('DeploymentAlreadyCompletedException');
  const rbAgain = await errorOf(cd.send(new StopDeploymentCommand({ deploymentId: rbId })));
  expect(rbAgain.name).toBe('DeploymentAlreadyCompletedException');
});

test('ContinueDeployment(TERMINATION_WAIT) ends the Baking wait at once', async () => {
  const { cd } = await setup({ minuteMs: 1000 });
  await createGroup(cd, {
    blueGreenDeploymentConfiguration: {
      terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: 60 },
    },
  });
  const id = await deploy(cd);
  await follow(cd, id, (d) => d.status === 'Baking');
  const notReady = await errorOf(
    cd.send(new ContinueDeploymentCommand({ deploymentId: id, deploymentWaitType: 'READY_WAIT' })),
  );
  expect(notReady.name).toBe('DeploymentIsNotInReadyStateException');
  await cd.send(new ContinueDeploymentCommand({ deploymentId: id, deploymentWaitType: 'TERMINATION_WAIT' }));
  expect((await get(cd, id)).status).toBe('Succeeded');
});

test('linear config: traffic moves in 10% steps on the emulator clock', async () => {
  const { cd } = await setup({ stepMs: 30, minuteMs: 100 });
  await createGroup(cd);
  const id = await deploy(cd, { deploymentConfigName: 'CodeDeployDefault.ECSLinear10PercentEvery1Minutes' });
  const greens = new Set<number>();
  const { info } = await follow(cd, id, undefined, {
    onTarget: (t) => {
      const g = t.taskSetsInfo!.find((s) => s.taskSetLabel === 'Green');
      if (g) greens.add(g.trafficWeight!);
    },
  });
  expect(info.status).toBe('Succeeded');
  expect(info.deploymentConfigName).toBe('CodeDeployDefault.ECSLinear10PercentEvery1Minutes');
  const seen = [...greens].filter((w) => w > 0 && w < 100);
  expect(seen.length).toBeGreaterThanOrEqual(3);
  for (const w of seen) expect(w % 10).toBe(0);
});

test('BatchGetDeploymentTargets rejects more than 25 ids; unknown ids are reported', async () => {
  const { cd } = await setup();
  await createGroup(cd);
  const id = await deploy(cd);
  await follow(cd, id, (d) => d.status !== 'Created');
  const ids = Array.from({ length: 26 }, () => 'web:api');
  const err = await errorOf(
    cd.send(new BatchGetDeploymentTargetsCommand({ deploymentId: id, targetIds: ids })),
  );
  expect(err.name).toBe('DeploymentTargetListSizeExceededException');
  const ok = await cd.send(
    new BatchGetDeploymentTargetsCommand({ deploymentId: id, targetIds: ids.slice(0, 25) }),
  );
  expect(ok.deploymentTargets).toHaveLength(25);
  const unknown = await errorOf(
    cd.send(new BatchGetDeploymentTargetsCommand({ deploymentId: id, targetIds: ['web:other'] })),
  );
  expect(unknown.name).toBe('DeploymentTargetDoesNotExistException');
});

test('AppSpecContent checks: sha256 mismatch, unparsable, wrong shape and bad hook events are InvalidRevisionException', async () => {
  const { cd, emu } = await setup();
  await createGroup(cd);
  const content = appspec();
  const cases = [
    { content, sha256: sha(content + ' ') },
    { content: '{"version": 0.0, "Resources": [', sha256: sha('{"version": 0.0, "Resources": [') },
    { content: '{"version": 0.0}', sha256: sha('{"version": 0.0}') },
    (() => {
      const c = appspec({ Install: 'fn' });
      return { content: c, sha256: sha(c) };
    })(),
    (() => {
      const c = JSON.stringify({
        version: 0,
        Resources: [{ TargetService: { Type: 'AWS::ECS::Service', Properties: { TaskDefinition: TD } } }],
      });
      return { content: c, sha256: sha(c) };
    })(),
  ];
  for (const appSpecContent of cases) {
    const err = await errorOf(
      cd.send(
        new CreateDeploymentCommand({
          applicationName: APP,
          deploymentGroupName: GROUP,
          revision: { revisionType: 'AppSpecContent', appSpecContent },
        }),
      ),
    );
    expect(err.name).toBe('InvalidRevisionException');
  }
  expect((await cd.send(new ListDeploymentsCommand({}))).deployments).toEqual([]);
  expect(emu.calls.filter((c) => c.operation === 'CreateDeployment')).toHaveLength(cases.length);

  // YAML is accepted, and sha256 is optional
  const yaml = [
    'version: 0.0',
    'Resources:',
    '  - TargetService:',
    '      Type: AWS::ECS::Service',
    '      Properties:',
    `        TaskDefinition: "${TD}"`,
    '        LoadBalancerInfo:',
    '          ContainerName: api',
    '          ContainerPort: 8080',
    'Hooks:',
    '  - BeforeAllowTraffic: check',
  ].join('\n');
  const id = await deploy(cd, {
    revision: { revisionType: 'AppSpecContent', appSpecContent: { content: yaml } },
  });
  expect((await get(cd, id)).revision?.appSpecContent?.sha256).toBe(sha(yaml));
});

test('API errors carry the real names', async () => {
  const { cd } = await setup();
  const names = async (p: Promise<unknown>) => (await errorOf(p)).name;
  expect(
    await names(
      cd.send(
        new CreateDeploymentCommand({
          applicationName: 'nope',
          deploymentGroupName: 'x',
          revision: revision(),
        }),
      ),
    ),
  ).toBe('ApplicationDoesNotExistException');
  await createGroup(cd);
  expect(
    await names(
      cd.send(
        new CreateDeploymentCommand({ applicationName: APP, deploymentGroupName: 'x', revision: revision() }),
      ),
    ),
  ).toBe('DeploymentGroupDoesNotExistException');
  expect(
    await names(cd.send(new CreateDeploymentCommand({ applicationName: APP, deploymentGroupName: GROUP }))),
  ).toBe('RevisionRequiredException');
  expect(await names(deploy(cd, { deploymentConfigName: 'CodeDeployDefault.Nope' }))).toBe(
    'DeploymentConfigDoesNotExistException',
  );
  expect(await names(deploy(cd, { description: 'x'.repeat(5000) }))).toBe('DescriptionTooLongException');
  expect(await names(deploy(cd, { autoRollbackConfiguration: { enabled: true, events: [] } }))).toBe(
    'InvalidAutoRollbackConfigException',
  );
  expect(await names(cd.send(new GetDeploymentCommand({ deploymentId: 'd-AAAAAAAAA' })))).toBe(
    'DeploymentDoesNotExistException',
  );
  expect(await names(cd.send(new GetDeploymentCommand({ deploymentId: 'deploy-1' })))).toBe(
    'InvalidDeploymentIdException',
  );
  expect(await names(cd.send(new StopDeploymentCommand({ deploymentId: 'd-AAAAAAAAA' })))).toBe(
    'DeploymentDoesNotExistException',
  );
  expect(await names(createGroup(cd))).toBe('DeploymentGroupAlreadyExistsException');
  expect(await names(createGroup(cd, {}, 'second'))).toBe('ECSServiceMappingLimitExceededException');
  expect(
    await names(createGroup(cd, { deploymentStyle: { deploymentType: 'IN_PLACE' } }, 'third', 'other')),
  ).toBe('InvalidDeploymentStyleException');
  expect(await names(cd.send(new GetDeploymentConfigCommand({ deploymentConfigName: 'Custom.Nope' })))).toBe(
    'DeploymentConfigDoesNotExistException',
  );
  expect(await names(cd.send(new ListDeploymentsCommand({ deploymentGroupName: GROUP })))).toBe(
    'ApplicationNameRequiredException',
  );
});

test('GetDeploymentConfig knows the five built-in ECS configurations', async () => {
  const { cd } = await setup();
  const cfg = async (n: string) =>
    (await cd.send(new GetDeploymentConfigCommand({ deploymentConfigName: n }))).deploymentConfigInfo!;
  expect(await cfg('CodeDeployDefault.ECSAllAtOnce')).toMatchObject({
    computePlatform: 'ECS',
    trafficRoutingConfig: { type: 'AllAtOnce' },
  });
  expect((await cfg('CodeDeployDefault.ECSLinear10PercentEvery3Minutes')).trafficRoutingConfig).toEqual({
    type: 'TimeBasedLinear',
    timeBasedLinear: { linearPercentage: 10, linearInterval: 3 },
  });
  expect((await cfg('CodeDeployDefault.ECSLinear10PercentEvery1Minutes')).trafficRoutingConfig?.type).toBe(
    'TimeBasedLinear',
  );
  expect((await cfg('CodeDeployDefault.ECSCanary10Percent5Minutes')).trafficRoutingConfig).toEqual({
    type: 'TimeBasedCanary',
    timeBasedCanary: { canaryPercentage: 10, canaryInterval: 5 },
  });
  const c15 = await cfg('CodeDeployDefault.ECSCanary10Percent15Minutes');
  expect(c15.trafficRoutingConfig?.timeBasedCanary?.canaryInterval).toBe(15);
  expect(c15.createTime).toBeInstanceOf(Date);
});

test('ListDeployments filters by status; groups and revisions are listed and read back', async () => {
  const { cd } = await setup();
  await createGroup(cd);
  await createGroup(cd, {}, 'worker-dg', 'worker');
  const a = await deploy(cd);
  await follow(cd, a);
  const b = await deploy(cd, {}, 'worker-dg');
  const succeeded = await cd.send(
    new ListDeploymentsCommand({ applicationName: APP, includeOnlyStatuses: ['Succeeded'] }),
  );
  expect(succeeded.deployments).toEqual([a]);
  const all = await cd.send(new ListDeploymentsCommand({ applicationName: APP }));
  expect(all.deployments).toEqual([b, a]); // newest first
  expect(all.nextToken).toBeUndefined();
  const groups = await cd.send(new ListDeploymentGroupsCommand({ applicationName: APP }));
  expect(groups.deploymentGroups).toEqual([GROUP, 'worker-dg']);

  const rev = revision(appspec({ BeforeInstall: 'prep' }));
  await cd.send(
    new RegisterApplicationRevisionCommand({ applicationName: APP, revision: rev, description: 'v7' }),
  );
  const got = await cd.send(new GetApplicationRevisionCommand({ applicationName: APP, revision: rev }));
  expect(got.revisionInfo?.description).toBe('v7');
  expect(got.revisionInfo?.registerTime).toBeInstanceOf(Date);
  expect(got.revision?.appSpecContent?.content).toBe(rev.appSpecContent.content);
});

test('reset forgets everything; the server stops by itself after maxLifetimeMs', async () => {
  const { cd, emu } = await setup({ maxLifetimeMs: 1500 });
  await createGroup(cd);
  expect(emu.calls.length).toBe(2);
  emu.reset();
  expect(emu.calls).toEqual([]);
  expect((await errorOf(cd.send(new ListDeploymentGroupsCommand({ applicationName: APP })))).name).toBe(
    'ApplicationDoesNotExistException',
  );
  await new Promise((r) => setTimeout(r, 1800));
  const res = await fetch(emu.url, { method: 'POST' }).then(
    () => 'answered',
    () => 'refused',
  );
  expect(res).toBe('refused');
});

test('raw protocol: unknown operation and bad JSON answer AWS JSON errors', async () => {
  const { emu } = await setup();
  const post = (target: string, body: string, region = 'us-east-1') =>
    fetch(emu.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': target,
        authorization: `AWS4-HMAC-SHA256 Credential=AKID/20260101/${region}/codedeploy/aws4_request, SignedHeaders=host, Signature=00`,
      },
      body,
    });
  const unknown = await post('CodeDeploy_20141006.DeleteEverything', '{}');
  expect(unknown.status).toBe(400);
  expect(unknown.headers.get('content-type')).toBe('application/x-amz-json-1.1');
  expect(await unknown.json()).toMatchObject({ __type: 'UnknownOperationException' });
  const bad = await post('CodeDeploy_20141006.GetDeployment', '{not json');
  expect(await bad.json()).toMatchObject({ __type: 'SerializationException' });
  const ok = await post(
    'CodeDeploy_20141006.GetDeploymentConfig',
    '{"deploymentConfigName":"CodeDeployDefault.ECSAllAtOnce"}',
  );
  const body = (await ok.json()) as { deploymentConfigInfo: { createTime: unknown } };
  expect(typeof body.deploymentConfigInfo.createTime).toBe('number'); // epoch seconds on the wire
  const wrongRegion = await post('CodeDeploy_20141006.ListApplications', '{}', 'eu-west-1');
  expect(wrongRegion.status).toBe(400);
  expect(await wrongRegion.json()).toMatchObject({ __type: 'InvalidSignatureException' });
  const unsigned = await fetch(emu.url, {
    method: 'POST',
    headers: { 'x-amz-target': 'CodeDeploy_20141006.ListApplications' },
    body: '{}',
  });
  expect(await unsigned.json()).toMatchObject({ __type: 'MissingAuthenticationTokenException' });
});

test('ListDeployments and ListDeploymentGroups page by 100 with nextToken', async () => {
  const { cd } = await setup({ createdMs: 60_000 });
  const names: string[] = [];
  for (let i = 0; i < 101; i++) {
    const name = `dg-${String(i).padStart(3, '0')}`;
    await createGroup(cd, {}, name, `svc-${i}`);
    await deploy(cd, {}, name);
    names.push(name);
  }
  const page1 = await cd.send(new ListDeploymentsCommand({ applicationName: APP }));
  expect(page1.deployments).toHaveLength(100);
  expect(page1.nextToken).toBeTruthy();
  const page2 = await cd.send(
    new ListDeploymentsCommand({ applicationName: APP, nextToken: page1.nextToken }),
  );
  expect(page2.deployments).toHaveLength(1);
  expect(page2.nextToken).toBeUndefined();
  expect(new Set([...page1.deployments!, ...page2.deployments!]).size).toBe(101);
  const g1 = await cd.send(new ListDeploymentGroupsCommand({ applicationName: APP }));
  const g2 = await cd.send(
    new ListDeploymentGroupsCommand({ applicationName: APP, nextToken: g1.nextToken }),
  );
  expect([...g1.deploymentGroups!, ...g2.deploymentGroups!]).toEqual(names);
  const bad = await errorOf(
    cd.send(new ListDeploymentsCommand({ applicationName: APP, nextToken: 'bogus' })),
  );
  expect(bad.name).toBe('InvalidNextTokenException');
}, 30_000);

test('UpdateDeploymentGroup changes later deployments only; Delete frees the service and the names', async () => {
  const { cd } = await setup();
  await createGroup(cd);
  const before = await deploy(cd);
  await cd.send(
    new UpdateDeploymentGroupCommand({
      applicationName: APP,
      currentDeploymentGroupName: GROUP,
      blueGreenDeploymentConfiguration: {
        terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: 0 },
        deploymentReadyOption: { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: 600 },
      },
    }),
  );
  // the running deployment keeps the definition it started with: no Ready wait
  const first = await follow(cd, before);
  expect(first.statuses).not.toContain('Ready');
  expect(first.info.blueGreenDeploymentConfiguration?.deploymentReadyOption?.actionOnTimeout).toBe(
    'CONTINUE_DEPLOYMENT',
  );
  const after = await deploy(cd);
  await follow(cd, after, (d) => d.status === 'Ready');
  await cd.send(new StopDeploymentCommand({ deploymentId: after, autoRollbackEnabled: false }));
  const group = (
    await cd.send(new GetDeploymentGroupCommand({ applicationName: APP, deploymentGroupName: GROUP }))
  ).deploymentGroupInfo!;
  expect(group.blueGreenDeploymentConfiguration?.deploymentReadyOption).toEqual({
    actionOnTimeout: 'STOP_DEPLOYMENT',
    waitTimeInMinutes: 600,
  });
  expect(group.ecsServices).toEqual([{ clusterName: 'web', serviceName: 'api' }]);
  const bad = await errorOf(
    cd.send(
      new UpdateDeploymentGroupCommand({
        applicationName: APP,
        currentDeploymentGroupName: GROUP,
        deploymentStyle: { deploymentType: 'IN_PLACE', deploymentOption: 'WITHOUT_TRAFFIC_CONTROL' },
      }),
    ),
  );
  expect(bad.name).toBe('InvalidDeploymentStyleException');

  await cd.send(new DeleteDeploymentGroupCommand({ applicationName: APP, deploymentGroupName: GROUP }));
  expect(
    (
      await errorOf(
        cd.send(new GetDeploymentGroupCommand({ applicationName: APP, deploymentGroupName: GROUP })),
      )
    ).name,
  ).toBe('DeploymentGroupDoesNotExistException');
  await createGroup(cd, {}, 'again'); // the service is free again
  await cd.send(new DeleteApplicationCommand({ applicationName: APP }));
  expect((await errorOf(cd.send(new ListDeploymentGroupsCommand({ applicationName: APP })))).name).toBe(
    'ApplicationDoesNotExistException',
  );
});
