import type { DBInstance } from '@aws-sdk/client-rds';
import { ConfigurationError } from '@oaktree/action-kit';
import type { Rds } from './aws.js';
import { runDrill } from './drill.js';
import type { DrillConfig } from './inputs.js';
import { pointOf } from './history.js';
import type { DrillState } from './state.js';
import { config, engineDeps, fakeClock, quietLog, scriptedProber } from './testing.js';

/**
 * runDrill end to end against a small in-memory RDS: one source instance in us-east-1, point-in-time
 * restores that become available on the next describe, deletes that take effect at once.
 */
const ACCOUNT = '123456789012';

function fakeRds(source: DBInstance) {
  const instances = new Map<string, DBInstance>([[source.DBInstanceIdentifier!, source]]);
  const calls: string[] = [];
  const notFound = () =>
    Object.assign(new Error('DBInstance not found'), { name: 'DBInstanceNotFoundFault' });
  const hooks: { afterRestore?: () => void } = {};
  const rds: Rds = {
    send: (async (cmd: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = cmd.constructor.name.replace(/Command$/, '');
      const input = cmd.input;
      calls.push(name);
      switch (name) {
        case 'DescribeDBInstances': {
          const id = input.DBInstanceIdentifier as string | undefined;
          if (!id) return { DBInstances: [...instances.values()] };
          const i = instances.get(id);
          if (!i) throw notFound();
          const out = structuredClone(i);
          if (i.DBInstanceStatus === 'creating') {
            i.DBInstanceStatus = 'available';
            i.Endpoint = { Address: `${id}.restored`, Port: 5432 };
          }
          return { DBInstances: [out] };
        }
        case 'DescribeDBClusters':
          return { DBClusters: [] };
        case 'RestoreDBInstanceToPointInTime': {
          const id = input.TargetDBInstanceIdentifier as string;
          // Like RDS: the identifier is taken (by a lost-reply first attempt, or by someone else).
          if (instances.has(id))
            throw Object.assign(new Error('DB instance already exists'), {
              name: 'DBInstanceAlreadyExistsFault',
            });
          const i: DBInstance = {
            DBInstanceIdentifier: id,
            DBInstanceArn: `arn:aws:rds:us-east-1:${ACCOUNT}:db:${id}`,
            DBInstanceStatus: 'creating',
            TagList: input.Tags as DBInstance['TagList'],
          };
          instances.set(id, i);
          hooks.afterRestore?.();
          return { DBInstance: i };
        }
        case 'DeleteDBInstance':
          instances.delete(input.DBInstanceIdentifier as string);
          return {};
        default:
          throw new Error(`unexpected ${name}`);
      }
    }) as Rds['send'],
  };
  return { rds, calls, instances, hooks };
}

const source: DBInstance = {
  DBInstanceIdentifier: 'orders-db',
  DBInstanceArn: `arn:aws:rds:us-east-1:${ACCOUNT}:db:orders-db`,
  DBInstanceStatus: 'available',
  DBInstanceClass: 'db.r6g.large',
  BackupRetentionPeriod: 7,
  Endpoint: { Address: 'orders-db.abc.us-east-1.rds.amazonaws.com', Port: 5432 },
  LatestRestorableTime: new Date('2026-11-26T01:58:00Z'),
};

async function drill(src: DBInstance, over: Partial<DrillConfig> = {}, depsOver = {}, fake = fakeRds(src)) {
  const clock = fakeClock();
  const log = quietLog();
  const saved: DrillState[] = [];
  const report = await runDrill(
    config({ sweepOrphans: false, ...over }),
    engineDeps({ rds: () => fake.rds, now: clock.now, sleep: clock.sleep, log, ...depsOver }),
    { saveState: (s) => saved.push(structuredClone(s)) },
  );
  return { report, fake, log, saved, clock };
}

