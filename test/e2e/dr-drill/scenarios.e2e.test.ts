import { jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import {
  CopyDBSnapshotCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBInstanceReadReplicaCommand,
  CreateDBSnapshotCommand,
  DescribeDBInstancesCommand,
} from '@aws-sdk/client-rds';
import { motoEnv, motoUrl, runAction, useFaultProxy, useMoto, type ActionRun } from '../../harness/index.js';
import {
  ACCOUNT,
  createAuroraCluster,
  createInstance,
  drillLeftovers,
  inventory,
  rds,
} from '../../fixtures/dr-drill/seed.js';
import { publishReplicaLag, replicaTakesTime } from '../../fixtures/dr-drill/metrics.js';

useMoto();
const proxy = useFaultProxy(() => motoUrl());
jest.setTimeout(60_000);

const ACTION = 'actions/dr-drill';
const base = { 'rto-objective': '30m', 'rpo-objective': '1h', 'health-check': 'none', 'poll-interval': '1s' };

function report(r: ActionRun): Record<string, any> {
  return JSON.parse(readFileSync(r.outputs['report-file']!, 'utf8'));
}

function historyLine(r: ActionRun): Record<string, any> {
  const lines = r.main.stdout.split('\n').filter((l) => l.startsWith('{"dr-drill":1'));
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!);
}

test('pitr-restore: restores a tagged instance, measures, deletes it, post finds nothing left', async () => {
  await createInstance('orders-db');
  const r = await runAction({
    action: ACTION,
    env: motoEnv(),
    inputs: { ...base, scenario: 'pitr-restore', 'source-db-instance': 'orders-db' },
  });
  expect(r.main.exitCode).toBe(0);
  expect(r.post?.exitCode).toBe(0);
  expect(r.outputs.passed).toBe('true');
  expect(r.outputs['drill-id']).toMatch(/^drill-\d{14}-7100000001$/);
  expect(Number(r.outputs['rto-seconds'])).toBeGreaterThan(0);
  expect(Number(r.outputs['rto-seconds'])).toBeLessThan(30);
  const rep = report(r);
  expect(rep.created).toHaveLength(1);
  expect(rep.created[0].id).toBe(`${r.outputs['drill-id']}-restore`);
  expect(rep.legs[0].phases.map((p: { name: string }) => p.name)).toEqual(['api-accepted', 'available']);
  expect(rep.rpo.method).toBe('restore-point');
  expect(r.outputs['rpo-method']).toBe('restore-point');
  expect(r.outputs['rpo-seconds']).toMatch(/^\d+(\.\d+)?$/);
  expect(Number(r.outputs['rpo-seconds'])).toBe(rep.rpo.seconds);
  expect(rep).toMatchObject({ schema: 'oaktree.dr-drill/v1', schemaVersion: 1 });
  expect(rep.transitions.map((t: { state: string }) => t.state)).toEqual([
    'restoring',
    'waiting-for-recovery',
    'recovered',
  ]);
  expect(rep.cleanup.status).toBe('done');
  expect(historyLine(r)).toMatchObject({
    passed: true,
    scenario: 'pitr-restore',
    drillId: r.outputs['drill-id'],
  });
  expect(r.summary).toContain('DR drill passed');
  expect(r.post?.log).toContain('nothing left to clean up');
  expect(await drillLeftovers(['us-east-1'])).toEqual([]);
  expect((await inventory()).instances.map((i) => i.id)).toEqual(['orders-db']);
});

