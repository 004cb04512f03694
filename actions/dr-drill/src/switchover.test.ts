/**
 * global-switchover when replies are lost. moto 5.2.1 has no SwitchoverGlobalCluster at all, so this is
 * covered here only: a small fake global database that applies a switchover and then, like RDS, answers
 * InvalidGlobalClusterStateFault to a second one while the first is in flight.
 */
import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  RDSClient,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { runDrill } from './drill.js';
import { postCleanup } from './post-cleanup.js';
import type { DrillState } from './state.js';
import { movingTo } from './scenarios/global-switchover.js';
import { config, engineDeps, fakeClock, quietLog } from './testing.js';

const ACCOUNT = '123456789012';
const primaryArn = `arn:aws:rds:us-east-1:${ACCOUNT}:cluster:ledger`;
const secondaryArn = `arn:aws:rds:us-west-2:${ACCOUNT}:cluster:ledger-dr`;
const east = new RDSClient({ region: 'us-east-1' });
const west = new RDSClient({ region: 'us-west-2' });
const mEast = mockClient(east);
const mWest = mockClient(west);
const rds = (region: string) => (region === 'us-east-1' ? east : west);

const internalFailure = () =>
  Object.assign(new Error('We encountered an internal error. Please try again.'), {
    name: 'InternalFailure',
    $metadata: { httpStatusCode: 500 },
  });
const invalidState = () =>
  Object.assign(new Error('The global cluster is already being switched over'), {
    name: 'InvalidGlobalClusterStateFault',
    $metadata: { httpStatusCode: 400 },
  });

/** The fake: `loseReplies` lists the 0-based SwitchoverGlobalCluster calls whose reply is lost after applying. */
function globalDb(opts: { loseReplies?: number[]; applies?: (n: number) => boolean } = {}) {
  const w = { writer: primaryArn, pending: undefined as undefined | { to: string; polls: number } };
  let n = 0;
  const global = () => ({
    GlobalClusterIdentifier: 'ledger-global',
    Status: w.pending ? 'switching-over' : 'available',
    FailoverState: w.pending
      ? { Status: 'switching-over' as const, FromDbClusterArn: w.writer, ToDbClusterArn: w.pending.to }
      : undefined,
    GlobalClusterMembers: [
      { DBClusterArn: primaryArn, IsWriter: w.writer === primaryArn },
      { DBClusterArn: secondaryArn, IsWriter: w.writer === secondaryArn },
    ],
  });
  mEast.on(DescribeGlobalClustersCommand).callsFake(() => {
    if (w.pending && ++w.pending.polls >= 3) {
      w.writer = w.pending.to;
      w.pending = undefined;
    }
    return { GlobalClusters: [global()] };
  });
  mEast.on(SwitchoverGlobalClusterCommand).callsFake((input) => {
    const i = n++;
    if (w.pending) throw invalidState();
    if (opts.applies?.(i) ?? true) w.pending = { to: input.TargetDbClusterIdentifier, polls: 0 };
    if (opts.loseReplies?.includes(i)) throw internalFailure();
    return {};
  });
  const cluster = (id: string, arn: string, host: string) => ({
    DBClusters: [
      { DBClusterIdentifier: id, DBClusterArn: arn, Status: 'available', Endpoint: host, Port: 5432 },
    ],
  });
  mEast
    .on(DescribeDBClustersCommand)
    .callsFake((input) =>
      input.DBClusterIdentifier ? cluster('ledger', primaryArn, 'ledger.east') : { DBClusters: [] },
    );
  mWest
    .on(DescribeDBClustersCommand)
    .callsFake((input) =>
      input.DBClusterIdentifier ? cluster('ledger-dr', secondaryArn, 'ledger-dr.west') : { DBClusters: [] },
    );
  return w;
}

const cfg = () =>
  config({
    scenario: 'global-switchover',
    source: { kind: 'cluster', id: 'ledger' },
    drRegion: 'us-west-2',
    allowDisruption: true,
    timeoutMs: 120_000,
  });

