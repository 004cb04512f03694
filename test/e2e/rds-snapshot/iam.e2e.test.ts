// The documented policy (iam-policy.json), enforced by moto as a second check beside the simulator the
// harness runs on every e2e call: with INITIAL_NO_AUTH_ACTION_COUNT set, moto checks every request
// after the first N against the policies of the IAM user whose keys signed it. moto does not evaluate
// Resource ARNs or RDS tag conditions (its statements only match Resource "*", and a condition it
// cannot resolve denies), so the test widens Resource to "*" and drops the conditions (actionsOnly):
// what it proves is that the policy's ACTIONS are enough for a whole run (instances and clusters,
// snapshot, copy with a KMS key, prune), and that a missing one fails in a line naming it.
import { CreateDBClusterCommand, CreateDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { runAction, startMoto, type MotoServer } from '../../harness/index.js';
import { actionsOnly, readPolicy } from '../../iam/policy.js';

const ACTION = 'actions/rds-snapshot';
let moto: MotoServer;

/** Requests served without authentication: the seeding below (3) and two users' IAM set-up (4 each). */
const UNAUTHENTICATED = 3 + 4 + 4;

beforeAll(async () => {
  moto = await startMoto({ maxSeconds: 600, env: { INITIAL_NO_AUTH_ACTION_COUNT: String(UNAUTHENTICATED) } });
}, 60_000);
afterAll(async () => {
  await moto?.stop();
});

/** One IAM query call, unauthenticated (inside the INITIAL_NO_AUTH_ACTION_COUNT budget). */
async function iam(params: Record<string, string>): Promise<string> {
  const res = await fetch(moto.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIASETUP000000000000/20261126/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: new URLSearchParams({ ...params, Version: '2010-05-08' }).toString(),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`IAM ${params.Action} answered ${res.status}: ${text}`);
  return text;
}

async function userWith(
  name: string,
  policy: object,
): Promise<{ AWS_ACCESS_KEY_ID: string; AWS_SECRET_ACCESS_KEY: string }> {
  await iam({ Action: 'CreateUser', UserName: name });
  const created = await iam({
    Action: 'CreatePolicy',
    PolicyName: `${name}-policy`,
    PolicyDocument: JSON.stringify(policy),
  });
  const arn = /<Arn>([^<]+)<\/Arn>/.exec(created)![1]!;
  await iam({ Action: 'AttachUserPolicy', UserName: name, PolicyArn: arn });
  const key = await iam({ Action: 'CreateAccessKey', UserName: name });
  return {
    AWS_ACCESS_KEY_ID: /<AccessKeyId>([^<]+)</.exec(key)![1]!,
    AWS_SECRET_ACCESS_KEY: /<SecretAccessKey>([^<]+)</.exec(key)![1]!,
  };
}

test('the documented policy is enough for a whole run; without rds:DeleteDBSnapshot, pruning fails naming it', async () => {
  const credentials = { accessKeyId: 'AKIASETUP000000000000', secretAccessKey: 'x' };
  const rds = new RDSClient({ region: 'us-east-1', endpoint: moto.url, credentials });
  const kms = new KMSClient({ region: 'us-west-2', endpoint: moto.url, credentials });
  await rds.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: 'orders',
      Engine: 'postgres',
      DBInstanceClass: 'db.t3.micro',
      AllocatedStorage: 20,
      BackupRetentionPeriod: 7,
      StorageEncrypted: true,
    }),
  );
  await rds.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: 'ledger',
      Engine: 'aurora-postgresql',
      MasterUsername: 'ledger_admin',
      MasterUserPassword: 'not-a-real-password-1',
      BackupRetentionPeriod: 1,
    }),
  );
  const key = await kms.send(new CreateKeyCommand({}));
  // that was 3 unauthenticated calls; CreateAlias would be a 4th, so the key is named by its ARN instead
  const policy = actionsOnly(readPolicy(ACTION));
  const full = await userWith('snapshotter', policy);
  const noDelete = {
    ...policy,
    Statement: policy.Statement.map((s) => ({
      ...s,
      Action: [s.Action].flat().filter((a) => a !== 'rds:DeleteDBSnapshot'),
    })),
  };
  const limited = await userWith('no-delete', noDelete);

  const inputs = {
    'db-instance-identifiers': 'orders',
    'db-cluster-identifiers': 'ledger',
    'copy-to-regions': 'us-west-2',
    'copy-kms-keys': `us-west-2=${key.KeyMetadata!.Arn}`,
    region: 'us-east-1',
  };
  const env = (who: Record<string, string>, runId: string) => ({
    AWS_ENDPOINT_URL: moto.url,
    GITHUB_RUN_ID: runId,
    ...who,
  });

  // Proof that enforcement is on: unknown keys are refused.
  const stranger = await runAction({
    action: ACTION,
    inputs,
    env: env({ AWS_ACCESS_KEY_ID: 'AKIANOBODY0000000000', AWS_SECRET_ACCESS_KEY: 'x' }, '1'),
  });
  expect(stranger.main.exitCode).toBe(1);
  expect(stranger.main.annotations.filter((a) => a.level !== 'debug').map((a) => a.message)).toEqual([
    expect.stringMatching(
      /^rds-snapshot: the AWS credentials were rejected \(InvalidClientTokenId on RDS Describe/,
    ),
  ]);
  expect(stranger.main.annotations.filter((a) => a.level === 'debug')).toEqual([]); // not treated as a bug

  const first = await runAction({ action: ACTION, inputs, env: env(full, '11') });
  expect(first.main.annotations.filter((a) => a.level === 'error')).toEqual([]);
  expect(first.main.exitCode).toBe(0);
  expect(JSON.parse(first.outputs['copy-arns']!)).toHaveLength(2);

  const prune = { ...inputs, 'retention-days': 0, 'keep-last': 1 };
  const second = await runAction({ action: ACTION, inputs: prune, env: env(full, '12') });
  expect(second.main.exitCode).toBe(0);
  // run 11's instance and cluster snapshots, in the source region and the copy region
  expect((JSON.parse(second.outputs.pruned!) as string[]).sort()).toEqual([
    expect.stringMatching(
      /^arn:aws:rds:us-east-1:\d{12}:cluster-snapshot:oaktree-ledger-\d{8}-\d{6}-r11-a1$/,
    ),
    expect.stringMatching(/^arn:aws:rds:us-east-1:\d{12}:snapshot:oaktree-orders-\d{8}-\d{6}-r11-a1$/),
    expect.stringMatching(
      /^arn:aws:rds:us-west-2:\d{12}:cluster-snapshot:oaktree-ledger-\d{8}-\d{6}-r11-a1$/,
    ),
    expect.stringMatching(/^arn:aws:rds:us-west-2:\d{12}:snapshot:oaktree-orders-\d{8}-\d{6}-r11-a1$/),
  ]);

  const third = await runAction({ action: ACTION, inputs: prune, env: env(limited, '13') });
  expect(third.main.exitCode).toBe(1);
  expect(third.main.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
    expect.stringMatching(
      /^rds-snapshot: orders: pruning oaktree-orders-\S+ in us-east-1 failed: access denied: the role lacks IAM permission rds:DeleteDBSnapshot .*see the action README for the minimal policy\); orders: pruning oaktree-orders-\S+ in us-west-2 failed: access denied/,
    ),
  ]);
  // the cluster's snapshots were pruned: only instance deletes were taken away
  expect(JSON.parse(third.outputs.pruned!)).toEqual([
    expect.stringMatching(/:us-east-1:\d+:cluster-snapshot:oaktree-ledger-/),
    expect.stringMatching(/:us-west-2:\d+:cluster-snapshot:oaktree-ledger-/),
  ]);
}, 120_000);
