import {
  DescribeServiceDeploymentsCommand,
  ECSClient,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import { Inputs } from '@oaktree/action-kit';
import { mockClient } from 'aws-sdk-client-mock';
import { attend } from './aftercare.js';
import type { Deps, Report } from './deploy.js';
import { InFlight } from './inflight.js';
import { readConfig } from './inputs.js';
import { controllerOf, nativeTimeoutMinutes, startNative } from './native.js';
import { nativeReasons } from './native-finish.js';
import { StageView, stopNative, testTrafficOn } from './native-follow.js';
import { fakeClock } from './testing.js';

const ecsMock = mockClient(ECSClient);
beforeEach(() => ecsMock.reset());
const ARN = 'arn:aws:ecs:eu-west-1:123456789012:service-deployment/shop/web/NEW';
const OLD = 'arn:aws:ecs:eu-west-1:123456789012:service-deployment/shop/web/OLD';

function cfg(inputs: Record<string, string> = {}) {
  const all: Record<string, string> = {
    cluster: 'shop',
    service: 'web',
    'task-definition-arn': 'web:2',
    region: 'eu-west-1',
    ...inputs,
  };
  return readConfig(new Inputs((n) => all[n] ?? ''), { GITHUB_WORKSPACE: '/tmp' }, 'step1');
}

const nativeService = (strategy = 'BLUE_GREEN'): Service => ({
  serviceName: 'web',
  deploymentController: { type: 'ECS' },
  deploymentConfiguration: { strategy: strategy as never, bakeTimeInMinutes: 5 },
});

test('the controller is detected from the service; rolling and CodeDeploy-only inputs are one-line errors naming the input', () => {
  expect(controllerOf(cfg(), { deploymentController: { type: 'CODE_DEPLOY' } })).toBe('CODE_DEPLOY');
  for (const s of ['BLUE_GREEN', 'LINEAR', 'CANARY'])
    expect(controllerOf(cfg(), nativeService(s))).toBe('ECS');
  expect(() => controllerOf(cfg(), { deploymentController: { type: 'ECS' } })).toThrow(
    /^input "service": service web uses the ECS deployment controller with strategy ROLLING, not CODE_DEPLOY nor ECS blue\/green/,
  );
  expect(() => controllerOf(cfg(), { deploymentController: { type: 'EXTERNAL' } })).toThrow(
    /uses the EXTERNAL deployment controller, not/,
  );
  expect(() => controllerOf(cfg({ hooks: 'AfterInstall=fn' }), nativeService())).toThrow(
    /^input "hooks" applies to CodeDeploy, but service web is deployed by ECS itself \(strategy BLUE_GREEN\): remove it/,
  );
});

test('the default timeout counts the bake times of the strategy', () => {
  expect(nativeTimeoutMinutes(nativeService())).toBe(35);
  expect(
    nativeTimeoutMinutes({
      deploymentConfiguration: {
        strategy: 'LINEAR',
        bakeTimeInMinutes: 5,
        linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 2 },
      },
    }),
  ).toBe(5 + 3 * 2 + 30);
  expect(
    nativeTimeoutMinutes({ deploymentConfiguration: { strategy: 'CANARY', bakeTimeInMinutes: 400 } }),
  ).toBe(360);
});

