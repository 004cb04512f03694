import { ConfigurationError } from '@oaktree/action-kit';
import type { EngineDeps } from '../engine.js';
import type { Endpoint } from '../health.js';
import { InFlight } from '../inflight.js';
import type { DrillConfig } from '../inputs.js';
import { checkSqlConnection, sourceConnection } from '../preflight.js';
import type { DrillState } from '../state.js';
import { drillTags, makeDrillId } from '../tags.js';

/** Waiting for deletions needs no precision: poll at most every 5 s. */
export const cleanupPollMs = (cfg: DrillConfig) => Math.max(cfg.pollIntervalMs, 5000);

/**
 * The end of the preflight: the connection the heartbeat and the health check will use, tried on the
 * source. Returns the source's connection (for the heartbeat), if there is one.
 */
export async function checkSourceSql(
  cfg: DrillConfig,
  deps: EngineDeps,
  sourceEndpoint: Endpoint | undefined,
): Promise<{ url: string; input: string } | undefined> {
  const sourceSql = sourceConnection(cfg, sourceEndpoint);
  if (cfg.heartbeatTable && !sourceSql)
    throw new ConfigurationError(
      `input "source-sql-connection" is empty and ${cfg.source.id} has no endpoint to fill sql-connection with: set source-sql-connection`,
      'source-sql-connection',
    );
  await checkSqlConnection(cfg, sourceEndpoint, deps);
  return sourceSql;
}

/** A started drill: its id and tags, and the step state that post reads. */
export interface Drill {
  drillId: string;
  startedAt: Date;
  tags: Array<{ Key: string; Value: string }>;
  regions: string[];
  state: DrillState;
  inflight: InFlight;
}

/** The drill id goes to the step state before anything is created. */
export function startDrill(
  cfg: DrillConfig,
  deps: EngineDeps,
  saveState: (s: DrillState) => void,
  summary: string,
): Drill {
  const startedAt = new Date(deps.now());
  const drillId = makeDrillId(startedAt, cfg.run.runId, cfg.run.runAttempt);
  const expires = new Date(startedAt.getTime() + cfg.timeoutMs + cfg.cleanupTimeoutMs + 3_600_000);
  const tags = drillTags(drillId, expires, cfg.run);
  const regions = [...new Set([cfg.sourceRegion, cfg.drRegion])];
  const state: DrillState = {
    drillId,
    regions,
    cleanup: cfg.cleanup,
    startedAt: startedAt.toISOString(),
    reportFile: cfg.reportFile,
    pollIntervalMs: cleanupPollMs(cfg),
    cleanupTimeoutMs: cfg.cleanupTimeoutMs,
    created: [],
    outcome: 'running',
    cleanedUp: false,
    left: [],
  };
  saveState(state);
  const inflight = new InFlight(state, saveState, deps.now, deps.log);
  deps.log.info(`drill ${drillId}: ${summary}`);
  deps.log.info(
    `every resource it creates is tagged dr-drill-id=${drillId}, dr-drill-expires=${expires.toISOString()}`,
  );
  return { drillId, startedAt, tags, regions, state, inflight };
}
