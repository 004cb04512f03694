import {
  CreateDBInstanceReadReplicaCommand,
  DeleteDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DescribeGlobalClustersCommand,
  FailoverDBClusterCommand,
  FailoverGlobalClusterCommand,
  PromoteReadReplicaCommand,
  RDSClient,
  RestoreDBInstanceToPointInTimeCommand,
  SwitchoverGlobalClusterCommand,
  type DBInstance,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { runDrill } from './drill.js';
import { postCleanup } from './post-cleanup.js';
import type { DrillState } from './state.js';
import type { MetricQuery } from './metrics.js';
import { config, engineDeps, fakeClock, quietLog, scriptedProber } from './testing.js';

const ACCOUNT = '123456789012';
const east = new RDSClient({ region: 'us-east-1' });
const west = new RDSClient({ region: 'us-west-2' });
const mEast = mockClient(east);
const mWest = mockClient(west);
const rds = (region: string) => (region === 'us-east-1' ? east : west);

beforeEach(() => {
  mEast.reset();
  mWest.reset();
  // Empty regions unless a test says otherwise (the orphan sweep lists everything).
  for (const m of [mEast, mWest]) {
    m.on(DescribeDBInstancesCommand).resolves({ DBInstances: [] });
    m.on(DescribeDBClustersCommand).resolves({ DBClusters: [] });
  }
});

const notFound = (what: string) =>
  Object.assign(new Error(`${what} not found`), { name: 'DBInstanceNotFoundFault' });

const source: DBInstance = {
  DBInstanceIdentifier: 'orders-db',
  DBInstanceArn: `arn:aws:rds:us-east-1:${ACCOUNT}:db:orders-db`,
  DBInstanceStatus: 'available',
  DBInstanceClass: 'db.r6g.large',
  BackupRetentionPeriod: 7,
  Endpoint: { Address: 'orders-db.abc.us-east-1.rds.amazonaws.com', Port: 5432 },
  LatestRestorableTime: new Date('2026-11-26T01:55:00Z'),
  DBParameterGroups: [{ DBParameterGroupName: 'default.postgres16' }],
  VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-0123456789abcdef0' }],
};

function states(saved: DrillState[]) {
  return saved.map((s) => s.outcome);
}

test('pitr-restore across regions restores from replicated automated backups', async () => {
  const clock = fakeClock();
  const latest = new Date(clock.now() - 240_000);
  mEast
    .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'orders-db' })
    .resolves({ DBInstances: [source] });
  mWest.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({
    DBInstanceAutomatedBackups: [
      {
        DBInstanceArn: `arn:aws:rds:us-east-1:${ACCOUNT}:db:billing-db`,
        Status: 'replicating',
        DBInstanceAutomatedBackupsArn: 'arn:other',
        RestoreWindow: { LatestTime: latest },
      },
      {
        DBInstanceArn: source.DBInstanceArn,
        Status: 'replicating',
        DBInstanceAutomatedBackupsArn: 'arn:aws:rds:us-west-2:123456789012:auto-backup:ab-1',
        RestoreWindow: { LatestTime: latest },
      },
    ],
  });
  let restored: DBInstance | undefined;
  mWest.on(RestoreDBInstanceToPointInTimeCommand).callsFake((input) => {
    restored = {
      DBInstanceIdentifier: input.TargetDBInstanceIdentifier,
      DBInstanceArn: `arn:aws:rds:us-west-2:${ACCOUNT}:db:${input.TargetDBInstanceIdentifier}`,
      DBInstanceStatus: 'creating',
      TagList: input.Tags,
    };
    return { DBInstance: restored };
  });
  mWest.on(DescribeDBInstancesCommand).callsFake((input) => {
    if (!input.DBInstanceIdentifier) return { DBInstances: restored ? [restored] : [] };
    if (!restored || input.DBInstanceIdentifier !== restored.DBInstanceIdentifier)
      throw notFound(input.DBInstanceIdentifier);
    return { DBInstances: [restored] };
  });
  mWest.on(DeleteDBInstanceCommand).callsFake(() => {
    restored = undefined;
    return {};
  });
  // The restored instance gets an endpoint after 4 min and answers after 6 min.
  let t0 = 0;
  const origSleep = clock.sleep;
  const sleep = async (ms: number) => {
    await origSleep(ms);
    if (restored && clock.now() - t0 >= 240_000) {
      restored.DBInstanceStatus = 'backing-up';
      restored.Endpoint = { Address: 'r.west', Port: 5432 };
    }
    if (restored && clock.now() - t0 >= 420_000) restored.DBInstanceStatus = 'available';
  };
  const saved: DrillState[] = [];
  const deps = engineDeps({
    rds,
    now: clock.now,
    sleep,
    prober: scriptedProber(() => clock.now() - t0 >= 360_000),
  });
  const report = await runDrill(config({ drRegion: 'us-west-2', healthCheck: 'tcp' }), deps, {
    saveState: (s) => {
      saved.push(structuredClone(s));
      if (!t0) t0 = clock.now();
    },
  });
  const input = mWest.commandCalls(RestoreDBInstanceToPointInTimeCommand)[0]!.args[0].input;
  expect(input.SourceDBInstanceAutomatedBackupsArn).toBe(
    'arn:aws:rds:us-west-2:123456789012:auto-backup:ab-1',
  );
  expect(input.SourceDBInstanceIdentifier).toBeUndefined();
  expect(input.UseLatestRestorableTime).toBe(true);
  expect(input.DBInstanceClass).toBe('db.r6g.large');
  // Security groups are regional: not copied across regions. The default parameter group is left to RDS.
  expect(input.VpcSecurityGroupIds).toBeUndefined();
  expect(input.DBParameterGroupName).toBeUndefined();
  expect(input.Tags?.map((t) => t.Key)).toEqual(['dr-drill-id', 'dr-drill-expires', 'repository', 'run']);
  // The drill id was saved before the restore call, and the created instance right after it.
  expect(saved[0]!.created).toEqual([]);
  expect(saved[1]!.created).toHaveLength(1);
  expect(states(saved).at(-1)).toBe('passed');
  expect(report.passed).toBe(true);
  // The health check starts once the endpoint is known (4 min) and passes at 6 min: the RTO is 6 min
  // plus at most one probe interval, not rounded up to the 15 s status poll.
  expect(report.rtoSeconds).toBeGreaterThanOrEqual(360);
  expect(report.rtoSeconds).toBeLessThanOrEqual(360.5);
  expect(report.legs[0]!.phases.map((p) => p.name)).toEqual([
    'api-accepted',
    'dns-resolves',
    'tcp-accepts',
    'available',
  ]);
  expect(report.rpo).toMatchObject({ method: 'restore-point', upperBound: true });
  expect(report.rpo.seconds).toBeGreaterThanOrEqual(240);
  expect(report.cleanup.status).toBe('done');
  expect(mWest.commandCalls(DeleteDBInstanceCommand)[0]!.args[0].input).toEqual({
    DBInstanceIdentifier: input.TargetDBInstanceIdentifier,
    SkipFinalSnapshot: true,
    DeleteAutomatedBackups: true,
  });
});

