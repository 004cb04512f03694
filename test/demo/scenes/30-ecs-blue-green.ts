import { startCodeDeployEmulator } from '../../emulators/codedeploy/index.js';
import {
  CLUSTER,
  SERVICE,
  seedWorld,
  taskDefinitionInput,
  workspaceWith,
} from '../../fixtures/ecs-blue-green/world.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Scene } from '../run.js';

const ACTION = 'actions/ecs-blue-green';

const scene: Scene = {
  title: 'ECS blue/green: register, deploy through CodeDeploy, test the green side, roll back a failure',
  order: 30,
  async play(ctx) {
    const emulator = await startCodeDeployEmulator({
      ecsEndpoint: ctx.motoUrl,
      stepMs: 400,
      maxLifetimeMs: 10 * 60_000,
    });
    const env = { AWS_ENDPOINT_URL_CODEDEPLOY: emulator.url };
    // the test listener of the green task set
    const listener = createServer((_req, res) => {
      res.writeHead(200);
      res.end('green ok\n');
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    listener.unref();
    const smokeUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/health`;
    try {
      await seedWorld({ motoUrl: ctx.motoUrl, emulatorUrl: emulator.url, readyWaitMinutes: 60 });
      ctx.say(
        'Seeded an ALB (prod :80, test :8080), cluster shop with service web (CODE_DEPLOY controller), and the ' +
          'CodeDeploy group DgpECS-shop-web that stops at Ready. CodeDeploy is our emulator, ECS and ELBv2 are moto.',
      );
      const workspace = workspaceWith({ '.aws/task-definition.json': taskDefinitionInput() });
      emulator.setScenario({ kind: 'ready-wait' });
      await ctx.run('deploy web:2 with a new image, smoke-test the green side, promote', {
        action: ACTION,
        workspace,
        env,
        inputs: {
          cluster: CLUSTER,
          service: SERVICE,
          'task-definition': '.aws/task-definition.json',
          'container-images': 'web=public.ecr.aws/nginx/nginx:1.28',
          'smoke-test-url': smokeUrl,
          'poll-interval-seconds': 1,
        },
      });

      emulator.setScenario({
        kind: 'hook-failure',
        failAt: 'AfterAllowTestTraffic',
        diagnosticsMessage:
          'integration tests against the test listener: 3 of 41 failed (checkout returns 500)',
      });
      await ctx.run(
        'a deployment whose AfterAllowTestTraffic hook fails: diagnostics and automatic rollback',
        {
          action: ACTION,
          workspace,
          env,
          inputs: {
            cluster: CLUSTER,
            service: SERVICE,
            'task-definition': '.aws/task-definition.json',
            'container-images': 'web=public.ecr.aws/nginx/nginx:1.29',
            hooks:
              'AfterAllowTestTraffic=arn:aws:lambda:us-east-1:123456789012:function:shop-integration-tests',
            'poll-interval-seconds': 1,
          },
        },
      );

      await ctx.run('a typo in container-images: one line naming the input, nothing registered or deployed', {
        action: ACTION,
        workspace,
        env,
        inputs: {
          cluster: CLUSTER,
          service: SERVICE,
          'task-definition': '.aws/task-definition.json',
          'container-images': 'wbe=public.ecr.aws/nginx/nginx:1.29',
        },
      });
    } finally {
      listener.close();
      await emulator.stop();
    }
  },
};
export default scene;
