/** The emulator's pure pieces: traffic plans on the emulator clock and the appspec checks. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseEcsAppSpec, sha256Hex } from './appspec.js';
import { builtInEcsConfigs, trafficPlan } from './configs.js';

const cfg = (name: string) =>
  builtInEcsConfigs().find((c) => c.deploymentConfigName === name)!.trafficRoutingConfig;

test('canary: 10% for the interval, then all traffic; the event ends one step later', () => {
  const plan = trafficPlan(cfg('CodeDeployDefault.ECSCanary10Percent5Minutes'), 100, 1000);
  expect(plan.durationMs).toBe(5 * 1000 + 100);
  expect(plan.greenWeightAt(0)).toBe(10);
  expect(plan.greenWeightAt(4999)).toBe(10);
  expect(plan.greenWeightAt(5000)).toBe(100);
});

test('linear: 10% more every interval, ten increments', () => {
  const plan = trafficPlan(cfg('CodeDeployDefault.ECSLinear10PercentEvery3Minutes'), 50, 100);
  expect(plan.durationMs).toBe(9 * 300 + 50);
  expect([0, 299, 300, 1500, 2699, 2700, 9999].map((t) => plan.greenWeightAt(t))).toEqual([
    10, 10, 20, 60, 90, 100, 100,
  ]);
  const odd = trafficPlan(
    { type: 'TimeBasedLinear', timeBasedLinear: { linearPercentage: 30, linearInterval: 1 } },
    10,
    10,
  );
  expect([0, 10, 20, 30].map((t) => odd.greenWeightAt(t))).toEqual([30, 60, 90, 100]);
  expect(odd.durationMs).toBe(3 * 10 + 10);
});

test('all at once: one step', () => {
  const plan = trafficPlan(cfg('CodeDeployDefault.ECSAllAtOnce'), 70, 1000);
  expect(plan).toMatchObject({ durationMs: 70 });
  expect(plan.greenWeightAt(0)).toBe(100);
});

test('appspec: reads the ECS service resource and hooks; tolerates a string port', () => {
  const content = JSON.stringify({
    version: 0.0,
    Resources: [
      {
        TargetService: {
          Type: 'AWS::ECS::Service',
          Properties: {
            TaskDefinition: 'arn:td',
            LoadBalancerInfo: { ContainerName: 'web', ContainerPort: '80' },
            PlatformVersion: 'LATEST',
            CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }],
          },
        },
      },
    ],
    Hooks: [{ BeforeInstall: 'prep' }, { AfterAllowTraffic: 'arn:aws:lambda:us-east-1:1:function:after' }],
  });
  expect(parseEcsAppSpec({ content, sha256: sha256Hex(content).toUpperCase() })).toEqual({
    taskDefinition: 'arn:td',
    containerName: 'web',
    containerPort: 80,
    platformVersion: 'LATEST',
    capacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }],
    networkConfiguration: undefined,
    hooks: { BeforeInstall: 'prep', AfterAllowTraffic: 'arn:aws:lambda:us-east-1:1:function:after' },
  });
});

test.each([
  ['a wrong digest', { content: '{}', sha256: 'abc' }, /sha256/],
  ['empty content', { content: '  ' }, /empty/],
  [
    'two resources',
    { content: JSON.stringify({ Resources: [{ A: {} }, { B: {} }] }) },
    /exactly one resource/,
  ],
  [
    'another resource type',
    { content: JSON.stringify({ Resources: [{ A: { Type: 'AWS::Lambda::Function', Properties: {} } }] }) },
    /AWS::ECS::Service/,
  ],
  [
    'a port out of range',
    {
      content: JSON.stringify({
        Resources: [
          {
            A: {
              Type: 'AWS::ECS::Service',
              Properties: {
                TaskDefinition: 't',
                LoadBalancerInfo: { ContainerName: 'c', ContainerPort: 70000 },
              },
            },
          },
        ],
      }),
    },
    /port number/,
  ],
])('appspec with %s is InvalidRevisionException', (_what, appSpecContent, message) => {
  let caught: unknown;
  try {
    parseEcsAppSpec(appSpecContent);
  } catch (err) {
    caught = err;
  }
  expect(caught).toMatchObject({ type: 'InvalidRevisionException', message: expect.stringMatching(message) });
});

test('a started emulator never keeps its process alive', () => {
  const index = fileURLToPath(new URL('./index.ts', import.meta.url));
  const script = [
    `const m = await import(${JSON.stringify(index)});`,
    'const e = await m.startCodeDeployEmulator({ stepMs: 10 });',
    "const r = await fetch(e.url, { method: 'POST', headers: { 'x-amz-target': 'CodeDeploy_20141006.ListApplications' }, body: '{}' });",
    'console.log(r.status, e.url);',
  ].join('\n');
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 20_000,
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  expect(r.error).toBeUndefined();
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/^400 http:\/\/127\.0\.0\.1:\d+/);
  expect(Date.now() - started).toBeLessThan(15_000);
}, 25_000);
