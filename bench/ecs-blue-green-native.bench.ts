import { DescribeServiceDeploymentsCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { runAction, startMoto } from '../test/harness/index.js';
import { startEcsNativeEmulator } from '../test/emulators/ecs-native/index.js';
import { CLUSTER, REGION, SERVICE, taskDefinitionInput } from '../test/fixtures/ecs-blue-green/world.js';
import { seedNativeWorld } from '../test/e2e/ecs-blue-green/native-world.js';
import { median, round, type Bench } from './lib.js';

const ACTION = 'actions/ecs-blue-green';

/**
 * Detection latency on the ECS-native path, measured like the CodeDeploy one (bench/ecs-blue-green):
 * the service deployment's finishedAt to the main step's process exit, at default inputs (poll 5 s).
 */
const bench: Bench = {
  name: 'ecs-blue-green-native',
  async run() {
    const moto = await startMoto({ maxSeconds: 900 });
    const emulator = await startEcsNativeEmulator({
      ecsEndpoint: moto.url,
      region: REGION,
      stepMs: 100,
      maxLifetimeMs: 15 * 60_000,
    });
    const env = { AWS_ENDPOINT_URL: moto.url, AWS_ENDPOINT_URL_ECS: emulator.url };
    const inputs = { cluster: CLUSTER, service: SERVICE, 'task-definition-arn': 'web:2' };
    const latencies: number[] = [];
    const calls: number[] = [];
    try {
      for (let i = 0; i < 7; i++) {
        await moto.reset();
        emulator.reset();
        const world = await seedNativeWorld(moto.url, emulator.url, { bakeMinutes: 0 });
        // a second revision to deploy; stage lengths vary so the end falls at different poll points
        await world.ecs.send(new RegisterTaskDefinitionCommand(taskDefinitionInput('nginx:2')));
        emulator.setScenario({ kind: 'slow', stepMs: 400 + i * 230 });
        const startedAt = Date.now();
        const r = await runAction({ action: ACTION, inputs, env, post: false, timeoutMs: 180_000 });
        const exitedAt = startedAt + r.main.durationMs;
        if (r.main.exitCode !== 0) throw new Error(`bench deployment failed: ${r.main.log.slice(-500)}`);
        const d = await world.ecs.send(
          new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [r.outputs['deployment-id']!] }),
        );
        latencies.push(exitedAt - d.serviceDeployments![0]!.finishedAt!.getTime());
        const update = emulator.calls.find((c) => c.operation === 'UpdateService')!.at;
        const following = emulator.calls.filter((c) => c.at > update);
        calls.push((following.length / Math.max(1, following.at(-1)!.at - update)) * 60_000);
      }
      return {
        name: 'ecs-blue-green-native',
        method:
          'ECS-native detection latency: 7 service deployments (ECS-native emulator, stage lengths 400-1780 ms, bake 0) at ' +
          'default inputs (poll 5 s + up to 1 s jitter), the deployment finishedAt to main-step process exit; API calls per ' +
          'minute after UpdateService (emulator log, median of the 7)',
        metrics: {
          'detection-latency-median-ms': round(median(latencies), 0),
          'detection-latency-max-ms': round(Math.max(...latencies), 0),
          'api-calls-per-minute': round(median(calls), 1),
        },
        targets: {
          'detection-latency-median-ms': { max: 6000 },
          'api-calls-per-minute': { max: 30 },
        },
      };
    } finally {
      await emulator.stop();
      await moto.stop();
    }
  },
};
export default bench;