const switchTargets = () =>
  mEast.commandCalls(SwitchoverGlobalClusterCommand).map((c) => c.args[0].input.TargetDbClusterIdentifier);

beforeEach(() => {
  mEast.reset();
  mWest.reset();
  for (const m of [mEast, mWest]) m.on(DescribeDBInstancesCommand).resolves({ DBInstances: [] });
});

test('movingTo: the target is the writer, or a switchover toward it is under way (not one being cancelled)', () => {
  const g = (writer: string, to?: string, status?: 'pending' | 'cancelling') => ({
    GlobalClusterMembers: [
      { DBClusterArn: primaryArn, IsWriter: writer === primaryArn },
      { DBClusterArn: secondaryArn, IsWriter: writer === secondaryArn },
    ],
    FailoverState: to ? { ToDbClusterArn: to, Status: status } : undefined,
  });
  expect(movingTo(g(secondaryArn), secondaryArn)).toBe(true);
  expect(movingTo(g(primaryArn, secondaryArn, 'pending'), secondaryArn)).toBe(true);
  expect(movingTo(g(primaryArn, secondaryArn, 'cancelling'), secondaryArn)).toBe(false);
  expect(movingTo(g(primaryArn), secondaryArn)).toBe(false);
  expect(movingTo(undefined, secondaryArn)).toBe(false);
});

test('the switchover reply is lost: the failback is owed before the call, the switch is verified, the drill goes on and fails back', async () => {
  const w = globalDb({ loseReplies: [0] });
  const clock = fakeClock();
  const log = quietLog();
  const saved: DrillState[] = [];
  // What post would have found, had the job died at the moment the first switchover was sent.
  let stateAtFirstSend: DrillState | undefined;
  mEast.on(SwitchoverGlobalClusterCommand).callsFake((input) => {
    stateAtFirstSend ??= structuredClone(saved.at(-1));
    if (w.pending) throw invalidState();
    const first = mEast.commandCalls(SwitchoverGlobalClusterCommand).length === 1;
    w.pending = { to: input.TargetDbClusterIdentifier, polls: 0 };
    if (first) throw internalFailure();
    return {};
  });
  const report = await runDrill(cfg(), engineDeps({ rds, now: clock.now, sleep: clock.sleep, log }), {
    saveState: (s) => saved.push(structuredClone(s)),
  });
  expect(stateAtFirstSend?.pendingFailback).toEqual({
    globalClusterId: 'ledger-global',
    primaryArn,
    region: 'us-east-1',
  });
  // First send applied (reply lost), its retry refused as in flight, then verified; one failback.
  expect(switchTargets()).toEqual([secondaryArn, secondaryArn, primaryArn]);
  expect(log.lines).toContainEqual(
    expect.stringContaining(
      `switch ledger-global over to ${secondaryArn}: no reply arrived, but DescribeGlobalClusters shows`,
    ),
  );
  expect(report.passed).toBe(true);
  expect(report.legs.map((l) => l.name)).toEqual(['switchover', 'failback']);
  expect(report.transitions.map((t) => t.state)).toEqual([
    'switching-over',
    'recovered',
    'failing-back',
    'failed-back',
  ]);
  expect(w.writer).toBe(primaryArn);
  expect(saved.at(-1)!.pendingFailback).toBeUndefined();
  expect(mEast.commandCalls(FailoverGlobalClusterCommand)).toHaveLength(0);
});

test('the failback reply is lost: verified the same way, the writer comes home, nothing is owed', async () => {
  const w = globalDb({ loseReplies: [1] });
  const clock = fakeClock();
  const saved: DrillState[] = [];
  const report = await runDrill(cfg(), engineDeps({ rds, now: clock.now, sleep: clock.sleep }), {
    saveState: (s) => saved.push(structuredClone(s)),
  });
  expect(report.passed).toBe(true);
  expect(switchTargets()).toEqual([secondaryArn, primaryArn, primaryArn]);
  expect(w.writer).toBe(primaryArn);
  expect(saved.at(-1)!.pendingFailback).toBeUndefined();
});