/** A source with a real replica, and a DR region where a throwaway replica replicates, then promotes. */
function replicaWorld() {
  mEast.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'orders-db' }).resolves({
    DBInstances: [{ ...source, ReadReplicaDBInstanceIdentifiers: ['orders-db-reader'] }],
  });
  let replica: DBInstance | undefined;
  let polls = 0;
  mWest.on(CreateDBInstanceReadReplicaCommand).callsFake((input) => {
    replica = {
      DBInstanceIdentifier: input.DBInstanceIdentifier,
      DBInstanceArn: `arn:aws:rds:us-west-2:${ACCOUNT}:db:${input.DBInstanceIdentifier}`,
      DBInstanceStatus: 'creating',
      TagList: input.Tags,
    };
    return { DBInstance: replica };
  });
  const order: string[] = [];
  mWest.on(DescribeDBInstancesCommand).callsFake((input) => {
    if (!input.DBInstanceIdentifier) return { DBInstances: replica ? [replica] : [] };
    if (!replica) throw notFound(input.DBInstanceIdentifier);
    polls++;
    if (replica.DBInstanceStatus === 'creating' && polls > 3) {
      replica.DBInstanceStatus = 'available';
      replica.Endpoint = { Address: 'replica.west', Port: 5432 };
      replica.StatusInfos = [{ StatusType: 'read replication', Status: 'starting', Normal: true }];
    } else if (replica.StatusInfos?.[0]?.Status === 'starting' && polls > 5) {
      replica.StatusInfos = [{ StatusType: 'read replication', Status: 'replicating', Normal: true }];
      order.push('replicating');
    } else if (replica.DBInstanceStatus === 'modifying' && polls > 9) {
      replica.DBInstanceStatus = 'available';
      replica.StatusInfos = [];
    }
    return { DBInstances: [replica] };
  });
  mWest.on(PromoteReadReplicaCommand).callsFake(() => {
    order.push('promote');
    replica!.DBInstanceStatus = 'modifying';
    return { DBInstance: replica };
  });
  mWest.on(DeleteDBInstanceCommand).callsFake(() => {
    replica = undefined;
    return {};
  });
  return { order };
}

