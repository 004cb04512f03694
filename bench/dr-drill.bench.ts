import { createServer, type Server } from 'node:net';
import { sleep } from '@oaktree/aws';
import { runDrill } from '../actions/dr-drill/src/drill.js';
import type { EngineDeps } from '../actions/dr-drill/src/engine.js';
import { readConfig } from '../actions/dr-drill/src/inputs.js';
import { realProber, type Prober } from '../actions/dr-drill/src/probes.js';
import { Inputs } from '@oaktree/action-kit';
import { createServer as createHttpServer, request } from 'node:http';
import { RDSClient, CreateDBInstanceCommand } from '@aws-sdk/client-rds';
import { createClient } from '@oaktree/aws';
import { startMoto } from '../test/harness/index.js';
import { coldStart, median, type Bench } from './lib.js';

/**
 * RTO measurement error and the drill's own overhead, with known timings. The drill runs in-process
 * with its default poll settings against a scripted RDS (each call answers after a fixed latency; the
 * restored instance gets its endpoint, then becomes available, at scripted times) and a real TCP
 * server on 127.0.0.1 that starts listening at a scripted moment: the true recovery time. The measured
 * RTO is compared with it. Overhead is the wall time of the whole drill (checks, sweep, restore, wait,
 * cleanup, report) minus the time spent inside AWS calls, sleeping between polls and inside probes.
 */
const API_LATENCY_MS = 80;
const RUNS = 6;

interface Timing {
  endpointAfterMs: number;
  readyAfterMs: number;
  availableAfterMs: number;
}

async function oneDrill(timing: Timing): Promise<{ errorMs: number; overheadMs: number; wallMs: number }> {
  let server: Server | undefined;
  let readyAt = 0;
  const port = await new Promise<number>((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const p = (probe.address() as { port: number }).port;
      probe.close(() => resolve(p));
    });
  });
  let restoredAt = 0;
  let exists = false;
  // Time with at least one AWS call in flight (calls may overlap: the sweep lists in parallel).
  let awsMs = 0;
  let inflight = 0;
  let since = 0;
  const instance = (id: string) => {
    const since = Date.now() - restoredAt;
    return {
      DBInstanceIdentifier: id,
      DBInstanceArn: `arn:aws:rds:us-east-1:123456789012:db:${id}`,
      DBInstanceStatus:
        since >= timing.availableAfterMs
          ? 'available'
          : since >= timing.endpointAfterMs
            ? 'backing-up'
            : 'creating',
      Endpoint:
        since >= timing.endpointAfterMs ? { Address: 'restored.example.internal', Port: port } : undefined,
      TagList: [{ Key: 'dr-drill-id', Value: currentDrill }],
    };
  };
  let currentDrill = '';
  const source = {
    DBInstanceIdentifier: 'orders-db',
    DBInstanceArn: 'arn:aws:rds:us-east-1:123456789012:db:orders-db',
    DBInstanceStatus: 'available',
    DBInstanceClass: 'db.r6g.large',
    BackupRetentionPeriod: 7,
    LatestRestorableTime: new Date(Date.now() - 300_000),
    Endpoint: { Address: 'orders-db.example.internal', Port: 5432 },
  };
  const client = {
    async send(cmd: { constructor: { name: string }; input: Record<string, any> }) {
      if (inflight++ === 0) since = Date.now();
      await sleep(API_LATENCY_MS);
      if (--inflight === 0) awsMs += Date.now() - since;
      const name = cmd.constructor.name.replace(/Command$/, '');
      const id = cmd.input.DBInstanceIdentifier ?? cmd.input.TargetDBInstanceIdentifier;
      switch (name) {
        case 'DescribeDBInstances':
          if (!id) return { DBInstances: [source, ...(exists ? [instance(`${currentDrill}-restore`)] : [])] };
          if (id === 'orders-db') return { DBInstances: [source] };
          if (!exists) throw Object.assign(new Error('not found'), { name: 'DBInstanceNotFoundFault' });
          return { DBInstances: [instance(id)] };
        case 'DescribeDBClusters':
          return { DBClusters: [] };
        case 'RestoreDBInstanceToPointInTime':
          currentDrill = cmd.input.Tags.find((x: { Key: string }) => x.Key === 'dr-drill-id').Value;
          restoredAt = Date.now();
          exists = true;
          // The database starts accepting connections at the scripted moment: the true recovery.
          setTimeout(() => {
            server = createServer((s) => s.end());
            server.listen(port, '127.0.0.1', () => (readyAt = Date.now()));
          }, timing.readyAfterMs);
          return { DBInstance: instance(id) };
        case 'DeleteDBInstance':
          exists = false;
          return {};
        default:
          throw new Error(`unexpected ${name}`);
      }
    },
  };
  let waitMs = 0;
  let probeMs = 0;
  const prober: Prober = {
    lookup: async () => '127.0.0.1', // the scripted name resolves to loopback
    tcp: async (_h, p, timeoutMs) => {
      const t = Date.now();
      try {
        await realProber.tcp('127.0.0.1', p, timeoutMs);
      } finally {
        probeMs += Date.now() - t;
      }
    },
    sql: async () => undefined,
    http: async () => 200,
  };
  const cfg = readConfig(
    new Inputs(
      (n) =>
        ({
          scenario: 'pitr-restore',
          'source-db-instance': 'orders-db',
          'rto-objective': '30m',
          'rpo-objective': '1h',
        })[n] ?? '',
    ),
    { AWS_REGION: 'us-east-1', GITHUB_RUN_ID: '1' },
  );
  const deps: EngineDeps = {
    rds: () => client as never,
    prober,
    heartbeat: {
      write: async () => Date.now(),
      newest: async () => Date.now(),
      walPosition: async () => undefined,
      replayPosition: async () => ({}),
    },
    metrics: { max: async () => ({ points: 0 }) },
    now: Date.now,
    sleep: async (ms, signal) => {
      const t = Date.now();
      await sleep(ms, signal);
      waitMs += Date.now() - t;
    },
    log: { info: () => undefined, warning: () => undefined, error: () => undefined, notice: () => undefined },
    mask: () => undefined,
  };
  const started = Date.now();
  const report = await runDrill(cfg, deps, { saveState: () => undefined });
  const wallMs = Date.now() - started;
  server?.close();
  if (!report.passed || report.rtoSeconds === undefined)
    throw new Error(`bench drill failed: ${report.reasons.join('; ')}`);
  const t0 = Date.parse(report.legs[0]!.startedAt!);
  const measuredEnd = t0 + report.rtoSeconds * 1000;
  return { errorMs: measuredEnd - readyAt, overheadMs: wallMs - awsMs - waitMs - probeMs, wallMs };
}

