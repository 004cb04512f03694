/**
 * What AWS authorises for each API call: one recorded call (service, operation, region, decoded
 * parameters) becomes one or more authorisation requests (IAM action, resource ARN, request context).
 * AWS authorises a call once per resource it names (the new instance, its source snapshot, its subnet
 * group...), plus the implicit checks a call carries: `rds:AddTagsToResource` for tags on a create,
 * `ecs:TagResource` for tags on RegisterTaskDefinition, `iam:PassRole` for task roles, `kms:CreateGrant`
 * and `kms:DescribeKey` for a key RDS encrypts with, and in the source region a presigned
 * cross-region request that carries no tags.
 *
 * An operation missing from this table fails loudly: add it here (with the resources the Service
 * Authorization Reference lists for it) before an action calls it.
 */

export interface AuthRequest {
  action: string;
  resource: string;
  context: Record<string, string | string[]>;
  /** Why this request exists, when it is not the call's own action on its main resource. */
  why?: string;
}

export interface RecordedCall {
  service: string;
  operation: string;
  region: string;
  /** Query-protocol parameters (RDS, STS, ELBv2, CloudWatch query). */
  params: Record<string, string>;
  /** JSON-protocol body (ECS, CodeDeploy, KMS), parsed; {} otherwise. */
  json: Record<string, unknown>;
}

export interface Known {
  account: string;
  /** CodeDeploy calls that name only a deployment id are authorised on its deployment group. */
  deploymentGroupArn?: string;
}

type Mapper = (call: RecordedCall, k: Known) => AuthRequest[];

export class UnmappedOperationError extends Error {}

// ---------- RDS (query protocol) ----------

type RdsType =
  | 'db'
  | 'cluster'
  | 'snapshot'
  | 'cluster-snapshot'
  | 'subgrp'
  | 'pg'
  | 'cluster-pg'
  | 'og'
  | 'auto-backup'
  | 'cluster-auto-backup';

function rdsArn(type: RdsType, idOrArn: string, region: string, account: string): string {
  if (idOrArn.startsWith('arn:')) return idOrArn;
  return `arn:aws:rds:${region}:${account}:${type}:${idOrArn}`;
}

function globalClusterArn(idOrArn: string, account: string): string {
  return idOrArn.startsWith('arn:') ? idOrArn : `arn:aws:rds::${account}:global-cluster:${idOrArn}`;
}

/** Region of an ARN (undefined for a plain identifier). */
function arnRegion(idOrArn: string | undefined): string | undefined {
  return idOrArn?.startsWith('arn:') ? idOrArn.split(':')[3] : undefined;
}

/** `Tags.Tag.N.Key/Value` (or `Tags.member.N`) of a query request. */
export function queryTags(params: Record<string, string>, list = 'Tags'): Record<string, string> {
  const keys = new Map<string, { k?: string; v?: string }>();
  for (const [name, value] of Object.entries(params)) {
    const m = new RegExp(`^${list}\\.(?:\\w+\\.)?(\\d+)\\.(Key|Value)$`).exec(name);
    if (!m) continue;
    const e = keys.get(m[1]!) ?? {};
    if (m[2] === 'Key') e.k = value;
    else e.v = value;
    keys.set(m[1]!, e);
  }
  const out: Record<string, string> = {};
  for (const { k, v } of keys.values()) if (k !== undefined) out[k] = v ?? '';
  return out;
}

function tagContext(tags: Record<string, string>): Record<string, string | string[]> {
  const keys = Object.keys(tags);
  if (keys.length === 0) return {};
  const ctx: Record<string, string | string[]> = { 'aws:TagKeys': keys };
  for (const [k, v] of Object.entries(tags)) {
    ctx[`aws:RequestTag/${k}`] = v;
    ctx[`rds:req-tag/${k}`] = v;
  }
  return ctx;
}

/**
 * KMS authorises on the key, also when the call names an alias. The recorder cannot resolve an alias,
 * so it stands for "the key behind it": `key/alias/<name>`, which any `key/*` grant covers.
 */
