import {
  CreateDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  FailoverDBClusterCommand,
  PromoteReadReplicaCommand,
  RDSClient,
  RestoreDBClusterToPointInTimeCommand,
  type DBCluster,
  type DBInstance,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { createOnce, isInvalidState, moveOnce } from './once.js';
import { drillContext, engineDeps, fakeClock, quietLog } from './testing.js';

const client = new RDSClient({ region: 'us-east-1' });
const m = mockClient(client);
const DRILL = 'drill-20261126020000-42';
const CLUSTER = `${DRILL}-cluster`;
const clusterArn = `arn:aws:rds:us-east-1:123456789012:cluster:${CLUSTER}`;

const err = (name: string, status: number, message = name) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
const lostReply = () => err('InternalFailure', 500, 'We encountered an internal error');

function setup() {
  const clock = fakeClock();
  const log = quietLog();
  const deps = engineDeps({ rds: () => client, now: clock.now, sleep: clock.sleep, log });
  return { clock, log, ...drillContext(deps) };
}

/** A cluster store that refuses a second create of the same id, like RDS. */
function clusters(initial: DBCluster[] = []) {
  const db = new Map(initial.map((c) => [c.DBClusterIdentifier!, c]));
  m.on(DescribeDBClustersCommand).callsFake((input) => {
    const c = db.get(input.DBClusterIdentifier);
    if (!c) throw err('DBClusterNotFoundFault', 404);
    return { DBClusters: [c] };
  });
  return db;
}

const restoreCluster = (ctx: ReturnType<typeof setup>['ctx']) =>
  createOnce(ctx, {
    kind: 'cluster',
    id: CLUSTER,
    region: 'us-east-1',
    role: 'cluster',
    rds: client,
    call: async () =>
      (
        await client.send(
          new RestoreDBClusterToPointInTimeCommand({
            DBClusterIdentifier: CLUSTER,
            SourceDBClusterIdentifier: 'ledger',
            UseLatestRestorableTime: true,
            Tags: ctx.tags,
          }),
        )
      ).DBCluster?.DBClusterArn,
  });

beforeEach(() => m.reset());

describe('createOnce', () => {
  test('a lost reply: the retry meets "already exists" for our own cluster, which is adopted and recorded', async () => {
    const db = clusters();
    let first = true;
    m.on(RestoreDBClusterToPointInTimeCommand).callsFake((input) => {
      if (db.has(input.DBClusterIdentifier)) throw err('DBClusterAlreadyExistsFault', 400);
      db.set(input.DBClusterIdentifier, {
        DBClusterIdentifier: input.DBClusterIdentifier,
        DBClusterArn: clusterArn,
        TagList: input.Tags,
      });
      if (first) {
        first = false;
        throw lostReply();
      }
      return { DBCluster: db.get(input.DBClusterIdentifier) };
    });
    const { ctx, saved, log } = setup();
    expect(await restoreCluster(ctx)).toEqual({ adopted: true });
    expect(m.commandCalls(RestoreDBClusterToPointInTimeCommand)).toHaveLength(2);
    // Recorded before the call was sent; then confirmed with its ARN, as adopted.
    expect(saved[0]!.created).toEqual([expect.objectContaining({ id: CLUSTER, status: 'requested' })]);
    expect(saved.at(-1)!.created).toEqual([
      expect.objectContaining({ id: CLUSTER, arn: clusterArn, status: 'adopted', role: 'cluster' }),
    ]);
    expect(log.lines.join('\n')).toContain('AWS answered InternalFailure (transient)');
    expect(log.lines.join('\n')).toContain(`cluster ${CLUSTER} in us-east-1: a retry met "already exists"`);
  });

  test('the resource named by "already exists" is not visible yet: it is looked for again, then adopted', async () => {
    const { ctx, clock } = setup();
    let visibleAt = Infinity;
    m.on(RestoreDBClusterToPointInTimeCommand).callsFake(() => {
      if (visibleAt !== Infinity) throw err('DBClusterAlreadyExistsFault', 400);
      visibleAt = clock.now() + 8000;
      throw lostReply();
    });
    m.on(DescribeDBClustersCommand).callsFake(() => {
      if (clock.now() < visibleAt) throw err('DBClusterNotFoundFault', 404);
      return { DBClusters: [{ DBClusterIdentifier: CLUSTER, DBClusterArn: clusterArn, TagList: ctx.tags }] };
    });
    expect(await restoreCluster(ctx)).toEqual({ adopted: true });
    expect(m.commandCalls(DescribeDBClustersCommand).length).toBeGreaterThan(1);
  });

  test('"already exists" for a cluster that is not ours is thrown as it came; the record is dropped', async () => {
    clusters([
      {
        DBClusterIdentifier: CLUSTER,
        DBClusterArn: clusterArn,
        TagList: [{ Key: 'dr-drill-id', Value: 'other' }],
      },
    ]);
    m.on(RestoreDBClusterToPointInTimeCommand).rejects(err('DBClusterAlreadyExistsFault', 400, 'taken'));
    const { ctx, saved, log } = setup();
    await expect(restoreCluster(ctx)).rejects.toThrow('taken');
    expect(saved.at(-1)!.created).toEqual([]);
    expect(log.lines.join('\n')).toContain(`its dr-drill-id tag is "other"`);
  });

  test('a plain refusal drops the record; an outcome still unknown at the deadline keeps it for cleanup', async () => {
    m.on(RestoreDBClusterToPointInTimeCommand).rejects(err('InvalidParameterValue', 400, 'bad class'));
    const a = setup();
    await expect(restoreCluster(a.ctx)).rejects.toThrow('bad class');
    expect(a.state.created).toEqual([]);

    m.reset();
    m.on(RestoreDBClusterToPointInTimeCommand).rejects(lostReply());
    const b = setup();
    await expect(restoreCluster(b.ctx)).rejects.toThrow(/kept answering InternalFailure/);
    expect(b.state.created).toEqual([expect.objectContaining({ id: CLUSTER, status: 'requested' })]);
  });

  test('the Aurora writer: a lost CreateDBInstance reply is adopted and recorded with its cluster', async () => {
    const writer = `${DRILL}-writer`;
    let made: DBInstance | undefined;
    m.on(CreateDBInstanceCommand).callsFake((input) => {
      if (made) throw err('DBInstanceAlreadyExistsFault', 400);
      made = {
        DBInstanceIdentifier: writer,
        DBInstanceArn: `arn:aws:rds:us-east-1:123456789012:db:${writer}`,
        DBClusterIdentifier: CLUSTER,
        TagList: input.Tags,
      };
      throw lostReply();
    });
    m.on(DescribeDBInstancesCommand).callsFake(() => ({ DBInstances: made ? [made] : [] }));
    const { ctx, state } = setup();
    const r = await createOnce(ctx, {
      kind: 'instance',
      id: writer,
      region: 'us-east-1',
      role: 'writer',
      clusterId: CLUSTER,
      rds: client,
      call: async () =>
        (
          await client.send(
            new CreateDBInstanceCommand({
              DBInstanceIdentifier: writer,
              DBClusterIdentifier: CLUSTER,
              Engine: 'aurora-postgresql',
              DBInstanceClass: 'db.r6g.large',
              Tags: ctx.tags,
            }),
          )
        ).DBInstance?.DBInstanceArn,
    });
    expect(r.adopted).toBe(true);
    expect(state.created).toEqual([
      expect.objectContaining({
        id: writer,
        clusterId: CLUSTER,
        status: 'adopted',
        arn: made!.DBInstanceArn,
      }),
    ]);
  });
});

describe('moveOnce (failover, promotion)', () => {
  test('a failover whose reply was lost: the retry meets an invalid state, the cluster is failing over, carry on', async () => {
    let failingOver = false;
    m.on(FailoverDBClusterCommand).callsFake(() => {
      if (failingOver) throw err('InvalidDBClusterStateFault', 400, 'cluster is failing over');
      failingOver = true;
      throw lostReply();
    });
    const { ctx, log } = setup();
    const r = await moveOnce(ctx, {
      what: 'fail over cluster ledger',
      call: () => client.send(new FailoverDBClusterCommand({ DBClusterIdentifier: 'ledger' })),
      conflict: isInvalidState,
      reached: async () => failingOver,
      reachedText: 'cluster ledger is failing over',
    });
    expect(r).toEqual({ verified: true });
    expect(m.commandCalls(FailoverDBClusterCommand)).toHaveLength(2);
    expect(log.lines.join('\n')).toContain(
      'fail over cluster ledger: no reply arrived, but cluster ledger is failing over: carrying on',
    );
  });

  test('an invalid-state refusal when nothing moved is thrown as it came', async () => {
    m.on(PromoteReadReplicaCommand).rejects(err('InvalidDBInstanceStateFault', 400, 'not a read replica'));
    const { ctx } = setup();
    await expect(
      moveOnce(ctx, {
        what: 'promote replica x',
        call: () => client.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'x' })),
        conflict: isInvalidState,
        reached: async () => false,
        reachedText: 'x is being promoted',
      }),
    ).rejects.toThrow('not a read replica');
  });
});
