import { GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { REPO_ROOT, runAction, startMoto } from '../test/harness/index.js';
import { startCodeDeployEmulator } from '../test/emulators/codedeploy/index.js';
import { CLUSTER, SERVICE, seedWorld } from '../test/fixtures/ecs-blue-green/world.js';
import { coldStart, median, round, type Bench } from './lib.js';

const ACTION = 'actions/ecs-blue-green';

function dirBytes(dir: string, filter: (name: string) => boolean = () => true): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += dirBytes(p, filter);
    else if (filter(e.name)) total += statSync(p).size;
  }
  return total;
}

/** A counting pass-through in front of moto, so ECS calls made by the action are counted too. */
async function countingProxy(target: string) {
  const calls: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      calls.push(Date.now());
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k)),
      ) as Record<string, string>;
      fetch(`${target}${req.url}`, {
        method: req.method,
        headers,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
      })
        .then(async (r) => {
          const body = Buffer.from(await r.arrayBuffer());
          res.writeHead(
            r.status,
            Object.fromEntries(
              [...r.headers].filter(([k]) => k !== 'content-encoding' && k !== 'transfer-encoding'),
            ),
          );
          res.end(body);
        })
        .catch(() => {
          res.writeHead(502);
          res.end();
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () => server.close(),
  };
}

const bench: Bench = {
  name: 'ecs-blue-green',
  async run() {
    const moto = await startMoto({ maxSeconds: 900 });
    const proxy = await countingProxy(moto.url);
    const emulator = await startCodeDeployEmulator({
      ecsEndpoint: moto.url,
      stepMs: 100,
      maxLifetimeMs: 15 * 60_000,
    });
    const env = { AWS_ENDPOINT_URL: proxy.url, AWS_ENDPOINT_URL_CODEDEPLOY: emulator.url };
    const inputs = { cluster: CLUSTER, service: SERVICE, 'task-definition-arn': 'web:1' }; // defaults otherwise: poll 5 s
    try {
      // 1. Detection latency: deployment final (its completeTime) -> the main step's process exit.
      const latencies: number[] = [];
      for (let i = 0; i < 7; i++) {
        await moto.reset();
        emulator.reset();
        const world = await seedWorld({ motoUrl: moto.url, emulatorUrl: emulator.url });
        // vary the deployment's length so its end falls at different points of the poll cycle
        emulator.setScenario({ kind: 'success', stepMs: 400 + i * 230 });
        const startedAt = Date.now();
        const r = await runAction({ action: ACTION, inputs, env, post: false });
        const exitedAt = startedAt + r.main.durationMs;
        if (r.main.exitCode !== 0) throw new Error(`bench deployment failed: ${r.main.log.slice(-500)}`);
        const d = await world.codedeploy.send(
          new GetDeploymentCommand({ deploymentId: r.outputs['deployment-id'] }),
        );
        latencies.push(exitedAt - d.deploymentInfo!.completeTime!.getTime());
      }

      // 2. API calls per minute while following a deployment of about a minute at defaults.
      await moto.reset();
      emulator.reset();
      await seedWorld({ motoUrl: moto.url, emulatorUrl: emulator.url });
      emulator.setScenario({ kind: 'success', stepMs: 7500 });
      const motoBefore = proxy.calls.length;
      const r = await runAction({ action: ACTION, inputs, env, post: false, timeoutMs: 180_000 });
      if (r.main.exitCode !== 0) throw new Error(`bench deployment failed: ${r.main.log.slice(-500)}`);
      const created = emulator.calls.find((c) => c.operation === 'CreateDeployment')!.at;
      const following = emulator.calls.filter((c) => c.at > created);
      const motoFollowing = proxy.calls.slice(motoBefore).filter((t) => t > created);
      const followMs = Math.max(...following.map((c) => c.at), ...motoFollowing) - created;
      const perMinute = ((following.length + motoFollowing.length) / followMs) * 60_000;

      const c = coldStart(ACTION);
      const dist = join(REPO_ROOT, ACTION, 'dist');
      return {
        name: 'ecs-blue-green',
        method:
          'detection latency: 7 deployments (emulator, event lengths 400-1780 ms) at default inputs (poll 5 s + up to 1 s jitter), ' +
          'deployment completeTime to main-step process exit; API calls: one ~60 s deployment at defaults, CodeDeploy calls ' +
          '(emulator log) plus ECS calls (counting proxy before moto) after CreateDeployment, per minute; cold start: ' +
          'bench/lib coldStart; bundle: dist JS bytes (main + post, chunks included)',
        metrics: {
          'detection-latency-median-ms': round(median(latencies), 0),
          'detection-latency-max-ms': round(Math.max(...latencies), 0),
          'api-calls-per-minute': round(perMinute, 1),
          'api-calls-while-following': following.length + motoFollowing.length,
          'following-seconds': round(followMs / 1000, 1),
          'cold-start-ms': c.bundleMs,
          'node-e-0-ms': c.nodeMs,
          'cold-start-ratio': c.ratio,
          'bundle-js-bytes': dirBytes(dist, (n) => n.endsWith('.js')),
          'entry-chunk-bytes': statSync(join(dist, 'index.js')).size,
        },
        targets: {
          'detection-latency-median-ms': { max: 6000 },
          'api-calls-per-minute': { max: 30 },
          'cold-start-ratio': { max: 2.0 },
        },
      };
    } finally {
      await emulator.stop();
      proxy.close();
      await moto.stop();
    }
  },
};
export default bench;