function kmsKeyArn(key: string, region: string, account: string): string {
  if (/^arn:aws:kms:[^:]*:[^:]*:alias\//.test(key)) return key.replace(':alias/', ':key/alias/');
  if (key.startsWith('arn:')) return key;
  if (key.startsWith('alias/')) return `arn:aws:kms:${region}:${account}:key/${key}`;
  return `arn:aws:kms:${region}:${account}:key/${key}`;
}

/** RDS asks KMS on the caller's behalf: CreateGrant and DescribeKey on the key it encrypts with. */
function kmsFor(call: RecordedCall, k: Known, param = 'KmsKeyId'): AuthRequest[] {
  const key = call.params[param];
  if (!key) return [];
  const resource = kmsKeyArn(key, call.region, k.account);
  const via = { 'kms:ViaService': `rds.${call.region}.amazonaws.com` };
  const why = `${call.operation} encrypts with ${param}`;
  return [
    {
      action: 'kms:CreateGrant',
      resource,
      context: { ...via, 'kms:GrantIsForAWSResource': 'true' },
      why,
    },
    { action: 'kms:DescribeKey', resource, context: via, why },
  ];
}

interface RdsSpec {
  /** The resource the call creates or acts on: [type, parameter]. */
  main?: [RdsType, string];
  /** Further resources the call names: [type, parameter] (skipped when the parameter is absent). */
  also?: Array<[RdsType, string]>;
  /** The call creates a resource and may carry Tags: implicit rds:AddTagsToResource on `main`. */
  creates?: boolean;
  /** Parameter naming a source that may live in another region (presigned, tag-less source check). */
  crossRegionSource?: [RdsType, string];
  kms?: boolean;
}

function rds(spec: RdsSpec): Mapper {
  return (call, k) => {
    const p = call.params;
    const action = `rds:${call.operation}`;
    const tags = queryTags(p);
    const ctx = spec.creates ? tagContext(tags) : {};
    const out: AuthRequest[] = [];
    const add = (type: RdsType, param: string, region = call.region) => {
      const v = p[param];
      if (v) out.push({ action, resource: rdsArn(type, v, region, k.account), context: ctx });
    };
    if (spec.main) {
      if (!p[spec.main[1]]) out.push({ action, resource: '*', context: ctx });
      else add(...spec.main);
    }
    for (const [type, param] of spec.also ?? []) add(type, param);
    if (spec.creates && spec.main && p[spec.main[1]] && Object.keys(tags).length > 0)
      out.push({
        action: 'rds:AddTagsToResource',
        resource: rdsArn(spec.main[0], p[spec.main[1]]!, call.region, k.account),
        context: tagContext(tags),
        why: `${call.operation} passes Tags: RDS also authorises rds:AddTagsToResource on the new resource`,
      });
    if (spec.crossRegionSource) {
      const [type, param] = spec.crossRegionSource;
      const src = p[param];
      const srcRegion = arnRegion(src) ?? p.SourceRegion;
      if (src) {
        out.push({ action, resource: rdsArn(type, src, call.region, k.account), context: ctx });
        if (srcRegion && srcRegion !== call.region)
          out.push({
            action,
            resource: rdsArn(type, src, srcRegion, k.account),
            context: {},
            why: `cross-region ${call.operation}: the presigned request in ${srcRegion} carries no tags`,
          });
      }
    }
    if (spec.kms) out.push(...kmsFor(call, k));
    return out;
  };
}

/** A read that names one resource when its identifier parameter is given, else lists ("*"). */
function rdsRead(type?: RdsType, param?: string): Mapper {
  return (call, k) => {
    const v = param ? call.params[param] : undefined;
    const resource = type && v ? rdsArn(type, v, call.region, k.account) : '*';
    return [{ action: `rds:${call.operation}`, resource, context: {} }];
  };
}

/** Calls on a global cluster (`GlobalClusterIdentifier`) and optionally a member cluster. */
function rdsGlobal(memberParam?: string): Mapper {
  return (call, k) => {
    const action = `rds:${call.operation}`;
    const out: AuthRequest[] = [];
    const g = call.params.GlobalClusterIdentifier;
    out.push({ action, resource: g ? globalClusterArn(g, k.account) : '*', context: {} });
    const m = memberParam ? call.params[memberParam] : undefined;
    if (m) out.push({ action, resource: rdsArn('cluster', m, call.region, k.account), context: {} });
    return out;
  };
}

function rdsTagging(call: RecordedCall, k: Known): AuthRequest[] {
  const resource = call.params.ResourceName ?? '*';
  if (call.operation === 'AddTagsToResource')
    return [{ action: 'rds:AddTagsToResource', resource, context: tagContext(queryTags(call.params)) }];
  if (call.operation === 'RemoveTagsFromResource') {
    const keys = Object.entries(call.params)
      .filter(([n]) => /^TagKeys\.(?:\w+\.)?\d+$/.test(n))
      .map(([, v]) => v);
    return [{ action: 'rds:RemoveTagsFromResource', resource, context: { 'aws:TagKeys': keys } }];
  }
  void k;
  return [{ action: 'rds:ListTagsForResource', resource, context: {} }];
}

const RDS: Record<string, Mapper> = {
  // reads
  DescribeDBInstances: rdsRead('db', 'DBInstanceIdentifier'),
  DescribeDBClusters: rdsRead('cluster', 'DBClusterIdentifier'),
  DescribeDBSnapshots: rdsRead('snapshot', 'DBSnapshotIdentifier'),
  DescribeDBClusterSnapshots: rdsRead('cluster-snapshot', 'DBClusterSnapshotIdentifier'),
  DescribeDBInstanceAutomatedBackups: rdsRead(),
  DescribeDBClusterAutomatedBackups: rdsRead(),
  DescribeDBSubnetGroups: rdsRead('subgrp', 'DBSubnetGroupName'),
  DescribeDBParameterGroups: rdsRead('pg', 'DBParameterGroupName'),
  DescribeDBClusterParameterGroups: rdsRead('cluster-pg', 'DBClusterParameterGroupName'),
  DescribeOptionGroups: rdsRead('og', 'OptionGroupName'),
  DescribeGlobalClusters: (call, k) => {
    const g = call.params.GlobalClusterIdentifier;
    return [
      {
        action: 'rds:DescribeGlobalClusters',
        resource: g ? globalClusterArn(g, k.account) : '*',
        context: {},
      },
    ];
  },
  DescribeDBSnapshotAttributes: rdsRead('snapshot', 'DBSnapshotIdentifier'),
  DescribeDBClusterSnapshotAttributes: rdsRead('cluster-snapshot', 'DBClusterSnapshotIdentifier'),
  DescribeDBClusterEndpoints: rdsRead('cluster', 'DBClusterIdentifier'),
  DescribeDBLogFiles: rdsRead('db', 'DBInstanceIdentifier'),
  DescribeEvents: rdsRead(),
  DescribeDBEngineVersions: rdsRead(),
  DescribeOrderableDBInstanceOptions: rdsRead(),
  DescribePendingMaintenanceActions: rdsRead(),
  DescribeAccountAttributes: rdsRead(),
  DescribeSourceRegions: rdsRead(),
  DescribeCertificates: rdsRead(),
  ListTagsForResource: rdsTagging,
  AddTagsToResource: rdsTagging,
  RemoveTagsFromResource: rdsTagging,
  // snapshots and copies
  CreateDBSnapshot: rds({
    main: ['snapshot', 'DBSnapshotIdentifier'],
    also: [['db', 'DBInstanceIdentifier']],
    creates: true,
  }),
  CreateDBClusterSnapshot: rds({
    main: ['cluster-snapshot', 'DBClusterSnapshotIdentifier'],
    also: [['cluster', 'DBClusterIdentifier']],
    creates: true,
  }),
  CopyDBSnapshot: rds({
    main: ['snapshot', 'TargetDBSnapshotIdentifier'],
    crossRegionSource: ['snapshot', 'SourceDBSnapshotIdentifier'],
    creates: true,
    kms: true,
  }),
  CopyDBClusterSnapshot: rds({
    main: ['cluster-snapshot', 'TargetDBClusterSnapshotIdentifier'],
    crossRegionSource: ['cluster-snapshot', 'SourceDBClusterSnapshotIdentifier'],
    creates: true,
    kms: true,
  }),
  DeleteDBSnapshot: rds({ main: ['snapshot', 'DBSnapshotIdentifier'] }),
  ModifyDBSnapshotAttribute: rds({ main: ['snapshot', 'DBSnapshotIdentifier'] }),
  ModifyDBClusterSnapshotAttribute: rds({ main: ['cluster-snapshot', 'DBClusterSnapshotIdentifier'] }),
  DeleteDBClusterSnapshot: rds({ main: ['cluster-snapshot', 'DBClusterSnapshotIdentifier'] }),
  // restores and creates
  RestoreDBInstanceFromDBSnapshot: rds({
    main: ['db', 'DBInstanceIdentifier'],
    also: [
      ['snapshot', 'DBSnapshotIdentifier'],
      ['cluster-snapshot', 'DBClusterSnapshotIdentifier'],
      ['subgrp', 'DBSubnetGroupName'],
      ['pg', 'DBParameterGroupName'],
      ['og', 'OptionGroupName'],
    ],
    creates: true,
  }),
  RestoreDBInstanceToPointInTime: rds({
    main: ['db', 'TargetDBInstanceIdentifier'],
    also: [
      ['db', 'SourceDBInstanceIdentifier'],
      ['auto-backup', 'SourceDBInstanceAutomatedBackupsArn'],
      ['subgrp', 'DBSubnetGroupName'],
      ['pg', 'DBParameterGroupName'],
      ['og', 'OptionGroupName'],
    ],
    creates: true,
    kms: true,
  }),
  RestoreDBClusterToPointInTime: rds({
    main: ['cluster', 'DBClusterIdentifier'],
    also: [
      ['cluster', 'SourceDBClusterIdentifier'],
      ['subgrp', 'DBSubnetGroupName'],
      ['cluster-pg', 'DBClusterParameterGroupName'],
      ['og', 'OptionGroupName'],
    ],
    creates: true,
    kms: true,
  }),
  RestoreDBClusterFromSnapshot: (call, k) => {
    const id = call.params.SnapshotIdentifier ?? '';
    const type: RdsType = /:snapshot:/.test(id) ? 'snapshot' : 'cluster-snapshot';
    return rds({
      main: ['cluster', 'DBClusterIdentifier'],
      also: [
        [type, 'SnapshotIdentifier'],
        ['subgrp', 'DBSubnetGroupName'],
        ['cluster-pg', 'DBClusterParameterGroupName'],
        ['og', 'OptionGroupName'],
      ],
      creates: true,
      kms: true,
    })(call, k);
  },
  CreateDBInstance: rds({
    main: ['db', 'DBInstanceIdentifier'],
    also: [
      ['cluster', 'DBClusterIdentifier'],
      ['subgrp', 'DBSubnetGroupName'],
      ['pg', 'DBParameterGroupName'],
      ['og', 'OptionGroupName'],
    ],
    creates: true,
    kms: true,
  }),
  CreateDBCluster: rds({
    main: ['cluster', 'DBClusterIdentifier'],
    also: [
      ['subgrp', 'DBSubnetGroupName'],
      ['cluster-pg', 'DBClusterParameterGroupName'],
    ],
    creates: true,
    kms: true,
  }),
  CreateDBInstanceReadReplica: rds({
    main: ['db', 'DBInstanceIdentifier'],
    also: [
      ['subgrp', 'DBSubnetGroupName'],
      ['pg', 'DBParameterGroupName'],
      ['og', 'OptionGroupName'],
    ],
    crossRegionSource: ['db', 'SourceDBInstanceIdentifier'],
    creates: true,
    kms: true,
  }),
  StartDBInstanceAutomatedBackupsReplication: rds({ main: ['db', 'SourceDBInstanceArn'], kms: true }),
  StopDBInstanceAutomatedBackupsReplication: rds({ main: ['db', 'SourceDBInstanceArn'] }),
  // changes
  PromoteReadReplica: rds({ main: ['db', 'DBInstanceIdentifier'] }),
  PromoteReadReplicaDBCluster: rds({ main: ['cluster', 'DBClusterIdentifier'] }),
  ModifyDBInstance: rds({
    main: ['db', 'DBInstanceIdentifier'],
    also: [
      ['db', 'NewDBInstanceIdentifier'],
      ['subgrp', 'DBSubnetGroupName'],
      ['pg', 'DBParameterGroupName'],
      ['og', 'OptionGroupName'],
    ],
  }),
  ModifyDBCluster: rds({
    main: ['cluster', 'DBClusterIdentifier'],
    also: [
      ['cluster', 'NewDBClusterIdentifier'],
      ['cluster-pg', 'DBClusterParameterGroupName'],
      ['og', 'OptionGroupName'],
    ],
  }),
  RebootDBInstance: rds({ main: ['db', 'DBInstanceIdentifier'] }),
  RebootDBCluster: rds({ main: ['cluster', 'DBClusterIdentifier'] }),
  StartDBInstance: rds({ main: ['db', 'DBInstanceIdentifier'] }),
  StopDBInstance: rds({ main: ['db', 'DBInstanceIdentifier'] }),
  StartDBCluster: rds({ main: ['cluster', 'DBClusterIdentifier'] }),
  StopDBCluster: rds({ main: ['cluster', 'DBClusterIdentifier'] }),
  DeleteDBInstance: rds({ main: ['db', 'DBInstanceIdentifier'] }),
  DeleteDBCluster: rds({ main: ['cluster', 'DBClusterIdentifier'] }),
  DeleteDBInstanceAutomatedBackup: rds({ main: ['auto-backup', 'DBInstanceAutomatedBackupsArn'] }),
  FailoverDBCluster: rds({
    main: ['cluster', 'DBClusterIdentifier'],
    also: [['db', 'TargetDBInstanceIdentifier']],
  }),
  SwitchoverGlobalCluster: rdsGlobal('TargetDbClusterIdentifier'),
  FailoverGlobalCluster: rdsGlobal('TargetDbClusterIdentifier'),
  RemoveFromGlobalCluster: rdsGlobal('DbClusterIdentifier'),
  SwitchoverReadReplica: rds({ main: ['db', 'DBInstanceIdentifier'] }),
};

// ---------- ECS (JSON protocol) ----------

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function ecsClusterArn(c: string | undefined, region: string, account: string): string {
  const name = c ?? 'default';
  return name.startsWith('arn:') ? name : `arn:aws:ecs:${region}:${account}:cluster/${name}`;
}
const clusterName = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

function ecsServiceArn(s: string, cluster: string, region: string, account: string): string {
  return s.startsWith('arn:') ? s : `arn:aws:ecs:${region}:${account}:service/${clusterName(cluster)}/${s}`;
}

function ecsTags(json: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of (json.tags as Array<{ key?: string; value?: string }> | undefined) ?? [])
    if (t.key) out[t.key] = t.value ?? '';
  return out;
}