describe('RPO of restore scenarios', () => {
  test('a restore with a restore point passes within the objective', async () => {
    const { report } = await drill(source);
    expect(report.rpo).toMatchObject({ method: 'restore-point', upperBound: true, seconds: 120 });
    expect(report.passed).toBe(true);
  });

  test('a restore whose RPO can be neither measured nor bounded fails and says how to measure it', async () => {
    const { report } = await drill({ ...source, LatestRestorableTime: undefined });
    expect(report.rpo.method).toBe('unknown');
    expect(report.rpo.seconds).toBeUndefined();
    expect(report.passed).toBe(false);
    expect(report.outcome).toBe('failed');
    expect(report.reasons).toEqual([
      expect.stringMatching(
        /^RPO unknown: RDS reported no latest restorable time for orders-db.*set heartbeat-table/,
      ),
    ]);
    // Still cleaned up.
    expect(report.cleanup.status).toBe('done');
  });
});

describe('heartbeat RPO of a restore', () => {
  const day = 86_400_000;
  /** The source holds rows up to `previousAt` before the marker; the recovered copy up to `newestAt`. */
  function heartbeat(clock: { now(): number }, previousAgo: number | undefined, newestAgo: number) {
    const start = clock.now();
    return {
      write: async () => clock.now(),
      newest: async (url: string) =>
        url.includes('@source')
          ? previousAgo === undefined
            ? undefined
            : start - previousAgo
          : start - newestAgo,
    };
  }
  const cfg = {
    heartbeatTable: 'ops.dr_heartbeat',
    sqlConnection: 'postgres://drill:pw@{host}:{port}/orders',
    sourceSqlConnection: 'postgres://drill:pw@source:5432/orders',
  };

  test('no job keeps the heartbeat fresh: the restore point bounds the RPO, with a warning', async () => {
    // Yesterday's drill wrote the newest row; the restore point is 2 min old.
    const clock = fakeClock();
    const { report, log } = await drill(source, cfg, {
      now: clock.now,
      sleep: clock.sleep,
      heartbeat: heartbeat(clock, day, day),
    });
    expect(report.rpo).toMatchObject({ method: 'restore-point', upperBound: true });
    expect(report.rpo.seconds).toBeGreaterThanOrEqual(120);
    expect(report.rpo.seconds).toBeLessThan(130);
    expect(report.passed).toBe(true);
    expect(log.lines).toContainEqual(expect.stringMatching(/^warning: the heartbeat is stale/));
    expect(report.notes.join('\n')).toMatch(/every minute/);
  });

  test('the recovered copy lacks a row the source had before the restore point: the heartbeat figure stands', async () => {
    // A job wrote a row 3 min ago (before the 2-min-old restore point); the copy stops 30 min ago.
    const clock = fakeClock();
    const { report, log } = await drill(source, cfg, {
      now: clock.now,
      sleep: clock.sleep,
      heartbeat: heartbeat(clock, 180_000, 1_800_000),
    });
    expect(report.rpo).toMatchObject({ method: 'heartbeat', upperBound: false, seconds: 1800 });
    expect(report.passed).toBe(false);
    expect(report.reasons).toEqual(['RPO 30m00s exceeds the objective 15m00s']);
    expect(log.lines).toContainEqual(expect.stringMatching(/^warning: the recovered database lacks/));
  });

  test('a fresh heartbeat is a tighter figure than the restore point', async () => {
    const clock = fakeClock();
    const { report } = await drill(source, cfg, {
      now: clock.now,
      sleep: clock.sleep,
      heartbeat: heartbeat(clock, 30_000, 30_000),
    });
    expect(report.rpo).toMatchObject({ method: 'heartbeat', upperBound: false, seconds: 30 });
  });
});