test('snapshot-restore into another region picks the newest copy of the source', async () => {
  await createInstance('orders-db');
  await createInstance('other-db');
  const east = rds('us-east-1');
  const west = rds('us-west-2');
  const copy = async (snap: string, target: string, tags: Array<{ Key: string; Value: string }>) => {
    await west.send(
      new CopyDBSnapshotCommand({
        SourceDBSnapshotIdentifier: `arn:aws:rds:us-east-1:${ACCOUNT}:snapshot:${snap}`,
        TargetDBSnapshotIdentifier: target,
        Tags: tags,
      }),
    );
  };
  for (const [db, snap] of [
    ['orders-db', 'orders-old'],
    ['other-db', 'other-new'],
    ['orders-db', 'orders-new'],
  ] as const) {
    await east.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: db, DBSnapshotIdentifier: snap }));
    await new Promise((res) => setTimeout(res, 1100));
  }
  await copy('orders-old', 'orders-old-copy', [{ Key: 'oaktree:source-db', Value: 'orders-db' }]);
  await copy('orders-new', 'orders-new-copy', [
    { Key: 'oaktree:managed-by', Value: 'rds-snapshot' },
    { Key: 'oaktree:source-db', Value: 'orders-db' },
  ]);
  await copy('other-new', 'other-new-copy', [{ Key: 'oaktree:source-db', Value: 'other-db' }]);
  const r = await runAction({
    action: ACTION,
    env: motoEnv(),
    inputs: {
      ...base,
      scenario: 'snapshot-restore',
      'source-db-instance': 'orders-db',
      'dr-region': 'us-west-2',
    },
  });
  expect(r.main.exitCode).toBe(0);
  const rep = report(r);
  expect(rep.notes.join(' ')).toContain('snapshot:orders-new-copy');
  expect(rep.rpo.method).toBe('snapshot-age');
  expect(r.outputs['rpo-method']).toBe('snapshot-age');
  expect(r.outputs['rpo-seconds']).toMatch(/^\d+(\.\d+)?$/);
  expect(Number(r.outputs['rpo-seconds'])).toBe(rep.rpo.seconds);
  expect(rep.rpo.detail).toContain('orders-new-copy');
  expect(rep.created[0].region).toBe('us-west-2');
  expect(rep.created[0].arn).toContain(':us-west-2:');
  expect(await drillLeftovers(['us-east-1', 'us-west-2'])).toEqual([]);
  expect((await inventory('us-west-2')).instances).toEqual([]);
});

test('replica-promote: a throwaway cross-region replica is promoted; the real replica stays a replica', async () => {
  await createInstance('orders-db');
  const east = rds('us-east-1');
  await east.send(
    new CreateDBInstanceReadReplicaCommand({
      DBInstanceIdentifier: 'orders-db-reader',
      SourceDBInstanceIdentifier: 'orders-db',
    }),
  );
  const before = await inventory('us-east-1');
  // RDS publishes the replica's ReplicaLag: 7 s here, in moto's CloudWatch in the DR region.
  const lag = publishReplicaLag('us-west-2', 7);
  proxy().inject(replicaTakesTime());
  const r = await runAction({
    action: ACTION,
    env: { AWS_ENDPOINT_URL: proxy().url },
    inputs: {
      ...base,
      scenario: 'replica-promote',
      'source-db-instance': 'orders-db',
      'dr-region': 'us-west-2',
    },
  }).finally(() => lag.stop());
  expect(r.main.exitCode).toBe(0);
  const rep = report(r);
  expect(lag.published).toEqual([`${r.outputs['drill-id']}-replica`]);
  expect(rep.rpo).toMatchObject({ method: 'replica-lag', upperBound: true, seconds: 7 });
  expect(r.outputs['rpo-seconds']).toBe('7');
  expect(r.outputs['rpo-method']).toBe('replica-lag');
  expect(r.summary).toContain('CloudWatch ReplicaLag (upper bound)');
  expect(rep.transitions.map((t: { state: string }) => t.state)).toEqual([
    'creating-replica',
    'waiting-for-replication',
    'measuring-lag',
    'promoting',
    'waiting-for-recovery',
    'recovered',
  ]);
  expect(rep.created).toEqual([expect.objectContaining({ role: 'replica', region: 'us-west-2' })]);
  expect(rep.legs[0].name).toBe('promote');
  expect(rep.legs[0].phases.map((p: { name: string }) => p.name)).toContain('promoted');
  expect(rep.preparation[0].name).toContain('replica');
  const reader = (
    await east.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'orders-db-reader' }))
  ).DBInstances![0]!;
  expect(reader.ReadReplicaSourceDBInstanceIdentifier).toBe('orders-db');
  expect((await inventory('us-east-1')).instances).toEqual(before.instances);
  expect(await drillLeftovers(['us-east-1', 'us-west-2'])).toEqual([]);
});

