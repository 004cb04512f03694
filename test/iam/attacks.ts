/**
 * What a compromised workflow holding an action's role would try, per action, next to what the action
 * itself must still be able to do. Each entry is an API call as it would be sent (mapped to its
 * authorisation requests by operations.ts) or, where no call of ours expresses it, a raw request.
 * AWS refuses a call when any one of its authorisation requests is refused.
 */
import { authRequests, type AuthRequest, type Known, type RecordedCall } from './operations.js';
import { ACCOUNT, evaluate, readPolicy, substitute, type Policy, type Values } from './policy.js';

export interface Case {
  name: string;
  call?: Omit<RecordedCall, 'json' | 'params'> & Partial<Pick<RecordedCall, 'json' | 'params'>>;
  request?: AuthRequest;
}

export interface ActionCases {
  action: string;
  values: Values;
  known: Known;
  /** Must be allowed: the action's own work (so the denials below are not a policy that denies all). */
  allowed: Case[];
  /** Must be denied. */
  attacks: Case[];
}

const A = ACCOUNT;
const tags = (t: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(t).flatMap(([k, v], i) => [
      [`Tags.Tag.${i + 1}.Key`, k],
      [`Tags.Tag.${i + 1}.Value`, v],
    ]),
  );
const rdsCall = (operation: string, region: string, params: Record<string, string>): Case['call'] => ({
  service: 'rds',
  operation,
  region,
  params,
});

// ---------------- rds-snapshot ----------------
const OURS = { 'oaktree:managed-by': 'rds-snapshot', 'oaktree:prefix': 'oaktree', team: 'orders' };
export const RDS_SNAPSHOT: ActionCases = {
  action: 'actions/rds-snapshot',
  values: { Account: A, Region: 'us-east-1', Prefix: 'oaktree', Database: ['orders'], Cluster: ['ledger'] },
  known: { account: A },
  allowed: [
    {
      name: 'snapshot a named database, tagged as ours',
      call: rdsCall('CreateDBSnapshot', 'us-east-1', {
        DBInstanceIdentifier: 'orders',
        DBSnapshotIdentifier: 'oaktree-orders-20261126-154637-r1-a1',
        ...tags(OURS),
      }),
    },
    {
      name: 'snapshot a named cluster, tagged as ours',
      call: rdsCall('CreateDBClusterSnapshot', 'us-east-1', {
        DBClusterIdentifier: 'ledger',
        DBClusterSnapshotIdentifier: 'oaktree-ledger-20261126-154637-r1-a1',
        ...tags(OURS),
      }),
    },
    {
      name: 'copy our snapshot to the DR region with a key',
      call: rdsCall('CopyDBSnapshot', 'us-west-2', {
        SourceDBSnapshotIdentifier: `arn:aws:rds:us-east-1:${A}:snapshot:oaktree-orders-20261126-154637-r1-a1`,
        TargetDBSnapshotIdentifier: 'oaktree-orders-20261126-154637-r1-a1',
        KmsKeyId: `arn:aws:kms:us-west-2:${A}:key/0f1e2d3c-aaaa-bbbb-cccc-123456789012`,
        CopyTags: 'true',
      }),
    },
    {
      name: 'prune our snapshot in the DR region',
      call: rdsCall('DeleteDBSnapshot', 'us-west-2', {
        DBSnapshotIdentifier: 'oaktree-orders-20261001-000000-r1-a1',
      }),
    },
  ],
  attacks: [
    {
      name: 'tag a hand-made snapshot as ours',
      call: rdsCall('AddTagsToResource', 'us-east-1', {
        ResourceName: `arn:aws:rds:us-east-1:${A}:snapshot:orders-before-migration`,
        ...tags(OURS),
      }),
    },
    {
      name: 'tag the production database as ours',
      call: rdsCall('AddTagsToResource', 'us-east-1', {
        ResourceName: `arn:aws:rds:us-east-1:${A}:db:orders`,
        ...tags(OURS),
      }),
    },
    {
      name: 'delete a snapshot not carrying our prefix',
      call: rdsCall('DeleteDBSnapshot', 'us-east-1', { DBSnapshotIdentifier: 'orders-before-migration' }),
    },
    {
      name: 'delete a cluster snapshot not carrying our prefix',
      call: rdsCall('DeleteDBClusterSnapshot', 'us-east-1', { DBClusterSnapshotIdentifier: 'ledger-manual' }),
    },
    {
      name: 'create a snapshot under another name',
      call: rdsCall('CreateDBSnapshot', 'us-east-1', {
        DBInstanceIdentifier: 'orders',
        DBSnapshotIdentifier: 'orders-before-migration',
        ...tags(OURS),
      }),
    },
    {
      name: 'create a prefixed snapshot without the ownership tag',
      call: rdsCall('CreateDBSnapshot', 'us-east-1', {
        DBInstanceIdentifier: 'orders',
        DBSnapshotIdentifier: 'oaktree-orders-x',
      }),
    },
    {
      name: 'snapshot a database the workflow does not name',
      call: rdsCall('CreateDBSnapshot', 'us-east-1', {
        DBInstanceIdentifier: 'payments',
        DBSnapshotIdentifier: 'oaktree-payments-x',
        ...tags(OURS),
      }),
    },
    {
      name: 'copy a hand-made snapshot into our prefix',
      call: rdsCall('CopyDBSnapshot', 'us-east-1', {
        SourceDBSnapshotIdentifier: 'orders-before-migration',
        TargetDBSnapshotIdentifier: 'oaktree-stolen',
      }),
    },
    {
      name: 'make our snapshot public',
      call: rdsCall('ModifyDBSnapshotAttribute', 'us-east-1', {
        DBSnapshotIdentifier: 'oaktree-orders-20261126-154637-r1-a1',
        AttributeName: 'restore',
        'ValuesToAdd.AttributeValue.1': 'all',
      }),
    },
    {
      name: 'turn off deletion protection on the database',
      call: rdsCall('ModifyDBInstance', 'us-east-1', {
        DBInstanceIdentifier: 'orders',
        DeletionProtection: 'false',
      }),
    },
    {
      name: 'delete the database',
      call: rdsCall('DeleteDBInstance', 'us-east-1', { DBInstanceIdentifier: 'orders' }),
    },
    {
      name: 'use a KMS key directly (a grant not made by RDS)',
      call: {
        service: 'kms',
        operation: 'CreateGrant',
        region: 'us-west-2',
        json: { KeyId: `arn:aws:kms:us-west-2:${A}:key/0f1e2d3c-aaaa-bbbb-cccc-123456789012` },
      },
    },
  ],
};

