/**
 * The values a run gives the placeholders of its action's iam-policy.json, read from the run's inputs
 * (and, for ecs-blue-green, its task definition file), as a user would fill them in for that workflow.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import { ACCOUNT, type Values } from './policy.js';
import type { Known } from './operations.js';

const list = (v: string | undefined): string[] =>
  (v ?? '')
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);

export interface RunFacts {
  action: string;
  /** Every input with action.yml defaults applied (as the bundle saw them). */
  inputs: Record<string, string>;
  env: Record<string, string>;
  workspace: string;
}

/** Values for the placeholders, and what the operation table needs to know about the run. */
export function runValues(f: RunFacts): { values: Values; known: Known } {
  const region = f.inputs.region || f.env.AWS_REGION || f.env.AWS_DEFAULT_REGION || 'us-east-1';
  const known: Known = { account: ACCOUNT };
  const values: Values = { Account: ACCOUNT };
  const name = f.action.replace(/\/+$/, '').split('/').pop();
  if (name === 'rds-snapshot') {
    values.Region = region;
    values.Prefix = f.inputs['snapshot-prefix'] || 'oaktree';
    // A policy may name the databases; a run with none of a kind still needs a value that matches nothing.
    values.Database = list(f.inputs['db-instance-identifiers']).concat('none-given');
    values.Cluster = list(f.inputs['db-cluster-identifiers']).concat('none-given');
  } else if (name === 'dr-drill') {
    const source = f.inputs['source-region'] || region;
    values.SourceRegion = source;
    values.DrRegion = f.inputs['dr-region'] || source;
    values.Source = f.inputs['source-db-instance'] || f.inputs['source-db-cluster'] || 'none-given';
    // Not inputs: the global cluster and its DR member are found at run time. The allowed check uses
    // "*" for them; the denied suite (test/unit/iam-denied.test.ts) names them.
    values.GlobalCluster = '*';
    values.DrCluster = '*';
  } else if (name === 'ecs-blue-green') {
    values.Region = region;
    const cluster = (f.inputs.cluster || 'default').split('/').pop()!;
    const service = (f.inputs.service || '').split('/').pop()!;
    values.Cluster = cluster;
    values.Service = service;
    const app = f.inputs['codedeploy-application'] || `AppECS-${cluster}-${service}`;
    const group = f.inputs['codedeploy-deployment-group'] || `DgpECS-${cluster}-${service}`;
    values.Application = app;
    values.DeploymentGroup = group;
    known.deploymentGroupArn = `arn:aws:codedeploy:${region}:${ACCOUNT}:deploymentgroup:${app}/${group}`;
    const td = taskDefinition(f);
    values.Family = td.family ?? '*';
    values.TaskRole = td.roles.length ? td.roles : ['none-given'];
  }
  return { values, known };
}

/** Family and roles of the task definition file the run registers (or of the ARN it deploys). */
function taskDefinition(f: RunFacts): { family?: string; roles: string[] } {
  const arn = f.inputs['task-definition-arn'];
  if (arn) return { family: /task-definition\/([^:]+)/.exec(arn)?.[1], roles: [] };
  const file = f.inputs['task-definition'];
  if (!file) return { roles: [] };
  const path = isAbsolute(file) ? file : join(f.workspace, file);
  if (!existsSync(path)) return { roles: [] };
  try {
    const doc = parse(readFileSync(path, 'utf8')) as Record<string, unknown> | null;
    const td = ((doc?.taskDefinition as Record<string, unknown> | undefined) ?? doc ?? {}) as Record<
      string,
      unknown
    >;
    const roles = [td.taskRoleArn, td.executionRoleArn].filter(
      (r): r is string => typeof r === 'string' && r !== '',
    );
    return { family: typeof td.family === 'string' ? td.family : undefined, roles };
  } catch {
    return { roles: [] }; // the action itself reports an unreadable file
  }
}