test('replica-promote: replica first, promotion only once it replicates, then measure the promotion', async () => {
  const clock = fakeClock();
  const { order } = replicaWorld();
  const queries: MetricQuery[] = [];
  const report = await runDrill(
    config({ scenario: 'replica-promote', drRegion: 'us-west-2', healthCheck: 'tcp' }),
    engineDeps({
      rds,
      now: clock.now,
      sleep: clock.sleep,
      metrics: {
        max: async (q) => {
          queries.push(q);
          return { max: 4.5, points: 3 };
        },
      },
    }),
    { saveState: () => undefined },
  );
  expect(order).toEqual(['replicating', 'promote']);
  expect(report.transitions.map((t) => t.state)).toEqual([
    'creating-replica',
    'waiting-for-replication',
    'measuring-lag',
    'promoting',
    'waiting-for-recovery',
    'recovered',
  ]);
  const create = mWest.commandCalls(CreateDBInstanceReadReplicaCommand)[0]!.args[0].input;
  expect(create.SourceDBInstanceIdentifier).toBe(source.DBInstanceArn);
  // Only the throwaway replica is promoted; the real replica and the source are never touched.
  expect(
    mWest.commandCalls(PromoteReadReplicaCommand).map((c) => c.args[0].input.DBInstanceIdentifier),
  ).toEqual([create.DBInstanceIdentifier]);
  expect(mEast.commandCalls(PromoteReadReplicaCommand)).toHaveLength(0);
  expect(mEast.commandCalls(DeleteDBInstanceCommand)).toHaveLength(0);
  expect(report.legs[0]!.name).toBe('promote');
  expect(report.legs[0]!.phases.map((p) => p.name)).toEqual([
    'api-accepted',
    'promoted',
    'dns-resolves',
    'tcp-accepts',
  ]);
  expect(report.preparation[0]!.seconds).toBeGreaterThan(0);
  expect(report.passed).toBe(true);
  // The replica's ReplicaLag over the five minutes before the promotion bounds the RPO.
  const promotedAt = Date.parse(report.legs[0]!.startedAt!);
  expect(queries).toEqual([
    {
      region: 'us-west-2',
      namespace: 'AWS/RDS',
      metric: 'ReplicaLag',
      dimension: { name: 'DBInstanceIdentifier', value: create.DBInstanceIdentifier },
      from: promotedAt - 300_000,
      to: promotedAt,
    },
  ]);
  expect(report.rpo).toMatchObject({ method: 'replica-lag', upperBound: true, seconds: 4.5 });
  expect(report.rpo.detail).toContain('maximum CloudWatch ReplicaLag');
});

test('replica-promote with a heartbeat: the marker is written once the replica replicates, just before the promotion', async () => {
  const clock = fakeClock();
  const { order } = replicaWorld();
  const report = await runDrill(
    config({
      scenario: 'replica-promote',
      drRegion: 'us-west-2',
      healthCheck: 'tcp',
      heartbeatTable: 'dr_heartbeat',
      sqlConnection: 'postgres://u:p@{host}:{port}/app',
    }),
    engineDeps({
      rds,
      now: clock.now,
      sleep: clock.sleep,
      prober: scriptedProber(() => true),
      heartbeat: {
        write: async () => {
          order.push('marker');
          return clock.now();
        },
        newest: async () => clock.now() - 60_000,
        walPosition: async () => '0/3000060',
        replayPosition: async () => ({ lsn: '0/3000060', sinceLastReplayMs: 900_000 }),
      },
    }),
    { saveState: () => undefined },
  );
  expect(order).toEqual(['replicating', 'marker', 'promote']);
  const states = report.transitions.map((t) => t.state);
  expect(states.indexOf('heartbeat-marker')).toBeGreaterThan(states.indexOf('waiting-for-replication'));
  expect(states.indexOf('heartbeat-marker')).toBeLessThan(states.indexOf('promoting'));
  expect(report.rpo.markerAt).toBeDefined();
});