test('cluster-failover moves the writer and creates nothing', async () => {
  await createAuroraCluster('ledger', ['ledger-a', 'ledger-b']);
  const before = await inventory();
  expect(before.clusters[0]!.writer).toBe('ledger-a');
  const r = await runAction({
    action: ACTION,
    env: motoEnv(),
    inputs: {
      ...base,
      scenario: 'cluster-failover',
      'source-db-cluster': 'ledger',
      'allow-disruption': 'true',
    },
  });
  expect(r.main.exitCode).toBe(0);
  const after = await inventory();
  expect(after.clusters[0]!.writer).toBe('ledger-b');
  const rep = report(r);
  expect(rep.created).toEqual([]);
  expect(rep.legs[0].phases.map((p: { name: string }) => p.name)).toEqual([
    'api-accepted',
    'writer-switched',
  ]);
  expect(rep.rpo).toMatchObject({ method: 'synchronous', seconds: 0, upperBound: false });
  expect(rep.rpo.basis).toMatch(/cluster volume/);
  expect(r.outputs['rpo-seconds']).toBe('0');
  expect(r.outputs['rpo-method']).toBe('synchronous');
  expect(r.summary).toContain('synchronous, 0 by design');
  expect(after.instances.map((i) => i.id)).toEqual(['ledger-a', 'ledger-b']);
});

test('replica-promote with no RPO figure (no heartbeat, no ReplicaLag datapoint) fails, and cleans up', async () => {
  await createInstance('orders-db');
  const r = await runAction({
    action: ACTION,
    env: motoEnv(),
    inputs: { ...base, scenario: 'replica-promote', 'source-db-instance': 'orders-db' },
  });
  expect(r.main.exitCode).toBe(1);
  expect(r.outputs.passed).toBe('false');
  expect(r.outputs['rpo-seconds']).toBe('');
  expect(r.outputs['rpo-method']).toBe('unknown');
  expect(r.main.annotations.find((a) => a.level === 'error')?.message).toMatch(
    /RPO unknown: CloudWatch has no ReplicaLag datapoint for drill-\S+-replica/,
  );
  expect(report(r).cleanup.status).toBe('done');
  expect(await drillLeftovers(['us-east-1'])).toEqual([]);
});

test('replica-promote: a replica lagging beyond the objective fails the drill', async () => {
  await createInstance('orders-db');
  const lag = publishReplicaLag('us-east-1', 600);
  proxy().inject(replicaTakesTime());
  const r = await runAction({
    action: ACTION,
    env: { AWS_ENDPOINT_URL: proxy().url },
    inputs: {
      ...base,
      scenario: 'replica-promote',
      'source-db-instance': 'orders-db',
      'rpo-objective': '5m',
    },
  }).finally(() => lag.stop());
  expect(r.main.exitCode).toBe(1);
  expect(r.outputs['rpo-seconds']).toBe('600');
  expect(r.main.annotations.find((a) => a.level === 'error')?.message).toMatch(
    /RPO upper bound 10m00s exceeds the objective 5m00s/,
  );
});

test('an impossible objective fails the step with passed=false, and cleanup still happens', async () => {
  await createInstance('orders-db');
  const r = await runAction({
    action: ACTION,
    env: motoEnv(),
    inputs: { ...base, scenario: 'pitr-restore', 'source-db-instance': 'orders-db', 'rpo-objective': '0s' },
  });
  expect(r.main.exitCode).toBe(1);
  expect(r.outputs.passed).toBe('false');
  expect(r.outputs['drill-id']).toMatch(/^drill-/);
  expect(r.outputs['rto-seconds']).not.toBe('');
  expect(r.main.annotations.find((a) => a.level === 'error')?.message).toMatch(
    /RPO upper bound .* exceeds the objective 0ms/,
  );
  const rep = report(r);
  expect(rep.passed).toBe(false);
  expect(rep.cleanup.status).toBe('done');
  expect(r.summary).toContain('FAILED');
  expect(historyLine(r)).toMatchObject({ passed: false, outcome: 'failed' });
  expect(await drillLeftovers(['us-east-1'])).toEqual([]);
});

test('SIGTERM after the restored instance appears: post deletes everything the drill tagged', async () => {
  await createInstance('orders-db');
  const r = await runAction({
    action: ACTION,
    env: motoEnv(),
    inputs: {
      ...base,
      scenario: 'pitr-restore',
      'source-db-instance': 'orders-db',
      // Nothing listens on port 1: the health check keeps failing until the signal.
      'health-check': 'sql',
      'sql-connection': 'postgres://app:pw@127.0.0.1:1/app',
      'probe-interval': '200ms',
    },
    interrupt: { when: (log) => log.includes('health check not yet'), signal: 'SIGTERM' },
  });
  expect(r.main.exitCode).toBe(1);
  expect(r.main.log).toContain('cancelled: deleting what the drill created');
  expect(r.state.drill).toContain('"outcome":"cancelled"');
  expect(r.post?.exitCode).toBe(0);
  expect(await drillLeftovers(['us-east-1'])).toEqual([]);
  expect((await inventory()).instances.map((i) => i.id)).toEqual(['orders-db']);
});

