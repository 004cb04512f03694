import { assembleReport } from './drill/assemble.js';
import { cleanUp } from './drill/cleanup.js';
import { HeartbeatMarker } from './drill/heartbeat.js';
import { measureAndJudge } from './drill/judge.js';
import { checkSourceSql, startDrill } from './drill/start.js';
import { sweep } from './drill/sweep.js';
import type { DrillContext, EngineDeps, ScenarioResult } from './engine.js';
import type { DrillConfig } from './inputs.js';
import { scenarioFor } from './scenarios.js';
import type { CreatedResource, DrillState } from './state.js';

export { cleanupPollMs } from './drill/start.js';

export const REPORT_SCHEMA = 'oaktree.dr-drill/v1';
/**
 * The report's schema version: readers of earlier reports (history) rely on it. Adding an optional
 * field keeps the version; renaming, removing or retyping one bumps it (report-schema test pins it).
 */
export const REPORT_SCHEMA_VERSION = 1;

export interface LegReport {
  name: string;
  rtoSeconds?: number;
  startedAt?: string;
  phases: Array<{ name: string; atSeconds: number; at: string; resolutionSeconds?: number }>;
}

export interface DrillReport {
  schema: string;
  schemaVersion: number;
  drillId: string;
  scenario: string;
  source: { kind: string; id: string; region: string };
  drRegion: string;
  repository: string;
  run: string;
  startedAt: string;
  finishedAt: string;
  outcome: DrillState['outcome'];
  passed: boolean;
  reasons: string[];
  objectives: { rtoSeconds: number; rpoSeconds: number };
  rtoSeconds?: number;
  legs: LegReport[];
  rpo: {
    seconds?: number;
    method: string;
    upperBound: boolean;
    detail: string;
    /** `synchronous`: why the RPO is 0 by design. */
    basis?: string;
    /** Global databases: what an unplanned failover would have lost at that moment. */
    unplannedFailoverSeconds?: number;
    /** When the heartbeat marker was written on the source (database clock). */
    markerAt?: string;
  };
  recoveredEndpoint?: string;
  preparation: Array<{ name: string; seconds: number }>;
  transitions: Array<{ state: string; at: string }>;
  created: CreatedResource[];
  cleanup: { mode: string; status: string; deleted: string[]; left: Array<{ arn: string; error: string }> };
  sweep?: {
    deleted: Array<{ arn: string; reason?: string }>;
    spared: Array<{ arn: string; reason: string }>;
    left: Array<{ arn: string; error: string }>;
  };
  notes: string[];
  error?: string;
  /** The earlier drills this one was compared with (history-artifact set). */
  history?: {
    artifact: string;
    earlierDrills: number;
    regressions: string[];
    unavailable?: string;
  };
}

export interface DrillHooks {
  saveState(s: DrillState): void;
}

/**
 * The whole drill: check, record the drill id, sweep orphans, write the heartbeat, run the scenario,
 * measure, judge, clean up. Returns the report; throws only ConfigurationError (nothing was created).
 * Each step is a module under drill/; what a scenario does is its module under scenarios/.
 */
export async function runDrill(cfg: DrillConfig, deps: EngineDeps, hooks: DrillHooks): Promise<DrillReport> {
  // 1. Everything checkable without changing anything.
  const scenario = scenarioFor(cfg);
  const checked = await scenario.preflight(cfg, deps);
  const sourceSql = await checkSourceSql(cfg, deps, checked.sourceEndpoint);

  // 2. The drill id goes to the step state before anything is created; 3. orphans of earlier drills.
  const drill = startDrill(cfg, deps, hooks.saveState, checked.summary);
  const swept = cfg.sweepOrphans ? await sweep(cfg, deps, drill) : undefined;

  // 4. The heartbeat marker on the source (database clock), before the scenario unless it places it
  // itself (replica-promote: just before the promotion, the replica existing); 5. the scenario.
  const result: ScenarioResult = {
    legs: [],
    recoveredRegion: cfg.drRegion,
    rpoBound: { method: 'unknown', upperBound: false, detail: 'the scenario gave no RPO figure' },
    preparation: [],
    notes: [],
  };
  const transitions: DrillContext['transitions'] = [];
  const heartbeat = new HeartbeatMarker(cfg, deps, drill.drillId, sourceSql?.url, transitions);
  let error: unknown;
  try {
    if (!scenario.placesMarker) await heartbeat.write();
    const ctx: DrillContext = {
      cfg,
      drillId: drill.drillId,
      tags: drill.tags,
      deadline: deps.now() + cfg.timeoutMs,
      deps,
      result,
      transitions,
      inflight: drill.inflight,
      sourceSqlUrl: sourceSql?.url,
      writeMarker: () => heartbeat.write(),
      onRecovered: (ep) => heartbeat.read(ep),
    };
    await scenario.recover(ctx, checked.found);
  } catch (err) {
    error = err;
  }

  // 6. Measure and judge; 7. clean up here when the drill ran to its end (post is the safety net).
  const verdict = measureAndJudge(cfg, deps, result, heartbeat, error);
  const cleanup = await cleanUp(cfg, deps, drill, verdict, error);
  drill.state.outcome = verdict.outcome;
  hooks.saveState(drill.state);

  return assembleReport(cfg, {
    drill,
    finishedAt: deps.now(),
    verdict,
    result,
    transitions,
    markerAt: heartbeat.markerAt,
    cleanup,
    sweep: swept,
    error,
  });
}