test('stages become one line per change; a rollback names its stages; the end marks the last stage', () => {
  const v = new StageView();
  expect(v.snapshot({ status: 'PENDING' }).events).toEqual([]);
  v.snapshot({ status: 'IN_PROGRESS', lifecycleStage: 'SCALE_UP' });
  const s = v.snapshot({
    status: 'IN_PROGRESS',
    lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT',
    targetServiceRevision: { requestedProductionTrafficWeight: 40 },
  });
  expect(s.events).toEqual([
    { name: 'SCALE_UP', status: 'Succeeded' },
    { name: 'PRODUCTION_TRAFFIC_SHIFT', status: 'InProgress' },
  ]);
  expect(s.weights).toEqual({ blue: 60, green: 40 });
  const end = v.snapshot({ status: 'ROLLBACK_SUCCESSFUL', lifecycleStage: 'CLEAN_UP' });
  expect(end.events.at(-1)).toEqual({ name: 'rollback CLEAN_UP', status: 'Failed' });
  expect(testTrafficOn({ status: 'IN_PROGRESS', lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT' })).toBe(true);
  expect(testTrafficOn({ status: 'IN_PROGRESS', lifecycleStage: 'TEST_TRAFFIC_SHIFT' })).toBe(false);
});

test('the reasons of a failure: statusReason, rollback reason and alarms', () => {
  expect(
    nativeReasons({
      statusReason: 'hook failed',
      rollback: { reason: 'alarm' },
      alarms: { triggeredAlarmNames: ['a', 'b'] },
    }),
  ).toEqual(['statusReason: hook failed', 'rollback: alarm', 'alarms in ALARM: a, b']);
});

function deps(): { deps: Deps; report: Report; lines: string[] } {
  const clock = fakeClock();
  const lines: string[] = [];
  return {
    lines,
    deps: {
      ecs: new ECSClient({ region: 'eu-west-1' }),
      codedeploy: { send: () => Promise.reject(new Error('no CodeDeploy on the native path')) },
      log: { info: (l) => lines.push(l), notice: (l) => lines.push(l), warning: (l) => lines.push(l) },
      setOutputs: () => undefined,
      inflight: new InFlight(() => undefined),
      now: clock.now,
      sleep: clock.sleep,
      random: () => 0,
    },
    report: {
      command: 'deploy',
      cluster: 'shop',
      service: 'web',
      region: 'eu-west-1',
      events: [],
      timeline: [],
      reasons: [],
      outcome: 'invalid',
    },
  };
}

test('UpdateService: a new current deployment is ours; the same one as before means nothing started; a retried call adopts', async () => {
  const h = deps();
  const svc = { ...nativeService(), currentServiceDeployment: OLD };
  ecsMock.on(UpdateServiceCommand).resolves({ service: { currentServiceDeployment: ARN } });
  expect(await startNative(cfg(), h.deps, h.report, svc, 'web:2', 1e15)).toEqual({
    arn: ARN,
    adopted: false,
  });

  ecsMock.on(UpdateServiceCommand).resolves({ service: { currentServiceDeployment: OLD } });
  expect(await startNative(cfg(), h.deps, h.report, svc, 'web:2', 1e15)).toEqual({
    arn: undefined,
    adopted: false,
  });

  // a transient failure (the first call went through, its reply was lost): the same call again
  ecsMock.reset();
  ecsMock
    .on(UpdateServiceCommand)
    .rejectsOnce(
      Object.assign(new Error('lost'), { name: 'ServerException', $metadata: { httpStatusCode: 500 } }),
    )
    .resolves({ service: { currentServiceDeployment: ARN } });
  expect(await startNative(cfg(), h.deps, h.report, svc, 'web:2', 1e15)).toEqual({ arn: ARN, adopted: true });
  expect(h.lines.some((l) => l.includes('the same call again starts no second deployment'))).toBe(true);
});

test('StopServiceDeployment ROLLBACK; a completed one (ConflictException) counts as done', async () => {
  ecsMock
    .on(StopServiceDeploymentCommand)
    .resolvesOnce({})
    .rejects(Object.assign(new Error('completed'), { name: 'ConflictException' }));
  const lines: string[] = [];
  expect(await stopNative(new ECSClient({ region: 'eu-west-1' }), ARN, (l) => lines.push(l))).toBe('stopped');
  expect(ecsMock.commandCalls(StopServiceDeploymentCommand)[0]!.args[0].input).toEqual({
    serviceDeploymentArn: ARN,
    stopType: 'ROLLBACK',
  });
  expect(await stopNative(new ECSClient({ region: 'eu-west-1' }), ARN, (l) => lines.push(l))).toBe(
    'already-completed',
  );
});

test('post: a service deployment left in flight is rolled back through ECS; one that completed is left alone', async () => {
  const saved = {
    deploymentId: ARN,
    controller: 'ECS' as const,
    onCancel: 'rollback' as const,
    region: 'eu-west-1',
    finished: false,
  };
  ecsMock
    .on(DescribeServiceDeploymentsCommand)
    .resolves({ serviceDeployments: [{ serviceDeploymentArn: ARN, status: 'IN_PROGRESS' }] });
  ecsMock.on(StopServiceDeploymentCommand).resolves({});
  const ecs = new ECSClient({ region: 'eu-west-1' });
  const care = await attend(saved, ecs, () => undefined, { ...fakeClock(), random: () => 0 });
  expect(care.action).toBe('stopped');
  expect(care.lines.at(-1)).toBe(
    `post: deployment ${ARN} rolled back (StopServiceDeployment ROLLBACK) (it was IN_PROGRESS)`,
  );

  ecsMock.reset();
  ecsMock
    .on(DescribeServiceDeploymentsCommand)
    .resolves({ serviceDeployments: [{ serviceDeploymentArn: ARN, status: 'ROLLBACK_SUCCESSFUL' }] });
  const ended = await attend(saved, ecs, () => undefined, { ...fakeClock(), random: () => 0 });
  expect(ended.action).toBe('already-ended');
  expect(ecsMock.commandCalls(StopServiceDeploymentCommand)).toHaveLength(0);
});
