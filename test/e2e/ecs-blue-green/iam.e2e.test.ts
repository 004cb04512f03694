/**
 * The documented policy (iam-policy.json), tried for real on the ECS side as a second check beside the
 * simulator the harness runs on every e2e call: moto enforces IAM once
 * INITIAL_NO_AUTH_ACTION_COUNT requests have passed. moto 5.2.1 evaluates actions but not Resource ARNs
 * or Condition keys of identity policies, so the ECS and IAM statements are used with Resource "*" and
 * their Condition dropped (actionsOnly).
 * CodeDeploy is our emulator, which does not check IAM. moto answers a denied JSON-protocol call with an
 * XML error body, which the SDK cannot parse, so the error name (AccessDeniedException) is lost; the
 * failing call is still named, and the explainer's wording for real access-denied errors is unit-tested
 * in packages/aws.
 */
import { runAction, startMoto, type MotoServer } from '../../harness/index.js';
import { actionsOnly, readPolicy, type Statement } from '../../iam/policy.js';
import { startCodeDeployEmulator, type CodeDeployEmulator } from '../../emulators/codedeploy/index.js';
import {
  CLUSTER,
  REGION,
  SERVICE,
  revisions,
  seedWorld,
  taskDefinitionInput,
  workspaceWith,
  type World,
} from '../../fixtures/ecs-blue-green/world.js';
import { ACTION, callsOf } from './helpers.js';

interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
}

let moto: MotoServer;
let emulator: CodeDeployEmulator;
let world: World;
const keys: Record<'admin' | 'minimal' | 'noRegister', Keys> = {} as never;

/** An IAM Query call made while moto still lets requests through unauthenticated. */
async function iam(params: Record<string, string>): Promise<string> {
  const res = await fetch(`${moto.url}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `AWS4-HMAC-SHA256 Credential=bootstrap/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=00`,
    },
    body: new URLSearchParams({ ...params, Version: '2010-05-08' }).toString(),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`moto IAM ${params.Action}: ${res.status} ${text.slice(0, 300)}`);
  return text;
}

async function user(name: string, policy: object): Promise<Keys> {
  await iam({ Action: 'CreateUser', UserName: name });
  const key = await iam({ Action: 'CreateAccessKey', UserName: name });
  await iam({
    Action: 'PutUserPolicy',
    UserName: name,
    PolicyName: 'p',
    PolicyDocument: JSON.stringify(policy),
  });
  return {
    accessKeyId: /<AccessKeyId>([^<]+)</.exec(key)![1]!,
    secretAccessKey: /<SecretAccessKey>([^<]+)</.exec(key)![1]!,
  };
}

/** The documented policy's ECS and IAM statements, as moto can enforce them. */
function ecsStatements(): Statement[] {
  return actionsOnly(readPolicy(ACTION)).Statement.filter((s) =>
    [s.Action].flat().some((a) => /^(ecs|iam):/.test(a)),
  );
}

beforeAll(async () => {
  // 3 users x 3 IAM calls + 2 EC2 look-ups in seedWorld pass unauthenticated; everything after is checked
  moto = await startMoto({ maxSeconds: 600, env: { INITIAL_NO_AUTH_ACTION_COUNT: '11' } });
  emulator = await startCodeDeployEmulator({ stepMs: 100, maxLifetimeMs: 5 * 60_000 });
  const statements = ecsStatements();
  keys.admin = await user('admin', {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
  });
  keys.minimal = await user('deployer', { Version: '2012-10-17', Statement: statements });
  keys.noRegister = await user('deployer-no-register', {
    Version: '2012-10-17',
    Statement: statements
      .map((s) => ({ ...s, Action: [s.Action].flat().filter((a) => a !== 'ecs:RegisterTaskDefinition') }))
      .filter((s) => s.Action.length > 0),
  });
  world = await seedWorld({ motoUrl: moto.url, emulatorUrl: emulator.url, credentials: keys.admin });
}, 60_000);

afterAll(async () => {
  await emulator?.stop();
  await moto?.stop();
});

const run = (k: Keys) =>
  runAction({
    action: ACTION,
    inputs: { cluster: CLUSTER, service: SERVICE, 'task-definition': 'td.json', 'poll-interval-seconds': 1 },
    workspace: workspaceWith({ 'td.json': taskDefinitionInput('public.ecr.aws/nginx/nginx:1.28') }),
    env: {
      AWS_ENDPOINT_URL: moto.url,
      AWS_ENDPOINT_URL_CODEDEPLOY: emulator.url,
      AWS_ACCESS_KEY_ID: k.accessKeyId,
      AWS_SECRET_ACCESS_KEY: k.secretAccessKey,
      AWS_REGION: REGION,
    },
  });

test('moto enforces IAM here: keys of no user are refused', async () => {
  const r = await run({ accessKeyId: 'AKIAOAKTREEUNKNOWN00', secretAccessKey: 'x' });
  expect(r.main.exitCode).toBe(1);
  expect(r.main.annotations.find((a) => a.level === 'error')?.message).toMatch(
    /^ecs-blue-green: ECS DescribeServices failed in us-east-1: /,
  );
  expect(callsOf(emulator, 'CreateDeployment')).toHaveLength(0);
}, 60_000);

test('a policy without ecs:RegisterTaskDefinition is refused at exactly that call, after validation, nothing deployed', async () => {
  const r = await run(keys.noRegister);
  expect(r.main.exitCode).toBe(1);
  expect(r.main.annotations.find((a) => a.level === 'error')?.message).toMatch(
    /^ecs-blue-green: ECS RegisterTaskDefinition failed in us-east-1: /,
  );
  expect(callsOf(emulator, 'CreateDeployment')).toHaveLength(0);
}, 60_000);

test('the documented policy is enough for the ECS side of a deployment', async () => {
  const r = await run(keys.minimal);
  expect(r.main.exitCode).toBe(0);
  expect(r.outputs.status).toBe('Succeeded');
  expect(await revisions(world.ecs)).toHaveLength(2);
}, 60_000);
