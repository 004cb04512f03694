import { log, runStep } from '@oaktree/action-kit';
import { explainAwsError } from '@oaktree/aws';
import { ACTION } from './inputs.js';
import { savedDeployment } from './state.js';

/**
 * Post step: when main was killed before it could stop its deployment (and on-cancel is rollback),
 * stop it now with rollback. Loads the SDK only when there is something to stop.
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
    if (saved.onCancel !== 'rollback') {
      log.info(`post: deployment ${saved.deploymentId} was left running (on-cancel: leave)`);
      return;
    }
    const { stopFromPost } = await import('./stop.js');
    await stopFromPost(saved);
  },
  { explainers: [explainAwsError] },
);
