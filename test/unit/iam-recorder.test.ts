/**
 * The harness's recording proxy: it replaces each loopback AWS endpoint of a step's environment,
 * records what the action asked for, and is otherwise invisible (answers and resets pass through).
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { startIamRecorder } from '../harness/iam-recorder.js';

let backend: Server;
let backendUrl: string;

beforeAll(async () => {
  backend = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (body.includes('Action=DeleteDBSnapshot')) return void req.socket.destroy(); // a reset
      res.writeHead(400, { 'content-type': 'text/xml' });
      res.end(`<ErrorResponse><Error><Code>DBSnapshotNotFound</Code></Error></ErrorResponse>`);
    });
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => backend.close(() => r())));

const signed = (region: string, service: string) => ({
  'content-type': 'application/x-www-form-urlencoded',
  authorization: `AWS4-HMAC-SHA256 Credential=AKIA0000/20261126/${region}/${service}/aws4_request, SignedHeaders=host, Signature=00`,
});

function actionWithPolicy(policy: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'oaktree-iam-'));
  writeFileSync(join(dir, 'iam-policy.json'), JSON.stringify(policy));
  return dir;
}

test('an action without iam-policy.json is not recorded', async () => {
  const env = { AWS_ENDPOINT_URL: backendUrl };
  expect(await startIamRecorder(mkdtempSync(join(tmpdir(), 'oaktree-iam-')), env)).toBeUndefined();
  expect(env.AWS_ENDPOINT_URL).toBe(backendUrl);
});

test('calls are recorded with their parameters, answers and resets pass through, then checked', async () => {
  const dir = actionWithPolicy({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'rds:DescribeDBSnapshots', Resource: '*' }],
  });
  const env: Record<string, string> = {
    AWS_ENDPOINT_URL: backendUrl,
    AWS_ENDPOINT_URL_RDS: `${backendUrl}/`,
    AWS_ENDPOINT_URL_S3: 'https://s3.example.com',
  };
  const recorder = (await startIamRecorder(dir, env))!;
  expect(env.AWS_ENDPOINT_URL).not.toBe(backendUrl);
  expect(env.AWS_ENDPOINT_URL_RDS).toBe(env.AWS_ENDPOINT_URL); // one recorder per backend
  expect(env.AWS_ENDPOINT_URL_S3).toBe('https://s3.example.com'); // not loopback: left alone

  const answer = await fetch(env.AWS_ENDPOINT_URL!, {
    method: 'POST',
    headers: signed('us-east-1', 'rds'),
    body: 'Action=DescribeDBSnapshots&DBSnapshotIdentifier=oaktree-x&Version=2014-10-31',
  });
  expect(answer.status).toBe(400);
  expect(await answer.text()).toContain('DBSnapshotNotFound');
  await expect(
    fetch(env.AWS_ENDPOINT_URL!, {
      method: 'POST',
      headers: signed('us-west-2', 'rds'),
      body: 'Action=DeleteDBSnapshot&DBSnapshotIdentifier=hand-made&Version=2014-10-31',
    }),
  ).rejects.toThrow('fetch failed');
  expect(
    recorder.calls.map((c) => [c.service, c.operation, c.region, c.params.DBSnapshotIdentifier]),
  ).toEqual([
    ['rds', 'DescribeDBSnapshots', 'us-east-1', 'oaktree-x'],
    ['rds', 'DeleteDBSnapshot', 'us-west-2', 'hand-made'],
  ]);
  // the failed and the reset call are checked too: AWS authorises before it validates
  await expect(recorder.check({ action: dir, declared: [], env, workspace: dir })).rejects.toThrow(
    /IAM: the run made calls its documented policy does not allow:\n {2}rds:DeleteDBSnapshot in us-west-2: rds:DeleteDBSnapshot on arn:aws:rds:us-west-2:123456789012:snapshot:hand-made is not allowed by .*iam-policy\.json: add a statement such as \{"Effect":"Allow","Action":"rds:DeleteDBSnapshot","Resource":"arn:aws:rds:us-west-2:123456789012:snapshot:hand-made"\}$/,
  );
});
