import { jest } from '@jest/globals';
import {
  BatchGetDeploymentTargetsCommand,
  CodeDeployClient,
  ContinueDeploymentCommand,
  GetDeploymentCommand,
  ListDeploymentTargetsCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import { PollCancelledError, PollTimeoutError } from '@oaktree/aws';
import { mockClient } from 'aws-sdk-client-mock';
import { follow } from './follow.js';
import { ProgressTracker } from './progress.js';
import type { SmokeTest } from './inputs.js';
import { fakeClock } from './testing.js';

const cd = mockClient(CodeDeployClient);
const client = new CodeDeployClient({ region: 'us-east-1' });

type Step = {
  status: string;
  events?: Array<[string, string]>;
  weights?: [number, number];
  rollback?: string;
};

/** Script the deployment: each GetDeployment returns the next step (the last repeats). */
function script(steps: Step[]) {
  let i = 0;
  let current = steps[0]!;
  cd.on(GetDeploymentCommand).callsFake(() => {
    current = steps[Math.min(i++, steps.length - 1)]!;
    return {
      deploymentInfo: {
        deploymentId: 'd-AAAAAAAAA',
        status: current.status,
        rollbackInfo: current.rollback ? { rollbackDeploymentId: current.rollback } : undefined,
        errorInformation:
          current.status === 'Failed'
            ? { code: 'HOOK_EXECUTION_FAILURE', message: 'hook failed' }
            : undefined,
      },
    };
  });
  cd.on(ListDeploymentTargetsCommand).callsFake(() => {
    if (current.status === 'Created') {
      const e = new Error('not started');
      e.name = 'DeploymentNotStartedException';
      throw e;
    }
    return { targetIds: ['shop:web'] };
  });
  cd.on(BatchGetDeploymentTargetsCommand).callsFake(() => ({
    deploymentTargets: [
      {
        ecsTarget: {
          lifecycleEvents: (current.events ?? []).map(([n, s]) => ({ lifecycleEventName: n, status: s })),
          taskSetsInfo: current.weights
            ? [
                { taskSetLabel: 'Blue', trafficWeight: current.weights[0] },
                { taskSetLabel: 'Green', trafficWeight: current.weights[1] },
              ]
            : [],
        },
      },
    ],
  }));
}

beforeEach(() => cd.reset());

const base = { deploymentId: 'd-AAAAAAAAA', targetId: 'shop:web', intervalMs: 5000, jitterMs: 0 };

test('follows to Succeeded, skips the target while Created, lists targets once, one line per change', async () => {
  script([
    { status: 'Created' },
    { status: 'Created' },
    { status: 'InProgress', events: [['Install', 'InProgress']] },
    {
      status: 'InProgress',
      events: [
        ['Install', 'Succeeded'],
        ['AllowTraffic', 'InProgress'],
      ],
      weights: [50, 50],
    },
    {
      status: 'Succeeded',
      events: [
        ['Install', 'Succeeded'],
        ['AllowTraffic', 'Succeeded'],
      ],
      weights: [0, 100],
    },
  ]);
  const clock = fakeClock();
  const lines: string[] = [];
  const r = await follow(
    { ...base, until: 'final' },
    { codedeploy: client, log: (l) => lines.push(l), ...clock },
  );
  expect(r.status).toBe('Succeeded');
  expect(cd.commandCalls(GetDeploymentCommand)).toHaveLength(5);
  // target calls are skipped while Created; the id is listed once
  expect(cd.commandCalls(ListDeploymentTargetsCommand)).toHaveLength(1);
  expect(cd.commandCalls(BatchGetDeploymentTargetsCommand)).toHaveLength(3);
  expect(lines.map((l) => l.replace(/^\[[^\]]+\] /, ''))).toEqual([
    'deployment d-AAAAAAAAA: Created',
    'deployment d-AAAAAAAAA: InProgress',
    '  Install: InProgress',
    '  Install: Succeeded in 5s',
    '  AllowTraffic: InProgress',
    '  traffic: BLUE 50% / GREEN 50%',
    'deployment d-AAAAAAAAA: Succeeded',
    '  AllowTraffic: Succeeded in 5s',
    '  traffic: BLUE 0% / GREEN 100%',
  ]);
});

