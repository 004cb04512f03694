import {
  DescribeDBParameterGroupsCommand,
  DescribeDBSubnetGroupsCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { parity } from './scenarios/shared.js';
import { config } from './testing.js';

const dr = new RDSClient({ region: 'us-west-2' });
const m = mockClient(dr);
const nf = (name: string) => Object.assign(new Error(name), { name });
const src = {
  instanceClass: 'db.r6g.large',
  subnetGroup: 'orders-private',
  securityGroups: ['sg-0123456789abcdef0'],
  parameterGroup: 'orders-pg16',
};

beforeEach(() => m.reset());

test('same region: class, subnet group, security groups and parameter group come from the source', async () => {
  const p = await parity(config(), dr, src);
  expect(p).toEqual({
    DBInstanceClass: 'db.r6g.large',
    DBSubnetGroupName: 'orders-private',
    VpcSecurityGroupIds: ['sg-0123456789abcdef0'],
    DBParameterGroupName: 'orders-pg16',
    notes: [],
  });
  expect(m.calls()).toHaveLength(0); // nothing to look up in the source's own region
});

test('another region: same-named groups are reused when they exist, else the defaults, with a note each', async () => {
  m.on(DescribeDBSubnetGroupsCommand).resolves({ DBSubnetGroups: [{ DBSubnetGroupName: 'orders-private' }] });
  m.on(DescribeDBParameterGroupsCommand).rejects(nf('DBParameterGroupNotFound'));
  const p = await parity(config({ drRegion: 'us-west-2' }), dr, src);
  expect(p.DBSubnetGroupName).toBe('orders-private');
  expect(p.VpcSecurityGroupIds).toBeUndefined();
  expect(p.DBParameterGroupName).toBeUndefined();
  expect(p.notes).toEqual([
    "security groups are regional; the default group of the subnet group's VPC is used in us-west-2 (set vpc-security-group-ids)",
    'parameter group orders-pg16 does not exist in us-west-2; the engine default is used (set db-parameter-group)',
  ]);
});

test('explicit inputs win and must exist in the DR region', async () => {
  m.on(DescribeDBSubnetGroupsCommand).resolves({});
  m.on(DescribeDBParameterGroupsCommand).resolves({});
  const p = await parity(
    config({
      drRegion: 'us-west-2',
      instanceClass: 'db.t4g.medium',
      dbSubnetGroup: 'dr-subnets',
      vpcSecurityGroupIds: ['sg-0fedcba9876543210'],
      dbParameterGroup: 'dr-pg',
    }),
    dr,
    src,
  );
  expect(p).toMatchObject({
    DBInstanceClass: 'db.t4g.medium',
    DBSubnetGroupName: 'dr-subnets',
    VpcSecurityGroupIds: ['sg-0fedcba9876543210'],
    DBParameterGroupName: 'dr-pg',
  });
  m.reset();
  m.on(DescribeDBSubnetGroupsCommand).rejects(nf('DBSubnetGroupNotFoundFault'));
  await expect(parity(config({ drRegion: 'us-west-2', dbSubnetGroup: 'typo' }), dr, src)).rejects.toThrow(
    'input "db-subnet-group" is "typo": no such DB subnet group in us-west-2',
  );
});
