import {
  CopyDBSnapshotCommand,
  DescribeDBInstancesCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBSnapshotsCommand,
  ListTagsForResourceCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { copySnapshot, describeDatabases, getSnapshot, listManualSnapshots } from './rds.js';

const mock = mockClient(RDSClient);
const client = new RDSClient({
  region: 'us-west-2',
  credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
});
beforeEach(() => mock.reset());

test('listing follows markers and asks for tags only where the answer has no TagList', async () => {
  mock
    .on(DescribeDBSnapshotsCommand, { SnapshotType: 'manual', MaxRecords: 100, Marker: undefined })
    .resolves({
      DBSnapshots: [
        {
          DBSnapshotIdentifier: 'a',
          DBSnapshotArn: 'arn:a',
          Status: 'available',
          TagList: [{ Key: 'k', Value: 'v' }],
        },
      ],
      Marker: 'm1',
    })
    .on(DescribeDBSnapshotsCommand, { SnapshotType: 'manual', MaxRecords: 100, Marker: 'm1' })
    .resolves({ DBSnapshots: [{ DBSnapshotIdentifier: 'b', DBSnapshotArn: 'arn:b', Status: 'creating' }] })
    .on(ListTagsForResourceCommand, { ResourceName: 'arn:b' })
    .resolves({ TagList: [{ Key: 'oaktree:managed-by', Value: 'rds-snapshot' }] });
  const list = await listManualSnapshots(client, 'instance');
  expect(list.map((s) => [s.id, s.status, s.tags])).toEqual([
    ['a', 'available', { k: 'v' }],
    ['b', 'creating', { 'oaktree:managed-by': 'rds-snapshot' }],
  ]);
  expect(mock.commandCalls(ListTagsForResourceCommand)).toHaveLength(1);
});

test('databases are described with one filtered call per 100 names', async () => {
  mock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [] });
  const ids = Array.from({ length: 150 }, (_, i) => `db${i}`);
  await describeDatabases(client, 'instance', ids);
  const calls = mock
    .commandCalls(DescribeDBInstancesCommand)
    .map((c) => c.args[0].input.Filters?.[0]?.Values?.length);
  expect(calls).toEqual([100, 50]);
});

test('a copy names the source by ARN (so the SDK presigns) and asks for the tags', async () => {
  mock.on(CopyDBSnapshotCommand).resolves({ DBSnapshot: { DBSnapshotIdentifier: 't', Status: 'pending' } });
  const arn = 'arn:aws:rds:us-east-1:123456789012:snapshot:s1';
  const snap = await copySnapshot(client, 'instance', arn, 't', 'alias/dr');
  expect(snap.status).toBe('pending');
  const input = mock.commandCalls(CopyDBSnapshotCommand)[0]!.args[0].input;
  expect(input).toMatchObject({
    SourceDBSnapshotIdentifier: arn,
    TargetDBSnapshotIdentifier: 't',
    KmsKeyId: 'alias/dr',
    CopyTags: true,
  });
});

test('getSnapshot throws the not-found error for a missing snapshot, also when the answer is empty', async () => {
  const e = new Error('not found');
  e.name = 'DBSnapshotNotFoundFault';
  mock.on(DescribeDBSnapshotsCommand).rejects(e);
  await expect(getSnapshot(client, 'instance', 'nope')).rejects.toBe(e);
  mock.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [] });
  await expect(getSnapshot(client, 'instance', 'nope')).rejects.toMatchObject({
    name: 'DBSnapshotNotFoundFault',
    message: 'DB snapshot nope not found',
  });
  mock.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [] });
  await expect(getSnapshot(client, 'cluster', 'nope')).rejects.toMatchObject({
    name: 'DBClusterSnapshotNotFoundFault',
  });
});

test('through the real SDK stack, a cross-region copy from an ARN carries a presigned URL for the source region', async () => {
  mock.restore();
  const real = new RDSClient({
    region: 'us-west-2',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 's' },
  });
  let body = '';
  real.middlewareStack.add(
    (() => async (args: { request: { body: string } }) => {
      body = args.request.body;
      throw new Error('stop before the network');
    }) as never,
    { step: 'finalizeRequest', name: 'capture' },
  );
  await expect(
    copySnapshot(real, 'instance', 'arn:aws:rds:us-east-1:123456789012:snapshot:s1', 't', 'alias/dr'),
  ).rejects.toThrow('stop before the network');
  const params = new URLSearchParams(body);
  expect(params.get('Action')).toBe('CopyDBSnapshot');
  const presigned = new URL(params.get('PreSignedUrl')!);
  expect(presigned.hostname).toBe('rds.us-east-1.amazonaws.com');
  expect(presigned.searchParams.get('DestinationRegion')).toBe('us-west-2');
  expect(presigned.searchParams.get('KmsKeyId')).toBe('alias/dr');
  expect(presigned.searchParams.get('X-Amz-Credential')).toMatch(/\/us-east-1\/rds\/aws4_request$/);
  mock.reset();
});
