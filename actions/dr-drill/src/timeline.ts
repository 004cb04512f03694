export interface Phase {
  name: string;
  /** Epoch ms when the phase was first observed. */
  at: number;
  /** Milliseconds since the first mutating call. */
  sinceStartMs: number;
  /** How late the observation may be (the poll or probe interval that saw it). */
  resolutionMs?: number;
}

/**
 * Records when each phase of one recovery leg was first observed. RTO runs from `start` (the moment
 * the first mutating call was sent) to the first successful health check (`recovered`).
 */
export class Timeline {
  readonly phases: Phase[] = [];
  start?: number;
  recoveredAt?: number;

  constructor(readonly leg = 'recovery') {}

  begin(at: number): void {
    if (this.start === undefined) this.start = at;
  }

  mark(name: string, at: number, resolutionMs?: number): void {
    if (this.start === undefined) throw new Error(`phase ${name} before the first mutating call`);
    if (this.phases.some((p) => p.name === name)) return;
    this.phases.push({ name, at, sinceStartMs: at - this.start, resolutionMs });
  }

  has(name: string): boolean {
    return this.phases.some((p) => p.name === name);
  }

  recovered(at: number): void {
    if (this.start === undefined) throw new Error('recovered before the first mutating call');
    if (this.recoveredAt === undefined) this.recoveredAt = at;
  }

  /** RTO in ms, or undefined when the database never answered. */
  get rtoMs(): number | undefined {
    return rto(this.start, this.recoveredAt);
  }
}

export function rto(start: number | undefined, recoveredAt: number | undefined): number | undefined {
  if (start === undefined || recoveredAt === undefined) return undefined;
  return Math.max(0, recoveredAt - start);
}

export type RpoMethod =
  'heartbeat' | 'restore-point' | 'snapshot-age' | 'replica-lag' | 'replay-lag' | 'synchronous' | 'unknown';

export interface RpoFigure {
  ms?: number;
  method: RpoMethod;
  /** True when the figure is an upper bound rather than a data-level measurement. */
  upperBound: boolean;
  detail: string;
  /** Upper bounds: the time up to which RDS says the recovered copy holds data (epoch ms). */
  pointAt?: number;
  /** `synchronous`: why the RPO is 0 by design (a claim, not a measurement). */
  basis?: string;
  /** Global databases: what an unplanned failover would have lost at that moment (AuroraGlobalDBRPOLag). */
  unplannedLossMs?: number;
}

/**
 * Data-level RPO from the heartbeat: the marker row written on the source just before the drill
 * (database clock) minus the newest row found on the recovered database. When the marker itself made
 * it across, nothing written before the drill was lost: 0.
 */
export function heartbeatRpo(markerAtMs: number, newestRecoveredMs: number | undefined): RpoFigure {
  if (newestRecoveredMs === undefined)
    return {
      method: 'heartbeat',
      upperBound: false,
      detail: 'the recovered database has no heartbeat rows at all',
    };
  const ms = Math.max(0, markerAtMs - newestRecoveredMs);
  return {
    ms,
    method: 'heartbeat',
    upperBound: false,
    detail:
      ms === 0
        ? 'the marker row written before the drill is present on the recovered database'
        : `newest heartbeat on the recovered database is ${new Date(newestRecoveredMs).toISOString()}, marker ${new Date(markerAtMs).toISOString()}`,
  };
}

/** PITR upper bound: what was written after the restore point is not in the restored database. */
export function restorePointRpo(restorePointMs: number, requestedAtMs: number): RpoFigure {
  return {
    ms: Math.max(0, requestedAtMs - restorePointMs),
    method: 'restore-point',
    upperBound: true,
    detail: `restore point ${new Date(restorePointMs).toISOString()} (latest restorable time)`,
    pointAt: restorePointMs,
  };
}