describe('preflight of the SQL connection, before anything is created', () => {
  const sqlCfg = {
    healthCheck: 'sql' as const,
    sqlConnection: 'postgres://drill:hunter2@{host}:{port}/orders',
  };
  /** A prober whose SQL probes fail with `sqlError` on URLs containing `failOn` (all by default). */
  function prober(sqlError?: Error, failOn = '') {
    const seen: string[] = [];
    return {
      seen,
      prober: {
        ...scriptedProber(() => true),
        sql: async (url: string, query: string) => {
          seen.push(`${url} ${query}`);
          if (sqlError && url.includes(failOn)) throw sqlError;
        },
      },
    };
  }

  test('a wrong password with heartbeat-table fails naming the input, masked, and creates nothing', async () => {
    const p = prober(
      new Error(
        'password authentication failed for user "drill" (postgres://drill:hunter2@orders-db.abc.us-east-1.rds.amazonaws.com:5432/orders)',
      ),
    );
    const fake = fakeRds(source);
    const saved: DrillState[] = [];
    const masked: string[] = [];
    const err = await runDrill(
      config({ ...sqlCfg, heartbeatTable: 'ops.dr_heartbeat' }),
      engineDeps({ rds: () => fake.rds, prober: p.prober, mask: (s) => masked.push(s) }),
      { saveState: (s) => saved.push(s) },
    ).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(ConfigurationError);
    expect((err as ConfigurationError).input).toBe('sql-connection');
    expect((err as Error).message).toMatch(
      /^input "sql-connection" failed on the source \(postgres:\/\/orders-db\.abc\.us-east-1\.rds\.amazonaws\.com:5432\/orders\) before anything was created: password authentication failed/,
    );
    expect((err as Error).message).not.toContain('hunter2');
    expect((err as Error).message).not.toContain('\n');
    expect(p.seen).toEqual([
      'postgres://drill:hunter2@orders-db.abc.us-east-1.rds.amazonaws.com:5432/orders select 1',
    ]);
    expect(masked).toContain(
      'postgres://drill:hunter2@orders-db.abc.us-east-1.rds.amazonaws.com:5432/orders',
    );
    expect(saved).toEqual([]);
    expect(fake.calls.filter((c) => !c.startsWith('Describe'))).toEqual([]);
  });

  test('source-sql-connection is the one checked (and named) when it is set', async () => {
    const p = prober(Object.assign(new Error('database "ordrs" does not exist'), { code: '3D000' }));
    const fake = fakeRds(source);
    await expect(
      runDrill(
        config({
          ...sqlCfg,
          heartbeatTable: 'hb',
          sourceSqlConnection: 'postgres://drill:hunter2@10.0.0.5:5432/ordrs',
        }),
        engineDeps({ rds: () => fake.rds, prober: p.prober }),
        { saveState: () => undefined },
      ),
    ).rejects.toThrow(
      /^input "source-sql-connection" failed on the source \(postgres:\/\/10\.0\.0\.5:5432\/ordrs\)/,
    );
    expect(fake.calls).not.toContain('RestoreDBInstanceToPointInTime');
  });

  test('health-check sql alone: a bad password fails before anything is created', async () => {
    const p = prober(Object.assign(new Error('password authentication failed'), { code: '28P01' }));
    const fake = fakeRds(source);
    await expect(
      runDrill(config(sqlCfg), engineDeps({ rds: () => fake.rds, prober: p.prober }), {
        saveState: () => undefined,
      }),
    ).rejects.toThrow(/^input "sql-connection" failed on the source/);
    expect(fake.calls).not.toContain('RestoreDBInstanceToPointInTime');
  });

  test('health-check sql alone: a source the runner cannot reach is a warning, the drill goes on', async () => {
    const p = prober(
      Object.assign(new Error('connect ETIMEDOUT 10.0.0.5:5432'), { code: 'ETIMEDOUT' }),
      'orders-db.abc',
    );
    const { report, log } = await drill(source, sqlCfg, { prober: p.prober });
    expect(log.lines).toContainEqual(
      expect.stringMatching(
        /^warning: could not reach the source at postgres:\/\/orders-db\..*it is checked on the recovered database/,
      ),
    );
    expect(report.passed).toBe(true);
    expect(report.created).toHaveLength(1);
  });

  test('no preflight connection for tcp, http or none health checks without a heartbeat', async () => {
    const p = prober(new Error('should not be called'));
    const { report } = await drill(source, {}, { prober: p.prober });
    expect(p.seen).toEqual([]);
    expect(report.passed).toBe(true);
  });
});

