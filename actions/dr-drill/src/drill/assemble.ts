import { errorMessage } from '@oaktree/action-kit';
import { REPORT_SCHEMA, REPORT_SCHEMA_VERSION, type DrillReport } from '../drill.js';
import type { DrillContext, ScenarioResult } from '../engine.js';
import type { DrillConfig } from '../inputs.js';
import type { Judgement } from './judge.js';
import type { Drill } from './start.js';

const secs = (ms: number | undefined) => (ms === undefined ? undefined : Math.round(ms) / 1000);
const iso = (ms: number) => new Date(ms).toISOString();

/** The report from what each step gave: milliseconds become seconds, instants ISO strings. */
export function assembleReport(
  cfg: DrillConfig,
  run: {
    drill: Drill;
    finishedAt: number;
    verdict: Judgement;
    result: ScenarioResult;
    transitions: DrillContext['transitions'];
    markerAt?: number;
    cleanup: DrillReport['cleanup'];
    sweep?: DrillReport['sweep'];
    error: unknown;
  },
): DrillReport {
  const { drill, verdict, result } = run;
  const { rpo } = verdict;
  // The field order is that of earlier versions (readers may diff reports).
  return {
    schema: REPORT_SCHEMA,
    schemaVersion: REPORT_SCHEMA_VERSION,
    drillId: drill.drillId,
    scenario: cfg.scenario,
    source: { kind: cfg.source.kind, id: cfg.source.id, region: cfg.sourceRegion },
    drRegion: cfg.drRegion,
    repository: cfg.run.repository,
    run: cfg.run.runUrl,
    startedAt: drill.startedAt.toISOString(),
    finishedAt: iso(run.finishedAt),
    outcome: verdict.outcome,
    passed: verdict.passed,
    reasons: verdict.reasons,
    objectives: { rtoSeconds: cfg.rtoObjectiveMs / 1000, rpoSeconds: cfg.rpoObjectiveMs / 1000 },
    legs: result.legs.map((l) => ({
      name: l.leg,
      rtoSeconds: secs(l.rtoMs),
      startedAt: l.start !== undefined ? iso(l.start) : undefined,
      phases: l.phases.map((p) => ({
        name: p.name,
        atSeconds: secs(p.sinceStartMs)!,
        at: iso(p.at),
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
      markerAt: run.markerAt !== undefined ? iso(run.markerAt) : undefined,
    },
    preparation: result.preparation.map((p) => ({ name: p.name, seconds: secs(p.ms)! })),
    transitions: run.transitions.map((t) => ({ state: t.state, at: iso(t.at) })),
    created: drill.state.created,
    cleanup: run.cleanup,
    notes: result.notes,
    ...(run.sweep ? { sweep: run.sweep } : {}),
    rtoSeconds: secs(verdict.rtoMs),
    recoveredEndpoint: result.endpoint ? `${result.endpoint.host}:${result.endpoint.port}` : undefined,
    error: run.error ? errorMessage(run.error) : undefined,
  };
}
