import { ConfigurationError, errorMessage, formatDuration } from '@oaktree/action-kit';
import { PollCancelledError } from '@oaktree/aws';
import { cleanupDrill, sweepOrphans, type CleanupOutcome } from './cleanup.js';
import type { DrillContext, EngineDeps, ScenarioResult } from './engine.js';
import { probeError, type Endpoint } from './health.js';
import type { DrillConfig } from './inputs.js';
import { fillEndpoint } from './probes.js';
import { checkSqlConnection, sourceConnection } from './preflight.js';
import { scenarioFor } from './scenarios.js';
import type { CreatedResource, DrillState } from './state.js';
import { InFlight } from './inflight.js';
import { drillTags, makeDrillId } from './tags.js';
import { heartbeatRpo, judge, reconcileRpo, type HeartbeatReading, type RpoFigure } from './timeline.js';
import { confirmSynchronous } from './rpo.js';

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
}

export interface DrillHooks {
  saveState(s: DrillState): void;
}

/** Waiting for deletions needs no precision: poll at most every 5 s. */
export const cleanupPollMs = (cfg: DrillConfig) => Math.max(cfg.pollIntervalMs, 5000);

const secs = (ms: number | undefined) => (ms === undefined ? undefined : Math.round(ms) / 1000);

/**
 * The whole drill: check, record the drill id, sweep orphans, write the heartbeat, run the scenario,
 * measure, judge, clean up. Returns the report; throws only ConfigurationError (nothing was created).
 */