describe('cleanup after an error', () => {
  test('a restore whose reply was lost: the retry meets "already exists" for our own instance and adopts it', async () => {
    const fake = fakeRds(source);
    let lost = 0;
    fake.hooks.afterRestore = () => {
      if (lost++ === 0) throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
    };
    const { report, log, saved } = await drill(source, {}, {}, fake);
    expect(report.outcome).toBe('passed');
    const id = `${report.drillId}-restore`;
    const arn = `arn:aws:rds:us-east-1:${ACCOUNT}:db:${id}`;
    expect(fake.calls.filter((c) => c === 'RestoreDBInstanceToPointInTime')).toHaveLength(2);
    expect(report.created).toEqual([
      expect.objectContaining({ id, arn, status: 'adopted', role: 'restore' }),
    ]);
    // Recorded for post before the call was sent, then confirmed as adopted.
    const restoreStates = saved.map((s) => s.created[0]?.status).filter(Boolean);
    expect(restoreStates[0]).toBe('requested');
    expect(restoreStates).toContain('adopted');
    expect(log.lines).toContainEqual(expect.stringMatching(/AWS answered TimeoutError \(transient\)/));
    expect(log.lines).toContainEqual(
      expect.stringContaining(`instance ${id} in us-east-1: a retry met "already exists"`),
    );
    expect(report.cleanup).toMatchObject({ status: 'done', deleted: [arn], left: [] });
    expect([...fake.instances.keys()]).toEqual(['orders-db']);
  });

  test('"already exists" for an instance that is not ours: the drill fails, the instance is not touched', async () => {
    const fake = fakeRds(source);
    const taken = 'drill-20261126020000-42-restore';
    fake.instances.set(taken, {
      DBInstanceIdentifier: taken,
      DBInstanceArn: `arn:aws:rds:us-east-1:${ACCOUNT}:db:${taken}`,
      DBInstanceStatus: 'available',
      TagList: [{ Key: 'dr-drill-id', Value: 'drill-someone-else' }],
    });
    const { report, log, saved } = await drill(source, {}, {}, fake);
    expect(report.drillId).toBe('drill-20261126020000-42');
    expect(report.outcome).toBe('error');
    expect(report.reasons[0]).toMatch(/already exists/);
    expect(report.created).toEqual([]);
    expect(saved.at(-1)!.created).toEqual([]);
    expect(log.lines).toContainEqual(expect.stringContaining("is not this drill's"));
    expect(fake.calls).not.toContain('DeleteDBInstance');
    expect(fake.instances.has(taken)).toBe(true);
  });

  test('a restore that RDS accepted but that stays invisible to the tag listing is still deleted', async () => {
    const fake = fakeRds(source);
    const rds = fake.rds;
    const hidden: Rds = {
      send: (async (cmd: { constructor: { name: string }; input: Record<string, unknown> }) => {
        const out = (await rds.send(cmd as never)) as { DBInstances?: DBInstance[] };
        if (cmd.constructor.name === 'DescribeDBInstancesCommand' && !cmd.input.DBInstanceIdentifier)
          return {
            DBInstances: out.DBInstances!.filter((i) => !i.DBInstanceIdentifier!.startsWith('drill-')),
          };
        return out;
      }) as Rds['send'],
    };
    const { report } = await drill(source, {}, {}, { ...fake, rds: hidden });
    expect(report.outcome).toBe('passed');
    expect(report.cleanup.status).toBe('done');
    expect(report.cleanup.deleted).toEqual([`arn:aws:rds:us-east-1:${ACCOUNT}:db:${report.drillId}-restore`]);
    expect([...fake.instances.keys()]).toEqual(['orders-db']);
  });

  test('an error before anything was created: the tag finds nothing, and the report says so', async () => {
    const fake = fakeRds(source);
    const { report } = await drill(
      source,
      { heartbeatTable: 'hb', sqlConnection: 'postgres://u:p@{host}:{port}/db' },
      {
        heartbeat: {
          write: async () => {
            throw new Error('permission denied for table hb');
          },
          newest: async () => undefined,
        },
      },
      fake,
    );
    expect(report.outcome).toBe('error');
    expect(report.cleanup.status).toBe('nothing created (none found by the dr-drill-id tag)');
    expect(fake.calls).not.toContain('RestoreDBInstanceToPointInTime');
  });
});

