import {
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  ECSClient,
  StopServiceDeploymentCommand,
  type ServiceDeployment,
} from '@aws-sdk/client-ecs';
import { Inputs } from '@oaktree/action-kit';
import { mockClient } from 'aws-sdk-client-mock';
import type { Deps, Report } from './deploy.js';
import { InFlight, type SavedDeployment } from './inflight.js';
import { readConfig } from './inputs.js';
import { hasPauseHook, nativeTimeoutMinutes } from './native.js';
import { resumeNative } from './native-resume.js';
import { fakeClock } from './testing.js';

const ecsMock = mockClient(ECSClient);
beforeEach(() => ecsMock.reset());
const ARN = 'arn:aws:ecs:eu-west-1:123456789012:service-deployment/shop/web/NEW';
const HOOK = 'ecs-pause-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

const cfg = (inputs: Record<string, string>) => {
  const all: Record<string, string> = {
    cluster: 'shop',
    service: 'web',
    region: 'eu-west-1',
    'deployment-id': ARN,
    'poll-interval-seconds': '1',
    ...inputs,
  };
  return readConfig(new Inputs((n) => all[n] ?? ''), { GITHUB_WORKSPACE: '/tmp' }, 'step1');
};
const paused = (hookStatus = 'AWAITING_ACTION'): ServiceDeployment => ({
  serviceDeploymentArn: ARN,
  status: 'IN_PROGRESS',
  lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
  lifecycleHookDetails: [
    {
      hookId: HOOK,
      targetType: 'PAUSE',
      status: hookStatus as never,
      timeoutAction: 'ROLLBACK',
      expiresAt: new Date('2026-12-02T20:00:00Z'),
    },
  ],
});
const at = (d: ServiceDeployment) => ({ serviceDeployments: [d] });
const failure = (name: string, status: number) =>
  Object.assign(new Error(`${name} from the mock`), { name, $metadata: { httpStatusCode: status } });

function harness() {
  const clock = fakeClock();
  const lines: string[] = [];
  const saved: SavedDeployment[] = [];
  const outputs: Record<string, string | undefined> = {};
  const deps: Deps = {
    ecs: new ECSClient({ region: 'eu-west-1' }),
    codedeploy: new ECSClient({ region: 'eu-west-1' }),
    log: { info: (l) => lines.push(l), notice: (l) => lines.push(l), warning: (l) => lines.push(l) },
    setOutputs: (o) => Object.assign(outputs, o),
    inflight: new InFlight((s) => saved.push(s)),
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0,
  };
  const report = {
    command: 'continue',
    events: [],
    timeline: [],
    reasons: [],
    outcome: 'invalid',
  } as unknown as Report;
  return { deps, lines, saved, outputs, report, started: clock.now() };
}