test('SIGKILL after the restored instance appears: the post step alone deletes it', async () => {
  await createInstance('orders-db');
  const r = await runAction({
    action: ACTION,
    env: motoEnv(),
    inputs: {
      ...base,
      scenario: 'pitr-restore',
      'source-db-instance': 'orders-db',
      'health-check': 'sql',
      'sql-connection': 'postgres://app:pw@127.0.0.1:1/app',
      'probe-interval': '200ms',
    },
    interrupt: { when: (log) => log.includes('health check not yet'), signal: 'SIGKILL' },
  });
  expect(r.main.signal).toBe('SIGKILL');
  // The state saved before the restore names the drill; post finds the instance by its tag.
  expect(r.state.drill).toContain('"outcome":"running"');
  expect(r.post?.exitCode).toBe(0);
  expect(r.post?.log).toMatch(/deleting everything tagged dr-drill-id=drill-/);
  expect(r.post?.log).toMatch(/deleted 1 resource\(s\), all gone/);
  expect(await drillLeftovers(['us-east-1'])).toEqual([]);
});

test('the orphan sweep deletes expired drill resources and spares young and foreign ones', async () => {
  const past = new Date(Date.now() - 3_600_000).toISOString();
  const future = new Date(Date.now() + 3_600_000).toISOString();
  await createInstance('orders-db');
  await createInstance('drill-20200101000000-1-restore', {
    tags: [
      { Key: 'dr-drill-id', Value: 'drill-20200101000000-1' },
      { Key: 'dr-drill-expires', Value: past },
    ],
  });
  await createInstance('drill-20991231000000-2-restore', {
    tags: [
      { Key: 'dr-drill-id', Value: 'drill-20991231000000-2' },
      { Key: 'dr-drill-expires', Value: future },
    ],
  });
  await createInstance('drill-20991231000000-3-restore', {
    tags: [{ Key: 'dr-drill-id', Value: 'drill-20991231000000-3' }],
  });
  await createInstance('payments-db', {
    tags: [
      { Key: 'dr-drill-expires', Value: past },
      { Key: 'team', Value: 'payments' },
    ],
  });
  // Someone else's database carrying an expired drill's tags: not named after that drill, never deleted.
  await createInstance('payroll-db', {
    tags: [
      { Key: 'dr-drill-id', Value: 'drill-20200101000000-5' },
      { Key: 'dr-drill-expires', Value: past },
    ],
  });
  await createInstance('drill-20200101000000-4-restore', {
    region: 'us-west-2',
    tags: [
      { Key: 'dr-drill-id', Value: 'drill-20200101000000-4' },
      { Key: 'dr-drill-expires', Value: past },
    ],
  });
  const r = await runAction({
    action: ACTION,
    env: motoEnv(),
    inputs: { ...base, scenario: 'pitr-restore', 'source-db-instance': 'orders-db' },
  });
  expect(r.main.exitCode).toBe(0);
  const rep = report(r);
  expect(rep.sweep.deleted.map((d: { arn: string }) => d.arn)).toEqual([
    `arn:aws:rds:us-east-1:${ACCOUNT}:db:drill-20200101000000-1-restore`,
  ]);
  expect(rep.sweep.spared.map((d: { arn: string }) => d.arn.split(':').pop()).sort()).toEqual([
    'drill-20991231000000-2-restore',
    'drill-20991231000000-3-restore',
    'payroll-db',
  ]);
  expect((await inventory()).instances.map((i) => i.id).sort()).toEqual([
    'drill-20991231000000-2-restore',
    'drill-20991231000000-3-restore',
    'orders-db',
    'payments-db',
    'payroll-db',
  ]);
  // Regions outside the drill are not swept.
  expect((await inventory('us-west-2')).instances.map((i) => i.id)).toEqual([
    'drill-20200101000000-4-restore',
  ]);
});

