import { log, runStep } from '@oaktree/action-kit';
import { drillState } from './state.js';

/** The safety net: runs after main whatever happened, and deletes what the drill left behind. */
await runStep('dr-drill', async () => {
  const saved = drillState.load();
  if (!saved) {
    log.info('dr-drill post: no drill was started in this job (no saved state); nothing to clean up');
    return;
  }
  const { postCleanup } = await import('./post-cleanup.js');
  await postCleanup(saved);
});