function roleArn(role: string, account: string): string {
  return role.startsWith('arn:') ? role : `arn:aws:iam::${account}:role/${role}`;
}

/** Calls on services of one cluster (`cluster` + `service`/`services`). */
function ecsService(): Mapper {
  return (call, k) => {
    const cluster = ecsClusterArn(str(call.json.cluster), call.region, k.account);
    const names = [
      ...((call.json.services as string[] | undefined) ?? []),
      ...(str(call.json.service) ? [str(call.json.service)!] : []),
    ];
    const ctx = { 'ecs:cluster': cluster };
    if (names.length === 0) return [{ action: `ecs:${call.operation}`, resource: '*', context: ctx }];
    return names.map((s) => ({
      action: `ecs:${call.operation}`,
      resource: ecsServiceArn(s, cluster, call.region, k.account),
      context: ctx,
    }));
  };
}

function ecsInCluster(kind: 'task' | 'container-instance'): Mapper {
  return (call, k) => {
    const cluster = ecsClusterArn(str(call.json.cluster), call.region, k.account);
    const ids = (call.json.tasks as string[] | undefined) ?? [];
    const resources = ids.length
      ? ids.map((t) =>
          t.startsWith('arn:')
            ? t
            : `arn:aws:ecs:${call.region}:${k.account}:${kind}/${clusterName(cluster)}/${t}`,
        )
      : [`arn:aws:ecs:${call.region}:${k.account}:${kind}/${clusterName(cluster)}/*`];
    return resources.map((resource) => ({
      action: `ecs:${call.operation}`,
      resource,
      context: { 'ecs:cluster': cluster },
    }));
  };
}