test('replica-promote without a heartbeat and without ReplicaLag data fails: no RPO figure', async () => {
  const clock = fakeClock();
  replicaWorld();
  const report = await runDrill(
    config({ scenario: 'replica-promote', drRegion: 'us-west-2', healthCheck: 'tcp' }),
    engineDeps({ rds, now: clock.now, sleep: clock.sleep }),
    { saveState: () => undefined },
  );
  expect(report.passed).toBe(false);
  expect(report.outcome).toBe('failed');
  expect(report.rpo.method).toBe('unknown');
  expect(report.reasons).toEqual([
    expect.stringMatching(/^RPO unknown: CloudWatch has no ReplicaLag datapoint for drill-.*-replica/),
  ]);
  expect(report.cleanup.status).toBe('done');
});

test('replica-promote: a replica lagging beyond the objective fails the drill', async () => {
  const clock = fakeClock();
  replicaWorld();
  const report = await runDrill(
    config({
      scenario: 'replica-promote',
      drRegion: 'us-west-2',
      healthCheck: 'tcp',
      rpoObjectiveMs: 60_000,
    }),
    engineDeps({
      rds,
      now: clock.now,
      sleep: clock.sleep,
      metrics: { max: async () => ({ max: 95, points: 5 }) },
    }),
    { saveState: () => undefined },
  );
  expect(report.passed).toBe(false);
  expect(report.rpo).toMatchObject({ method: 'replica-lag', seconds: 95 });
  expect(report.reasons).toEqual(['RPO upper bound 1m35s exceeds the objective 1m00s']);
});

test('a replica-promote source that is encrypted needs a KMS key in the DR region (checked before anything is created)', async () => {
  mEast
    .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'orders-db' })
    .resolves({ DBInstances: [{ ...source, StorageEncrypted: true }] });
  const saved: DrillState[] = [];
  await expect(
    runDrill(config({ scenario: 'replica-promote', drRegion: 'us-west-2' }), engineDeps({ rds }), {
      saveState: (s) => saved.push(s),
    }),
  ).rejects.toThrow(/input "kms-key-id" is empty/);
  expect(saved).toEqual([]);
  expect(mWest.commandCalls(CreateDBInstanceReadReplicaCommand)).toHaveLength(0);
});

test('cluster-failover waits until the writer changes before probing the writer endpoint', async () => {
  const clock = fakeClock();
  let writer = 'ledger-a';
  let pollsAfterFailover = -1;
  const cluster = () => ({
    DBClusterIdentifier: 'ledger',
    DBClusterArn: `arn:aws:rds:us-east-1:${ACCOUNT}:cluster:ledger`,
    Status: pollsAfterFailover >= 0 && pollsAfterFailover < 4 ? 'failing-over' : 'available',
    Endpoint: 'ledger.cluster-x.us-east-1.rds.amazonaws.com',
    Port: 5432,
    DBClusterMembers: [
      { DBInstanceIdentifier: 'ledger-a', IsClusterWriter: writer === 'ledger-a' },
      { DBInstanceIdentifier: 'ledger-b', IsClusterWriter: writer === 'ledger-b' },
    ],
  });
  mEast.on(DescribeDBClustersCommand).callsFake((input) => {
    if (!input.DBClusterIdentifier) return { DBClusters: [cluster()] };
    if (pollsAfterFailover >= 0 && ++pollsAfterFailover === 3) writer = 'ledger-b';
    return { DBClusters: [cluster()] };
  });
  mEast.on(FailoverDBClusterCommand).callsFake(() => {
    pollsAfterFailover = 0;
    return {};
  });
  const prober = scriptedProber(() => writer === 'ledger-b');
  const report = await runDrill(
    config({
      scenario: 'cluster-failover',
      source: { kind: 'cluster', id: 'ledger' },
      allowDisruption: true,
    }),
    engineDeps({ rds, now: clock.now, sleep: clock.sleep, prober }),
    { saveState: () => undefined },
  );
  expect(report.passed).toBe(true);
  // Aurora storage is shared by the writer and its replicas: RPO 0 by design, said to be a claim.
  expect(report.rpo).toMatchObject({ method: 'synchronous', seconds: 0, upperBound: false });
  expect(report.rpo.basis).toMatch(/cluster volume shared/);
  expect(report.reasons).toEqual([]);
  // No probe before the writer switched: the old writer would have answered and faked a zero RTO.
  expect(prober.calls[0]).toBe('lookup ledger.cluster-x.us-east-1.rds.amazonaws.com');
  expect(report.legs[0]!.phases.map((p) => p.name)).toEqual([
    'api-accepted',
    'writer-switched',
    'dns-resolves',
    'tcp-accepts',
  ]);
  // The writer switched on the third status poll after the failover call; polls are 1 s apart.
  expect(report.rtoSeconds).toBeGreaterThanOrEqual(2);
  expect(report.rtoSeconds).toBeLessThan(3.6);
  expect(report.created).toEqual([]);
  expect(report.notes.join(' ')).toContain('writer moved from ledger-a to ledger-b');
});

