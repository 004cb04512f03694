import { Inputs } from '@oaktree/action-kit';
import { startGitHubFake, type GitHubFake } from '../../../test/emulators/github/server.js';
import { startFaultProxy, type FaultProxy } from '../../../test/harness/faults.js';
import { GitHubDeployment, finalState } from './environment.js';
import { readConfig } from './inputs.js';

const ENV = {
  GITHUB_WORKSPACE: '/tmp',
  GITHUB_REPOSITORY: 'o/r',
  GITHUB_SHA: 'abc123',
  GITHUB_RUN_ID: '9',
  GITHUB_API_URL: 'https://ghe.example.com/api/v3',
  GITHUB_SERVER_URL: 'https://ghe.example.com',
};

function cfg(inputs: Record<string, string>, env: NodeJS.ProcessEnv = ENV) {
  const all: Record<string, string> = {
    cluster: 'shop',
    service: 'web',
    'task-definition-arn': 'web:2',
    region: 'eu-west-1',
    'github-token': 'ghs_x',
    ...inputs,
  };
  return readConfig(new Inputs((n) => all[n] ?? ''), env, 'step1');
}

test('environment: the GitHub deployment target from the runner, checked in one line', () => {
  expect(cfg({ environment: 'production', 'environment-url': 'https://shop.example.com' }).github).toEqual({
    environment: 'production',
    environmentUrl: 'https://shop.example.com',
    token: 'ghs_x',
    apiUrl: 'https://ghe.example.com/api/v3',
    repository: 'o/r',
    ref: 'abc123',
    logUrl: 'https://ghe.example.com/o/r/actions/runs/9',
  });
  expect(cfg({}).github).toBeUndefined();
  expect(() => cfg({ 'environment-url': 'https://x' })).toThrow(
    /^input "environment-url" is set without "environment"/,
  );
  expect(() => cfg({ environment: 'production', 'github-token': '' })).toThrow(
    /^input "environment" needs "github-token"/,
  );
  expect(() => cfg({ environment: 'p', 'environment-url': 'ftp://x' })).toThrow(/environment-url/);
  expect(() =>
    cfg({ environment: 'p', command: 'stop', 'task-definition-arn': '', 'deployment-id': 'd-AAAAAAAAA' }),
  ).toThrow(/^input "environment" records a deploy, but command is "stop"/);
  expect(() => cfg({ environment: 'p' }, { GITHUB_WORKSPACE: '/tmp' })).toThrow(
    /needs GITHUB_REPOSITORY and GITHUB_SHA/,
  );
});

test('the final GitHub state follows the outcome', () => {
  expect(finalState('succeeded')).toBe('success');
  expect(finalState('failed')).toBe('failure');
  expect(finalState('aws-error')).toBe('failure');
  for (const o of ['cancelled', 'timed-out', 'stopped']) expect(finalState(o)).toBe('inactive');
  for (const o of ['created', 'ready', 'invalid']) expect(finalState(o)).toBeUndefined();
});

describe('GitHubDeployment against the GitHub fake', () => {
  let fake: GitHubFake;
  let proxy: FaultProxy;
  beforeEach(async () => {
    fake = await startGitHubFake({ lifetimeMs: 60_000 });
    proxy = await startFaultProxy({ target: fake.url, maxLifetimeMs: 60_000 });
  });
  afterEach(async () => {
    await proxy.stop();
    await fake.close();
  });
  const target = (lines: string[], marker = '[oaktree o/r run 9.1 job deploy step 1a2b3c4d]') => ({
    apiUrl: proxy.url,
    token: 't',
    repository: 'o/r',
    ref: 'abc123',
    environment: 'production',
    marker,
    info: (l: string) => lines.push(l),
    warn: (l: string) => lines.push(`warning: ${l}`),
  });

  test('lost replies on the deployment and on each status: one deployment, one status each, found by marker', async () => {
    for (const [name, operation] of [
      ['deployment', /^POST \/repos\/o\/r\/deployments$/],
      ['status', /^POST \/repos\/o\/r\/deployments\/\d+\/statuses$/],
    ] as const)
      proxy.inject({ name, service: 'github', operation, calls: [0, 1], fault: { kind: 'lose-reply' } });
    // another step's deployment of the same commit and environment is not ours
    const lines: string[] = [];
    const other = new GitHubDeployment({
      ...target([], '[oaktree o/r run 9.1 job deploy step ffffffff]'),
      apiUrl: fake.url,
    });
    await other.start('web:1', { taskDefinition: 'web:1' });
    const d = new GitHubDeployment(target(lines));
    await d.start('web:2', { taskDefinition: 'web:2' });
    await d.finish('success', 'deployed');
    expect(proxy.injected('deployment')).toHaveLength(1);
    expect(proxy.injected('status')).toHaveLength(2);
    expect(fake.deployments).toHaveLength(2);
    const ours = fake.deployments[1]!;
    expect(ours.payload).toEqual({
      taskDefinition: 'web:2',
      oaktreeRun: '[oaktree o/r run 9.1 job deploy step 1a2b3c4d]',
    });
    expect(ours.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(lines.filter((l) => l.includes('the reply was lost'))).toHaveLength(3);
    expect(lines.filter((l) => l.startsWith('warning:'))).toEqual([]);
  });

  test('a 502 that was not applied: looked for, not found, sent again', async () => {
    proxy.inject({
      name: 'bad',
      service: 'github',
      operation: /^POST \/repos\/o\/r\/deployments$/,
      times: 1,
      fault: { kind: 'error', status: 502, code: 'BadGateway' },
    });
    const lines: string[] = [];
    await new GitHubDeployment(target(lines)).start('web:2', { taskDefinition: 'web:2' });
    expect(fake.deployments).toHaveLength(1);
    const ops = proxy.calls.map((c) => c.operation.replace(/\d+/g, 'N'));
    expect(ops.slice(0, 3)).toEqual([
      'POST /repos/o/r/deployments',
      'GET /repos/o/r/deployments',
      'POST /repos/o/r/deployments',
    ]);
    expect(
      lines.some((l) => /answered 502; looking for the deployment to production it may have made/.test(l)),
    ).toBe(true);
  });
});