const ecsAny: Mapper = (call) => [{ action: `ecs:${call.operation}`, resource: '*', context: {} }];

const ECS: Record<string, Mapper> = {
  RegisterTaskDefinition: (call, k) => {
    const family = str(call.json.family) ?? '';
    const resource = `arn:aws:ecs:${call.region}:${k.account}:task-definition/${family}:*`;
    const tags = ecsTags(call.json);
    const tagCtx: Record<string, string | string[]> = {};
    if (Object.keys(tags).length) {
      tagCtx['aws:TagKeys'] = Object.keys(tags);
      for (const [key, v] of Object.entries(tags)) tagCtx[`aws:RequestTag/${key}`] = v;
    }
    const out: AuthRequest[] = [{ action: 'ecs:RegisterTaskDefinition', resource, context: tagCtx }];
    if (Object.keys(tags).length)
      out.push({
        action: 'ecs:TagResource',
        resource,
        context: { ...tagCtx, 'ecs:CreateAction': 'RegisterTaskDefinition' },
        why: 'RegisterTaskDefinition passes tags: ECS also authorises ecs:TagResource',
      });
    for (const field of ['taskRoleArn', 'executionRoleArn']) {
      const role = str(call.json[field]);
      if (role)
        out.push({
          action: 'iam:PassRole',
          resource: roleArn(role, k.account),
          context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
          why: `RegisterTaskDefinition ${field}`,
        });
    }
    return out;
  },
  DescribeTaskDefinition: ecsAny,
  DeregisterTaskDefinition: ecsAny,
  ListTaskDefinitions: ecsAny,
  DescribeClusters: (call, k) =>
    ((call.json.clusters as string[] | undefined) ?? ['default']).map((c) => ({
      action: 'ecs:DescribeClusters',
      resource: ecsClusterArn(c, call.region, k.account),
      context: {},
    })),
  DescribeServices: ecsService(),
  UpdateService: ecsService(),
  CreateService: ecsService(),
  DeleteService: ecsService(),
  ListServices: (call, k) => [
    {
      action: 'ecs:ListServices',
      resource: '*',
      context: { 'ecs:cluster': ecsClusterArn(str(call.json.cluster), call.region, k.account) },
    },
  ],
  ListTasks: (call, k) => [
    {
      action: 'ecs:ListTasks',
      resource: `arn:aws:ecs:${call.region}:${k.account}:container-instance/${clusterName(ecsClusterArn(str(call.json.cluster), call.region, k.account))}/*`,
      context: { 'ecs:cluster': ecsClusterArn(str(call.json.cluster), call.region, k.account) },
    },
  ],
  DescribeTasks: ecsInCluster('task'),
  // RunTask is authorised on the task definition, with the cluster as a condition key.
  RunTask: (call, k) => {
    const cluster = ecsClusterArn(str(call.json.cluster), call.region, k.account);
    const td = str(call.json.taskDefinition) ?? '';
    const resource = td.startsWith('arn:')
      ? td
      : `arn:aws:ecs:${call.region}:${k.account}:task-definition/${td}`;
    return [{ action: 'ecs:RunTask', resource, context: { 'ecs:cluster': cluster } }];
  },
  StopTask: ecsInCluster('task'),
  ListServiceDeployments: ecsService(),
  // Both are authorised on the service deployment's ARN (service-deployment/<cluster>/<service>/<id>).
  DescribeServiceDeployments: (call) =>
    ((call.json.serviceDeploymentArns as string[] | undefined) ?? ['*']).map((arn) => ({
      action: 'ecs:DescribeServiceDeployments',
      resource: arn,
      context: {},
    })),
  StopServiceDeployment: (call) => [
    {
      action: 'ecs:StopServiceDeployment',
      resource: str(call.json.serviceDeploymentArn) ?? '*',
      context: {},
    },
  ],
  ContinueServiceDeployment: (call) => [
    {
      action: 'ecs:ContinueServiceDeployment',
      resource: str(call.json.serviceDeploymentArn) ?? '*',
      context: {},
    },
  ],
  DescribeServiceRevisions: ecsAny,
  DescribeTaskSets: ecsService(),
  TagResource: (call) => {
    const tags = ecsTags(call.json);
    return [
      {
        action: 'ecs:TagResource',
        resource: str(call.json.resourceArn) ?? '*',
        context: { 'aws:TagKeys': Object.keys(tags) },
      },
    ];
  },
  ListTagsForResource: (call) => [
    { action: 'ecs:ListTagsForResource', resource: str(call.json.resourceArn) ?? '*', context: {} },
  ],
};