export async function runDrill(cfg: DrillConfig, deps: EngineDeps, hooks: DrillHooks): Promise<DrillReport> {
  const { log } = deps;
  // 1. Everything checkable without changing anything.
  const scenario = scenarioFor(cfg);
  const plan = await scenario.preflight(cfg, deps);
  const sourceSql = sourceConnection(cfg, plan.sourceEndpoint);
  if (cfg.heartbeatTable && !sourceSql)
    throw new ConfigurationError(
      `input "source-sql-connection" is empty and ${cfg.source.id} has no endpoint to fill sql-connection with: set source-sql-connection`,
      'source-sql-connection',
    );
  await checkSqlConnection(cfg, plan.sourceEndpoint, deps);

  // 2. The drill id goes to the step state before anything is created.
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
  hooks.saveState(state);
  const inflight = new InFlight(state, hooks.saveState, deps.now, log);
  log.info(`drill ${drillId}: ${plan.summary}`);
  log.info(
    `every resource it creates is tagged dr-drill-id=${drillId}, dr-drill-expires=${expires.toISOString()}`,
  );

  const cleanupDeps = { rds: deps.rds, now: deps.now, sleep: deps.sleep, log };
  const report: DrillReport = {
    schema: REPORT_SCHEMA,
    schemaVersion: REPORT_SCHEMA_VERSION,
    drillId,
    scenario: cfg.scenario,
    source: { kind: cfg.source.kind, id: cfg.source.id, region: cfg.sourceRegion },
    drRegion: cfg.drRegion,
    repository: cfg.run.repository,
    run: cfg.run.runUrl,
    startedAt: startedAt.toISOString(),
    finishedAt: '',
    outcome: 'running',
    passed: false,
    reasons: [],
    objectives: { rtoSeconds: cfg.rtoObjectiveMs / 1000, rpoSeconds: cfg.rpoObjectiveMs / 1000 },
    legs: [],
    rpo: { method: 'unknown', upperBound: false, detail: '' },
    preparation: [],
    transitions: [],
    created: state.created,
    cleanup: { mode: cfg.cleanup, status: 'pending', deleted: [], left: [] },
    notes: [],
  };

  // 3. Orphans of earlier drills.
  if (cfg.sweepOrphans) {
    log.info(
      `sweeping expired drill resources in ${regions.join(', ')} (ttl ${cfg.orphanTtlHours} h without an expiry tag)`,
    );
    const s = await sweepOrphans(cleanupDeps, regions, {
      now: new Date(deps.now()),
      ttlHours: cfg.orphanTtlHours,
      currentDrillId: drillId,
      deadline: deps.now() + cfg.cleanupTimeoutMs,
      intervalMs: cleanupPollMs(cfg),
      signal: deps.signal,
    });
    report.sweep = {
      deleted: s.deleted.map((d) => ({ arn: d.arn, reason: d.reason })),
      spared: s.spared,
      left: s.left.map((l) => ({ arn: l.arn, error: l.error })),
    };
    log.info(`  swept ${s.deleted.length}, spared ${s.spared.length} younger drill resource(s)`);
    for (const l of s.left) log.warning(`could not delete orphan ${l.arn}: ${l.error}`);
  }

  const result: ScenarioResult = {
    legs: [],
    recoveredRegion: cfg.drRegion,
    rpoBound: { method: 'unknown', upperBound: false, detail: 'the scenario gave no RPO figure' },
    preparation: [],
    notes: [],
  };
  const transitions: DrillContext['transitions'] = [];
  let heartbeatFailure: RpoFigure | undefined;
  let reading: HeartbeatReading | undefined;
  let markerAt: number | undefined;
  let previousAt: number | undefined;
  let error: unknown;

  // 4. The heartbeat marker on the source, stamped by the database clock: before the scenario, or
  // where the scenario places it (replica-promote: just before the promotion, the replica existing).
  const writeMarker = async () => {
    if (!cfg.heartbeatTable || !sourceSql || markerAt !== undefined) return;
    const url = sourceSql.url;
    deps.mask(url);
    // The newest row before the marker is one the recovered copy must hold if the restore point is
    // later (none yet, or no table yet, on a first drill).
    previousAt = await deps.heartbeat
      .newest(url, cfg.heartbeatTable, cfg.probeTimeoutMs * 2)
      .catch(() => undefined);
    markerAt = await deps.heartbeat.write(url, cfg.heartbeatTable, drillId, cfg.probeTimeoutMs * 2);
    transitions.push({ state: 'heartbeat-marker', at: deps.now() });
    log.info(
      `heartbeat marker written to ${cfg.heartbeatTable} on the source at ${new Date(markerAt).toISOString()} (database clock)`,
    );
  };
  try {
    if (!scenario.placesMarker) await writeMarker();
    // 5. The scenario itself.
    const ctx: DrillContext = {
      cfg,
      drillId,
      tags,
      deadline: deps.now() + cfg.timeoutMs,
      deps,
      result,
      transitions,
      inflight,
      sourceSqlUrl: sourceSql?.url,
      writeMarker,
      async onRecovered(ep: Endpoint) {
        if (!cfg.heartbeatTable || markerAt === undefined) return;
        const url = fillEndpoint(cfg.sqlConnection!, ep);
        deps.mask(url);
        try {
          const newestAt = await deps.heartbeat.newest(url, cfg.heartbeatTable, cfg.probeTimeoutMs * 2);
          reading = { markerAt, previousAt, newestAt };
          log.info(`  heartbeat: ${heartbeatRpo(markerAt, newestAt).detail}`);
        } catch (err) {
          heartbeatFailure = {
            method: 'heartbeat',
            upperBound: false,
            detail: `reading ${cfg.heartbeatTable} on the recovered database failed: ${probeError(err, [cfg.sqlConnection ?? ''])}`,
          };
          log.info(`  heartbeat: ${heartbeatFailure.detail}`);
        }
      },
    };
    await scenario.recover(ctx, plan.found);
  } catch (err) {
    error = err;
  }

  // 6. Measure and judge.
  const aborted = error instanceof PollCancelledError || deps.signal?.aborted === true;
  const rtoMs = result.legs[0]?.rtoMs;
  let rpo = heartbeatFailure ?? result.rpoBound;
  if (reading) {
    const r = reconcileRpo(reading, result.rpoBound);
    rpo = confirmSynchronous(r.figure, result.rpoBound);
    if (r.warning) {
      log.warning(r.warning);
      result.notes.push(r.warning);
    }
  }
  const verdict = judge(rtoMs, rpo, { rtoMs: cfg.rtoObjectiveMs, rpoMs: cfg.rpoObjectiveMs }, formatDuration);
  // Every scenario has an RPO figure (a bound, a lag, synchronous by design, or the heartbeat); when
  // none came, the RPO is unknown, and an unknown RPO cannot be within the objective. After an error
  // the error says why.
  if (rpo.method === 'unknown') {
    const i = verdict.reasons.findIndex((r) => r.startsWith('RPO could not'));
    if (i >= 0) {
      if (!error)
        verdict.reasons[i] =
          `RPO unknown: ${rpo.detail}; set heartbeat-table to measure the RPO at the data level`;
      else verdict.reasons.splice(i, 1);
    }
  }
  for (const l of result.legs.slice(1)) {
    if (l.rtoMs === undefined) verdict.reasons.push(`${l.leg} never passed its health check`);
    else if (l.rtoMs > cfg.rtoObjectiveMs)
      verdict.reasons.push(
        `${l.leg} took ${formatDuration(l.rtoMs)}, over the objective ${formatDuration(cfg.rtoObjectiveMs)}`,
      );
  }
  if (error)
    verdict.reasons.unshift(probeError(error, [cfg.sqlConnection ?? '', cfg.sourceSqlConnection ?? '']));
  const passed = !error && verdict.reasons.length === 0;
  const outcome: DrillState['outcome'] = aborted
    ? 'cancelled'
    : error
      ? 'error'
      : passed
        ? 'passed'
        : 'failed';
  if (rpo.method === 'unknown')
    result.notes.push('RPO not measured: set heartbeat-table for a data-level figure');

  // 7. Clean up here when the drill ran to its end; post is the safety net.
  let outcomeCleanup: (CleanupOutcome & { found: number }) | undefined;
  let cleanupStatus: string;
  if (cfg.cleanup === 'never') {
    cleanupStatus = 'skipped (cleanup: never)';
  } else if (cfg.cleanup === 'on-success' && (outcome === 'failed' || outcome === 'error')) {
    cleanupStatus = 'kept for investigation (cleanup: on-success)';
  } else if (state.created.length === 0 && !error && !aborted) {
    // Every call returned and none created anything. After an error a create call may have been
    // accepted without us recording it (a timeout, a dropped response): then the tag decides.
    cleanupStatus = 'nothing created';
    state.cleanedUp = true;
  } else {
    log.info(
      aborted
        ? 'cancelled: deleting what the drill created (post waits until it is gone)'
        : `cleaning up drill ${drillId}`,
    );
    // The union of what was recorded (from the moment each create was sent) and what the tag shows.
    outcomeCleanup = await cleanupDrill(cleanupDeps, drillId, regions, {
      deadline: deps.now() + (aborted ? 5000 : cfg.cleanupTimeoutMs),
      intervalMs: cleanupPollMs(cfg),
      wait: !aborted,
      recorded: state.created,
    });
    // Deleted, or its delete accepted: from now on the tag listing alone looks for it.
    inflight.gone(outcomeCleanup.deleted);
    state.cleanedUp = !aborted && outcomeCleanup.left.length === 0;
    state.left = outcomeCleanup.left.map((l) => l.arn);
    cleanupStatus = !state.cleanedUp
      ? aborted
        ? 'deferred to the post step'
        : 'incomplete'
      : outcomeCleanup.found === 0
        ? 'nothing created (none found by the dr-drill-id tag)'
        : 'done';
    for (const d of outcomeCleanup.deleted)
      if (!state.created.some((c) => c.id === d.id && c.region === d.region))
        log.warning(
          `deleted ${d.arn}: created by this drill (dr-drill-id tag) but not recorded before an error`,
        );
    for (const l of outcomeCleanup.left) log.error(`cleanup left ${l.arn} behind: ${l.error}`);
  }
  state.outcome = outcome;
  hooks.saveState(state);

  Object.assign(report, {
    finishedAt: new Date(deps.now()).toISOString(),
    outcome,
    passed,
    reasons: verdict.reasons,
    rtoSeconds: secs(rtoMs),
    legs: result.legs.map((l) => ({
      name: l.leg,
      rtoSeconds: secs(l.rtoMs),
      startedAt: l.start !== undefined ? new Date(l.start).toISOString() : undefined,
      phases: l.phases.map((p) => ({
        name: p.name,
        atSeconds: secs(p.sinceStartMs)!,
        at: new Date(p.at).toISOString(),
        resolutionSeconds: secs(p.resolutionMs),
      })),
    })),
    rpo: {
      seconds: secs(rpo.ms),
      method: rpo.method,
      upperBound: rpo.upperBound,
      detail: rpo.detail,
      basis: rpo.basis,
      unplannedFailoverSeconds: secs(rpo.unplannedLossMs),
      markerAt: markerAt !== undefined ? new Date(markerAt).toISOString() : undefined,
    },
    recoveredEndpoint: result.endpoint ? `${result.endpoint.host}:${result.endpoint.port}` : undefined,
    preparation: result.preparation.map((p) => ({ name: p.name, seconds: secs(p.ms)! })),
    transitions: transitions.map((t) => ({ state: t.state, at: new Date(t.at).toISOString() })),
    cleanup: {
      mode: cfg.cleanup,
      status: cleanupStatus,
      deleted: outcomeCleanup?.deleted.map((d) => d.arn) ?? [],
      left: outcomeCleanup?.left.map((l) => ({ arn: l.arn, error: l.error })) ?? [],
    },
    notes: result.notes,
    error: error ? errorMessage(error) : undefined,
  } satisfies Partial<DrillReport>);
  return report;
}