describe('global-switchover (moto has no SwitchoverGlobalCluster)', () => {
  const primaryArn = `arn:aws:rds:us-east-1:${ACCOUNT}:cluster:ledger`;
  const secondaryArn = `arn:aws:rds:us-west-2:${ACCOUNT}:cluster:ledger-dr`;
  let writerArn: string;
  let pending: { to: string; polls: number } | undefined;

  function setup() {
    writerArn = primaryArn;
    pending = undefined;
    const global = () => ({
      GlobalClusterIdentifier: 'ledger-global',
      Status: pending ? 'switching-over' : 'available',
      FailoverState: pending
        ? { Status: 'pending' as const, FromDbClusterArn: writerArn, ToDbClusterArn: pending.to }
        : undefined,
      GlobalClusterMembers: [
        { DBClusterArn: primaryArn, IsWriter: writerArn === primaryArn },
        { DBClusterArn: secondaryArn, IsWriter: writerArn === secondaryArn },
      ],
    });
    mEast.on(DescribeGlobalClustersCommand).callsFake(() => {
      if (pending && ++pending.polls >= 3) {
        writerArn = pending.to;
        pending = undefined;
      }
      return { GlobalClusters: [global()] };
    });
    mEast.on(SwitchoverGlobalClusterCommand).callsFake((input) => {
      pending = { to: input.TargetDbClusterIdentifier, polls: 0 };
      return {};
    });
    mEast.on(DescribeDBClustersCommand).callsFake((input) =>
      input.DBClusterIdentifier
        ? {
            DBClusters: [
              {
                DBClusterIdentifier: 'ledger',
                DBClusterArn: primaryArn,
                Status: 'available',
                Endpoint: 'ledger.east',
                Port: 5432,
              },
            ],
          }
        : { DBClusters: [] },
    );
    mWest.on(DescribeDBClustersCommand).callsFake((input) =>
      input.DBClusterIdentifier
        ? {
            DBClusters: [
              {
                DBClusterIdentifier: 'ledger-dr',
                DBClusterArn: secondaryArn,
                Status: 'available',
                Endpoint: 'ledger-dr.west',
                Port: 5432,
              },
            ],
          }
        : { DBClusters: [] },
    );
  }

  const cfg = () =>
    config({
      scenario: 'global-switchover',
      source: { kind: 'cluster', id: 'ledger' },
      drRegion: 'us-west-2',
      allowDisruption: true,
      timeoutMs: 120_000,
    });

  test('switches over to the DR region, checks it, switches back, and measures both legs', async () => {
    setup();
    const clock = fakeClock();
    const log = quietLog();
    const queries: MetricQuery[] = [];
    const metrics = {
      max: async (q: MetricQuery) => (queries.push(q), { max: 850, points: 5 }),
    };
    const report = await runDrill(
      cfg(),
      engineDeps({ rds, now: clock.now, sleep: clock.sleep, log, metrics }),
      { saveState: () => undefined },
    );
    // RPO 0 by design, plus what an unplanned failover would have lost: the secondary's RPO lag (ms).
    expect(report.rpo).toMatchObject({ method: 'synchronous', seconds: 0, unplannedFailoverSeconds: 0.85 });
    expect(report.rpo.basis).toMatch(/waits until ledger-dr has caught up/);
    expect(queries).toEqual([
      expect.objectContaining({
        region: 'us-west-2',
        metric: 'AuroraGlobalDBRPOLag',
        dimension: { name: 'DBClusterIdentifier', value: 'ledger-dr' },
      }),
    ]);
    expect(queries[0]!.to).toBeLessThanOrEqual(Date.parse(report.legs[0]!.startedAt!));
    expect(mEast.commandCalls(SwitchoverGlobalClusterCommand).map((c) => c.args[0].input)).toEqual([
      { GlobalClusterIdentifier: 'ledger-global', TargetDbClusterIdentifier: secondaryArn },
      { GlobalClusterIdentifier: 'ledger-global', TargetDbClusterIdentifier: primaryArn },
    ]);
    expect(mEast.commandCalls(FailoverGlobalClusterCommand)).toHaveLength(0);
    expect(writerArn).toBe(primaryArn);
    expect(report.legs.map((l) => l.name)).toEqual(['switchover', 'failback']);
    expect(report.legs.every((l) => l.rtoSeconds !== undefined && l.rtoSeconds > 0)).toBe(true);
    expect(report.recoveredEndpoint).toBe('ledger-dr.west:5432');
    expect(report.transitions.map((t) => t.state)).toEqual([
      'switching-over',
      'recovered',
      'failing-back',
      'failed-back',
    ]);
    expect(report.passed).toBe(true);
  });

  test('fails back even when the DR side never passes its health check', async () => {
    setup();
    const clock = fakeClock();
    const prober = scriptedProber(() => writerArn === primaryArn && !pending);
    const report = await runDrill(cfg(), engineDeps({ rds, now: clock.now, sleep: clock.sleep, prober }), {
      saveState: () => undefined,
    });
    expect(report.passed).toBe(false);
    expect(report.outcome).toBe('error');
    expect(report.reasons[0]).toMatch(
      /timed out .* switchover of ledger-global to us-west-2 to pass its health check/,
    );
    expect(mEast.commandCalls(SwitchoverGlobalClusterCommand)).toHaveLength(2);
    expect(writerArn).toBe(primaryArn);
    expect(report.legs[1]!.rtoSeconds).toBeDefined();
  });

  test('cancelled while the writer is in the DR region: no second switch, the way back is logged', async () => {
    setup();
    const clock = fakeClock();
    const log = quietLog();
    const ac = new AbortController();
    const sleep = async (ms: number) => {
      await clock.sleep(ms);
      if (mEast.commandCalls(SwitchoverGlobalClusterCommand).length === 1) ac.abort('SIGTERM');
    };
    const saved: DrillState[] = [];
    const report = await runDrill(cfg(), engineDeps({ rds, now: clock.now, sleep, log, signal: ac.signal }), {
      saveState: (st) => saved.push(structuredClone(st)),
    });
    expect(report.outcome).toBe('cancelled');
    expect(mEast.commandCalls(SwitchoverGlobalClusterCommand)).toHaveLength(1);
    expect(log.lines.find((l) => l.startsWith('error:'))).toContain(
      `aws rds switchover-global-cluster --global-cluster-identifier ledger-global --target-db-cluster-identifier ${primaryArn}`,
    );
    // The step state tells post to switch back.
    expect(saved.at(-1)!.pendingFailback).toEqual({
      globalClusterId: 'ledger-global',
      primaryArn,
      region: 'us-east-1',
    });
    // ...and the post step does, with a planned switchover.
    const postLog = quietLog();
    await postCleanup(saved.at(-1)!, { rds, now: clock.now, sleep: clock.sleep, log: postLog });
    expect(writerArn).toBe(primaryArn);
    expect(
      mEast
        .commandCalls(SwitchoverGlobalClusterCommand)
        .map((c) => c.args[0].input.TargetDbClusterIdentifier),
    ).toEqual([secondaryArn, primaryArn]);
    expect(mEast.commandCalls(FailoverGlobalClusterCommand)).toHaveLength(0);
    expect(postLog.lines.join('\n')).toContain('switching it back');
  });

  test('refuses a cluster that is a secondary, before switching anything', async () => {
    setup();
    writerArn = secondaryArn;
    await expect(runDrill(cfg(), engineDeps({ rds }), { saveState: () => undefined })).rejects.toThrow(
      /input "source-db-cluster" is "ledger": it is a secondary of ledger-global/,
    );
    expect(mEast.commandCalls(SwitchoverGlobalClusterCommand)).toHaveLength(0);
  });
});