// ---------- CodeDeploy (JSON protocol) ----------

function groupArn(call: RecordedCall, k: Known): string {
  const app = str(call.json.applicationName);
  const group = str(call.json.deploymentGroupName);
  if (app && group) return `arn:aws:codedeploy:${call.region}:${k.account}:deploymentgroup:${app}/${group}`;
  if (k.deploymentGroupArn) return k.deploymentGroupArn;
  throw new UnmappedOperationError(
    `codedeploy:${call.operation} names no deployment group and the run gave none (Known.deploymentGroupArn)`,
  );
}

const cdGroup: Mapper = (call, k) => [
  { action: `codedeploy:${call.operation}`, resource: groupArn(call, k), context: {} },
];
const cdAny: Mapper = (call) => [{ action: `codedeploy:${call.operation}`, resource: '*', context: {} }];

const CODEDEPLOY: Record<string, Mapper> = {
  GetDeploymentGroup: cdGroup,
  CreateDeployment: cdGroup,
  // Authorised on the deployment's group, which the request names only through the deployment id.
  GetDeployment: cdGroup,
  BatchGetDeployments: cdGroup,
  ListDeployments: cdGroup,
  ListDeploymentTargets: cdAny,
  BatchGetDeploymentTargets: cdAny,
  GetDeploymentTarget: cdAny,
  ContinueDeployment: cdAny,
  StopDeployment: cdAny,
  GetDeploymentConfig: (call, k) => [
    {
      action: 'codedeploy:GetDeploymentConfig',
      resource: `arn:aws:codedeploy:${call.region}:${k.account}:deploymentconfig:${str(call.json.deploymentConfigName) ?? '*'}`,
      context: {},
    },
  ],
  GetApplication: (call, k) => [
    {
      action: 'codedeploy:GetApplication',
      resource: `arn:aws:codedeploy:${call.region}:${k.account}:application:${str(call.json.applicationName) ?? '*'}`,
      context: {},
    },
  ],
  RegisterApplicationRevision: (call, k) => [
    {
      action: 'codedeploy:RegisterApplicationRevision',
      resource: `arn:aws:codedeploy:${call.region}:${k.account}:application:${str(call.json.applicationName) ?? '*'}`,
      context: {},
    },
  ],
  PutLifecycleEventHookExecutionStatus: cdAny,
};