// ---------------- dr-drill ----------------
const DRILL = {
  'dr-drill-id': 'drill-20261126154637-7100000001',
  'dr-drill-expires': '2026-11-26T19:46:37.000Z',
  repository: 'oaktree-demo/shop',
  run: 'https://github.com/oaktree-demo/shop/actions/runs/7100000001',
};
const DRILL_DB = 'drill-20261126154637-7100000001-restore';
export const DR_DRILL: ActionCases = {
  action: 'actions/dr-drill',
  values: {
    Account: A,
    SourceRegion: 'us-east-1',
    DrRegion: 'us-west-2',
    Source: 'orders-db',
    GlobalCluster: 'ledger-global',
    DrCluster: 'ledger-dr',
  },
  known: { account: A },
  allowed: [
    {
      name: 'restore replicated backups into a tagged drill instance',
      call: rdsCall('RestoreDBInstanceToPointInTime', 'us-west-2', {
        SourceDBInstanceAutomatedBackupsArn: `arn:aws:rds:us-west-2:${A}:auto-backup:ab-orders`,
        TargetDBInstanceIdentifier: DRILL_DB,
        DBSubnetGroupName: 'dr-subnets',
        UseLatestRestorableTime: 'true',
        ...tags(DRILL),
      }),
    },
    {
      name: 'restore a snapshot copy into a tagged drill instance',
      call: rdsCall('RestoreDBInstanceFromDBSnapshot', 'us-west-2', {
        DBInstanceIdentifier: DRILL_DB,
        DBSnapshotIdentifier: 'oaktree-orders-20261126-154637-r1-a1',
        DBParameterGroupName: 'orders-pg',
        ...tags(DRILL),
      }),
    },
    {
      name: 'create a cross-region replica of the source with the replica key',
      call: rdsCall('CreateDBInstanceReadReplica', 'us-west-2', {
        DBInstanceIdentifier: 'drill-20261126154637-7100000001-replica',
        SourceDBInstanceIdentifier: `arn:aws:rds:us-east-1:${A}:db:orders-db`,
        KmsKeyId: `arn:aws:kms:us-west-2:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
        PreSignedUrl: 'https://rds.us-east-1.amazonaws.com/?Action=CreateDBInstanceReadReplica',
        ...tags(DRILL),
      }),
    },
    {
      name: 'promote the drill replica',
      call: rdsCall('PromoteReadReplica', 'us-west-2', {
        DBInstanceIdentifier: 'drill-20261126154637-7100000001-replica',
      }),
    },
    {
      name: 'turn off deletion protection on and delete a drill instance',
      call: rdsCall('DeleteDBInstance', 'us-west-2', { DBInstanceIdentifier: DRILL_DB }),
    },
    {
      name: 'fail over the named cluster',
      call: rdsCall('FailoverDBCluster', 'us-east-1', { DBClusterIdentifier: 'orders-db' }),
    },
    {
      name: 'switch the named global cluster over to its DR member',
      call: rdsCall('SwitchoverGlobalCluster', 'us-east-1', {
        GlobalClusterIdentifier: 'ledger-global',
        TargetDbClusterIdentifier: `arn:aws:rds:us-west-2:${A}:cluster:ledger-dr`,
      }),
    },
  ],
  attacks: [
    {
      name: 'tag the production database as a drill resource',
      call: rdsCall('AddTagsToResource', 'us-east-1', {
        ResourceName: `arn:aws:rds:us-east-1:${A}:db:orders-db`,
        ...tags(DRILL),
      }),
    },
    {
      name: 'tag a production cluster as a drill resource',
      call: rdsCall('AddTagsToResource', 'us-west-2', {
        ResourceName: `arn:aws:rds:us-west-2:${A}:cluster:ledger-dr`,
        ...tags(DRILL),
      }),
    },
    {
      name: 'tag a snapshot as a drill resource',
      call: rdsCall('AddTagsToResource', 'us-west-2', {
        ResourceName: `arn:aws:rds:us-west-2:${A}:snapshot:oaktree-orders-20261126-154637-r1-a1`,
        ...tags(DRILL),
      }),
    },
    {
      name: 'turn off deletion protection on the production database',
      call: rdsCall('ModifyDBInstance', 'us-east-1', {
        DBInstanceIdentifier: 'orders-db',
        DeletionProtection: 'false',
      }),
    },
    {
      name: 'delete the production database',
      call: rdsCall('DeleteDBInstance', 'us-east-1', { DBInstanceIdentifier: 'orders-db' }),
    },
    {
      name: 'delete a production cluster in the DR region',
      call: rdsCall('DeleteDBCluster', 'us-west-2', { DBClusterIdentifier: 'ledger-dr' }),
    },
    {
      name: 'promote a standing (non-drill) replica',
      call: rdsCall('PromoteReadReplica', 'us-west-2', { DBInstanceIdentifier: 'orders-db-replica' }),
    },
    {
      name: 'create a drill-named instance without the drill tag',
      call: rdsCall('RestoreDBInstanceFromDBSnapshot', 'us-west-2', {
        DBInstanceIdentifier: DRILL_DB,
        DBSnapshotIdentifier: 'oaktree-orders-20261126-154637-r1-a1',
      }),
    },
    {
      name: 'create an instance under another name, tagged as a drill',
      call: rdsCall('RestoreDBInstanceFromDBSnapshot', 'us-west-2', {
        DBInstanceIdentifier: 'orders-db-copy',
        DBSnapshotIdentifier: 'oaktree-orders-20261126-154637-r1-a1',
        ...tags(DRILL),
      }),
    },
    {
      name: "create a drill instance carrying another tool's ownership tag",
      call: rdsCall('RestoreDBInstanceFromDBSnapshot', 'us-west-2', {
        DBInstanceIdentifier: DRILL_DB,
        DBSnapshotIdentifier: 'oaktree-orders-20261126-154637-r1-a1',
        ...tags({ ...DRILL, 'oaktree:managed-by': 'rds-snapshot' }),
      }),
    },
    {
      name: 'replicate a database the drill does not name (presigned source check)',
      call: rdsCall('CreateDBInstanceReadReplica', 'us-west-2', {
        DBInstanceIdentifier: 'drill-20261126154637-7100000001-replica',
        SourceDBInstanceIdentifier: `arn:aws:rds:us-east-1:${A}:db:payments-db`,
        PreSignedUrl: 'https://rds.us-east-1.amazonaws.com/?Action=CreateDBInstanceReadReplica',
        ...tags(DRILL),
      }),
    },
    {
      name: 'fail over a cluster the drill does not name',
      call: rdsCall('FailoverDBCluster', 'us-east-1', { DBClusterIdentifier: 'payments' }),
    },
    {
      name: 'switch over another global cluster',
      call: rdsCall('SwitchoverGlobalCluster', 'us-east-1', {
        GlobalClusterIdentifier: 'payments-global',
        TargetDbClusterIdentifier: `arn:aws:rds:us-west-2:${A}:cluster:payments-dr`,
      }),
    },
    {
      name: 'fail over the global cluster with data loss',
      call: rdsCall('FailoverGlobalCluster', 'us-east-1', {
        GlobalClusterIdentifier: 'ledger-global',
        TargetDbClusterIdentifier: `arn:aws:rds:us-west-2:${A}:cluster:ledger-dr`,
      }),
    },
    {
      name: 'delete a snapshot',
      call: rdsCall('DeleteDBSnapshot', 'us-west-2', {
        DBSnapshotIdentifier: 'oaktree-orders-20261126-154637-r1-a1',
      }),
    },
    {
      name: 'use a KMS key directly (a grant not made by RDS)',
      call: {
        service: 'kms',
        operation: 'CreateGrant',
        region: 'us-west-2',
        json: { KeyId: `arn:aws:kms:us-west-2:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab` },
      },
    },
  ],
};

// ---------------- ecs-blue-green ----------------
const TASK_ROLE = `arn:aws:iam::${A}:role/shop-web-task`;
const EXEC_ROLE = `arn:aws:iam::${A}:role/ecsTaskExecutionRole`;
const ecs = (operation: string, json: Record<string, unknown>): Case['call'] => ({
  service: 'ecs',
  operation,
  region: 'eu-west-1',
  json,
});
const cd = (operation: string, json: Record<string, unknown>): Case['call'] => ({
  service: 'codedeploy',
  operation,
  region: 'eu-west-1',
  json,
});
const GROUP = { applicationName: 'AppECS-shop-web', deploymentGroupName: 'DgpECS-shop-web' };
export const ECS_BLUE_GREEN: ActionCases = {
  action: 'actions/ecs-blue-green',
  values: {
    Account: A,
    Region: 'eu-west-1',
    Cluster: 'shop',
    Service: 'web',
    Application: 'AppECS-shop-web',
    DeploymentGroup: 'DgpECS-shop-web',
    Family: 'web',
    TaskRole: [TASK_ROLE, EXEC_ROLE],
  },
  known: {
    account: A,
    deploymentGroupArn: `arn:aws:codedeploy:eu-west-1:${A}:deploymentgroup:AppECS-shop-web/DgpECS-shop-web`,
  },
  allowed: [
    {
      name: 'register the family with its roles and tags',
      call: ecs('RegisterTaskDefinition', {
        family: 'web',
        taskRoleArn: TASK_ROLE,
        executionRoleArn: EXEC_ROLE,
        tags: [{ key: 'team', value: 'shop' }],
      }),
    },
    { name: 'read the service', call: ecs('DescribeServices', { cluster: 'shop', services: ['web'] }) },
    { name: 'deploy to the group', call: cd('CreateDeployment', GROUP) },
    { name: 'follow the deployment', call: cd('GetDeployment', { deploymentId: 'd-ABCDEF123' }) },
    { name: 'roll the deployment back', call: cd('StopDeployment', { deploymentId: 'd-ABCDEF123' }) },
  ],
  attacks: [
    {
      name: 'pass an arbitrary role to the task',
      call: ecs('RegisterTaskDefinition', {
        family: 'web',
        taskRoleArn: `arn:aws:iam::${A}:role/OrganizationAccountAccessRole`,
      }),
    },
    {
      name: 'pass the task role to another service',
      request: {
        action: 'iam:PassRole',
        resource: TASK_ROLE,
        context: { 'iam:PassedToService': 'lambda.amazonaws.com' },
      },
    },
    { name: 'register another family', call: ecs('RegisterTaskDefinition', { family: 'payments' }) },
    {
      name: 'tag a service outside registration',
      call: ecs('TagResource', {
        resourceArn: `arn:aws:ecs:eu-west-1:${A}:service/shop/web`,
        tags: [{ key: 'owner', value: 'attacker' }],
      }),
    },
    {
      name: 'tag an existing task definition outside registration',
      call: ecs('TagResource', {
        resourceArn: `arn:aws:ecs:eu-west-1:${A}:task-definition/web:3`,
        tags: [{ key: 'owner', value: 'attacker' }],
      }),
    },
    {
      name: 'deploy to another deployment group',
      call: cd('CreateDeployment', {
        applicationName: 'AppECS-shop-payments',
        deploymentGroupName: 'DgpECS-shop-payments',
      }),
    },
    // UpdateService of the one service is granted (ECS-native blue/green deploys with it; ECS refuses a
    // task definition change through UpdateService on a CODE_DEPLOY service); any other service is not.
    {
      name: 'update another service of the cluster',
      call: ecs('UpdateService', { cluster: 'shop', service: 'payments', taskDefinition: 'web:1' }),
    },
    {
      name: 'update a service of another cluster',
      call: ecs('UpdateService', { cluster: 'payments', service: 'web', taskDefinition: 'web:1' }),
    },
    {
      name: 'roll back a service deployment of another service',
      call: ecs('StopServiceDeployment', {
        serviceDeploymentArn: 'arn:aws:ecs:us-east-1:123456789012:service-deployment/shop/payments/AAAA',
        stopType: 'ROLLBACK',
      }),
    },
    { name: 'delete the service', call: ecs('DeleteService', { cluster: 'shop', service: 'web' }) },
    {
      name: 'read another cluster’s services',
      call: ecs('DescribeServices', { cluster: 'payments', services: ['api'] }),
    },
  ],
};

export const ALL: ActionCases[] = [RDS_SNAPSHOT, DR_DRILL, ECS_BLUE_GREEN];

export function requestsOf(c: Case, known: Known): AuthRequest[] {
  if (c.request) return [c.request];
  const call = c.call!;
  return authRequests({ params: {}, json: {}, ...call }, known);
}

/** Is the call allowed (every one of its authorisation requests allowed) by the policy? */
export async function isAllowed(policy: Policy, c: Case, known: Known): Promise<boolean> {
  const reqs = requestsOf(c, known);
  if (reqs.length === 0) throw new Error(`${c.name}: maps to no authorisation request`);
  for (const r of reqs) if (!(await evaluate(policy, r, known.account)).allowed) return false;
  return true;
}

/** The documented policy of the cases' action with their values. */
export function documented(cases: ActionCases): Policy {
  return substitute(readPolicy(cases.action), cases.values, `${cases.action}/iam-policy.json`);
}

/** Names of the attacks the policy lets through, and of the action's own calls it refuses. */
export async function audit(cases: ActionCases, policy = documented(cases)) {
  const leaks: string[] = [];
  const refused: string[] = [];
  for (const a of cases.attacks) if (await isAllowed(policy, a, cases.known)) leaks.push(a.name);
  for (const a of cases.allowed) if (!(await isAllowed(policy, a, cases.known))) refused.push(a.name);
  return { leaks, refused };
}
