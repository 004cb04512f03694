import { formatDuration } from '@oaktree/action-kit';
import { PollCancelledError } from '@oaktree/aws';
import type { EngineDeps, ScenarioResult } from '../engine.js';
import { probeError } from '../health.js';
import type { DrillConfig } from '../inputs.js';
import { confirmSynchronous } from '../rpo.js';
import type { DrillState } from '../state.js';
import { judge, reconcileRpo, type RpoFigure } from '../timeline.js';
import type { HeartbeatMarker } from './heartbeat.js';

export interface Judgement {
  /** The first leg's RTO: the drill's. */
  rtoMs?: number;
  rpo: RpoFigure;
  reasons: string[];
  passed: boolean;
  outcome: DrillState['outcome'];
  aborted: boolean;
}

/**
 * Measure and judge: the scenario's RPO figure reconciled with the heartbeat read on the recovered
 * copy, every leg's RTO and the RPO against the objectives, and the outcome. Warnings go to the notes.
 */
export function measureAndJudge(
  cfg: DrillConfig,
  deps: Pick<EngineDeps, 'log' | 'signal'>,
  result: ScenarioResult,
  heartbeat: HeartbeatMarker,
  error: unknown,
): Judgement {
  const aborted = error instanceof PollCancelledError || deps.signal?.aborted === true;
  const rtoMs = result.legs[0]?.rtoMs;
  let rpo = heartbeat.failure ?? result.rpoBound;
  if (heartbeat.reading) {
    const r = reconcileRpo(heartbeat.reading, result.rpoBound);
    rpo = confirmSynchronous(r.figure, result.rpoBound);
    if (r.warning) {
      deps.log.warning(r.warning);
      result.notes.push(r.warning);
    }
  }
  const { reasons } = judge(
    rtoMs,
    rpo,
    { rtoMs: cfg.rtoObjectiveMs, rpoMs: cfg.rpoObjectiveMs },
    formatDuration,
  );
  // Every scenario has an RPO figure (a bound, a lag, synchronous by design, or the heartbeat); when
  // none came, the RPO is unknown, and an unknown RPO cannot be within the objective. After an error
  // the error says why.
  if (rpo.method === 'unknown') {
    const i = reasons.findIndex((r) => r.startsWith('RPO could not'));
    if (i >= 0) {
      if (!error)
        reasons[i] = `RPO unknown: ${rpo.detail}; set heartbeat-table to measure the RPO at the data level`;
      else reasons.splice(i, 1);
    }
  }
  for (const l of result.legs.slice(1)) {
    if (l.rtoMs === undefined) reasons.push(`${l.leg} never passed its health check`);
    else if (l.rtoMs > cfg.rtoObjectiveMs)
      reasons.push(
        `${l.leg} took ${formatDuration(l.rtoMs)}, over the objective ${formatDuration(cfg.rtoObjectiveMs)}`,
      );
  }
  if (error) reasons.unshift(probeError(error, [cfg.sqlConnection ?? '', cfg.sourceSqlConnection ?? '']));
  const passed = !error && reasons.length === 0;
  const outcome: DrillState['outcome'] = aborted
    ? 'cancelled'
    : error
      ? 'error'
      : passed
        ? 'passed'
        : 'failed';
  if (rpo.method === 'unknown')
    result.notes.push('RPO not measured: set heartbeat-table for a data-level figure');
  return { rtoMs, rpo, reasons, passed, outcome, aborted };
}