test('refused and verified not moved: the drill fails with the refusal, no failback leg, nothing owed', async () => {
  const w = globalDb();
  mEast.on(SwitchoverGlobalClusterCommand).rejects(invalidState());
  const clock = fakeClock();
  const saved: DrillState[] = [];
  const report = await runDrill(cfg(), engineDeps({ rds, now: clock.now, sleep: clock.sleep }), {
    saveState: (s) => saved.push(structuredClone(s)),
  });
  expect(report.outcome).toBe('error');
  expect(report.reasons[0]).toMatch(/already being switched over/);
  expect(switchTargets()).toEqual([secondaryArn]);
  expect(report.legs.map((l) => l.name)).toEqual(['switchover']);
  expect(w.writer).toBe(primaryArn);
  expect(saved.some((s) => s.pendingFailback)).toBe(true);
  expect(saved.at(-1)!.pendingFailback).toBeUndefined();
});

test('main dies right after sending the switchover: post finds the failback owed and brings the writer home, once', async () => {
  const w = globalDb({ loseReplies: [1] });
  const clock = fakeClock();
  const saved: DrillState[] = [];
  let stateAtFirstSend: DrillState | undefined;
  mEast.on(SwitchoverGlobalClusterCommand).callsFake((input) => {
    const i = mEast.commandCalls(SwitchoverGlobalClusterCommand).length - 1;
    stateAtFirstSend ??= structuredClone(saved.at(-1));
    if (w.pending) throw invalidState();
    w.pending = { to: input.TargetDbClusterIdentifier, polls: 0 };
    // The post step's own switchover is applied, and its reply lost too.
    if (i === 1) throw internalFailure();
    return {};
  });
  const ac = new AbortController();
  // The job is killed the moment the switchover is sent: nothing after it runs in main.
  const sleep = async (ms: number) => {
    await clock.sleep(ms);
    if (stateAtFirstSend) ac.abort('SIGKILL');
  };
  await runDrill(cfg(), engineDeps({ rds, now: clock.now, sleep, signal: ac.signal }), {
    saveState: (s) => saved.push(structuredClone(s)),
  });
  expect(switchTargets()).toEqual([secondaryArn]);
  const postLog = quietLog();
  await postCleanup(stateAtFirstSend!, { rds, now: clock.now, sleep: clock.sleep, log: postLog });
  expect(w.writer).toBe(primaryArn);
  // One failback sent: after its lost reply, post looked again, saw it in flight, and waited.
  expect(switchTargets()).toEqual([secondaryArn, primaryArn]);
  expect(postLog.lines.join('\n')).toContain('switching it back');
  expect(postLog.lines.join('\n')).toContain('AWS answered InternalFailure (transient)');
  expect(mEast.commandCalls(FailoverGlobalClusterCommand)).toHaveLength(0);
});

test('post with a failback owed but the writer never left: no switchover is sent', async () => {
  globalDb();
  const clock = fakeClock();
  const log = quietLog();
  const s: DrillState = {
    drillId: 'drill-1',
    regions: ['us-east-1', 'us-west-2'],
    cleanup: 'always',
    startedAt: new Date(clock.now()).toISOString(),
    pollIntervalMs: 5000,
    cleanupTimeoutMs: 600_000,
    created: [],
    outcome: 'running',
    cleanedUp: false,
    left: [],
    pendingFailback: { globalClusterId: 'ledger-global', primaryArn, region: 'us-east-1' },
  };
  await postCleanup(s, { rds, now: clock.now, sleep: clock.sleep, log });
  expect(switchTargets()).toEqual([]);
  expect(log.lines.join('\n')).toContain('(it never left)');
});