describe('bad input changes nothing', () => {
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    [
      'cluster-failover without allow-disruption',
      { scenario: 'cluster-failover', 'source-db-cluster': 'ledger' },
      /input "allow-disruption"/,
    ],
    [
      'a cluster scenario with an instance',
      { scenario: 'cluster-failover', 'source-db-instance': 'orders-db', 'allow-disruption': 'true' },
      /input "source-db-instance" does not fit scenario cluster-failover/,
    ],
    [
      'heartbeat without sql-connection',
      { scenario: 'pitr-restore', 'source-db-instance': 'orders-db', 'heartbeat-table': 'dr.heartbeat' },
      /input "sql-connection" is required with heartbeat-table/,
    ],
    [
      'health-check sql without sql-connection',
      { scenario: 'pitr-restore', 'source-db-instance': 'orders-db', 'health-check': 'sql' },
      /input "sql-connection" is required with health-check: sql/,
    ],
    [
      'a bad duration',
      { scenario: 'pitr-restore', 'source-db-instance': 'orders-db', 'rto-objective': '30' },
      /input "rto-objective" is "30"/,
    ],
    [
      'a missing source',
      { scenario: 'pitr-restore', 'source-db-instance': 'no-such-db' },
      /input "source-db-instance" is "no-such-db": no such DB instance in us-east-1/,
    ],
    [
      'no snapshot to restore',
      { scenario: 'snapshot-restore', 'source-db-instance': 'orders-db', 'dr-region': 'us-west-2' },
      /input "snapshot-identifier" is empty and us-west-2 has no available manual snapshot/,
    ],
    [
      'no replicated backups in the DR region',
      { scenario: 'pitr-restore', 'source-db-instance': 'orders-db', 'dr-region': 'eu-west-1' },
      /input "dr-region" is "eu-west-1": no automated backups of orders-db are replicated there/,
    ],
    [
      'a subnet group that does not exist',
      { scenario: 'pitr-restore', 'source-db-instance': 'orders-db', 'db-subnet-group': 'nope' },
      /input "db-subnet-group" is "nope"/,
    ],
  ];
  test.each(cases)('%s', async (_name, inputs, message) => {
    await createInstance('orders-db');
    await createInstance('expired-drill', {
      tags: [
        { Key: 'dr-drill-id', Value: 'drill-1' },
        { Key: 'dr-drill-expires', Value: '2020-01-01T00:00:00Z' },
      ],
    });
    await createAuroraCluster('ledger', ['ledger-a', 'ledger-b']);
    const regions = ['us-east-1', 'us-west-2', 'eu-west-1'];
    const before = await Promise.all(regions.map((x) => inventory(x)));
    const r = await runAction({ action: ACTION, env: motoEnv(), inputs: { ...base, ...inputs } });
    expect(r.main.exitCode).toBe(1);
    const errors = r.main.annotations.filter((a) => a.level === 'error').map((a) => a.message);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
    expect(r.outputs.passed).toBe('false');
    expect(r.state).toEqual({});
    expect(r.post?.exitCode).toBe(0);
    expect(r.post?.log).toContain('nothing to clean up');
    // Nothing created, nothing deleted (not even the expired drill instance: the sweep never ran).
    expect(await Promise.all(regions.map((x) => inventory(x)))).toEqual(before);
  });
});

test('tags on created resources: id, expiry, repository and run', async () => {
  await createInstance('orders-db');
  const r = await runAction({
    action: ACTION,
    env: motoEnv(),
    inputs: { ...base, scenario: 'pitr-restore', 'source-db-instance': 'orders-db', cleanup: 'never' },
  });
  expect(r.main.exitCode).toBe(0);
  const inv = await inventory();
  const ours = inv.instances.find((i) => i.tags['dr-drill-id'] === r.outputs['drill-id'])!;
  expect(ours.tags).toEqual({
    'dr-drill-id': r.outputs['drill-id'],
    'dr-drill-expires': expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    repository: 'oaktree-demo/shop',
    run: 'https://github.com/oaktree-demo/shop/actions/runs/7100000001',
  });
  expect(Date.parse(ours.tags['dr-drill-expires']!)).toBeGreaterThan(Date.now());
  expect(r.post?.log).toContain('kept');
  // The source was not tagged or changed.
  expect(inv.instances.find((i) => i.id === 'orders-db')!.tags).toEqual({});
});

