/**
 * dr-drill under injected faults: the committed bundle runs main then post against moto behind the
 * fault proxy. Each test asserts the same outcome as a run without faults, exactly one resource per
 * create, the right outputs, and nothing left in moto after post.
 *
 * Where moto differs from RDS the proxy is taught RDS's answer: moto replaces a cluster or read
 * replica when it is created again under the same identifier, RDS refuses with
 * DBClusterAlreadyExistsFault / DBInstanceAlreadyExists (see refuseRepeats); moto applies a second
 * failover or promotion, RDS refuses it with an invalid-state error (refuseSecond); moto keeps naming
 * the source of a promoted replica, RDS does not (the 'promoted' rewrite). moto has no
 * SwitchoverGlobalCluster, so a lost switchover reply is covered by unit tests (switchover.test.ts).
 */
import { jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { CreateDBSnapshotCommand } from '@aws-sdk/client-rds';
import { motoUrl, runAction, useMoto, type ActionRun } from '../../harness/index.js';
import { useFaultProxy, type FaultRule, type ProxyCall } from '../../harness/faults.js';
import {
  createAuroraCluster,
  createInstance,
  drillLeftovers,
  inventory,
  rds,
} from '../../fixtures/dr-drill/seed.js';
import { publishReplicaLag, replicaTakesTime } from '../../fixtures/dr-drill/metrics.js';

useMoto();
const proxy = useFaultProxy(() => motoUrl());
jest.setTimeout(300_000);

const ACTION = 'actions/dr-drill';
const base = { 'rto-objective': '30m', 'rpo-objective': '1h', 'health-check': 'none', 'poll-interval': '1s' };
const REGIONS = ['us-east-1', 'us-west-2'];

interface Scenario {
  name: string;
  seed: () => Promise<void>;
  inputs: Record<string, string>;
  /** The create calls the scenario makes, in order, and the identifier parameter each names. */
  creates: Array<{ op: string; idParam: string; role: string; kind: 'instance' | 'cluster' }>;
  transitions: string[];
  endpoint: RegExp;
}

const scenarios: Record<string, Scenario> = {
  pitr: {
    name: 'pitr-restore of an instance',
    seed: () => createInstance('orders-db'),
    inputs: { scenario: 'pitr-restore', 'source-db-instance': 'orders-db' },
    creates: [
      {
        op: 'RestoreDBInstanceToPointInTime',
        idParam: 'TargetDBInstanceIdentifier',
        role: 'restore',
        kind: 'instance',
      },
    ],
    transitions: ['restoring', 'waiting-for-recovery', 'recovered'],
    endpoint: /-restore\./,
  },
  snapshot: {
    name: 'snapshot-restore of an instance',
    seed: async () => {
      await createInstance('orders-db');
      await rds().send(
        new CreateDBSnapshotCommand({
          DBInstanceIdentifier: 'orders-db',
          DBSnapshotIdentifier: 'orders-nightly',
        }),
      );
    },
    inputs: { scenario: 'snapshot-restore', 'source-db-instance': 'orders-db' },
    creates: [
      {
        op: 'RestoreDBInstanceFromDBSnapshot',
        idParam: 'DBInstanceIdentifier',
        role: 'restore',
        kind: 'instance',
      },
    ],
    transitions: ['restoring', 'waiting-for-recovery', 'recovered'],
    endpoint: /-restore\./,
  },
  aurora: {
    name: 'pitr-restore of an Aurora cluster (cluster, then writer)',
    seed: () => createAuroraCluster('ledger', ['ledger-a', 'ledger-b']),
    inputs: { scenario: 'pitr-restore', 'source-db-cluster': 'ledger' },
    creates: [
      {
        op: 'RestoreDBClusterToPointInTime',
        idParam: 'DBClusterIdentifier',
        role: 'cluster',
        kind: 'cluster',
      },
      { op: 'CreateDBInstance', idParam: 'DBInstanceIdentifier', role: 'writer', kind: 'instance' },
    ],
    transitions: [
      'restoring-cluster',
      'waiting-for-cluster',
      'creating-writer',
      'waiting-for-recovery',
      'recovered',
    ],
    endpoint: /-cluster\.cluster-/,
  },
  replica: {
    name: 'replica-promote across regions',
    seed: () => createInstance('orders-db'),
    inputs: { scenario: 'replica-promote', 'source-db-instance': 'orders-db', 'dr-region': 'us-west-2' },
    creates: [
      {
        op: 'CreateDBInstanceReadReplica',
        idParam: 'DBInstanceIdentifier',
        role: 'replica',
        kind: 'instance',
      },
    ],
    transitions: [
      'creating-replica',
      'waiting-for-replication',
      'measuring-lag',
      'promoting',
      'waiting-for-recovery',
      'recovered',
    ],
    endpoint: /-replica\./,
  },
};

const isDrillId = (v: string | undefined) => (v ?? '').startsWith('drill-');
const byId = (c: ProxyCall) => c.params.DBInstanceIdentifier ?? c.params.DBClusterIdentifier;

function report(r: ActionRun): Record<string, any> {
  return JSON.parse(readFileSync(r.outputs['report-file']!, 'utf8'));
}

/**
 * What RDS answers a second create under an identifier that exists (moto replaces the cluster or
 * replica instead): DBClusterAlreadyExistsFault / DBInstanceAlreadyExists, HTTP 400.
 */
function refuseRepeats(op: string, idParam: string, code: string): FaultRule {
  const seen = new Set<string>();
  return {
    name: 'rds-refuses-repeat',
    service: 'rds',
    operation: op,
    when: (c) => {
      const id = c.params[idParam] ?? '';
      if (seen.has(id)) return true;
      seen.add(id);
      return false;
    },
    fault: { kind: 'error', status: 400, code, message: `${id(idParam)} already exists` },
  };
}
const id = (p: string) => (p.includes('Cluster') ? 'DB cluster' : 'DB instance');

/** 503 on tagging, in case the action ever tags separately (it must not: tags go on the create call). */
const tagging: FaultRule = {
  name: 'tagging',
  service: 'rds',
  operation: 'AddTagsToResource',
  fault: { kind: 'error', status: 503, code: 'ServiceUnavailable' },
};

async function run(s: Scenario, inputs: Record<string, string> = {}): Promise<ActionRun> {
  // A replica-promote needs the replica's ReplicaLag in CloudWatch, as RDS publishes it.
  const replica = s.inputs.scenario === 'replica-promote';
  const lag = replica ? publishReplicaLag(s.inputs['dr-region'] ?? 'us-east-1', 2, 280_000) : undefined;
  if (replica) proxy().inject(replicaTakesTime());
  return runAction({
    action: ACTION,
    env: { AWS_ENDPOINT_URL: proxy().url },
    inputs: { ...base, ...s.inputs, ...inputs },
    timeoutMs: 280_000,
  }).finally(() => lag?.stop());
}

/** Same outcome as without faults, one resource per create, right outputs, nothing left after post. */
async function expectCleanRun(r: ActionRun, s: Scenario, adopted: boolean): Promise<Record<string, any>> {
  expect({ main: r.main.exitCode, post: r.post?.exitCode }).toEqual({ main: 0, post: 0 });
  expect(r.outputs.passed).toBe('true');
  expect(r.outputs['drill-id']).toMatch(/^drill-\d{14}-7100000001$/);
  expect(Number(r.outputs['rto-seconds'])).toBeGreaterThan(0);
  expect(r.outputs['recovered-endpoint']).toMatch(s.endpoint);
  const rep = report(r);
  expect(rep.outcome).toBe('passed');
  expect(rep.transitions.map((t: { state: string }) => t.state)).toEqual(s.transitions);
  expect(
    rep.created.map((c: { kind: string; role: string; id: string }) => `${c.kind}:${c.role}:${c.id}`),
  ).toEqual(s.creates.map((c) => `${c.kind}:${c.role}:${r.outputs['drill-id']}-${c.role}`));
  expect(rep.created.map((c: { status: string }) => c.status)).toEqual(
    s.creates.map(() => (adopted ? 'adopted' : 'created')),
  );
  for (const c of rep.created) expect(c.arn).toMatch(/^arn:aws:rds:/);
  expect(rep.cleanup).toMatchObject({ status: 'done', left: [] });
  expect(rep.cleanup.deleted).toHaveLength(s.creates.length);
  // Exactly one of each create reached moto and was applied.
  for (const c of s.creates)
    expect(
      proxy().calls.filter(
        (x) => x.operation === c.op && isDrillId(x.params[c.idParam]) && x.backendStatus === 200,
      ),
    ).toHaveLength(1);
  // Tags travel on the create call itself: nothing is tagged separately.
  expect(proxy().calls.filter((x) => x.operation === 'AddTagsToResource')).toEqual([]);
  for (const c of proxy().calls.filter((x) =>
    s.creates.some((k) => k.op === x.operation && isDrillId(x.params[k.idParam])),
  ))
    expect(Object.entries(c.params)).toContainEqual([
      expect.stringMatching(/^Tags\.\w+\.1\.Value$/),
      r.outputs['drill-id'],
    ]);
  expect(await drillLeftovers(REGIONS)).toEqual([]);
  return rep;
}

describe('a lost reply on each kind of create: the retry meets "already exists" for our own resource, adopted', () => {
  test.each(Object.keys(scenarios))('%s', async (key) => {
    const s = scenarios[key]!;
    await s.seed();
    const before = await Promise.all(REGIONS.map((x) => inventory(x)));
    proxy().inject(tagging);
    for (const c of s.creates) {
      proxy().inject({
        name: `lost-${c.op}`,
        service: 'rds',
        operation: c.op,
        calls: [0],
        fault: { kind: 'lose-reply' },
      });
      if (c.op === 'RestoreDBClusterToPointInTime')
        proxy().inject(refuseRepeats(c.op, c.idParam, 'DBClusterAlreadyExistsFault'));
      if (c.op === 'CreateDBInstanceReadReplica')
        proxy().inject(refuseRepeats(c.op, c.idParam, 'DBInstanceAlreadyExists'));
    }
    const r = await run(s);
    for (const c of s.creates) {
      expect(proxy().injected(`lost-${c.op}`)).toHaveLength(1);
      // The SDK's retry of the applied call was refused as a repeat (by moto or, where moto lacks it, the proxy).
      const attempts = proxy().calls.filter((x) => x.operation === c.op);
      expect(attempts.length).toBeGreaterThanOrEqual(2);
      expect(attempts[1]!.status).toBe(400);
    }
    await expectCleanRun(r, s, true);
    expect(r.main.log).toMatch(
      /a retry met "already exists" for it, and it carries this drill's dr-drill-id tag: adopted as ours/,
    );
    expect(r.summary).toContain('(ours, adopted after a lost reply)');
    expect(await Promise.all(REGIONS.map((x) => inventory(x)))).toEqual(
      before.map((b) => ({ ...b, snapshots: expect.any(Array) })),
    );
  });
});

/**
 * Throttling longer than the SDK's own retries (6 attempts) at the start of every wait: the first six
 * status polls of a drill resource after each mutating call answer Throttling, so each wait's first
 * poll fails in the SDK and the drill's own poll retries it.
 */
function throttleEachWait(): FaultRule {
  let phase = 0;
  let throttledInPhase = 0;
  let lastMutation = -1;
  return {
    name: 'throttle-wait',
    service: 'rds',
    operation: /^Describe(DBInstances|DBClusters)$/,
    when: (c) => {
      if (!isDrillId(byId(c))) return false;
      const calls = proxy().calls;
      const m = calls.findLastIndex((x) => x.service === 'rds' && !/^(Describe|List)/.test(x.operation));
      if (m !== lastMutation) {
        lastMutation = m;
        phase++;
        throttledInPhase = 0;
      }
      return phase > 0 && throttledInPhase++ < 6;
    },
    fault: { kind: 'throttle' },
  };
}

describe('throttling longer than the SDK retries during every wait', () => {
  test.each(['pitr', 'aurora', 'replica'])('%s', async (key) => {
    const s = scenarios[key]!;
    await s.seed();
    proxy().inject(throttleEachWait());
    const r = await run(s);
    await expectCleanRun(r, s, false);
    const throttled = proxy().injected('throttle-wait');
    // Every wait met it: the recovery waits, and the cleanup's wait for the deletes.
    const waits = key === 'aurora' ? 4 : key === 'replica' ? 3 : 2;
    expect(throttled.length).toBeGreaterThanOrEqual(6 * waits);
    expect((r.main.log.match(/AWS answered Throttling \(transient\)/g) ?? []).length).toBeGreaterThanOrEqual(
      waits,
    );
  });
});

describe('late visibility', () => {
  test.each(['pitr', 'aurora', 'replica'])(
    '%s: "not found" right after each create is "not visible yet"',
    async (key) => {
      const s = scenarios[key]!;
      await s.seed();
      for (const c of s.creates) {
        const op = c.kind === 'cluster' ? 'DescribeDBClusters' : 'DescribeDBInstances';
        const code = c.kind === 'cluster' ? 'DBClusterNotFoundFault' : 'DBInstanceNotFound';
        proxy().inject({
          name: 'not-visible',
          service: 'rds',
          operation: op,
          // The first three looks at the new resource, once it was created.
          when: (x) =>
            byId(x)?.endsWith(`-${c.role}`) === true &&
            proxy().calls.some((y) => y.operation === c.op && y.backendStatus === 200),
          calls: [0, 1, 2],
          fault: { kind: 'error', status: 404, code, message: `${c.kind} not found` },
        });
      }
      const r = await run(s);
      expect(proxy().injected('not-visible')).toHaveLength(3 * s.creates.length);
      await expectCleanRun(r, s, false);
      expect(r.main.log).toMatch(/not visible yet \((DBInstanceNotFoundFault|DBClusterNotFoundFault)\)/);
    },
  );

  test('a tag listing that does not show the new resources yet: cleanup still deletes what was recorded', async () => {
    const s = scenarios.aurora!;
    await s.seed();
    // Every listing of instances and clusters leaves out the drill's resources, in main and in post.
    const hide = (tag: 'DBInstance' | 'DBCluster') => (text: string) =>
      text.replace(new RegExp(`<${tag}>[\\s\\S]*?</${tag}>`, 'g'), (el) =>
        el.includes(`<${tag}Identifier>drill-`) ? '' : el,
      );
    for (const [op, tag] of [
      ['DescribeDBInstances', 'DBInstance'],
      ['DescribeDBClusters', 'DBCluster'],
    ] as const)
      proxy().inject({
        name: 'stale-listing',
        service: 'rds',
        operation: op,
        when: (c) => !byId(c),
        fault: { kind: 'edit-reply', edit: hide(tag) },
      });
    const r = await run(s);
    const rep = await expectCleanRun(r, s, false);
    expect(proxy().injected('stale-listing').length).toBeGreaterThan(0);
    expect(rep.cleanup.deleted.sort()).toEqual(rep.created.map((c: { arn: string }) => c.arn).sort());
    expect(r.post?.log).toContain('nothing left to clean up');
  });
});

/** RDS refuses a second move while (or after) the first is applied; moto would apply it again. */
function refuseSecond(op: string, code: string, message: string): FaultRule {
  return {
    name: 'rds-refuses-repeat',
    service: 'rds',
    operation: op,
    calls: [1],
    fault: { kind: 'error', status: 400, code, message },
  };
}

describe('a lost reply on a move: verified by a fresh describe, never repeated', () => {
  test('cluster-failover: the writer moved once, the drill carries on', async () => {
    await createAuroraCluster('ledger', ['ledger-a', 'ledger-b']);
    proxy().inject({
      name: 'lost',
      service: 'rds',
      operation: 'FailoverDBCluster',
      calls: [0],
      fault: { kind: 'lose-reply' },
    });
    proxy().inject(
      refuseSecond('FailoverDBCluster', 'InvalidDBClusterStateFault', 'DB cluster ledger is failing over'),
    );
    const r = await runAction({
      action: ACTION,
      env: { AWS_ENDPOINT_URL: proxy().url },
      inputs: {
        ...base,
        scenario: 'cluster-failover',
        'source-db-cluster': 'ledger',
        'allow-disruption': 'true',
      },
    });
    expect({ main: r.main.exitCode, post: r.post?.exitCode }).toEqual({ main: 0, post: 0 });
    expect(r.outputs.passed).toBe('true');
    expect(
      proxy().calls.filter((c) => c.operation === 'FailoverDBCluster' && c.backendStatus === 200),
    ).toHaveLength(1);
    expect((await inventory()).clusters[0]!.writer).toBe('ledger-b');
    expect(r.main.log).toContain(
      'fail over cluster ledger: no reply arrived, but cluster ledger is failing over: carrying on',
    );
    expect(report(r).transitions.map((t: { state: string }) => t.state)).toEqual([
      'failing-over',
      'waiting-for-recovery',
      'recovered',
    ]);
  });

  test('replica-promote: the promotion applied once, the drill carries on and cleans up', async () => {
    const s = scenarios.replica!;
    await s.seed();
    proxy().inject({
      name: 'lost',
      service: 'rds',
      operation: 'PromoteReadReplica',
      calls: [0],
      fault: { kind: 'lose-reply' },
    });
    proxy().inject(
      refuseSecond('PromoteReadReplica', 'InvalidDBInstanceState', 'DB instance is not a read replica'),
    );
    // moto keeps naming the source of a promoted replica; RDS does not (a promoted instance replicates nothing).
    proxy().inject({
      name: 'promoted',
      service: 'rds',
      operation: 'DescribeDBInstances',
      when: (c) =>
        (c.params.DBInstanceIdentifier ?? '').endsWith('-replica') &&
        proxy().calls.some((x) => x.operation === 'PromoteReadReplica' && x.backendStatus === 200),
      fault: {
        kind: 'edit-reply',
        edit: (t) =>
          t.replace(
            /<ReadReplicaSourceDBInstanceIdentifier>[^<]*<\/ReadReplicaSourceDBInstanceIdentifier>/,
            '',
          ),
      },
    });
    const r = await run(s);
    await expectCleanRun(r, s, false);
    expect(
      proxy().calls.filter((c) => c.operation === 'PromoteReadReplica' && c.backendStatus === 200),
    ).toHaveLength(1);
    expect(r.main.log).toMatch(
      /promote replica drill-\S+-replica: no reply arrived, but .* is being promoted: carrying on/,
    );
  });
});

describe('a lost reply on a cleanup delete: the retry is refused as RDS does, the resource counts as deleted', () => {
  test.each(['pitr', 'aurora'])('%s', async (key) => {
    const s = scenarios[key]!;
    await s.seed();
    const deletes = key === 'aurora' ? ['DeleteDBInstance', 'DeleteDBCluster'] : ['DeleteDBInstance'];
    for (const op of deletes) {
      proxy().inject({
        name: `lost-${op}`,
        service: 'rds',
        operation: op,
        calls: [0],
        fault: { kind: 'lose-reply' },
      });
      // RDS refuses to delete what it is already deleting.
      proxy().inject(
        op === 'DeleteDBInstance'
          ? refuseSecond(op, 'InvalidDBInstanceState', 'Instance is already being deleted.')
          : refuseSecond(
              op,
              'InvalidDBClusterStateFault',
              'Cluster cannot be deleted, it is already being deleted.',
            ),
      );
    }
    const r = await run(s);
    for (const op of deletes) {
      expect(proxy().injected(`lost-${op}`)).toHaveLength(1);
      expect(proxy().injected(`lost-${op}`)[0]!.backendStatus).toBe(200);
    }
    expect(proxy().injected('rds-refuses-repeat').length).toBeGreaterThanOrEqual(1);
    await expectCleanRun(r, s, false);
    expect(r.main.log).not.toMatch(/cleanup left/);
    expect(r.post?.log).toContain('nothing left to clean up');
  });
});