test('DeploymentNotStartedException from the target calls after Created means not yet: listed again next poll', async () => {
  script([
    { status: 'InProgress' },
    { status: 'InProgress', events: [['Install', 'InProgress']] },
    { status: 'Succeeded', events: [['Install', 'Succeeded']] },
  ]);
  // CodeDeploy may say InProgress before its target exists
  const notStarted = new Error('not started');
  notStarted.name = 'DeploymentNotStartedException';
  cd.on(ListDeploymentTargetsCommand)
    .rejectsOnce(notStarted)
    .resolves({ targetIds: ['shop:web'] });
  const lines: string[] = [];
  const r = await follow(
    { ...base, until: 'final' },
    { codedeploy: client, log: (l) => lines.push(l), ...fakeClock() },
  );
  expect(r.status).toBe('Succeeded');
  expect(cd.commandCalls(ListDeploymentTargetsCommand)).toHaveLength(2);
  expect(cd.commandCalls(BatchGetDeploymentTargetsCommand)).toHaveLength(2);
  expect(lines.map((l) => l.replace(/^\[[^\]]+\] /, ''))).toEqual([
    'deployment d-AAAAAAAAA: InProgress',
    '  Install: InProgress',
    'deployment d-AAAAAAAAA: Succeeded',
    '  Install: Succeeded in 5s',
  ]);
});

test('other errors from the target calls end the follow', async () => {
  script([{ status: 'InProgress' }]);
  const denied = new Error('denied');
  denied.name = 'AccessDeniedException';
  cd.on(ListDeploymentTargetsCommand).rejects(denied);
  await expect(
    follow({ ...base, until: 'final' }, { codedeploy: client, log: () => {}, ...fakeClock() }),
  ).rejects.toThrow('denied');
});

const smokeTest: SmokeTest = {
  url: 'http://127.0.0.1:1/health',
  accept: [{ code: 200 }],
  acceptText: '200',
  timeoutMs: 10_000,
};
const readySteps: Step[] = [
  { status: 'InProgress', events: [['AllowTestTraffic', 'InProgress']] },
  { status: 'Ready', events: [['AllowTestTraffic', 'Succeeded']] },
];

test('smoke test passes at Ready: ContinueDeployment(READY_WAIT), then on to Succeeded', async () => {
  script([
    ...readySteps,
    { status: 'Ready', events: [['AllowTestTraffic', 'Succeeded']] },
    { status: 'Succeeded' },
  ]);
  cd.on(ContinueDeploymentCommand).resolves({});
  const probe = jest.fn(async () => ({ ok: true, attempts: 1, durationMs: 5, text: 'smoke test passed' }));
  const r = await follow(
    { ...base, until: 'final', smokeTest },
    { codedeploy: client, log: () => {}, probe, ...fakeClock() },
  );
  expect(probe).toHaveBeenCalledTimes(1);
  expect(cd.commandCalls(ContinueDeploymentCommand)[0]!.args[0].input).toEqual({
    deploymentId: 'd-AAAAAAAAA',
    deploymentWaitType: 'READY_WAIT',
  });
  expect(cd.commandCalls(ContinueDeploymentCommand)).toHaveLength(1);
  expect(r).toMatchObject({ status: 'Succeeded', continued: true, stoppedForSmoke: false });
});

test.each([
  ['DeploymentIsNotInReadyStateException', 'Succeeded'],
  ['DeploymentAlreadyCompletedException', 'Stopped'],
])(
  'Ready left between the read and ContinueDeployment (%s): logged, and the deployment is followed to %s',
  async (error, end) => {
    script([...readySteps, { status: end }]);
    const e = new Error(`${error} from the mock`);
    e.name = error;
    cd.on(ContinueDeploymentCommand).rejects(e);
    const probe = jest.fn(async () => ({ ok: true, attempts: 1, durationMs: 5, text: 'smoke test passed' }));
    const lines: string[] = [];
    const r = await follow(
      { ...base, until: 'final', smokeTest },
      { codedeploy: client, log: (l) => lines.push(l), probe, ...fakeClock() },
    );
    expect(r).toMatchObject({ status: end, continued: false });
    expect(cd.commandCalls(ContinueDeploymentCommand)).toHaveLength(1);
    expect(lines).toContain(
      `ContinueDeployment answered ${error}: d-AAAAAAAAA is no longer waiting in Ready; following it`,
    );
  },
);

test('any other ContinueDeployment error still ends the follow', async () => {
  script([...readySteps, { status: 'Succeeded' }]);
  const e = new Error('denied');
  e.name = 'AccessDeniedException';
  cd.on(ContinueDeploymentCommand).rejects(e);
  const probe = jest.fn(async () => ({ ok: true, attempts: 1, durationMs: 5, text: 'smoke test passed' }));
  await expect(
    follow(
      { ...base, until: 'final', smokeTest },
      { codedeploy: client, log: () => {}, probe, ...fakeClock() },
    ),
  ).rejects.toThrow('denied');
});

