/**
 * The HTTP front without moto: protocol, signature scope, the calls log, reset and the lifetime
 * bound, driven by the real @aws-sdk/client-ecs where the SDK can send the request.
 */
import {
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  ECSClient,
  StopServiceDeploymentCommand,
} from '@aws-sdk/client-ecs';
import { startEcsNativeEmulator, type EcsNativeEmulator } from './index.js';

const running: EcsNativeEmulator[] = [];
const clients: ECSClient[] = [];
afterEach(async () => {
  clients.splice(0).forEach((c) => c.destroy());
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

// nothing listens on port 9 of loopback: a forwarded call fails fast
const NO_MOTO = 'http://127.0.0.1:9';

async function setup(region = 'eu-west-1', maxLifetimeMs?: number) {
  const emu = await startEcsNativeEmulator({
    ecsEndpoint: NO_MOTO,
    region: 'eu-west-1',
    stepMs: 20,
    maxLifetimeMs,
  });
  running.push(emu);
  const ecs = new ECSClient({
    region,
    endpoint: emu.url,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  clients.push(ecs);
  return { emu, ecs };
}

const ARN = 'arn:aws:ecs:eu-west-1:123456789012:service-deployment/web/api/AAAAAAAAAAAAAAAAAAAAAA';

it('serves the service-deployment operations itself and records every call', async () => {
  const { emu, ecs } = await setup();
  const out = await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [ARN] }));
  expect(out.serviceDeployments).toEqual([]);
  expect(out.failures).toEqual([{ arn: ARN, reason: 'MISSING' }]);
  await expect(
    ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: ARN })),
  ).rejects.toMatchObject({
    name: 'ServiceDeploymentNotFoundException',
  });
  await expect(
    ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: ARN, hookId: 'ecs-pause-x' })),
  ).rejects.toMatchObject({
    name: 'ServiceDeploymentNotFoundException',
  });
  expect(emu.calls.map((c) => [c.operation, c.forwarded])).toEqual([
    ['DescribeServiceDeployments', false],
    ['StopServiceDeployment', false],
    ['ContinueServiceDeployment', false],
  ]);
  emu.reset();
  expect(emu.calls).toEqual([]);
});

it('requires a SigV4 signature scoped to ecs and to its region', async () => {
  const { emu, ecs } = await setup('us-west-2');
  await expect(
    ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [ARN] })),
  ).rejects.toMatchObject({
    name: 'InvalidSignatureException',
    message: expect.stringContaining("not 'us-west-2'"),
  });
  const post = (headers: Record<string, string>, body = '{}') =>
    fetch(emu.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', ...headers },
      body,
    });
  const target = { 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters' };
  const unsigned = await post(target);
  expect([unsigned.status, ((await unsigned.json()) as { __type: string }).__type]).toEqual([
    400,
    'MissingAuthenticationTokenException',
  ]);
  const otherService = await post({
    ...target,
    authorization:
      'AWS4-HMAC-SHA256 Credential=k/20260101/eu-west-1/codedeploy/aws4_request, SignedHeaders=host, Signature=0',
  });
  expect(((await otherService.json()) as { message: string }).message).toContain(
    "scoped to correct service: 'ecs'",
  );
  const wrongTarget = await post({ 'x-amz-target': 'CodeDeploy_20141006.ListApplications' });
  expect(((await wrongTarget.json()) as { __type: string }).__type).toBe('UnknownOperationException');
  const notJson = await post(target, '[1]');
  expect(((await notJson.json()) as { __type: string }).__type).toBe('SerializationException');
});

it('answers ServerException when moto cannot be reached for a forwarded call', async () => {
  const { emu } = await setup();
  const res = await fetch(emu.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters',
      authorization:
        'AWS4-HMAC-SHA256 Credential=k/20260101/eu-west-1/ecs/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: '{}',
  });
  expect(res.status).toBe(500);
  expect(((await res.json()) as { __type: string }).__type).toBe('ServerException');
  expect(emu.calls[0]).toMatchObject({ operation: 'ListClusters', forwarded: true });
});

it('stops by itself after maxLifetimeMs', async () => {
  const { emu } = await setup('eu-west-1', 100);
  await new Promise((r) => setTimeout(r, 300));
  await expect(fetch(emu.url, { method: 'POST', body: '{}' })).rejects.toThrow();
});
