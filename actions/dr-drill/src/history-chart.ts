/**
 * RTO and RPO over the last drills as Mermaid `xychart-beta` charts, which GitHub renders in a job
 * summary: a bar per drill that measured the figure, the objective as a line. Only numbers and dates
 * we format ourselves reach the chart text.
 */
import type { HistoryPoint } from './history.js';

const UNITS = [
  { name: 'seconds', s: 1, upTo: 180 },
  { name: 'minutes', s: 60, upTo: 180 * 60 },
  { name: 'hours', s: 3600, upTo: Infinity },
];

/** The unit that keeps the largest value readable (at most 180 of it). */
export function unitFor(maxSeconds: number): { name: string; s: number } {
  return UNITS.find((u) => maxSeconds <= u.upTo)!;
}

/** A round axis top a little over the largest value. */
export function axisTop(max: number): number {
  if (max <= 0) return 1;
  const raw = max * 1.1;
  const step = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * step >= raw) return m * step;
  return 10 * step;
}

const round = (x: number) => Math.round(x * 100) / 100;

/** Short, unique x-axis labels: the UTC date, with the time when a date repeats. */
export function labels(points: HistoryPoint[]): string[] {
  const day = (p: HistoryPoint) => p.startedAt.slice(5, 10);
  const count = new Map<string, number>();
  for (const p of points) count.set(day(p), (count.get(day(p)) ?? 0) + 1);
  return points.map((p) => {
    const d = day(p);
    const l = count.get(d)! > 1 ? `${d} ${p.startedAt.slice(11, 16)}` : d;
    return p.current ? `${l} (this)` : l;
  });
}

export interface ChartSpec {
  what: 'RTO' | 'RPO';
  value: (p: HistoryPoint) => number | undefined;
  objective: (p: HistoryPoint) => number;
}

/** One chart, or undefined when no drill measured the figure. */
export function chart(points: HistoryPoint[], spec: ChartSpec): string | undefined {
  const measured = points.filter((p) => spec.value(p) !== undefined);
  if (!measured.length) return undefined;
  const values = measured.map((p) => spec.value(p)!);
  const objectives = measured.map(spec.objective);
  const unit = unitFor(Math.max(...values, ...objectives));
  const top = axisTop(Math.max(...values, ...objectives) / unit.s);
  const list = (xs: number[]) => `[${xs.map((x) => round(x / unit.s)).join(', ')}]`;
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${spec.what} of the last ${measured.length} drill(s), ${unit.name} (bars) vs objective (line)"`,
    `  x-axis [${labels(measured)
      .map((l) => `"${l}"`)
      .join(', ')}]`,
    `  y-axis "${spec.what} (${unit.name})" 0 --> ${top}`,
    `  bar ${list(values)}`,
    `  line ${list(objectives)}`,
    '```',
  ].join('\n');
}

export const RTO_CHART: ChartSpec = {
  what: 'RTO',
  value: (p) => p.rtoSeconds,
  objective: (p) => p.rtoObjectiveSeconds,
};
export const RPO_CHART: ChartSpec = {
  what: 'RPO',
  value: (p) => p.rpoSeconds,
  objective: (p) => p.rpoObjectiveSeconds,
};