test('smoke test fails: StopDeployment with rollback, never continue, follow to Stopped', async () => {
  script([...readySteps, { status: 'Stopped', rollback: 'd-RRRRRRRRR' }]);
  cd.on(StopDeploymentCommand).resolves({ status: 'Pending' });
  const probe = jest.fn(async () => ({
    ok: false,
    attempts: 3,
    durationMs: 5,
    text: 'smoke test failed: 503',
  }));
  const r = await follow(
    { ...base, until: 'final', smokeTest },
    { codedeploy: client, log: () => {}, probe, ...fakeClock() },
  );
  expect(cd.commandCalls(StopDeploymentCommand)[0]!.args[0].input).toEqual({
    deploymentId: 'd-AAAAAAAAA',
    autoRollbackEnabled: true,
  });
  expect(cd.commandCalls(ContinueDeploymentCommand)).toHaveLength(0);
  expect(r).toMatchObject({ status: 'Stopped', stoppedForSmoke: true });
});

test('until ready returns at Ready without continuing', async () => {
  script(readySteps);
  const r = await follow({ ...base, until: 'ready' }, { codedeploy: client, log: () => {}, ...fakeClock() });
  expect(r.status).toBe('Ready');
  expect(cd.commandCalls(ContinueDeploymentCommand)).toHaveLength(0);
});

test('a deadline ends the wait with PollTimeoutError naming what was last seen', async () => {
  script([{ status: 'InProgress', events: [['Install', 'InProgress']] }]);
  const clock = fakeClock();
  const p = follow(
    { ...base, until: 'final', deadline: clock.now() + 60_000 },
    { codedeploy: client, log: () => {}, ...clock },
  );
  await expect(p).rejects.toBeInstanceOf(PollTimeoutError);
  await expect(p).rejects.toThrow(/last seen: InProgress, Install InProgress/);
});

test('an abort signal ends the wait with PollCancelledError', async () => {
  script([{ status: 'InProgress' }]);
  const ac = new AbortController();
  const clock = fakeClock();
  let n = 0;
  const sleep = async (ms: number) => {
    clock.advance(ms);
    if (++n === 2) ac.abort('SIGTERM');
  };
  await expect(
    follow(
      { ...base, until: 'final' },
      { codedeploy: client, log: () => {}, now: clock.now, sleep, signal: ac.signal },
    ),
  ).rejects.toBeInstanceOf(PollCancelledError);
});

test('a slow smoke test does not stop the follow: status lines go on, and a deployment that ends meanwhile aborts the probe', async () => {
  script([
    { status: 'InProgress', events: [['AllowTestTraffic', 'Succeeded']] },
    {
      status: 'InProgress',
      events: [
        ['AllowTestTraffic', 'Succeeded'],
        ['AfterAllowTestTraffic', 'InProgress'],
      ],
    },
    {
      status: 'Stopped',
      events: [
        ['AllowTestTraffic', 'Succeeded'],
        ['AfterAllowTestTraffic', 'Failed'],
      ],
    },
  ]);
  let probeSignal: AbortSignal | undefined;
  // a probe that answers only when it is aborted, like one still waiting on a green side that never comes up
  const probe = jest.fn(
    (_test: SmokeTest, signal?: AbortSignal) =>
      new Promise<{ ok: boolean; attempts: number; durationMs: number; text: string }>((resolve) => {
        probeSignal = signal;
        signal?.addEventListener('abort', () =>
          resolve({ ok: false, attempts: 4, durationMs: 8000, text: 'smoke test aborted' }),
        );
      }),
  );
  const lines: string[] = [];
  const r = await follow(
    { ...base, until: 'final', smokeTest },
    { codedeploy: client, log: (l) => lines.push(l), probe, ...fakeClock() },
  );
  expect(r.status).toBe('Stopped');
  expect(probe).toHaveBeenCalledTimes(1);
  expect(probeSignal?.aborted).toBe(true);
  // the lifecycle change seen while the probe ran was printed
  expect(lines.some((l) => /AfterAllowTestTraffic.*Failed/.test(l))).toBe(true);
  expect(cd.commandCalls(StopDeploymentCommand)).toHaveLength(0);
  expect(cd.commandCalls(ContinueDeploymentCommand)).toHaveLength(0);
});

function transient(name: string, status: number): Error {
  return Object.assign(new Error(`${name} from the mock`), { name, $metadata: { httpStatusCode: status } });
}

