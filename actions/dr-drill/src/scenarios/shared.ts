import {
  DescribeDBParameterGroupsCommand,
  DescribeDBSubnetGroupsCommand,
  type DBCluster,
  type DBInstance,
} from '@aws-sdk/client-rds';
import { ConfigurationError } from '@oaktree/action-kit';
import { isNotFound } from '@oaktree/aws';
import { describeCluster, describeInstance, endpointOf, mustDescribeInstance, type Rds } from '../aws.js';
import { enter, recoverLeg, type DrillContext, type LegOptions, type Observation } from '../engine.js';
import type { Endpoint } from '../health.js';
import type { DrillConfig } from '../inputs.js';
import { createOnce } from '../once.js';
import { resourceId } from '../tags.js';
import { Timeline, type RpoFigure } from '../timeline.js';

export async function loadSourceInstance(cfg: DrillConfig, rds: Rds): Promise<DBInstance> {
  const i = await describeInstance(rds, cfg.source.id);
  if (!i)
    throw new ConfigurationError(
      `input "source-db-instance" is "${cfg.source.id}": no such DB instance in ${cfg.sourceRegion} (check source-region)`,
      'source-db-instance',
    );
  if (i.DBClusterIdentifier)
    throw new ConfigurationError(
      `input "source-db-instance" is "${cfg.source.id}": it belongs to cluster ${i.DBClusterIdentifier}; set source-db-cluster instead`,
      'source-db-instance',
    );
  return i;
}

export async function loadSourceCluster(cfg: DrillConfig, rds: Rds): Promise<DBCluster> {
  const c = await describeCluster(rds, cfg.source.id);
  if (!c)
    throw new ConfigurationError(
      `input "source-db-cluster" is "${cfg.source.id}": no such DB cluster in ${cfg.sourceRegion} (check source-region)`,
      'source-db-cluster',
    );
  return c;
}

export interface Parity {
  DBInstanceClass?: string;
  DBSubnetGroupName?: string;
  VpcSecurityGroupIds?: string[];
  DBParameterGroupName?: string;
  notes: string[];
}

