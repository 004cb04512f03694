import {
  LAG_WINDOW_MS,
  confirmSynchronous,
  lagBefore,
  parseLsn,
  replayLagRpo,
  replicaLagRpo,
  synchronousRpo,
  worstOf,
} from './rpo.js';
import { drillContext, engineDeps, quietLog } from './testing.js';
import { heartbeatRpo } from './timeline.js';

const at = Date.parse('2026-11-26T02:00:00Z');

describe('PostgreSQL replay lag against the source WAL position', () => {
  test('LSNs compare as 64-bit positions', () => {
    expect(parseLsn('0/3000060')).toBe(0x3000060n);
    expect(parseLsn('16/B374D848')! > parseLsn('9/FFFFFFFF')!).toBe(true);
    expect(parseLsn('nonsense')).toBeUndefined();
  });

  test('an idle source: the last replay is old but the replica has everything, RPO 0', () => {
    const f = replayLagRpo(
      { sourceLsn: '0/3000060', replayLsn: '0/3000060', sinceLastReplayMs: 3_600_000, at },
      'r',
    );
    expect(f).toMatchObject({ ms: 0, method: 'replay-lag', upperBound: true });
    expect(f.detail).toContain('caught up');
  });

  test('a replica behind the source: the age of its last replayed transaction bounds the loss', () => {
    const f = replayLagRpo(
      { sourceLsn: '1/10', replayLsn: '0/FFFF0000', sinceLastReplayMs: 42_400, at },
      'r',
    );
    expect(f).toMatchObject({ ms: 42_400, method: 'replay-lag', pointAt: at - 42_400 });
  });

  test('not a replica (no replay position): no figure', () => {
    expect(replayLagRpo({ sourceLsn: '0/1', at }, 'r').method).toBe('unknown');
    expect(replayLagRpo({ sourceLsn: '0/2', replayLsn: '0/1', at }, 'r').ms).toBeUndefined();
  });
});

test('ReplicaLag: seconds become the bound; no datapoint is no figure', () => {
  expect(replicaLagRpo(12.5, 'r', at - 300_000, at)).toMatchObject({
    ms: 12_500,
    method: 'replica-lag',
    upperBound: true,
    pointAt: at - 12_500,
  });
  expect(replicaLagRpo(undefined, 'r', at - 300_000, at)).toMatchObject({ method: 'unknown' });
});

test('two bounds of the same loss: the larger, naming both; none known stays unknown', () => {
  const cw = replicaLagRpo(3, 'r', at - 1, at);
  const pg = replayLagRpo({ sourceLsn: '1/10', replayLsn: '1/0', sinceLastReplayMs: 9000, at }, 'r');
  const w = worstOf([cw, pg]);
  expect(w).toMatchObject({ ms: 9000, method: 'replay-lag' });
  expect(w.detail).toContain('also: maximum CloudWatch ReplicaLag');
  expect(worstOf([replicaLagRpo(undefined, 'r', 0, 1)]).method).toBe('unknown');
});

test('the heartbeat confirms or refutes a synchronous claim, keeping its basis', () => {
  const sync = { ...synchronousRpo('shared storage'), unplannedLossMs: 700 };
  expect(sync).toMatchObject({ ms: 0, method: 'synchronous', basis: 'shared storage' });
  const ok = confirmSynchronous(heartbeatRpo(at, at), sync);
  expect(ok).toMatchObject({ ms: 0, method: 'heartbeat', basis: 'shared storage', unplannedLossMs: 700 });
  expect(ok.detail).toContain('confirms RPO 0 by design');
  expect(confirmSynchronous(heartbeatRpo(at, at - 5000), sync).detail).toContain('REFUTES');
  const restore = { ms: 1, method: 'restore-point' as const, upperBound: true, detail: '' };
  expect(confirmSynchronous(heartbeatRpo(at, at), restore).basis).toBeUndefined();
});

describe('lagBefore: the CloudWatch query for the window before the move', () => {
  const q = {
    region: 'us-west-2',
    metric: 'ReplicaLag',
    dimension: { name: 'DBInstanceIdentifier', value: 'r' },
    to: at,
  };
  const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

  test('throttling is retried; the window is the five minutes before', async () => {
    let calls = 0;
    const deps = engineDeps({
      rds: () => undefined as never,
      metrics: { max: async () => (++calls === 1 ? Promise.reject(throttled()) : { max: 3, points: 1 }) },
    });
    const { ctx } = drillContext(deps);
    expect(await lagBefore(ctx, q)).toEqual({ max: 3, from: at - LAG_WINDOW_MS });
    expect(calls).toBe(2);
  });

  test('a refusal (AccessDenied) is no figure and a warning, not an error', async () => {
    const log = quietLog();
    const denied = Object.assign(new Error('not authorized to perform cloudwatch:GetMetricData'), {
      name: 'AccessDenied',
    });
    const deps = engineDeps({
      rds: () => undefined as never,
      log,
      metrics: { max: async () => Promise.reject(denied) },
    });
    const r = await lagBefore(drillContext(deps).ctx, q);
    expect(r.max).toBeUndefined();
    expect(r.error).toMatch(/GetMetricData ReplicaLag for r failed: .*cloudwatch:GetMetricData/);
    expect(log.lines.some((l) => l.startsWith('warning: GetMetricData'))).toBe(true);
  });
});
