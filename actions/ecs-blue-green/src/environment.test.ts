import { Inputs } from '@oaktree/action-kit';
import { finalState } from './environment.js';
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