test('cleanup: on-success keeps a failed drill for investigation, and the post step says where it is', async () => {
  await createInstance('orders-db');
  const r = await runAction({
    action: ACTION,
    env: motoEnv(),
    inputs: {
      ...base,
      scenario: 'pitr-restore',
      'source-db-instance': 'orders-db',
      'rpo-objective': '0s',
      cleanup: 'on-success',
    },
  });
  expect(r.main.exitCode).toBe(1);
  expect(report(r).cleanup.status).toBe('kept for investigation (cleanup: on-success)');
  expect(r.post?.exitCode).toBe(0);
  const kept = await drillLeftovers(['us-east-1']);
  expect(kept).toEqual([`us-east-1/instance/${r.outputs['drill-id']}-restore`]);
  expect(r.post?.annotations.find((a) => a.level === 'warning')?.message).toContain(
    `db:${r.outputs['drill-id']}-restore`,
  );
});

test('pitr-restore of an Aurora cluster: a new cluster plus a writer, both tagged, both deleted (writer first)', async () => {
  await createAuroraCluster('ledger', ['ledger-a', 'ledger-b']);
  const r = await runAction({
    action: ACTION,
    env: motoEnv(),
    inputs: { ...base, scenario: 'pitr-restore', 'source-db-cluster': 'ledger', cleanup: 'always' },
  });
  expect(r.main.exitCode).toBe(0);
  const rep = report(r);
  expect(rep.created.map((c: { kind: string; role: string }) => `${c.kind}:${c.role}`)).toEqual([
    'cluster:cluster',
    'instance:writer',
  ]);
  expect(rep.transitions.map((t: { state: string }) => t.state)).toEqual([
    'restoring-cluster',
    'waiting-for-cluster',
    'creating-writer',
    'waiting-for-recovery',
    'recovered',
  ]);
  expect(rep.legs[0].phases.map((p: { name: string }) => p.name)).toEqual([
    'api-accepted',
    'cluster-available',
    'available',
  ]);
  expect(r.outputs['recovered-endpoint']).toMatch(new RegExp(`^${r.outputs['drill-id']}-cluster\\.cluster-`));
  expect(r.outputs['rpo-method']).toBe('restore-point');
  expect(r.outputs['rpo-seconds']).toMatch(/^\d+(\.\d+)?$/);
  expect(rep.cleanup.deleted).toHaveLength(2);
  expect(await drillLeftovers(['us-east-1'])).toEqual([]);
  const inv = await inventory();
  expect(inv.clusters.map((c) => c.id)).toEqual(['ledger']);
  expect(inv.instances.map((i) => i.id)).toEqual(['ledger-a', 'ledger-b']);
});

test('snapshot-restore of an Aurora cluster from its newest manual cluster snapshot', async () => {
  await createAuroraCluster('ledger', ['ledger-a']);
  const east = rds();
  for (const id of ['ledger-monday', 'ledger-tuesday']) {
    await east.send(
      new CreateDBClusterSnapshotCommand({ DBClusterIdentifier: 'ledger', DBClusterSnapshotIdentifier: id }),
    );
    await new Promise((res) => setTimeout(res, 1100));
  }
  const r = await runAction({
    action: ACTION,
    env: motoEnv(),
    inputs: {
      ...base,
      scenario: 'snapshot-restore',
      'source-db-cluster': 'ledger',
      'instance-class': 'db.r6g.large',
    },
  });
  expect(r.main.exitCode).toBe(0);
  const rep = report(r);
  expect(rep.rpo.method).toBe('snapshot-age');
  expect(r.outputs['rpo-seconds']).toMatch(/^\d+(\.\d+)?$/);
  expect(rep.rpo.detail).toContain('ledger-tuesday');
  expect(rep.created.map((c: { role: string }) => c.role)).toEqual(['cluster', 'writer']);
  expect(await drillLeftovers(['us-east-1'])).toEqual([]);
});

test('snapshot-identifier names the snapshot to restore, even when a newer one exists', async () => {
  await createInstance('orders-db');
  const east = rds();
  for (const id of ['orders-before-migration', 'orders-latest']) {
    await east.send(
      new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'orders-db', DBSnapshotIdentifier: id }),
    );
    await new Promise((res) => setTimeout(res, 1100));
  }
  const r = await runAction({
    action: ACTION,
    env: motoEnv(),
    inputs: {
      ...base,
      scenario: 'snapshot-restore',
      'source-db-instance': 'orders-db',
      'snapshot-identifier': 'orders-before-migration',
    },
  });
  expect(r.main.exitCode).toBe(0);
  expect(report(r).rpo.detail).toContain('orders-before-migration');
  expect(await drillLeftovers(['us-east-1'])).toEqual([]);
});
