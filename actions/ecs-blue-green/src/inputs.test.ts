import { Inputs } from '@oaktree/action-kit';
import { readConfig, shortName } from './inputs.js';

function read(inputs: Record<string, string>, env: NodeJS.ProcessEnv = { AWS_REGION: 'us-east-1' }) {
  return readConfig(new Inputs((n) => inputs[n] ?? ''), env);
}
const min = { cluster: 'shop', service: 'web', 'task-definition': 'td.json' };

test('defaults: group names from cluster and service (ARNs shortened), succeeded, rollback, fail, 5 s', () => {
  const c = read({
    ...min,
    cluster: 'arn:aws:ecs:us-east-1:123456789012:cluster/shop',
    service: 'arn:aws:ecs:us-east-1:123456789012:service/shop/web',
  });
  expect(c).toMatchObject({
    command: 'deploy',
    clusterName: 'shop',
    serviceName: 'web',
    application: 'AppECS-shop-web',
    deploymentGroup: 'DgpECS-shop-web',
    waitFor: 'succeeded',
    onCancel: 'rollback',
    ifDeploymentActive: 'fail',
    pollIntervalMs: 5000,
    region: 'us-east-1',
    autoRollbackEvents: undefined,
  });
  expect(shortName('web')).toBe('web');
});

test.each([
  [
    { cluster: 'shop', service: 'web' },
    'one of the inputs "task-definition" or "task-definition-arn" is required',
  ],
  [{ ...min, 'wait-for': 'done' }, 'input "wait-for" is "done": expected one of created, ready, succeeded'],
  [
    { ...min, hooks: 'Install=fn' },
    'input "hooks" names event "Install": expected one of BeforeInstall, AfterInstall, AfterAllowTestTraffic, BeforeAllowTraffic, AfterAllowTraffic',
  ],
  [{ ...min, 'auto-rollback-events': 'ON_FAILURE' }, /^input "auto-rollback-events" has "ON_FAILURE"/],
  [{ ...min, 'smoke-test-status': 'ok' }, /^input "smoke-test-status" is "ok"/],
  [
    { ...min, 'smoke-test-url': 'http://x/', 'wait-for': 'created' },
    /^input "smoke-test-url" needs the action to follow/,
  ],
  [
    { ...min, 'timeout-minutes': '400' },
    'input "timeout-minutes" is "400": expected a whole number from 1 to 360',
  ],
  [{ ...min, command: 'continue' }, /^input "deployment-id" is required/],
  [{ ...min, 'deployment-id': 'd-ABCDEFGHI' }, /^input "deployment-id" is set but command is "deploy"/],
  [
    { cluster: 'shop', service: 'web', command: 'stop', 'deployment-id': 'd-abc' },
    /^input "deployment-id" is "d-abc": expected the deployment to stop: a CodeDeploy id \(d-XXXXXXXXX\) or an ECS service deployment ARN/,
  ],
  [
    {
      cluster: 'shop',
      service: 'web',
      command: 'continue',
      'deployment-id': 'arn:aws:ecs:us-east-1:123456789012:service-deployment/shop/api/AbC123',
    },
    'input "deployment-id" is a service deployment of shop/api, not of shop/web: set cluster and service to that service, or use this service\'s deployment',
  ],
  [
    {
      cluster: 'shop',
      service: 'web',
      command: 'stop',
      'deployment-id': 'arn:aws:ecs:eu-west-1:123456789012:service-deployment/shop/web/AbC123',
    },
    'input "deployment-id" is a service deployment in eu-west-1, but the step works in us-east-1: set region to eu-west-1',
  ],
  [
    { cluster: 'shop', service: 'web', 'task-definition-arn': 'web:1', 'container-images': 'web=x' },
    /^input "container-images" needs "task-definition"/,
  ],
  [
    { ...min, 'container-port': '70000' },
    'input "container-port" is "70000": expected a whole number from 1 to 65535',
  ],
])('%j is rejected naming the input', (inputs, message) => {
  expect(() => read(inputs as Record<string, string>)).toThrow(message);
});

test('no region anywhere names the region input', () => {
  expect(() => read(min, {})).toThrow(/^no AWS region: set the "region" input or AWS_REGION/);
});

test('lists: hooks, images, rollback events, smoke statuses; none disables rollback; continue needs no task definition', () => {
  const c = read({
    ...min,
    hooks: 'afterallowtesttraffic=arn:aws:lambda:us-east-1:1:function:check\nBeforeInstall = prep',
    'container-images': 'web=repo/web:2\nlog=repo/log:1',
    'auto-rollback-events': 'none',
    'smoke-test-url': 'https://test.example.com/health',
    'smoke-test-status': '200,3xx',
    'smoke-test-timeout': '90s',
  });
  expect([...c.hooks]).toEqual([
    ['AfterAllowTestTraffic', 'arn:aws:lambda:us-east-1:1:function:check'],
    ['BeforeInstall', 'prep'],
  ]);
  expect(c.containerImages.get('log')).toBe('repo/log:1');
  expect(c.autoRollbackEvents).toEqual([]);
  expect(c.smokeTest).toEqual({
    url: 'https://test.example.com/health',
    accept: [{ code: 200 }, { klass: 3 }],
    acceptText: '200,3xx',
    timeoutMs: 90_000,
  });
  const cont = read({ cluster: 'shop', service: 'web', command: 'continue', 'deployment-id': 'd-ABCDEFGHI' });
  expect(cont).toMatchObject({
    command: 'continue',
    deploymentId: 'd-ABCDEFGHI',
    taskDefinitionFile: undefined,
  });
  const arn = 'arn:aws:ecs:us-east-1:123456789012:service-deployment/shop/web/AbC123_x-9';
  expect(read({ cluster: 'shop', service: 'web', command: 'stop', 'deployment-id': arn }).deploymentId).toBe(
    arn,
  );
});

test('the run marker comes from the runner: repository, run id and attempt, job, and a value drawn per step', () => {
  const env = {
    AWS_REGION: 'us-east-1',
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_RUN_ID: '123',
    GITHUB_RUN_ATTEMPT: '3',
    GITHUB_JOB: 'deploy',
  };
  const c = readConfig(new Inputs((n) => (min as Record<string, string>)[n] ?? ''), env, 'cafe0123');
  expect(c.runMarker).toBe('[oaktree acme/shop run 123.3 job deploy step cafe0123]');
  // drawn afresh for every step execution: two matrix legs of one job never share it
  const a = read(min, env).runMarker;
  const b = read(min, env).runMarker;
  expect(a).toMatch(/^\[oaktree acme\/shop run 123\.3 job deploy step [0-9a-f]{8}\]$/);
  expect(a).not.toBe(b);
});
