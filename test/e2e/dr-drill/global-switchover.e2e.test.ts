/**
 * global-switchover end to end: the dist bundle against moto, with the Aurora global database moves
 * moto 5.2.1 lacks (SwitchoverGlobalCluster, the writer and FailoverState in DescribeGlobalClusters)
 * taught by the test emulator in front of it (test/emulators/rds-global).
 */
import { jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import {
  motoUrl,
  runAction,
  useFaultProxy,
  useMoto,
  type ActionRun,
  type ProxyCall,
} from '../../harness/index.js';
import { useRdsGlobalEmulator, type EmulatorCall } from '../../emulators/rds-global/index.js';
import { drillLeftovers, inventory } from '../../fixtures/dr-drill/seed.js';
import {
  createGlobalDatabase,
  describeGlobalAt,
  publishGlobalRpoLag,
  type GlobalDatabase,
} from '../../fixtures/dr-drill/global.js';

useMoto();
const emulator = useRdsGlobalEmulator(() => motoUrl(), { pendingMs: 500, switchMs: 2500 });
const proxy = useFaultProxy(() => emulator().url);
jest.setTimeout(90_000);

const ACTION = 'actions/dr-drill';
const REGIONS = ['us-east-1', 'us-west-2'];
const inputs = {
  scenario: 'global-switchover',
  'source-db-cluster': 'ledger',
  'dr-region': 'us-west-2',
  'allow-disruption': 'true',
  'rto-objective': '30m',
  'rpo-objective': '1m',
  'health-check': 'none',
  'poll-interval': '1s',
};

function report(r: ActionRun): Record<string, any> {
  return JSON.parse(readFileSync(r.outputs['report-file']!, 'utf8'));
}

const short = (arn: string | undefined) => arn?.split(':').pop();

/** What the drill's own polls of the global cluster showed, one entry per change. */
function seen(calls: EmulatorCall[]): string[] {
  const out: string[] = [];
  for (const c of calls) {
    if (c.operation !== 'DescribeGlobalClusters' || !c.params.GlobalClusterIdentifier || !c.shown?.[0])
      continue;
    const v = c.shown[0];
    const s = v.failover
      ? `${v.status}: ${v.failover.status} ${short(v.failover.from)} -> ${short(v.failover.to)}`
      : `${v.status}: writer ${short(v.writer)}`;
    if (out[out.length - 1] !== s) out.push(s);
  }
  return out;
}

/** The switchovers the emulator accepted, and the ones it refused (with the error it answered). */
function moves() {
  const all = emulator().moves;
  return {
    accepted: all
      .filter((m) => !m.error)
      .map((m) => `${m.operation} ${m.globalClusterId} -> ${short(m.target)}`),
    refused: all.filter((m) => m.error).map((m) => `${m.error} -> ${short(m.target)}`),
  };
}

/** The writer is the primary again, nothing is moving, no failover was ever asked for. */
async function expectWriterHome(db: GlobalDatabase) {
  expect(await describeGlobalAt(emulator().url, db.globalId)).toEqual({
    status: 'available',
    writer: db.primaryArn,
    members: [db.primaryArn, db.secondaryArn],
    failoverState: undefined,
  });
  expect(emulator().calls.filter((c) => c.operation === 'FailoverGlobalCluster')).toEqual([]);
}

/** The drill created nothing, post found nothing, and both regions look as before. */
async function expectNothingLeft(r: ActionRun, before: unknown) {
  expect(r.post?.exitCode).toBe(0);
  expect(r.post?.log).toContain('nothing left to clean up');
  expect(await drillLeftovers(REGIONS)).toEqual([]);
  expect(await Promise.all(REGIONS.map((x) => inventory(x)))).toEqual(before);
}

async function expectHomeAndNothingLeft(r: ActionRun, before: unknown, db: GlobalDatabase) {
  await expectWriterHome(db);
  expect(report(r).created).toEqual([]);
  // Main brought the writer home itself: no failback is left owed to the post step.
  expect(r.state.drill).not.toContain('pendingFailback');
  expect(r.post?.log).not.toContain('switching it back');
  await expectNothingLeft(r, before);
}

test('global-switchover moves the writer to the DR region and back: RPO 0 by design, unplanned loss from AuroraGlobalDBRPOLag', async () => {
  const db = await createGlobalDatabase();
  // The secondary's lag over the last minutes (ms); another cluster's lag must not count.
  await publishGlobalRpoLag('us-west-2', 'ledger-dr', [180, 1250, 640]);
  await publishGlobalRpoLag('us-west-2', 'payments-dr', [90_000]);
  const before = await Promise.all(REGIONS.map((x) => inventory(x)));
  const r = await runAction({ action: ACTION, env: { AWS_ENDPOINT_URL: emulator().url }, inputs });

  expect(r.main.exitCode).toBe(0);
  expect(r.outputs.passed).toBe('true');
  expect(r.outputs['rpo-seconds']).toBe('0');
  expect(r.outputs['rpo-method']).toBe('synchronous');
  const rep = report(r);
  expect(rep.rpo).toMatchObject({
    method: 'synchronous',
    seconds: 0,
    upperBound: false,
    unplannedFailoverSeconds: 1.25,
    basis:
      'SwitchoverGlobalCluster waits until ledger-dr has caught up with the primary before it moves the writer',
  });
  expect(rep.rpo.detail).toContain(
    'an unplanned FailoverGlobalCluster would have lost up to 1.25s (maximum AuroraGlobalDBRPOLag of ledger-dr over the last 5 minutes)',
  );
  expect(r.summary).toMatch(
    /An unplanned failover at that moment would have lost up to 1\.25s \(AuroraGlobalDBRPOLag\)/,
  );
  expect(rep.notes.join(' ')).not.toContain('unplanned-failover loss unknown');

  // Exactly one switchover each way, never a failover; the polls saw each move in flight, then done.
  expect(moves()).toEqual({
    accepted: [
      'SwitchoverGlobalCluster ledger-global -> ledger-dr',
      'SwitchoverGlobalCluster ledger-global -> ledger',
    ],
    refused: [],
  });
  // Both went through the IAM check against iam-policy.json, as did the CloudWatch read in the DR region.
  expect(r.awsCalls?.filter((c) => c.operation === 'SwitchoverGlobalCluster')).toHaveLength(2);
  expect(r.awsCalls?.find((c) => c.operation === 'GetMetricData')?.region).toBe('us-west-2');
  const views = seen(emulator().calls);

  const at = (re: RegExp) => views.findIndex((v) => re.test(v));
  const order = [
    at(/^switching-over: (pending|switching-over) ledger -> ledger-dr$/),
    at(/^available: writer ledger-dr$/),
    at(/^switching-over: (pending|switching-over) ledger-dr -> ledger$/),
    at(/^available: writer ledger$/),
  ];
  expect(order.every((i) => i >= 0)).toBe(true);
  expect([...order].sort((a, b) => a - b)).toEqual(order);
  expect(views[views.length - 1]).toBe('available: writer ledger');

  expect(rep.legs.map((l: { name: string }) => l.name)).toEqual(['switchover', 'failback']);
  for (const leg of rep.legs)
    expect(leg.phases.map((p: { name: string }) => p.name)).toEqual(['api-accepted', 'writer-switched']);
  // The writer-switched phase waited for the move (switchMs 2.5 s), it did not see a stale "available".
  expect(rep.legs[0].phases[1].atSeconds).toBeGreaterThanOrEqual(2);
  expect(rep.transitions.map((t: { state: string }) => t.state)).toEqual(
    expect.arrayContaining(['switching-over', 'recovered', 'failing-back', 'failed-back']),
  );
  expect(r.outputs['recovered-endpoint']).toMatch(
    /^ledger-dr\.cluster-.*\.us-west-2\.rds\.amazonaws\.com:5432$/,
  );
  await expectHomeAndNothingLeft(r, before, db);
});

describe('a SwitchoverGlobalCluster reply lost after RDS applied it', () => {
  interface Case {
    target: 'ledger-dr' | 'ledger';
    as: 'error' | 'reset';
    /** Hold the SDK's retry this long, so that it arrives after the move finished. */
    retryDelayMs?: number;
    /** What RDS answers the retry. */
    refused: string;
  }
  const cases: Array<[string, Case]> = [
    [
      'the switchover to the DR region (500 after applying; the retry meets it in flight)',
      { target: 'ledger-dr', as: 'error', refused: 'InvalidGlobalClusterStateFault' },
    ],
    [
      'the failback (connection reset after applying; the retry meets it in flight)',
      { target: 'ledger', as: 'reset', refused: 'InvalidGlobalClusterStateFault' },
    ],
    [
      'the switchover to the DR region (the retry arrives after the writer moved)',
      { target: 'ledger-dr', as: 'error', retryDelayMs: 3500, refused: 'InvalidDBClusterStateFault' },
    ],
  ];
  test.each(cases)('%s: verified by DescribeGlobalClusters, never applied twice', async (_name, c) => {
    const db = await createGlobalDatabase();
    await publishGlobalRpoLag('us-west-2', 'ledger-dr', [300]);
    const targetArn = c.target === 'ledger' ? db.primaryArn : db.secondaryArn;
    const toTarget = (call: ProxyCall) => call.params.TargetDbClusterIdentifier === targetArn;
    proxy().inject({
      name: 'lost',
      service: 'rds',
      operation: 'SwitchoverGlobalCluster',
      when: toTarget,
      times: 1,
      fault: { kind: 'lose-reply', as: c.as },
    });
    if (c.retryDelayMs)
      proxy().inject({
        name: 'late-retry',
        service: 'rds',
        operation: 'SwitchoverGlobalCluster',
        when: toTarget,
        calls: [1],
        fault: { kind: 'delay', ms: c.retryDelayMs },
      });
    const before = await Promise.all(REGIONS.map((x) => inventory(x)));
    const r = await runAction({ action: ACTION, env: { AWS_ENDPOINT_URL: proxy().url }, inputs });

    expect(proxy().injected('lost')).toHaveLength(1);
    expect(proxy().injected('late-retry')).toHaveLength(c.retryDelayMs ? 1 : 0);
    expect(r.main.exitCode).toBe(0);
    expect(r.outputs['rpo-seconds']).toBe('0');
    expect(r.outputs['rpo-method']).toBe('synchronous');
    // The SDK's retry is refused as RDS refuses it; the drill looks where the writer is and carries on.
    expect(moves()).toEqual({
      accepted: [
        'SwitchoverGlobalCluster ledger-global -> ledger-dr',
        'SwitchoverGlobalCluster ledger-global -> ledger',
      ],
      refused: [`${c.refused} -> ${c.target}`],
    });
    expect(r.main.log).toContain(
      `no reply arrived, but DescribeGlobalClusters shows ledger-global switched or switching over to ${targetArn}: carrying on`,
    );
    expect(report(r).legs.map((l: { name: string }) => l.name)).toEqual(['switchover', 'failback']);
    await expectHomeAndNothingLeft(r, before, db);
  });
});

test('SIGKILL while the writer is in the DR region: the post step switches it back, once', async () => {
  const db = await createGlobalDatabase();
  await publishGlobalRpoLag('us-west-2', 'ledger-dr', [300]);
  const before = await Promise.all(REGIONS.map((x) => inventory(x)));
  const r = await runAction({
    action: ACTION,
    env: { AWS_ENDPOINT_URL: emulator().url },
    inputs,
    interrupt: {
      when: (log) => log.includes('switchover of ledger-global to us-west-2: switching-over'),
      signal: 'SIGKILL',
    },
  });
  expect(r.main.signal).toBe('SIGKILL');
  // Owed from before the call was sent, so the state saved before the kill names it.
  expect(JSON.parse(r.state.drill!).pendingFailback).toEqual({
    globalClusterId: 'ledger-global',
    primaryArn: db.primaryArn,
    region: 'us-east-1',
  });
  expect(r.post?.log).toContain(
    `ended with the writer of ledger-global at ${db.secondaryArn}: switching it back to ${db.primaryArn}`,
  );
  expect(r.post?.log).toContain(`global database ledger-global: the writer is ${db.primaryArn} again`);
  // Post waited for the first move to finish before it asked for the second: nothing was refused.
  expect(moves()).toEqual({
    accepted: [
      'SwitchoverGlobalCluster ledger-global -> ledger-dr',
      'SwitchoverGlobalCluster ledger-global -> ledger',
    ],
    refused: [],
  });
  await expectWriterHome(db);
  await expectNothingLeft(r, before);
});