// ---------- ELBv2, KMS, CloudWatch, STS ----------

const elbAny: Mapper = (call) => [
  { action: `elasticloadbalancing:${call.operation}`, resource: '*', context: {} },
];
const ELB: Record<string, Mapper> = Object.fromEntries(
  [
    'DescribeLoadBalancers',
    'DescribeTargetGroups',
    'DescribeListeners',
    'DescribeRules',
    'DescribeTargetHealth',
    'DescribeTags',
  ].map((op) => [op, elbAny]),
);
ELB.ModifyListener = (call) => [
  { action: 'elasticloadbalancing:ModifyListener', resource: call.params.ListenerArn ?? '*', context: {} },
];
ELB.ModifyRule = (call) => [
  { action: 'elasticloadbalancing:ModifyRule', resource: call.params.RuleArn ?? '*', context: {} },
];

const kmsKey: Mapper = (call, k) => {
  const key = str(call.json.KeyId);
  const alias = key && /(?:^|:)(alias\/.+)$/.exec(key)?.[1];
  return [
    {
      action: `kms:${call.operation}`,
      resource: key ? kmsKeyArn(key, call.region, k.account) : '*',
      context: alias ? { 'kms:RequestAlias': alias } : ({} as Record<string, string>),
    },
  ];
};
const KMS: Record<string, Mapper> = {
  DescribeKey: kmsKey,
  CreateGrant: kmsKey,
  ListAliases: () => [{ action: 'kms:ListAliases', resource: '*', context: {} }],
};

