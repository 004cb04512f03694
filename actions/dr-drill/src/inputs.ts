import { ConfigurationError, Inputs, quote } from '@oaktree/action-kit';
import { parseArn, resolveRegion } from '@oaktree/aws';

export const SCENARIOS = [
  'pitr-restore',
  'snapshot-restore',
  'replica-promote',
  'cluster-failover',
  'global-switchover',
] as const;
export type Scenario = (typeof SCENARIOS)[number];
export const HEALTH_CHECKS = ['none', 'tcp', 'sql', 'http'] as const;
export type HealthCheck = (typeof HEALTH_CHECKS)[number];
export const CLEANUP_MODES = ['always', 'on-success', 'never'] as const;
export type CleanupMode = (typeof CLEANUP_MODES)[number];

/** Which scenarios work on which kind of source. */
const SCENARIO_KINDS: Record<Scenario, ReadonlyArray<'instance' | 'cluster'>> = {
  'pitr-restore': ['instance', 'cluster'],
  'snapshot-restore': ['instance', 'cluster'],
  'replica-promote': ['instance'],
  'cluster-failover': ['cluster'],
  'global-switchover': ['cluster'],
};

/** Who runs the drill: for tags and the drill id. */
export interface RunContext {
  repository: string;
  runId: string;
  runAttempt: string;
  runUrl: string;
}

export interface DrillConfig {
  scenario: Scenario;
  source: { kind: 'instance' | 'cluster'; id: string };
  sourceRegion: string;
  drRegion: string;
  snapshotIdentifier?: string;
  rtoObjectiveMs: number;
  rpoObjectiveMs: number;
  instanceClass?: string;
  dbSubnetGroup?: string;
  vpcSecurityGroupIds: string[];
  dbParameterGroup?: string;
  kmsKeyId?: string;
  allowDisruption: boolean;
  healthCheck: HealthCheck;
  sqlConnection?: string;
  sourceSqlConnection?: string;
  sqlQuery: string;
  heartbeatTable?: string;
  httpUrl?: string;
  cleanup: CleanupMode;
  sweepOrphans: boolean;
  orphanTtlHours: number;
  timeoutMs: number;
  pollIntervalMs: number;
  probeIntervalMs: number;
  probeTimeoutMs: number;
  cleanupTimeoutMs: number;
  reportFile?: string;
  /** Earlier drills' reports, read from this workflow's artifacts, for the history chart. */
  history?: HistoryConfig;
  run: RunContext;
}

export interface HistoryConfig {
  /** Name of the artifact earlier runs uploaded the report under. */
  artifact: string;
  /** How many earlier drills to chart. */
  length: number;
  token: string;
  apiUrl: string;
  serverUrl: string;
}

/** Characters GitHub refuses in an artifact name. */
const ARTIFACT_NAME = /^[^"\\/:<>|*?\r\n]{1,256}$/;

function historyConfig(
  inputs: Inputs,
  reportFile: string | undefined,
  env: NodeJS.ProcessEnv,
): HistoryConfig | undefined {
  const artifact = inputs.string('history-artifact');
  const length = inputs.integer('history-length', { min: 1, max: 100, default: 14 })!;
  if (artifact === undefined) return undefined;
  if (!ARTIFACT_NAME.test(artifact))
    throw new ConfigurationError(
      `input "history-artifact" is ${quote(artifact)}: expected an artifact name (no " : < > | * ? \\ / or line breaks)`,
      'history-artifact',
    );
  if (!reportFile)
    throw new ConfigurationError(
      `input "report-file" is empty but history-artifact is set: set report-file and upload it with actions/upload-artifact as ${quote(artifact)}, which the next drills read`,
      'report-file',
    );
  const token = inputs.secret('github-token');
  if (!token)
    throw new ConfigurationError(
      'input "github-token" is empty but history-artifact is set: leave its default ${{ github.token }} and grant `actions: read`',
      'github-token',
    );
  return {
    artifact,
    length,
    token,
    apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    serverUrl: env.GITHUB_SERVER_URL || 'https://github.com',
  };
}

const DB_ID = /^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}(?<!-)$/;
const TABLE = /^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?$/;
const SNAPSHOT = /^(arn:[a-z-]+:rds:[a-z0-9-]+:\d{12}:(cluster-)?snapshot:)?[A-Za-z][A-Za-z0-9:-]{0,254}$/;

function region(inputs: Inputs, name: string, fallback: string | undefined): string {
  return resolveRegion(inputs.string(name) ?? fallback, {}, name);
}

/** A connection URL with optional {host}/{port} placeholders; checked with dummy values filled in. */
function connectionUrl(inputs: Inputs, name: string): string | undefined {
  const v = inputs.secret(name);
  if (!v) return undefined;
  let u: URL;
  try {
    u = new URL(v.replace(/\{host\}/g, 'placeholder.invalid').replace(/\{port\}/g, '5432'));
  } catch {
    // Never quote a secret: say what is wrong without echoing it.
    throw new ConfigurationError(
      `input "${name}" is not a valid URL: expected postgres://user:password@{host}:{port}/database or mysql://...`,
      name,
    );
  }
  if (!['postgres:', 'postgresql:', 'mysql:'].includes(u.protocol))
    throw new ConfigurationError(
      `input "${name}" uses scheme ${quote(u.protocol)}: expected postgres://, postgresql:// or mysql://`,
      name,
    );
  return v;
}

