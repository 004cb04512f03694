import { log, runStep } from '@oaktree/action-kit';
import { createClient, explainAwsError } from '@oaktree/aws';
import { ACTION } from './inputs.js';
import { savedDeployment } from './inflight.js';

/**
 * Post step: a deployment main did not see to its end (killed, cancelled or timed out before its stop
 * went through, or an AWS error ended the follow) is looked after here (see aftercare.ts). Loads the
 * SDK only when there is something to look after.
 */
await runStep(
  `${ACTION} (post)`,
  async () => {
    const saved = savedDeployment.load();
    if (!saved) {
      log.info(
        'post: main left no deployment in its care (none was started, or a continue/stop was refused); nothing to roll back',
      );
      return;
    }
    if (saved.finished) {
      log.info(`post: main finished with deployment ${saved.deploymentId}; nothing to do`);
      return;
    }
    const { attend, renderAftercare } = await import('./aftercare.js');
    const client =
      saved.controller === 'ECS'
        ? createClient((await import('@aws-sdk/client-ecs')).ECSClient, {
            region: saved.region,
            action: ACTION,
          })
        : createClient((await import('@aws-sdk/client-codedeploy')).CodeDeployClient, {
            region: saved.region,
            action: ACTION,
          });
    let care: Awaited<ReturnType<typeof attend>> | undefined;
    try {
      care = await attend(saved, client, (line) => log.info(line));
    } finally {
      const failed = { lines: ['post could not look after it: see the step error'], action: 'none' as const };
      renderAftercare(saved, care ?? failed).write();
    }
  },
  { explainers: [explainAwsError] },
);