/**
 * The same measurement against moto: a proxy on 127.0.0.1 in front of moto adds a known delay to every
 * RDS call, the restored instance is available at once (moto), and the database (a TCP server) starts
 * listening a known time after the proxy forwarded the restore call.
 */
async function motoDrill(
  readyAfterMs: number,
  delayMs: number,
): Promise<{ errorMs: number; overheadMs: number }> {
  const moto = await startMoto({ maxSeconds: 300 });
  const target = new URL(moto.url);
  let port = 0;
  let server: Server | undefined;
  let readyAt = 0;
  let inflight = 0;
  let since = 0;
  let awsMs = 0;
  const proxy = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (body.includes('Action=RestoreDBInstanceToPointInTime'))
        setTimeout(() => {
          server = createServer((s) => s.end());
          server.listen(port, '127.0.0.1', () => (readyAt = Date.now()));
        }, readyAfterMs + delayMs);
      setTimeout(() => {
        const up = request(
          {
            host: target.hostname,
            port: target.port,
            method: req.method,
            path: req.url,
            headers: req.headers,
          },
          (r) => {
            res.writeHead(r.statusCode ?? 502, r.headers);
            r.pipe(res);
          },
        );
        up.end(body);
      }, delayMs);
    });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  port = await new Promise<number>((resolve) => {
    const p = createServer();
    p.listen(0, '127.0.0.1', () => {
      const n = (p.address() as { port: number }).port;
      p.close(() => resolve(n));
    });
  });
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: `http://127.0.0.1:${(proxy.address() as { port: number }).port}`,
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_REGION: 'us-east-1',
  });
  try {
    const seed = new RDSClient({
      region: 'us-east-1',
      endpoint: moto.url,
      credentials: { accessKeyId: 'b', secretAccessKey: 'b' },
    });
    await seed.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'orders-db',
        Engine: 'postgres',
        DBInstanceClass: 'db.t3.micro',
        AllocatedStorage: 20,
        BackupRetentionPeriod: 7,
      }),
    );
    const clients = new Map<string, RDSClient>();
    const rds = (region: string) => {
      let c = clients.get(region);
      if (!c) {
        c = createClient(RDSClient, { region, action: 'dr-drill-bench' });
        c.middlewareStack.add(
          (next) => async (args) => {
            if (inflight++ === 0) since = Date.now();
            try {
              return await next(args);
            } finally {
              if (--inflight === 0) awsMs += Date.now() - since;
            }
          },
          { step: 'initialize', name: 'benchTimer' },
        );
        clients.set(region, c);
      }
      return c;
    };
    let waitMs = 0;
    let probeMs = 0;
    const cfg = readConfig(
      new Inputs(
        (n) =>
          ({
            scenario: 'pitr-restore',
            'source-db-instance': 'orders-db',
            'rto-objective': '30m',
            'rpo-objective': '1h',
          })[n] ?? '',
      ),
      { AWS_REGION: 'us-east-1', GITHUB_RUN_ID: '2' },
    );
    const started = Date.now();
    const report = await runDrill(
      cfg,
      {
        rds,
        prober: {
          lookup: async () => '127.0.0.1', // moto's endpoint names do not resolve: map them to loopback
          tcp: async (_h, _p, timeoutMs) => {
            const t = Date.now();
            try {
              await realProber.tcp('127.0.0.1', port, timeoutMs);
            } finally {
              probeMs += Date.now() - t;
            }
          },
          sql: async () => undefined,
          http: async () => 200,
        },
        heartbeat: {
          write: async () => Date.now(),
          newest: async () => Date.now(),
          walPosition: async () => undefined,
          replayPosition: async () => ({}),
        },
        metrics: { max: async () => ({ points: 0 }) },
        now: Date.now,
        sleep: async (ms, signal) => {
          const t = Date.now();
          await sleep(ms, signal);
          waitMs += Date.now() - t;
        },
        log: {
          info: () => undefined,
          warning: () => undefined,
          error: () => undefined,
          notice: () => undefined,
        },
        mask: () => undefined,
      },
      { saveState: () => undefined },
    );
    const wallMs = Date.now() - started;
    if (!report.passed || report.rtoSeconds === undefined)
      throw new Error(`moto bench drill failed: ${report.reasons.join('; ')}`);
    const measuredEnd = Date.parse(report.legs[0]!.startedAt!) + report.rtoSeconds * 1000;
    return { errorMs: measuredEnd - readyAt, overheadMs: wallMs - awsMs - waitMs - probeMs };
  } finally {
    for (const k of ['AWS_ENDPOINT_URL', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION'])
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    server?.close();
    proxy.close();
    await moto.stop();
  }
}

const bench: Bench = {
  name: 'dr-drill',
  async run() {
    const errors: number[] = [];
    const overheads: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Endpoint at 1.5-2.5 s, database ready 0-2 s after the endpoint (worst case: at once), available at 5 s.
      const endpointAfterMs = 1500 + Math.round(Math.random() * 1000);
      const readyAfterMs = endpointAfterMs + (i === 0 ? 0 : Math.round(Math.random() * 2000));
      const r = await oneDrill({ endpointAfterMs, readyAfterMs, availableAfterMs: 5000 });
      errors.push(r.errorMs);
      overheads.push(r.overheadMs);
    }
    const motoErrors: number[] = [];
    const motoOverheads: number[] = [];
    for (const readyAfterMs of [0, 700, 1900]) {
      const r = await motoDrill(readyAfterMs, 150);
      motoErrors.push(r.errorMs);
      motoOverheads.push(r.overheadMs);
    }
    const c = coldStart('actions/dr-drill');
    return {
      name: 'dr-drill',
      method:
        `${RUNS} in-process pitr-restore drills at default poll settings (poll-interval 750ms, probe-interval 500ms) against a scripted RDS ` +
        `(${API_LATENCY_MS} ms per call; endpoint at 1.5-2.5 s, available at 5 s) and a real TCP server on 127.0.0.1 that starts listening ` +
        `at a scripted time (at the endpoint's appearance in run 1, up to 2 s later in the others). RTO error = measured end - true listen time. ` +
        'Overhead = drill wall time - time in AWS calls - sleeps between polls - probe time. moto-*: 3 drills against moto behind a ' +
        '150 ms delaying proxy on 127.0.0.1, the database listening 0, 0.7 and 1.9 s after the restore call. Cold start: median of 25 alternating runs vs node -e 0.',
      metrics: {
        'rto-error-max-ms': Math.round(Math.max(...errors.map(Math.abs))),
        'rto-error-median-ms': Math.round(median(errors)),
        'overhead-max-ms': Math.round(Math.max(...overheads)),
        'overhead-median-ms': Math.round(median(overheads)),
        'moto-rto-error-max-ms': Math.round(Math.max(...motoErrors.map(Math.abs))),
        'moto-overhead-max-ms': Math.round(Math.max(...motoOverheads)),
        'cold-start-ms': c.bundleMs,
        'node-e-0-ms': c.nodeMs,
        'cold-start-ratio': c.ratio,
      },
      targets: {
        'rto-error-max-ms': { max: 1000 },
        'overhead-max-ms': { max: 1000 },
        'moto-rto-error-max-ms': { max: 1000 },
        'moto-overhead-max-ms': { max: 1000 },
        'cold-start-ratio': { max: 2.0 },
      },
    };
  },
};
export default bench;