test('continue a paused deployment: ContinueServiceDeployment CONTINUE on the hook, followed to SUCCESSFUL', async () => {
  ecsMock
    .on(DescribeServiceDeploymentsCommand)
    .resolvesOnce(at(paused()))
    .resolvesOnce(at({ ...paused('SUCCEEDED'), lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT' }))
    .resolves(at({ serviceDeploymentArn: ARN, status: 'SUCCESSFUL' }));
  ecsMock.on(ContinueServiceDeploymentCommand).resolves({ serviceDeploymentArn: ARN });
  const h = harness();
  await resumeNative(cfg({ command: 'continue' }), h.deps, h.report, h.started);
  expect(ecsMock.commandCalls(ContinueServiceDeploymentCommand).map((c) => c.args[0].input)).toEqual([
    { serviceDeploymentArn: ARN, hookId: HOOK, action: 'CONTINUE' },
  ]);
  expect(h.report.outcome).toBe('succeeded');
  expect(h.outputs).toMatchObject({ 'deployment-id': ARN, status: 'SUCCESSFUL' });
  expect(h.lines).toContain(
    'continued service deployment NEW from its PAUSE hook (ContinueServiceDeployment CONTINUE)',
  );
  expect(h.saved.at(-1)).toMatchObject({ deploymentId: ARN, controller: 'ECS', finished: true });
});

test('a lost ContinueServiceDeployment reply: the hook is read back, found acted on, never sent twice', async () => {
  ecsMock
    .on(DescribeServiceDeploymentsCommand)
    .resolvesOnce(at(paused()))
    .resolvesOnce(at(paused('SUCCEEDED')))
    .resolves(at({ ...paused('SUCCEEDED'), status: 'IN_PROGRESS' }));
  ecsMock.on(ContinueServiceDeploymentCommand).rejects(failure('InternalFailure', 500));
  const h = harness();
  await resumeNative(cfg({ command: 'continue', 'wait-for': 'created' }), h.deps, h.report, h.started);
  expect(ecsMock.commandCalls(ContinueServiceDeploymentCommand)).toHaveLength(1);
  expect(h.report.outcome).toBe('continued');
  expect(h.lines).toContain(
    'ContinueServiceDeployment NEW: AWS answered InternalFailure (transient); reading the PAUSE hook back before trying again',
  );
});

test('stop a paused deployment: ContinueServiceDeployment ROLLBACK; the completed rollback is the outcome asked for', async () => {
  ecsMock
    .on(DescribeServiceDeploymentsCommand)
    .resolvesOnce(at(paused()))
    .resolvesOnce(at({ ...paused('SUCCEEDED'), status: 'ROLLBACK_IN_PROGRESS' }))
    .resolves(at({ serviceDeploymentArn: ARN, status: 'ROLLBACK_SUCCESSFUL' }));
  ecsMock.on(ContinueServiceDeploymentCommand).resolves({});
  const h = harness();
  await resumeNative(cfg({ command: 'stop' }), h.deps, h.report, h.started);
  expect(ecsMock.commandCalls(ContinueServiceDeploymentCommand)[0]!.args[0].input.action).toBe('ROLLBACK');
  expect(ecsMock.commandCalls(StopServiceDeploymentCommand)).toHaveLength(0);
  expect(h.report).toMatchObject({ outcome: 'stopped', rollbackStatus: 'ROLLBACK_SUCCESSFUL' });
  expect(h.lines).toContain('service deployment NEW stopped as asked: ROLLBACK_SUCCESSFUL');
});

test('stop a deployment that is not paused: StopServiceDeployment ROLLBACK', async () => {
  ecsMock
    .on(DescribeServiceDeploymentsCommand)
    .resolvesOnce(at({ serviceDeploymentArn: ARN, status: 'IN_PROGRESS', lifecycleStage: 'BAKE_TIME' }))
    .resolves(at({ serviceDeploymentArn: ARN, status: 'ROLLBACK_SUCCESSFUL' }));
  ecsMock.on(StopServiceDeploymentCommand).resolves({});
  const h = harness();
  await resumeNative(cfg({ command: 'stop' }), h.deps, h.report, h.started);
  expect(ecsMock.commandCalls(StopServiceDeploymentCommand)[0]!.args[0].input).toEqual({
    serviceDeploymentArn: ARN,
    stopType: 'ROLLBACK',
  });
  expect(h.report.outcome).toBe('stopped');
});

test('continue a deployment that is not paused, or one ECS does not know: one line, nothing sent', async () => {
  ecsMock
    .on(DescribeServiceDeploymentsCommand)
    .resolvesOnce(at({ serviceDeploymentArn: ARN, status: 'IN_PROGRESS', lifecycleStage: 'BAKE_TIME' }))
    .resolvesOnce({ serviceDeployments: [], failures: [{ arn: ARN, reason: 'MISSING' }] });
  let h = harness();
  await expect(resumeNative(cfg({ command: 'continue' }), h.deps, h.report, h.started)).rejects.toThrow(
    /^cannot continue service deployment NEW: it is IN_PROGRESS at BAKE_TIME, not paused at a PAUSE lifecycle hook/,
  );
  h = harness();
  await expect(resumeNative(cfg({ command: 'continue' }), h.deps, h.report, h.started)).rejects.toThrow(
    `input "deployment-id" is ${ARN}: ECS knows no such service deployment; use the deployment-id output of the deploy step`,
  );
  expect(ecsMock.commandCalls(ContinueServiceDeploymentCommand)).toHaveLength(0);
  expect(h.saved).toEqual([]);
});

test('a hook that timed out meanwhile: the refusal says so', async () => {
  ecsMock
    .on(DescribeServiceDeploymentsCommand)
    .resolvesOnce(at(paused()))
    .resolves(at({ ...paused('TIMED_OUT'), status: 'ROLLBACK_IN_PROGRESS' }));
  ecsMock.on(ContinueServiceDeploymentCommand).rejects(failure('InvalidParameterException', 400));
  const h = harness();
  await expect(resumeNative(cfg({ command: 'continue' }), h.deps, h.report, h.started)).rejects.toThrow(
    /^cannot continue service deployment NEW: its PAUSE hook is TIMED_OUT \(InvalidParameterException from the mock\)$/,
  );
});

test('PAUSE hooks: detected on the service, and their wait counts in the default timeout', () => {
  const service = {
    deploymentConfiguration: {
      strategy: 'BLUE_GREEN' as const,
      bakeTimeInMinutes: 5,
      lifecycleHooks: [
        {
          targetType: 'PAUSE' as const,
          lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT' as const],
          timeoutConfiguration: { timeoutInMinutes: 20, action: 'ROLLBACK' as const },
        },
      ],
    },
  };
  expect(hasPauseHook(service)).toBe(true);
  expect(nativeTimeoutMinutes(service)).toBe(5 + 20 + 30);
  expect(hasPauseHook({ deploymentConfiguration: { strategy: 'BLUE_GREEN' } })).toBe(false);
});