test('throttling and 5xx on every read are transient: retried with a line saying so until AWS answers again', async () => {
  const steps: Step[] = [
    { status: 'InProgress', events: [['Install', 'InProgress']] },
    { status: 'Succeeded', events: [['Install', 'Succeeded']] },
  ];
  script(steps);
  // GetDeployment throttled three times in a row (far longer than one call's SDK retries), then a 503
  // from BatchGetDeploymentTargets and a reset from ListDeploymentTargets
  let gets = 0;
  const ok = cd.commandCalls(GetDeploymentCommand).length;
  expect(ok).toBe(0);
  cd.on(GetDeploymentCommand).callsFake(() => {
    gets++;
    if (gets >= 2 && gets <= 4) throw transient('ThrottlingException', 400);
    const st = steps[Math.min(gets === 1 ? 0 : gets - 4, steps.length - 1)]!;
    return { deploymentInfo: { deploymentId: 'd-AAAAAAAAA', status: st.status } };
  });
  cd.on(ListDeploymentTargetsCommand)
    .rejectsOnce(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
    .resolves({ targetIds: ['shop:web'] });
  cd.on(BatchGetDeploymentTargetsCommand)
    .rejectsOnce(transient('ServiceUnavailable', 503))
    .resolves({ deploymentTargets: [{ ecsTarget: { lifecycleEvents: [] } }] });
  const lines: string[] = [];
  const clock = fakeClock();
  const r = await follow(
    { ...base, until: 'final', deadline: clock.now() + 30 * 60_000 },
    { codedeploy: client, log: (l) => lines.push(l), ...clock, random: () => 0 },
  );
  expect(r.status).toBe('Succeeded');
  const retries = lines.filter((l) => /\(transient, not the deployment's state\); retrying in/.test(l));
  expect(retries.map((l) => /to (\w+) \(transient/.exec(l)?.[1]).sort()).toEqual([
    'BatchGetDeploymentTargets',
    'GetDeployment',
    'GetDeployment',
    'GetDeployment',
    'ListDeploymentTargets',
  ]);
  expect(retries.find((l) => l.includes('ECONNRESET'))).toMatch(
    /^deployment d-AAAAAAAAA: AWS answered ECONNRESET to ListDeploymentTargets .*gives up at the timeout, in 30m/,
  );
  expect(lines.some((l) => /AWS answers again after \S+ of transient errors \(5 retries\)/.test(l))).toBe(
    true,
  );
  expect(r.tracker.timeline.map((t) => t.text)).toEqual([
    'AWS answered ECONNRESET to ListDeploymentTargets: transient, retrying until the timeout',
    'AWS answers again after 50s of transient errors (5 retries)',
    'deployment d-AAAAAAAAA: Succeeded',
  ]);
});

test("a terminal error ends the follow at once; the caller's tracker keeps what was seen", async () => {
  script([{ status: 'InProgress', events: [['Install', 'InProgress']] }]);
  let gets = 0;
  cd.on(GetDeploymentCommand).callsFake(() => {
    if (++gets > 1) throw transient('AccessDeniedException', 400);
    return { deploymentInfo: { deploymentId: 'd-AAAAAAAAA', status: 'InProgress' } };
  });
  const clock = fakeClock();
  const tracker = new ProgressTracker('deployment d-AAAAAAAAA', clock.now);
  await expect(
    follow({ ...base, until: 'final', tracker }, { codedeploy: client, log: () => {}, ...clock }),
  ).rejects.toMatchObject({ name: 'AccessDeniedException' });
  expect(gets).toBe(2);
  expect(tracker.timeline.map((t) => t.text.trim())).toEqual([
    'deployment d-AAAAAAAAA: InProgress',
    'Install: InProgress',
  ]);
});

test('smoke test fails and StopDeployment is throttled: retried by the next look, not given up', async () => {
  script([...readySteps, readySteps[1]!, readySteps[1]!, readySteps[1]!, { status: 'Stopped' }]);
  let stops = 0;
  cd.on(StopDeploymentCommand).callsFake(() => {
    if (++stops <= 2) throw transient('ThrottlingException', 400);
    return { status: 'Pending' };
  });
  const probe = jest.fn(async () => ({
    ok: false,
    attempts: 1,
    durationMs: 5,
    text: 'smoke test failed: 503',
  }));
  const lines: string[] = [];
  const r = await follow(
    { ...base, until: 'final', smokeTest },
    { codedeploy: client, log: (l) => lines.push(l), probe, ...fakeClock(), random: () => 0 },
  );
  expect(stops).toBe(3);
  expect(r).toMatchObject({ status: 'Stopped', stoppedForSmoke: true });
  expect(
    lines.filter((l) => /AWS answered ThrottlingException to StopDeployment \(transient/.test(l)),
  ).toHaveLength(2);
});