/**
 * Read and check every input. Throws a ConfigurationError naming the input for anything wrong; nothing
 * in AWS has been touched when this runs.
 */
export function readConfig(inputs = new Inputs(), env: NodeJS.ProcessEnv = process.env): DrillConfig {
  const scenario = inputs.enum('scenario', SCENARIOS, { required: true })!;
  const which = inputs.oneOf(['source-db-instance', 'source-db-cluster'], { required: true })!;
  const kind = which === 'source-db-instance' ? 'instance' : 'cluster';
  const id = inputs.requiredString(which);
  if (!DB_ID.test(id))
    throw new ConfigurationError(
      `input "${which}" is ${quote(id)}: expected a DB identifier (1-63 letters, digits or hyphens, starting with a letter)`,
      which,
    );
  if (!SCENARIO_KINDS[scenario].includes(kind)) {
    const want = SCENARIO_KINDS[scenario].map((k) => `source-db-${k}`).join(' or ');
    throw new ConfigurationError(
      `input "${which}" does not fit scenario ${scenario}: ${scenario} needs ${want}`,
      which,
    );
  }
  const sourceRegion = region(inputs, 'source-region', env.AWS_REGION || env.AWS_DEFAULT_REGION);
  const drRegion = region(inputs, 'dr-region', sourceRegion);
  if (scenario === 'cluster-failover' && drRegion !== sourceRegion)
    throw new ConfigurationError(
      `input "dr-region" is ${quote(drRegion)}: cluster-failover stays in the source region ${sourceRegion}; leave dr-region empty or use global-switchover`,
      'dr-region',
    );
  if (scenario === 'global-switchover' && drRegion === sourceRegion)
    throw new ConfigurationError(
      `input "dr-region" is ${quote(drRegion)}: global-switchover needs the region of a secondary cluster, not the source region`,
      'dr-region',
    );
  if (scenario === 'pitr-restore' && kind === 'cluster' && drRegion !== sourceRegion)
    throw new ConfigurationError(
      `input "dr-region" is ${quote(drRegion)}: Aurora point-in-time restore works only in the cluster's own region; use snapshot-restore with a copied cluster snapshot or global-switchover`,
      'dr-region',
    );

  const snapshotIdentifier = inputs.string('snapshot-identifier');
  if (snapshotIdentifier !== undefined) {
    if (scenario !== 'snapshot-restore')
      throw new ConfigurationError(
        `input "snapshot-identifier" is set but scenario is ${scenario}: it applies to snapshot-restore only`,
        'snapshot-identifier',
      );
    if (!SNAPSHOT.test(snapshotIdentifier))
      throw new ConfigurationError(
        `input "snapshot-identifier" is ${quote(snapshotIdentifier)}: expected a snapshot identifier or ARN`,
        'snapshot-identifier',
      );
    const arnRegion = parseArn(snapshotIdentifier)?.region;
    if (arnRegion && arnRegion !== drRegion)
      throw new ConfigurationError(
        `input "snapshot-identifier" names a snapshot in ${arnRegion}, but dr-region is ${drRegion}: copy it there first (rds-snapshot copy-to-regions)`,
        'snapshot-identifier',
      );
  }

  const rtoObjectiveMs = inputs.duration('rto-objective', { required: true, minMs: 1000 })!;
  const rpoObjectiveMs = inputs.duration('rpo-objective', { required: true, minMs: 0 })!;

  const instanceClass = inputs.string('instance-class');
  if (instanceClass !== undefined && !/^db\.[a-z0-9-]+\.[a-z0-9]+$/.test(instanceClass))
    throw new ConfigurationError(
      `input "instance-class" is ${quote(instanceClass)}: expected an instance class such as db.t3.medium`,
      'instance-class',
    );
  const dbSubnetGroup = inputs.string('db-subnet-group');
  const vpcSecurityGroupIds = inputs.list('vpc-security-group-ids', { commas: true });
  for (const sg of vpcSecurityGroupIds)
    if (!/^sg-[0-9a-f]{8,17}$/.test(sg))
      throw new ConfigurationError(
        `input "vpc-security-group-ids" has ${quote(sg)}: expected security group ids such as sg-0123456789abcdef0`,
        'vpc-security-group-ids',
      );
  const dbParameterGroup = inputs.string('db-parameter-group');
  if (
    (scenario === 'cluster-failover' || scenario === 'global-switchover') &&
    (instanceClass || dbSubnetGroup || vpcSecurityGroupIds.length || dbParameterGroup)
  ) {
    const given = ['instance-class', 'db-subnet-group', 'vpc-security-group-ids', 'db-parameter-group'].find(
      (n) => inputs.has(n),
    )!;
    throw new ConfigurationError(`input "${given}" is set but ${scenario} creates nothing: remove it`, given);
  }

  const kmsKeyId = inputs.string('kms-key-id');
  if (kmsKeyId !== undefined && !(scenario === 'replica-promote' && drRegion !== sourceRegion))
    throw new ConfigurationError(
      `input "kms-key-id" is set but scenario is ${scenario}${scenario === 'replica-promote' ? ' in one region' : ''}: it applies to a cross-region replica-promote only (restores keep the snapshot's or backup's key); remove it`,
      'kms-key-id',
    );
  const allowDisruption = inputs.boolean('allow-disruption', { default: false });
  if ((scenario === 'cluster-failover' || scenario === 'global-switchover') && !allowDisruption)
    throw new ConfigurationError(
      `input "allow-disruption" is ${quote(inputs.raw('allow-disruption') || 'false')}: ${scenario} moves the live writer of ${id}; set allow-disruption: true to confirm`,
      'allow-disruption',
    );

  const healthCheck = inputs.enum('health-check', HEALTH_CHECKS, { default: 'tcp' })!;
  const sqlConnection = connectionUrl(inputs, 'sql-connection');
  const sourceSqlConnection = connectionUrl(inputs, 'source-sql-connection');
  const sqlQuery = inputs.string('sql-query', { default: 'select 1' })!;
  const heartbeatTable = inputs.string('heartbeat-table');
  const httpUrl = inputs.string('http-url');
  if (healthCheck === 'sql' && !sqlConnection)
    throw new ConfigurationError(
      'input "sql-connection" is required with health-check: sql: set it to a connection URL such as postgres://user:${{ secrets.DB_PASSWORD }}@{host}:{port}/app',
      'sql-connection',
    );
  if (healthCheck === 'http') {
    if (!httpUrl)
      throw new ConfigurationError(
        'input "http-url" is required with health-check: http: set it to the URL to fetch, e.g. https://{host}/healthz',
        'http-url',
      );
    try {
      const u = new URL(httpUrl.replace(/\{host\}/g, 'placeholder.invalid').replace(/\{port\}/g, '443'));
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
    } catch {
      throw new ConfigurationError(
        `input "http-url" is ${quote(httpUrl)}: expected an http:// or https:// URL`,
        'http-url',
      );
    }
  }
  if (heartbeatTable !== undefined) {
    if (!TABLE.test(heartbeatTable))
      throw new ConfigurationError(
        `input "heartbeat-table" is ${quote(heartbeatTable)}: expected table or schema.table (letters, digits, underscores)`,
        'heartbeat-table',
      );
    if (!sqlConnection)
      throw new ConfigurationError(
        'input "sql-connection" is required with heartbeat-table: the heartbeat is read back through it',
        'sql-connection',
      );
  }

  const cleanup = inputs.enum('cleanup', CLEANUP_MODES, { default: 'always' })!;
  const sweepOrphans = inputs.boolean('sweep-orphans', { default: true });
  const orphanTtlHours = inputs.integer('orphan-ttl-hours', { min: 1, max: 720, default: 24 })!;
  const timeoutMs = inputs.duration('timeout', { default: '2h', minMs: 10_000, maxMs: 6 * 3_600_000 })!;
  const pollIntervalMs = inputs.duration('poll-interval', { default: '750ms', minMs: 200, maxMs: 300_000 })!;
  const probeIntervalMs = inputs.duration('probe-interval', { default: '500ms', minMs: 50, maxMs: 60_000 })!;
  const probeTimeoutMs = inputs.duration('probe-timeout', { default: '5s', minMs: 100, maxMs: 120_000 })!;
  const cleanupTimeoutMs = inputs.duration('cleanup-timeout', {
    default: '45m',
    minMs: 1000,
    maxMs: 6 * 3_600_000,
  })!;
  const reportFile = inputs.string('report-file');
  const history = historyConfig(inputs, reportFile, env);

  const repository = env.GITHUB_REPOSITORY ?? 'local';
  const runId = env.GITHUB_RUN_ID ?? 'local';
  return {
    scenario,
    source: { kind, id },
    sourceRegion,
    drRegion,
    snapshotIdentifier,
    rtoObjectiveMs,
    rpoObjectiveMs,
    instanceClass,
    dbSubnetGroup,
    vpcSecurityGroupIds,
    dbParameterGroup,
    kmsKeyId,
    allowDisruption,
    healthCheck,
    sqlConnection,
    sourceSqlConnection,
    sqlQuery,
    heartbeatTable,
    httpUrl,
    cleanup,
    sweepOrphans,
    orphanTtlHours,
    timeoutMs,
    pollIntervalMs,
    probeIntervalMs,
    probeTimeoutMs,
    cleanupTimeoutMs,
    reportFile,
    history,
    run: {
      repository,
      runId,
      runAttempt: env.GITHUB_RUN_ATTEMPT ?? '1',
      runUrl: `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${repository}/actions/runs/${runId}`,
    },
  };
}