/** Snapshot upper bound: the snapshot's age when the restore was requested. */
export function snapshotAgeRpo(
  snapshotCreatedMs: number,
  requestedAtMs: number,
  snapshotId: string,
): RpoFigure {
  return {
    ms: Math.max(0, requestedAtMs - snapshotCreatedMs),
    method: 'snapshot-age',
    upperBound: true,
    detail: `snapshot ${snapshotId} taken ${new Date(snapshotCreatedMs).toISOString()}`,
    pointAt: snapshotCreatedMs,
  };
}

/** What the heartbeat showed, all on database clocks. */
export interface HeartbeatReading {
  /** The marker row written on the source just before the recovery. */
  markerAt: number;
  /** The newest row on the source before the marker: a row the recovered copy should hold too. */
  previousAt?: number;
  /** The newest row on the recovered database. */
  newestAt?: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The RPO with a heartbeat, never better than what can be proven. The newest heartbeat row on the
 * recovered copy proves it holds data up to that row; a restore's upper bound says (RDS's word) it
 * holds data up to the restore point or snapshot time. Both bound the loss from above, so the RPO is
 * the smaller: min(marker - newest row, upper bound). The heartbeat alone overstates the loss when no
 * job keeps it fresh (its newest row is older than the restore point): then the upper bound is
 * reported, with a warning. The data can refute RDS's word: when the source had a heartbeat row
 * written at or before the restore point and the recovered copy lacks it, the upper bound is not used.
 */
export function reconcileRpo(h: HeartbeatReading, bound: RpoFigure): { figure: RpoFigure; warning?: string } {
  const hb = heartbeatRpo(h.markerAt, h.newestAt);
  if (hb.ms === 0 || bound.ms === undefined || bound.pointAt === undefined) return { figure: hb };
  const lacking =
    h.previousAt !== undefined &&
    h.previousAt <= bound.pointAt &&
    (h.newestAt === undefined || h.newestAt < h.previousAt);
  if (lacking) {
    const why = `the recovered database lacks the heartbeat row of ${iso(h.previousAt!)} that the source had before ${bound.detail}`;
    return {
      figure: { ...hb, detail: `${hb.detail}; ${why}, so that upper bound does not hold` },
      warning: `${why}: data the recovery should hold is missing`,
    };
  }
  if (hb.ms !== undefined && hb.ms <= bound.ms) return { figure: hb };
  const newest = h.newestAt === undefined ? 'has no rows' : `was last written ${iso(h.newestAt)}`;
  return {
    figure: {
      ...bound,
      detail: `${bound.detail}; the heartbeat on the recovered database ${newest}, before that, so it proves less`,
    },
    warning:
      `the heartbeat is stale: its newest row on the recovered database ${newest}, before ${bound.detail}; ` +
      'the upper bound is reported instead. Keep a job writing a row to heartbeat-table every minute for a data-level RPO',
  };
}

/** A restore whose upper bound RDS did not give us (no restore point, no snapshot time). */
export function noBound(why: string): RpoFigure {
  return { method: 'unknown', upperBound: false, detail: `${why}, so the restore has no RPO upper bound` };
}

export interface Verdict {
  passed: boolean;
  reasons: string[];
}

/** Compare the figures with the objectives; anything unmeasured fails (an auditor cannot accept a blank). */
export function judge(
  rtoMs: number | undefined,
  rpo: RpoFigure,
  objectives: { rtoMs: number; rpoMs: number },
  format: (ms: number) => string,
): Verdict {
  const reasons: string[] = [];
  if (rtoMs === undefined) reasons.push('the recovered database never passed its health check');
  else if (rtoMs > objectives.rtoMs)
    reasons.push(`RTO ${format(rtoMs)} exceeds the objective ${format(objectives.rtoMs)}`);
  if (rpo.ms === undefined) reasons.push(`RPO could not be measured (${rpo.detail})`);
  else if (rpo.ms > objectives.rpoMs)
    reasons.push(
      `RPO ${rpo.upperBound ? 'upper bound ' : ''}${format(rpo.ms)} exceeds the objective ${format(objectives.rpoMs)}`,
    );
  return { passed: reasons.length === 0, reasons };
}
