import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SummaryBuilder, formatDuration, setOutputs } from '@oaktree/action-kit';
import type { PitrResult } from './pitr.js';
import type { Kind } from './rds.js';

export interface SnapshotRecord {
  id: string;
  arn?: string;
  status: string;
  /** Found from an earlier try of the same run attempt instead of made now. */
  reused: boolean;
  /**
   * Made by this run's own request whose reply was lost: the retry met "already exists" and found
   * this run's marker on it.
   */
  adopted?: boolean;
  createdAt?: string;
}

export interface CopyRecord extends SnapshotRecord {
  region: string;
  error?: string;
}

export interface PrunedRecord {
  region: string;
  id: string;
  arn: string;
  createdAt?: string;
}

export interface KeptRecord {
  region: string;
  id: string;
  reason: string;
}

export interface DatabaseReport {
  id: string;
  kind: Kind;
  region: string;
  arn?: string;
  engine?: string;
  encrypted?: boolean;
  sizeGiB?: number;
  snapshot?: SnapshotRecord;
  copies: CopyRecord[];
  pitr?: PitrResult;
  pruned: PrunedRecord[];
  /** Our snapshots that pruning looked at and kept, with why (absent when pruning did not run). */
  kept?: KeptRecord[];
  /** Tag keys of the database left off the snapshot (RDS allows 50 tags). */
  droppedTags?: string[];
  errors: string[];
}

export interface Report {
  action: 'rds-snapshot';
  region: string;
  startedAt: string;
  finishedAt?: string;
  run: { runId?: string; attempt: string; repository?: string; sha?: string };
  settings: {
    prefix: string;
    copyRegions: string[];
    retentionDays?: number;
    keepLast: number;
    maxRpoSeconds: number;
    wait: boolean;
    maxParallel?: number;
  };
  databases: DatabaseReport[];
  /** Set when the run stopped early (bad input, quota, cancellation). */
  failure?: string;
  /** Everything that fails the step: PITR findings and failed operations, one line each. */
  problems: string[];
  warnings: string[];
  snapshotArns: string[];
  copyArns: string[];
  pruned: string[];
  pitrLagSeconds?: number;
  latestRestorableTime?: string;
}

/** Fill the roll-up fields (ARN lists, largest lag) from the per-database records. */
export function rollUp(report: Report): void {
  report.snapshotArns = report.databases.flatMap((d) => (d.snapshot?.arn ? [d.snapshot.arn] : []));
  report.copyArns = report.databases.flatMap((d) =>
    d.copies.flatMap((c) => (c.arn && !c.error ? [c.arn] : [])),
  );
  report.pruned = report.databases.flatMap((d) => d.pruned.map((p) => p.arn));
  let worst: PitrResult | undefined;
  for (const d of report.databases) {
    const p = d.pitr;
    if (p?.lagSeconds === undefined) continue;
    if (!worst || p.lagSeconds > (worst.lagSeconds ?? -1)) worst = p;
  }
  report.pitrLagSeconds = worst?.lagSeconds;
  report.latestRestorableTime = worst?.latestRestorableTime;
}

export function writeReportFile(report: Report, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const stamp = report.startedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const file = join(dir, `rds-snapshot-report-${stamp}-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  return file;
}

export function setActionOutputs(report: Report, reportFile: string | undefined): void {
  setOutputs({
    'snapshot-arns': report.snapshotArns,
    'copy-arns': report.copyArns,
    'pitr-lag-seconds': report.pitrLagSeconds === undefined ? undefined : String(report.pitrLagSeconds),
    'latest-restorable-time': report.latestRestorableTime,
    pruned: report.pruned,
    'report-file': reportFile,
  });
}

function gib(n: number | undefined): string {
  return n === undefined ? '' : `${n} GiB`;
}

function pitrCell(p: PitrResult | undefined, maxRpoSeconds: number): string {
  if (!p) return 'not checked';
  const budget = formatDuration(maxRpoSeconds * 1000);
  if (!p.enabled) return '❌ automated backups off';
  if (p.lagSeconds === undefined) return '❌ no restorable time';
  const lag = formatDuration(p.lagSeconds * 1000);
  const replicas = p.replicas
    .filter((r) => r.lagSeconds !== undefined)
    .map((r) => `${r.region} ${formatDuration(r.lagSeconds! * 1000)}${r.withinBudget ? '' : ' ❌'}`);
  return `${p.withinBudget ? '✅' : '❌'} ${lag} / ${budget}${replicas.length ? ` (replicated: ${replicas.join(', ')})` : ''}`;
}

function snapshotCell(d: DatabaseReport): string {
  if (!d.snapshot) return d.errors.length ? '❌ not made' : '';
  const how = d.snapshot.reused ? 'reused' : 'new';
  return `\`${d.snapshot.id}\` (${how}, ${d.snapshot.status})`;
}

function copiesCell(d: DatabaseReport): string {
  return d.copies
    .map((c) => `${c.region}: ${c.error ? '❌ failed' : `${c.status}${c.reused ? ', reused' : ''}`}`)
    .join('<br>');
}

/** The job summary: one row per database, then problems, notes and what was pruned. */
export function buildSummary(report: Report): SummaryBuilder {
  const s = new SummaryBuilder();
  const ok = report.problems.length === 0 && !report.failure;
  s.heading(`RDS snapshots in ${report.region} ${ok ? '✅' : '❌'}`);
  if (report.failure) s.paragraph(`**Stopped:** ${report.failure}`);
  if (report.databases.length)
    s.table(
      ['Database', 'Kind', 'Snapshot', 'Size', 'Copies', 'PITR lag / max-rpo', 'Pruned'],
      report.databases.map((d) => [
        d.id,
        d.kind,
        snapshotCell(d),
        gib(d.sizeGiB),
        copiesCell(d),
        pitrCell(d.pitr, report.settings.maxRpoSeconds),
        d.pruned.length,
      ]),
    );
  if (report.problems.length) s.heading('Problems', 3).list(report.problems);
  const notes = [...report.warnings, ...report.databases.flatMap((d) => d.pitr?.notes ?? [])];
  if (notes.length) s.heading('Notes', 3).list(notes);
  const pruned = report.databases.flatMap((d) => d.pruned);
  if (pruned.length)
    s.details(
      `Pruned ${pruned.length} snapshot(s)`,
      pruned
        .map((p) => `- ${p.region} \`${p.id}\`${p.createdAt ? ` (taken ${p.createdAt})` : ''}`)
        .join('\n'),
    );
  return s;
}
