/**
 * The fault-injection proxy itself, through the real SDK clients the actions use: each fault arrives in
 * the shape the SDK parses as the real thing, and a lost reply really was applied by the backend.
 */
import {
  CreateDBSnapshotCommand,
  CreateDBInstanceCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient, ListApplicationsCommand } from '@aws-sdk/client-codedeploy';
import { motoUrl, useMoto } from '../../harness/index.js';
import { startFaultProxy, useFaultProxy, type FaultProxy } from '../../harness/faults.js';
import { startCodeDeployEmulator } from '../../emulators/codedeploy/index.js';
import { startGitHubFake } from '../../emulators/github/server.js';

useMoto();
const proxy = useFaultProxy(() => motoUrl());

const creds = { accessKeyId: 'AKIDFAULTS', secretAccessKey: 'x' };
const rds = (maxAttempts = 1) =>
  new RDSClient({ region: 'us-east-1', endpoint: proxy().url, credentials: creds, maxAttempts });

async function newInstance(id: string) {
  await rds().send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: id,
      DBInstanceClass: 'db.t3.micro',
      Engine: 'postgres',
      MasterUsername: 'admin1',
      MasterUserPassword: 'password123',
      AllocatedStorage: 20,
    }),
  );
}

test('query protocol: throttling, 503 and not-found parse as the real errors; calls are logged', async () => {
  proxy().inject({
    name: 'slow-down',
    service: 'rds',
    operation: 'DescribeDBSnapshots',
    calls: [0],
    fault: { kind: 'throttle' },
  });
  proxy().inject({
    service: 'rds',
    operation: 'DescribeDBSnapshots',
    calls: [1],
    fault: { kind: 'error', status: 503, code: 'ServiceUnavailable' },
  });
  proxy().inject({
    service: 'rds',
    operation: 'DescribeDBSnapshots',
    calls: [2],
    fault: { kind: 'error', status: 404, code: 'DBSnapshotNotFound' },
  });
  const names: string[] = [];
  for (let i = 0; i < 4; i++) {
    try {
      await rds().send(new DescribeDBSnapshotsCommand({}));
      names.push('ok');
    } catch (e) {
      names.push(
        `${(e as Error).name}/${(e as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode}`,
      );
    }
  }
  expect(names).toEqual(['Throttling/400', 'ServiceUnavailable/503', 'DBSnapshotNotFoundFault/404', 'ok']);
  expect(proxy().calls.map((c) => `${c.service}:${c.operation}:${c.status}`)).toEqual([
    'rds:DescribeDBSnapshots:400',
    'rds:DescribeDBSnapshots:503',
    'rds:DescribeDBSnapshots:404',
    'rds:DescribeDBSnapshots:200',
  ]);
  expect(proxy().injected('slow-down')).toHaveLength(1);
  // the faults never reached moto
  expect(
    proxy()
      .calls.slice(0, 3)
      .every((c) => c.backendStatus === undefined),
  ).toBe(true);
});

test('a lost reply: moto applied the create, the SDK saw a 500, its retry meets "already exists"', async () => {
  await newInstance('db1');
  proxy().inject({ service: 'rds', operation: 'CreateDBSnapshot', times: 1, fault: { kind: 'lose-reply' } });
  const err = await rds(3)
    .send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'db1', DBSnapshotIdentifier: 's1' }))
    .catch((e: unknown) => e);
  // the SDK names the modelled exception: code DBSnapshotAlreadyExists -> DBSnapshotAlreadyExistsFault
  expect((err as Error).name).toBe('DBSnapshotAlreadyExistsFault');
  const creates = proxy().calls.filter((c) => c.operation === 'CreateDBSnapshot');
  expect(creates.map((c) => [c.status, c.backendStatus])).toEqual([
    [500, 200],
    [400, 400],
  ]);
  expect(creates[0]!.params.DBSnapshotIdentifier).toBe('s1');
  const { DBSnapshots } = await rds().send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: 's1' }));
  expect(DBSnapshots).toHaveLength(1);
});

test('reset connections and a lost reply as a reset', async () => {
  proxy().inject({ service: 'rds', operation: 'DescribeDBSnapshots', times: 1, fault: { kind: 'reset' } });
  const e = await rds()
    .send(new DescribeDBSnapshotsCommand({}))
    .catch((x: unknown) => x);
  expect(e).toBeInstanceOf(Error);
  expect(String((e as { code?: string }).code ?? (e as Error).message)).toMatch(/ECONNRESET|socket hang up/);
  await newInstance('db2');
  proxy().inject({
    service: 'rds',
    operation: 'CreateDBSnapshot',
    times: 1,
    fault: { kind: 'lose-reply', as: 'reset' },
  });
  await rds(1)
    .send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'db2', DBSnapshotIdentifier: 's2' }))
    .catch(() => undefined);
  const { DBSnapshots } = await rds().send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: 's2' }));
  expect(DBSnapshots?.[0]?.DBSnapshotIdentifier).toBe('s2');
});

