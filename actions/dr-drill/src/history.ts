/**
 * Drill history: the reports of earlier drills (downloaded by artifacts.ts) checked, narrowed to the
 * drills comparable with this one, and turned into what the job summary shows: RTO and RPO over the
 * last drills against their objectives, and the regressions worth a look.
 *
 * An earlier report is data someone could have written by hand into an artifact: only numbers, dates
 * and known words are taken from it, never text that reaches the summary as it is.
 */
import { formatDuration } from '@oaktree/action-kit';
import type { DrillReport } from './drill.js';
import { REPORT_SCHEMA, REPORT_SCHEMA_VERSION } from './drill.js';

/** One drill, as the history knows it. */
export interface HistoryPoint {
  drillId: string;
  startedAt: string;
  /** Link to the workflow run that ran it (built from the run id, not read from the report). */
  runUrl?: string;
  outcome: 'passed' | 'failed' | 'error' | 'cancelled' | 'unknown';
  passed: boolean;
  rtoSeconds?: number;
  rpoSeconds?: number;
  rpoMethod: string;
  rtoObjectiveSeconds: number;
  rpoObjectiveSeconds: number;
  /** Comparability key: scenario, source and DR region. */
  key: string;
  /** This run's drill. */
  current?: boolean;
}

const OUTCOMES = new Set(['passed', 'failed', 'error', 'cancelled']);
const METHOD = /^[a-z][a-z-]{0,30}$/;
const DRILL_ID = /^drill-\d{14}-[0-9a-z-]{1,40}$/;

const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;

export function drillKey(r: {
  scenario: string;
  source: { id: string; region: string };
  drRegion: string;
}): string {
  return `${r.scenario} ${r.source.region}/${r.source.id} -> ${r.drRegion}`;
}

/**
 * An earlier report as a history point, or why it cannot be one. Accepts every schemaVersion up to
 * ours: adding optional fields keeps the version, so what version 1 promised is there.
 */
export function pointOf(data: unknown, runUrl?: string): HistoryPoint | string {
  const r = data as Partial<DrillReport> | null;
  if (!r || typeof r !== 'object' || r.schema !== REPORT_SCHEMA) return `not a ${REPORT_SCHEMA} report`;
  const v = r.schemaVersion;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) return 'no schemaVersion';
  if (v > REPORT_SCHEMA_VERSION)
    return `schemaVersion ${v} is newer than this dr-drill reads (${REPORT_SCHEMA_VERSION})`;
  const at = typeof r.startedAt === 'string' ? Date.parse(r.startedAt) : NaN;
  const src = r.source;
  const objectives = r.objectives;
  if (
    !Number.isFinite(at) ||
    typeof r.drillId !== 'string' ||
    !DRILL_ID.test(r.drillId) ||
    typeof r.scenario !== 'string' ||
    typeof src?.id !== 'string' ||
    typeof src.region !== 'string' ||
    typeof r.drRegion !== 'string' ||
    num(objectives?.rtoSeconds) === undefined ||
    num(objectives?.rpoSeconds) === undefined
  )
    return 'a required field is missing or malformed';
  const method = String(r.rpo?.method ?? 'unknown');
  return {
    drillId: r.drillId,
    startedAt: new Date(at).toISOString(),
    runUrl,
    outcome: OUTCOMES.has(String(r.outcome)) ? (r.outcome as HistoryPoint['outcome']) : 'unknown',
    passed: r.passed === true,
    rtoSeconds: num(r.rtoSeconds),
    rpoSeconds: num(r.rpo?.seconds),
    rpoMethod: METHOD.test(method) ? method : 'unknown',
    rtoObjectiveSeconds: objectives!.rtoSeconds,
    rpoObjectiveSeconds: objectives!.rpoSeconds,
    key: drillKey({ scenario: r.scenario, source: src, drRegion: r.drRegion }),
  };
}

export function currentPoint(r: DrillReport): HistoryPoint {
  const p = pointOf(r, r.run);
  if (typeof p === 'string') throw new Error(`this drill's own report is not readable as history: ${p}`);
  return { ...p, current: true };
}

/**
 * The last `length` drills comparable with this one, oldest first, this one last. The same drill id
 * twice (a re-run that uploaded again) counts once.
 */
export function series(current: HistoryPoint, earlier: HistoryPoint[], length: number): HistoryPoint[] {
  const seen = new Set([current.drillId]);
  const kept = earlier
    .filter((p) => p.key === current.key && p.startedAt < current.startedAt)
    .sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1))
    .filter((p) => !seen.has(p.drillId) && seen.add(p.drillId))
    .slice(0, length);
  return [...kept.reverse(), current];
}

/** Regression rules: how many earlier figures the median needs, how far over it counts. */
export const REGRESSION = { window: 7, minEarlier: 3, ratio: 1.25, floorSeconds: 1, floorOfObjective: 0.02 };

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const dur = (s: number) => formatDuration(Math.round(s * 1000));

/**
 * What to call out about this drill's figures against the earlier ones: a figure well over the median
 * of the last REGRESSION.window drills ("RTO +40% vs the 7-drill median"), and one close to its
 * objective. A figure is compared only with drills that measured it the same way (RPO method).
 */
export function regressions(points: HistoryPoint[]): string[] {
  const current = points[points.length - 1];
  if (!current?.current) return [];
  const earlier = points.slice(0, -1);
  const out: string[] = [];
  const check = (
    what: 'RTO' | 'RPO',
    value: number | undefined,
    objective: number,
    pick: (p: HistoryPoint) => number | undefined,
  ) => {
    if (value === undefined) return;
    const base = earlier
      .filter((p) => what === 'RTO' || p.rpoMethod === current.rpoMethod)
      .map(pick)
      .filter((x): x is number => x !== undefined)
      .slice(-REGRESSION.window);
    if (base.length >= REGRESSION.minEarlier) {
      const m = median(base);
      const floor = Math.max(REGRESSION.floorSeconds, objective * REGRESSION.floorOfObjective);
      if (value - m >= floor && value >= m * REGRESSION.ratio)
        out.push(
          m > 0
            ? `${what} ${dur(value)} is +${Math.round((value / m - 1) * 100)}% vs the ${base.length}-drill median ${dur(m)}`
            : `${what} ${dur(value)}, up from a ${base.length}-drill median of 0s`,
        );
    }
    if (value <= objective && objective > 0 && value >= objective * 0.8)
      out.push(
        `${what} ${dur(value)} is ${Math.round((value / objective) * 100)}% of its objective ${dur(objective)}`,
      );
  };
  check('RTO', current.rtoSeconds, current.rtoObjectiveSeconds, (p) => p.rtoSeconds);
  check('RPO', current.rpoSeconds, current.rpoObjectiveSeconds, (p) => p.rpoSeconds);
  return out;
}

/** What the summary and the report show of the history. */
export interface HistoryView {
  artifact: string;
  /** Comparable drills, oldest first, this one last. */
  points: HistoryPoint[];
  regressions: string[];
  /** Artifacts or reports passed over, and why. */
  skipped: string[];
  /** Why no history could be read at all. */
  unavailable?: string;
}

export function historyView(
  report: DrillReport,
  source: { artifact: string; length: number },
  fetched: { points: HistoryPoint[]; skipped: string[]; error?: string },
): HistoryView {
  const points = series(currentPoint(report), fetched.points, source.length);
  return {
    artifact: source.artifact,
    points,
    regressions: regressions(points),
    skipped: fetched.skipped,
    unavailable: fetched.error,
  };
}
