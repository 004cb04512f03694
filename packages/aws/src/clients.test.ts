import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateDBSnapshotCommand, RDSClient } from '@aws-sdk/client-rds';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { ConfigurationError } from '@oaktree/action-kit';
import { callInfo, createClient, resolveRegion, singleAttempt } from './clients.js';
import { explainAwsError } from './explain.js';
import { SUITE_VERSION } from './version.js';

describe('resolveRegion', () => {
  test('input first, then AWS_REGION, then AWS_DEFAULT_REGION', () => {
    expect(resolveRegion('eu-west-1', { AWS_REGION: 'us-east-1' })).toBe('eu-west-1');
    expect(resolveRegion(undefined, { AWS_REGION: 'us-east-2', AWS_DEFAULT_REGION: 'us-west-2' })).toBe(
      'us-east-2',
    );
    expect(resolveRegion('', { AWS_DEFAULT_REGION: 'us-west-2' })).toBe('us-west-2');
    expect(resolveRegion('us-gov-west-1', {})).toBe('us-gov-west-1');
  });
  test('missing or malformed regions are configuration errors naming the input', () => {
    expect(() => resolveRegion(undefined, {}, 'dr-region')).toThrow(
      new ConfigurationError(
        'no AWS region: set the "dr-region" input or AWS_REGION (aws-actions/configure-aws-credentials sets it)',
      ),
    );
    expect(() => resolveRegion('Frankfurt', {})).toThrow(
      'input "region" is "Frankfurt": expected an AWS region such as us-east-1',
    );
  });
});

describe('createClient against a loopback endpoint', () => {
  let server: Server;
  let url: string;
  const seen: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  let reply: { status: number; body: string; type: string } = { status: 200, body: '', type: 'text/xml' };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        res.writeHead(reply.status, { 'content-type': reply.type });
        res.end(reply.body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    seen.length = 0;
    process.env.AWS_ACCESS_KEY_ID = 'AKIDTEST';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
  });
  afterEach(() => {
    delete process.env.AWS_ENDPOINT_URL;
    delete process.env.AWS_ENDPOINT_URL_STS;
  });

  test('endpoint from AWS_ENDPOINT_URL_<SERVICE>, region and user agent as configured', async () => {
    process.env.AWS_ENDPOINT_URL_STS = url;
    reply = {
      status: 200,
      type: 'text/xml',
      body: '<GetCallerIdentityResponse><GetCallerIdentityResult><Account>111122223333</Account><Arn>arn:aws:iam::111122223333:user/x</Arn><UserId>X</UserId></GetCallerIdentityResult></GetCallerIdentityResponse>',
    };
    const sts = createClient(STSClient, { region: 'eu-central-1', action: 'rds-snapshot' });
    const out = await sts.send(new GetCallerIdentityCommand({}));
    expect(out.Account).toBe('111122223333');
    expect(await sts.config.region()).toBe('eu-central-1');
    expect(seen).toHaveLength(1);
    const ua = String(seen[0]!.headers['user-agent']) + ' ' + String(seen[0]!.headers['x-amz-user-agent']);
    expect(ua).toContain(`oaktree-actions/${SUITE_VERSION}`);
    expect(ua).toContain('rds-snapshot');
    expect(String(seen[0]!.headers.authorization)).toContain('/eu-central-1/sts/aws4_request');
  });

  test('access denied: the error carries the call, the explainer names the IAM action', async () => {
    process.env.AWS_ENDPOINT_URL = url;
    reply = {
      status: 403,
      type: 'text/xml',
      body: '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:sts::1:assumed-role/ci/x is not authorized to perform: rds:CreateDBSnapshot on resource: arn:aws:rds:us-east-1:1:db:orders because no identity-based policy allows the rds:CreateDBSnapshot action</Message></Error><RequestId>r</RequestId></ErrorResponse>',
    };
    const rds = createClient(RDSClient, { region: 'us-east-1', action: 'rds-snapshot', maxAttempts: 1 });
    const err = await rds
      .send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'orders', DBSnapshotIdentifier: 's' }))
      .catch((e: unknown) => e);
    expect(callInfo(err)).toEqual({ service: 'RDS', operation: 'CreateDBSnapshot', region: 'us-east-1' });
    expect(explainAwsError(err)).toBe(
      "access denied: the role lacks IAM permission rds:CreateDBSnapshot on arn:aws:rds:us-east-1:1:db:orders (region us-east-1); add it to the role's policy (see the action README for the minimal policy)",
    );
  });

  test('access denied without the action in the message: derived from the call', async () => {
    process.env.AWS_ENDPOINT_URL = url;
    reply = {
      status: 403,
      type: 'text/xml',
      body: '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>Access Denied</Message></Error></ErrorResponse>',
    };
    const rds = createClient(RDSClient, { region: 'us-west-2', action: 'dr-drill', maxAttempts: 1 });
    const err = await rds
      .send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'a', DBSnapshotIdentifier: 'b' }))
      .catch((e: unknown) => e);
    expect(explainAwsError(err)).toMatch(
      /^access denied: the role lacks IAM permission rds:CreateDBSnapshot \(region us-west-2\)/,
    );
  });

  test('retries are bounded by maxAttempts', async () => {
    process.env.AWS_ENDPOINT_URL = url;
    reply = {
      status: 503,
      type: 'text/xml',
      body: '<ErrorResponse><Error><Code>ServiceUnavailable</Code><Message>try later</Message></Error></ErrorResponse>',
    };
    const rds = createClient(RDSClient, { region: 'us-east-1', action: 'x', maxAttempts: 2 });
    await expect(
      rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'a', DBSnapshotIdentifier: 'b' })),
    ).rejects.toBeDefined();
    expect(seen).toHaveLength(2);
  });

  test('singleAttempt: that one command is sent once, the next command on the client is retried as before', async () => {
    process.env.AWS_ENDPOINT_URL = url;
    reply = {
      status: 503,
      type: 'text/xml',
      body: '<ErrorResponse><Error><Code>ServiceUnavailable</Code><Message>try later</Message></Error></ErrorResponse>',
    };
    const rds = createClient(RDSClient, { region: 'us-east-1', action: 'x', maxAttempts: 3 });
    const input = { DBInstanceIdentifier: 'a', DBSnapshotIdentifier: 'b' };
    const err = await rds.send(singleAttempt(new CreateDBSnapshotCommand(input))).catch((e: unknown) => e);
    expect((err as Error).name).toBe('ServiceUnavailable');
    expect(callInfo(err)?.operation).toBe('CreateDBSnapshot');
    expect(seen).toHaveLength(1);
    seen.length = 0;
    await expect(rds.send(new CreateDBSnapshotCommand(input))).rejects.toBeDefined();
    expect(seen).toHaveLength(3);
  });
});