test('a time window from the first matching call, and a delay', async () => {
  proxy().inject({
    service: 'rds',
    operation: 'DescribeDBSnapshots',
    window: { forMs: 400 },
    fault: { kind: 'throttle' },
  });
  const first = await rds()
    .send(new DescribeDBSnapshotsCommand({}))
    .catch((e: unknown) => (e as Error).name);
  expect(first).toBe('Throttling');
  await new Promise((r) => setTimeout(r, 500));
  proxy().inject({
    service: 'rds',
    operation: 'DescribeDBSnapshots',
    times: 1,
    fault: { kind: 'delay', ms: 300 },
  });
  const t0 = Date.now();
  await rds().send(new DescribeDBSnapshotsCommand({}));
  expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
});

test('a rate limit answers throttling once the bucket is empty', async () => {
  proxy().inject({ service: 'rds', fault: { kind: 'rate-limit', perSecond: 0.001, burst: 3 } });
  const out = await Promise.all(
    Array.from({ length: 6 }, () =>
      rds()
        .send(new DescribeDBSnapshotsCommand({}))
        .then(
          () => 'ok',
          (e: Error) => e.name,
        ),
    ),
  );
  expect(out.filter((x) => x === 'ok')).toHaveLength(3);
  expect(out.filter((x) => x === 'Throttling')).toHaveLength(3);
});

test('JSON protocol (ECS): ThrottlingException', async () => {
  proxy().inject({ service: 'ecs', operation: 'ListClusters', times: 1, fault: { kind: 'throttle' } });
  const ecs = new ECSClient({
    region: 'us-east-1',
    endpoint: proxy().url,
    credentials: creds,
    maxAttempts: 1,
  });
  const e = await ecs.send(new ListClustersCommand({})).catch((x: unknown) => x);
  expect((e as Error).name).toBe('ThrottlingException');
  await expect(ecs.send(new ListClustersCommand({}))).resolves.toBeDefined();
});

test('RPC v2 CBOR (CloudWatch): ThrottlingException', async () => {
  proxy().inject({ service: 'monitoring', operation: 'GetMetricData', fault: { kind: 'throttle' } });
  const cw = new CloudWatchClient({
    region: 'us-east-1',
    endpoint: proxy().url,
    credentials: creds,
    maxAttempts: 1,
  });
  const e = await cw
    .send(new GetMetricDataCommand({ StartTime: new Date(0), EndTime: new Date(), MetricDataQueries: [] }))
    .catch((x: unknown) => x);
  expect(proxy().calls[0]?.operation).toBe('GetMetricData');
  expect((e as Error).name).toBe('ThrottlingException');
});

test('in front of the CodeDeploy emulator and the GitHub fake', async () => {
  const em = await startCodeDeployEmulator({ maxLifetimeMs: 60_000 });
  const gh = await startGitHubFake({ lifetimeMs: 60_000 });
  let cdProxy: FaultProxy | undefined;
  let ghProxy: FaultProxy | undefined;
  try {
    cdProxy = await startFaultProxy({ target: em.url, maxLifetimeMs: 60_000 });
    cdProxy.inject({
      service: 'codedeploy',
      operation: 'ListApplications',
      times: 1,
      fault: { kind: 'throttle' },
    });
    const cd = new CodeDeployClient({
      region: 'us-east-1',
      endpoint: cdProxy.url,
      credentials: creds,
      maxAttempts: 1,
    });
    await expect(cd.send(new ListApplicationsCommand({}))).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
    await expect(cd.send(new ListApplicationsCommand({}))).resolves.toMatchObject({ applications: [] });

    ghProxy = await startFaultProxy({ target: gh.url, maxLifetimeMs: 60_000 });
    ghProxy.inject({
      service: 'github',
      operation: /^POST \/repos\/.*\/check-runs$/,
      times: 1,
      fault: { kind: 'throttle' },
    });
    const post = () =>
      fetch(`${ghProxy!.url}/repos/o/r/check-runs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer t' },
        body: JSON.stringify({ name: 'guard', head_sha: 'abc' }),
      });
    const r1 = await post();
    expect(r1.status).toBe(403);
    expect(r1.headers.get('retry-after')).toBe('1');
    expect(((await r1.json()) as { message: string }).message).toMatch(/secondary rate limit/);
    const r2 = await post();
    expect(r2.status).toBe(201);
    expect(gh.checkRuns).toHaveLength(1);
  } finally {
    await cdProxy?.stop();
    await ghProxy?.stop();
    await em.stop();
    await gh.close();
  }
});

test('refuses to forward anywhere but loopback', async () => {
  await expect(startFaultProxy({ target: 'http://10.0.0.1:80' })).rejects.toThrow(
    /only forwards to loopback/,
  );
});

test('edit-reply: the backend applies the call, the client sees the edited answer', async () => {
  await newInstance('db3');
  proxy().inject({
    service: 'rds',
    operation: 'CreateDBSnapshot',
    times: 1,
    fault: {
      kind: 'edit-reply',
      edit: (body) => body.replace(/<Status>available<\/Status>/, '<Status>creating</Status>'),
    },
  });
  const out = await rds().send(
    new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'db3', DBSnapshotIdentifier: 's3' }),
  );
  expect(out.DBSnapshot?.Status).toBe('creating');
  const { DBSnapshots } = await rds().send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: 's3' }));
  expect(DBSnapshots?.[0]?.Status).toBe('available');
  expect(proxy().injected()).toHaveLength(1);
});