const cwAny: Mapper = (call) => [{ action: `cloudwatch:${call.operation}`, resource: '*', context: {} }];
// CloudWatch speaks CBOR: alarm-level calls are authorised per alarm, which the recorder cannot
// decode; every CloudWatch call the suite makes is a wildcard-only read.
const CLOUDWATCH: Record<string, Mapper> = {
  GetMetricData: cwAny,
  GetMetricStatistics: cwAny,
  ListMetrics: cwAny,
  DescribeAlarms: (call, k) => [
    {
      action: 'cloudwatch:DescribeAlarms',
      resource: `arn:aws:cloudwatch:${call.region}:${k.account}:alarm:*`,
      context: {},
    },
  ],
};

// ---------- CloudWatch Logs (JSON protocol) ----------

const LOGS: Record<string, Mapper> = {
  GetLogEvents: (call, k) => [
    {
      action: 'logs:GetLogEvents',
      resource: `arn:aws:logs:${call.region}:${k.account}:log-group:${str(call.json.logGroupName) ?? '*'}:log-stream:${str(call.json.logStreamName) ?? '*'}`,
      context: {},
    },
  ],
};

const STS: Record<string, Mapper> = {
  // GetCallerIdentity needs no permission: it answers even when an explicit Deny covers it.
  GetCallerIdentity: () => [],
};

/** Signing name (what the recorder sees) -> operation -> mapper. */
export const OPERATIONS: Record<string, Record<string, Mapper>> = {
  rds: RDS,
  ecs: ECS,
  codedeploy: CODEDEPLOY,
  elasticloadbalancing: ELB,
  kms: KMS,
  monitoring: CLOUDWATCH,
  logs: LOGS,
  sts: STS,
};

/** The authorisation requests AWS makes for one call; throws for an operation nobody mapped. */
export function authRequests(call: RecordedCall, k: Known): AuthRequest[] {
  const mapper = OPERATIONS[call.service]?.[call.operation];
  if (!mapper)
    throw new UnmappedOperationError(
      `no IAM mapping for ${call.service}:${call.operation}: add it to test/iam/operations.ts`,
    );
  return mapper(call, k);
}