async function subnetGroupExists(rds: Rds, name: string): Promise<boolean> {
  try {
    await rds.send(new DescribeDBSubnetGroupsCommand({ DBSubnetGroupName: name }));
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

async function parameterGroupExists(rds: Rds, name: string): Promise<boolean> {
  try {
    await rds.send(new DescribeDBParameterGroupsCommand({ DBParameterGroupName: name }));
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/**
 * Configuration parity: the recovered database gets the source's class, subnet group, security groups
 * and parameter group unless inputs say otherwise. Across regions only what exists there by the same
 * name can be reused; explicit inputs are checked to exist before anything is created.
 */
export async function parity(
  cfg: DrillConfig,
  dr: Rds,
  src: { instanceClass?: string; subnetGroup?: string; securityGroups: string[]; parameterGroup?: string },
): Promise<Parity> {
  const same = cfg.sourceRegion === cfg.drRegion;
  const notes: string[] = [];
  const p: Parity = { notes, DBInstanceClass: cfg.instanceClass ?? src.instanceClass };
  if (cfg.dbSubnetGroup) {
    if (!(await subnetGroupExists(dr, cfg.dbSubnetGroup)))
      throw new ConfigurationError(
        `input "db-subnet-group" is "${cfg.dbSubnetGroup}": no such DB subnet group in ${cfg.drRegion}`,
        'db-subnet-group',
      );
    p.DBSubnetGroupName = cfg.dbSubnetGroup;
  } else if (src.subnetGroup && src.subnetGroup !== 'default') {
    if (same || (await subnetGroupExists(dr, src.subnetGroup))) p.DBSubnetGroupName = src.subnetGroup;
    else
      notes.push(
        `subnet group ${src.subnetGroup} does not exist in ${cfg.drRegion}; the default VPC is used (set db-subnet-group)`,
      );
  }
  if (cfg.vpcSecurityGroupIds.length) p.VpcSecurityGroupIds = cfg.vpcSecurityGroupIds;
  else if (same && src.securityGroups.length) p.VpcSecurityGroupIds = src.securityGroups;
  else if (!same && src.securityGroups.length)
    notes.push(
      `security groups are regional; the default group of the subnet group's VPC is used in ${cfg.drRegion} (set vpc-security-group-ids)`,
    );
  if (cfg.dbParameterGroup) {
    if (!(await parameterGroupExists(dr, cfg.dbParameterGroup)))
      throw new ConfigurationError(
        `input "db-parameter-group" is "${cfg.dbParameterGroup}": no such DB parameter group in ${cfg.drRegion}`,
        'db-parameter-group',
      );
    p.DBParameterGroupName = cfg.dbParameterGroup;
  } else if (src.parameterGroup && !src.parameterGroup.startsWith('default.')) {
    if (same || (await parameterGroupExists(dr, src.parameterGroup)))
      p.DBParameterGroupName = src.parameterGroup;
    else
      notes.push(
        `parameter group ${src.parameterGroup} does not exist in ${cfg.drRegion}; the engine default is used (set db-parameter-group)`,
      );
  }
  return p;
}

export function instanceParitySource(i: DBInstance) {
  return {
    instanceClass: i.DBInstanceClass,
    subnetGroup: i.DBSubnetGroup?.DBSubnetGroupName,
    securityGroups: (i.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId!).filter(Boolean),
    parameterGroup: i.DBParameterGroups?.[0]?.DBParameterGroupName,
  };
}

export function parityParams(p: Parity) {
  const { notes: _notes, ...rest } = p;
  void _notes;
  return Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
}

/** Observe a DB instance for recoverLeg. */
export function observeInstance(
  rds: Rds,
  id: string,
  ready: (i: DBInstance) => boolean = (i) => i.DBInstanceStatus === 'available',
) {
  return async (): Promise<Observation> => {
    // "Not found" is thrown: the wait counts it as "not visible yet" within its grace only.
    const i = await mustDescribeInstance(rds, id);
    return { status: i.DBInstanceStatus ?? 'unknown', endpoint: endpointOf(i), ready: ready(i) };
  };
}

export function noteParity(ctx: DrillContext, p: Parity): void {
  for (const n of p.notes) {
    ctx.deps.log.warning(n);
    ctx.result.notes.push(n);
  }
}

/**
 * The tail every recovery shares: wait until RDS says ready and the health check passes (the end of
 * the RTO), record the endpoint, let the scenario add what it measures once the wait is over
 * (`afterwards`, not part of the RTO), then read the heartbeat on the recovered copy.
 */
export async function waitUntilRecovered(
  ctx: DrillContext,
  leg: Timeline,
  opts: LegOptions,
  afterwards?: (endpoint: Endpoint) => Promise<void>,
): Promise<Endpoint> {
  enter(ctx, 'waiting-for-recovery');
  const ep = await recoverLeg(ctx, leg, opts);
  ctx.result.endpoint = ep;
  await afterwards?.(ep);
  await recovered(ctx, ep);
  return ep;
}

/** The recovered copy answered: read the heartbeat there. */
export async function recovered(ctx: DrillContext, ep: Endpoint): Promise<void> {
  enter(ctx, 'recovered');
  await ctx.onRecovered(ep);
}

/**
 * pitr-restore and snapshot-restore of an instance: one new instance in the DR region, timed from the
 * restore call until the copy answers. `rpo` gets the moment the restore starts; `restore` sends the
 * call for the new instance's id and returns its ARN.
 */
export async function restoreInstance(
  ctx: DrillContext,
  o: { dr: Rds; rpo: (startedAt: number) => RpoFigure; restore: (id: string) => Promise<string | undefined> },
): Promise<void> {
  const { cfg } = ctx;
  const id = resourceId(ctx.drillId, 'restore');
  const leg = new Timeline('restore');
  ctx.result.legs.push(leg);
  ctx.result.recoveredRegion = cfg.drRegion;
  enter(ctx, 'restoring');
  const t0 = ctx.deps.now();
  leg.begin(t0);
  ctx.result.rpoBound = o.rpo(t0);
  await createOnce(ctx, {
    kind: 'instance',
    id,
    region: cfg.drRegion,
    role: 'restore',
    rds: o.dr,
    call: () => o.restore(id),
  });
  leg.mark('api-accepted', ctx.deps.now());
  await waitUntilRecovered(ctx, leg, {
    what: `instance ${id}`,
    describe: observeInstance(o.dr, id),
    gate: 'endpoint',
    pollMs: cfg.pollIntervalMs,
  });
}
