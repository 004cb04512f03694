import { RDSClient, CreateDBInstanceCommand } from '@aws-sdk/client-rds';
import { motoEnv, motoUrl, runAction, useMoto } from '../harness/index.js';
import { nodeMajor } from '../harness/node-runtime.js';

const ACTION = 'test/fixtures/actions/wiring';

useMoto();

test('main then post: inputs in, outputs/state/summary/annotations out, AWS through AWS_ENDPOINT_URL', async () => {
  const rds = new RDSClient({
    region: 'eu-west-1',
    endpoint: motoUrl(),
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
  });
  await rds.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: 'orders',
      Engine: 'postgres',
      DBInstanceClass: 'db.t3.micro',
      AllocatedStorage: 20,
    }),
  );

  const run = await runAction({
    action: ACTION,
    inputs: { message: 'hello oaktree', repeat: 3, region: 'eu-west-1' },
    env: motoEnv(),
  });

  expect(run.main.exitCode).toBe(0);
  // like the runner: the bundle ran on the Node its action.yml declares (node24), whatever runs jest
  expect(nodeMajor(run.node)).toBe(24);
  expect(run.main.log).not.toMatch(/NodeVersionSupport|no longer support|DeprecationWarning/);
  expect(run.outputs.account).toBe('123456789012');
  expect(run.outputs['db-count']).toBe('1');
  expect(run.outputs.echo).toBe('hello oaktree\nhello oaktree\nhello oaktree');
  expect(JSON.parse(run.state.visited!)).toMatchObject({ account: '123456789012' });
  expect(run.summary).toContain('| 123456789012 | 1 |');
  expect(run.main.annotations).toContainEqual(
    expect.objectContaining({
      level: 'warning',
      file: 'README.md',
      line: 1,
      message: 'wiring saw 1 database(s)',
    }),
  );
  // the default token (from ${{ github.token }}) is masked before it is printed
  expect(run.main.masks).toContain('ghs_harnessToken000000000000000000000');
  expect(run.main.log).toContain('token ***');
  expect(run.main.log).toMatch(/explained: RDS DescribeDBInstances failed in eu-west-1: DBInstanceNotFound/);
  expect(run.post?.exitCode).toBe(0);
  expect(run.post?.log).toContain('post: main visited account 123456789012');
});

test('a bad input fails in one line naming the input, and post still runs with nothing to do', async () => {
  const run = await runAction({ action: ACTION, inputs: { message: 'x', repeat: 'lots' }, env: motoEnv() });
  expect(run.main.exitCode).toBe(1);
  const errors = run.main.annotations.filter((a) => a.level === 'error');
  expect(errors).toEqual([
    expect.objectContaining({
      message: 'wiring: input "repeat" is "lots": expected a whole number from 1 to 5',
    }),
  ]);
  expect(run.outputs).toEqual({});
  expect(run.post?.exitCode).toBe(0);
  expect(run.post?.log).toContain('post: nothing saved');
});

test('no region anywhere is a configuration error that names the input', async () => {
  const run = await runAction({
    action: ACTION,
    inputs: { message: 'x' },
    env: { ...motoEnv(), AWS_REGION: undefined },
  });
  expect(run.main.exitCode).toBe(1);
  expect(run.main.annotations[0]?.message).toMatch(
    /^wiring: no AWS region: set the "region" input or AWS_REGION/,
  );
});
