import { cleanupDrill } from '../cleanup.js';
import type { DrillReport } from '../drill.js';
import type { EngineDeps } from '../engine.js';
import type { DrillConfig } from '../inputs.js';
import type { Judgement } from './judge.js';
import { cleanupPollMs, type Drill } from './start.js';

/**
 * Clean up here when the drill ran to its end (post is the safety net), as cleanup says. Updates the
 * step state (cleaned up, left behind) and returns the report's cleanup section.
 */
export async function cleanUp(
  cfg: DrillConfig,
  deps: EngineDeps,
  drill: Drill,
  verdict: Pick<Judgement, 'outcome' | 'aborted'>,
  error: unknown,
): Promise<DrillReport['cleanup']> {
  const { log } = deps;
  const { state, drillId } = drill;
  const { outcome, aborted } = verdict;
  const section = (status: string, deleted: string[] = [], left: DrillReport['cleanup']['left'] = []) => ({
    mode: cfg.cleanup,
    status,
    deleted,
    left,
  });
  if (cfg.cleanup === 'never') return section('skipped (cleanup: never)');
  if (cfg.cleanup === 'on-success' && (outcome === 'failed' || outcome === 'error'))
    return section('kept for investigation (cleanup: on-success)');
  if (state.created.length === 0 && !error && !aborted) {
    // Every call returned and none created anything. After an error a create call may have been
    // accepted without us recording it (a timeout, a dropped response): then the tag decides.
    state.cleanedUp = true;
    return section('nothing created');
  }
  log.info(
    aborted
      ? 'cancelled: deleting what the drill created (post waits until it is gone)'
      : `cleaning up drill ${drillId}`,
  );
  // The union of what was recorded (from the moment each create was sent) and what the tag shows.
  const done = await cleanupDrill(
    { rds: deps.rds, now: deps.now, sleep: deps.sleep, log },
    drillId,
    drill.regions,
    {
      deadline: deps.now() + (aborted ? 5000 : cfg.cleanupTimeoutMs),
      intervalMs: cleanupPollMs(cfg),
      wait: !aborted,
      recorded: state.created,
    },
  );
  // Deleted, or its delete accepted: from now on the tag listing alone looks for it.
  drill.inflight.gone(done.deleted);
  state.cleanedUp = !aborted && done.left.length === 0;
  state.left = done.left.map((l) => l.arn);
  const status = !state.cleanedUp
    ? aborted
      ? 'deferred to the post step'
      : 'incomplete'
    : done.found === 0
      ? 'nothing created (none found by the dr-drill-id tag)'
      : 'done';
  for (const d of done.deleted)
    if (!state.created.some((c) => c.id === d.id && c.region === d.region))
      log.warning(
        `deleted ${d.arn}: created by this drill (dr-drill-id tag) but not recorded before an error`,
      );
  for (const l of done.left) log.error(`cleanup left ${l.arn} behind: ${l.error}`);
  return section(
    status,
    done.deleted.map((d) => d.arn),
    done.left.map((l) => ({ arn: l.arn, error: l.error })),
  );
}