/** Every key path of a value with its JSON type: what a reader of an earlier report relies on. */
function shape(v: unknown, path = '$', out: string[] = []): string[] {
  if (Array.isArray(v)) {
    out.push(`${path}: array`);
    if (v.length) shape(v[0], `${path}[]`, out);
  } else if (v !== null && typeof v === 'object') {
    out.push(`${path}: object`);
    for (const k of Object.keys(v).sort()) shape((v as Record<string, unknown>)[k], `${path}.${k}`, out);
  } else out.push(`${path}: ${v === null ? 'null' : typeof v}`);
  return out;
}

test('the report schema is pinned: version 1, these fields with these types', async () => {
  const { report } = await drill(source);
  const json = JSON.parse(JSON.stringify(report)) as Record<string, unknown>;
  expect(json.schema).toBe('oaktree.dr-drill/v1');
  expect(json.schemaVersion).toBe(1);
  // The history reads what the drill writes.
  expect(pointOf(json)).toMatchObject({ drillId: json.drillId, rtoSeconds: json.rtoSeconds });
  // Changing this list breaks readers of earlier reports: bump REPORT_SCHEMA_VERSION with it.
  expect(shape(json)).toEqual([
    '$: object',
    '$.cleanup: object',
    '$.cleanup.deleted: array',
    '$.cleanup.deleted[]: string',
    '$.cleanup.left: array',
    '$.cleanup.mode: string',
    '$.cleanup.status: string',
    '$.created: array',
    '$.created[]: object',
    '$.created[].arn: string',
    '$.created[].createdAt: string',
    '$.created[].deletedAt: string',
    '$.created[].id: string',
    '$.created[].kind: string',
    '$.created[].region: string',
    '$.created[].role: string',
    '$.created[].status: string',
    '$.drRegion: string',
    '$.drillId: string',
    '$.finishedAt: string',
    '$.legs: array',
    '$.legs[]: object',
    '$.legs[].name: string',
    '$.legs[].phases: array',
    '$.legs[].phases[]: object',
    '$.legs[].phases[].at: string',
    '$.legs[].phases[].atSeconds: number',
    '$.legs[].phases[].name: string',
    '$.legs[].rtoSeconds: number',
    '$.legs[].startedAt: string',
    '$.notes: array',
    '$.objectives: object',
    '$.objectives.rpoSeconds: number',
    '$.objectives.rtoSeconds: number',
    '$.outcome: string',
    '$.passed: boolean',
    '$.preparation: array',
    '$.reasons: array',
    '$.recoveredEndpoint: string',
    '$.repository: string',
    '$.rpo: object',
    '$.rpo.detail: string',
    '$.rpo.method: string',
    '$.rpo.seconds: number',
    '$.rpo.upperBound: boolean',
    '$.rtoSeconds: number',
    '$.run: string',
    '$.scenario: string',
    '$.schema: string',
    '$.schemaVersion: number',
    '$.source: object',
    '$.source.id: string',
    '$.source.kind: string',
    '$.source.region: string',
    '$.startedAt: string',
    '$.transitions: array',
    '$.transitions[]: object',
    '$.transitions[].at: string',
    '$.transitions[].state: string',
  ]);
});
