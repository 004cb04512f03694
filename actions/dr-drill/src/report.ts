import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SummaryBuilder, formatDuration, log, setOutputs } from '@oaktree/action-kit';
import type { DrillReport } from './drill.js';
import type { RpoMethod } from './timeline.js';
import { RPO_CHART, RTO_CHART, chart, labels } from './history-chart.js';
import type { HistoryView } from './history.js';

/** What each RPO method is, in the summary table. */
export const RPO_METHOD_TEXT: Record<RpoMethod, string | undefined> = {
  heartbeat: 'heartbeat (data level)',
  'restore-point': 'restore point (upper bound)',
  'snapshot-age': 'snapshot age (upper bound)',
  'replica-lag': 'CloudWatch ReplicaLag (upper bound)',
  'replay-lag': 'PostgreSQL replay lag (upper bound)',
  synchronous: 'synchronous, 0 by design',
  unknown: undefined,
};

const fmt = (s: number | undefined) => (s === undefined ? 'not measured' : formatDuration(s * 1000));
/** An upper bound ("up to"): never rounded down, so under a minute to the hundredth of a second. */
export const fmtUpTo = (s: number) =>
  s < 60
    ? `${Math.ceil(s * 100) / 100}s`
    : formatDuration((s < 3600 ? Math.ceil(s) : Math.ceil(s / 60) * 60) * 1000);

/** The one-line history record: grep the logs of the nightly runs for it to chart RTO/RPO over time. */
export function historyRecord(r: DrillReport): Record<string, unknown> {
  return {
    'dr-drill': 1,
    drillId: r.drillId,
    at: r.startedAt,
    scenario: r.scenario,
    source: `${r.source.region}/${r.source.id}`,
    drRegion: r.drRegion,
    outcome: r.outcome,
    passed: r.passed,
    rtoSeconds: r.rtoSeconds ?? null,
    rpoSeconds: r.rpo.seconds ?? null,
    rpoMethod: r.rpo.method,
    rtoObjectiveSeconds: r.objectives.rtoSeconds,
    rpoObjectiveSeconds: r.objectives.rpoSeconds,
    legs: Object.fromEntries(r.legs.map((l) => [l.name, l.rtoSeconds ?? null])),
    cleanup: r.cleanup.status,
    left: r.cleanup.left.length,
    run: r.run,
  };
}

/** RTO and RPO over the last drills, the regressions, and the drills as a table. */
export function historySection(s: SummaryBuilder, h: HistoryView): void {
  const earlier = h.points.length - 1;
  s.heading(`History: the last ${h.points.length} drill(s)`, 3);
  if (h.unavailable) s.paragraph(`⚠️ No history: ${h.unavailable}.`);
  else if (!earlier)
    s.paragraph(
      `No earlier drill of this scenario and source was found in artifacts named \`${h.artifact}\`: the chart starts with this one.`,
    );
  if (h.regressions.length) s.list(h.regressions.map((x) => `⚠️ **${x}**`));
  for (const spec of [RTO_CHART, RPO_CHART]) {
    const c = chart(h.points, spec);
    if (c) s.raw(c + '\n');
    const unmeasured = h.points.filter((p) => spec.value(p) === undefined);
    if (c && unmeasured.length)
      s.paragraph(
        `${spec.what} not measured: ${labels(unmeasured)
          .map((l, i) => `${l} (${unmeasured[i]!.outcome})`)
          .join(', ')}.`,
      );
  }
  if (earlier)
    s.details(
      'Drills',
      [
        '| drill | outcome | RTO | RPO | run |',
        '| --- | --- | --- | --- | --- |',
        ...[...h.points]
          .reverse()
          .map((p) =>
            [
              '',
              p.current ? `${p.startedAt} (this)` : p.startedAt,
              p.passed ? 'passed' : p.outcome,
              fmt(p.rtoSeconds),
              `${fmt(p.rpoSeconds)} (${p.rpoMethod})`,
              p.runUrl ? `[run](${p.runUrl})` : '',
              '',
            ]
              .join(' | ')
              .trim(),
          ),
      ].join('\n'),
    );
  if (h.skipped.length) s.details('Artifacts passed over', h.skipped.map((x) => `- ${x}`).join('\n'));
}

export function summary(r: DrillReport, history?: HistoryView): SummaryBuilder {
  const s = new SummaryBuilder();
  s.heading(
    `DR drill ${r.passed ? 'passed ✅' : r.outcome === 'cancelled' ? 'cancelled ⚠️' : 'FAILED ❌'}: ${r.scenario} of ${r.source.id}`,
  );
  s.paragraph(
    `Drill \`${r.drillId}\` · ${r.source.region} → ${r.drRegion} · started ${r.startedAt} · [run](${r.run})`,
  );
  if (r.reasons.length) s.list(r.reasons.map((x) => `**${x}**`));
  const rpoWhat = RPO_METHOD_TEXT[r.rpo.method as RpoMethod];
  s.table(
    ['', 'objective', 'achieved', 'verdict'],
    [
      [
        'RTO',
        fmt(r.objectives.rtoSeconds),
        fmt(r.rtoSeconds),
        r.rtoSeconds !== undefined && r.rtoSeconds <= r.objectives.rtoSeconds ? 'within' : 'missed',
      ],
      [
        rpoWhat ? `RPO, ${rpoWhat}` : 'RPO',
        fmt(r.objectives.rpoSeconds),
        fmt(r.rpo.seconds),
        r.rpo.seconds === undefined
          ? r.rpo.method === 'unknown'
            ? 'not measured'
            : 'missed'
          : r.rpo.seconds <= r.objectives.rpoSeconds
            ? 'within'
            : 'missed',
      ],
    ],
  );
  if (r.rpo.detail) s.paragraph(`RPO (${r.rpo.method}): ${r.rpo.detail}.`);
  if (r.rpo.unplannedFailoverSeconds !== undefined)
    s.paragraph(
      `An unplanned failover at that moment would have lost up to ${fmtUpTo(r.rpo.unplannedFailoverSeconds)} (AuroraGlobalDBRPOLag).`,
    );
  if (history) historySection(s, history);
  for (const leg of r.legs) {
    s.heading(`Timeline: ${leg.name}${leg.rtoSeconds !== undefined ? ` (${fmt(leg.rtoSeconds)})` : ''}`, 3);
    s.table(
      ['phase', 'after first mutating call', 'at', 'resolution'],
      [
        ['first mutating call', '0s', leg.startedAt ?? '', ''],
        ...leg.phases.map((p) => [
          p.name,
          fmt(p.atSeconds),
          p.at,
          p.resolutionSeconds ? `±${fmt(p.resolutionSeconds)}` : '',
        ]),
      ],
    );
  }
  if (r.preparation.length)
    s.paragraph(
      `Preparation (not part of the RTO): ${r.preparation.map((p) => `${p.name} ${fmt(p.seconds)}`).join('; ')}.`,
    );
  const rows: Array<Array<string>> = r.created.map((c) => [
    c.status === 'adopted' ? `${c.kind} (ours, adopted after a lost reply)` : c.kind,
    c.arn,
    c.region,
    r.cleanup.left.some((l) => l.arn === c.arn)
      ? '**LEFT BEHIND**'
      : r.cleanup.deleted.includes(c.arn)
        ? 'deleted'
        : r.cleanup.status,
  ]);
  s.heading('Resources', 3);
  if (rows.length) s.table(['kind', 'ARN', 'region', 'state'], rows);
  else s.paragraph('The drill created nothing.');
  s.paragraph(`Cleanup (${r.cleanup.mode}): ${r.cleanup.status}.`);
  if (r.cleanup.left.length) s.list(r.cleanup.left.map((l) => `left behind: \`${l.arn}\` (${l.error})`));
  if (r.sweep)
    s.paragraph(
      `Orphan sweep: deleted ${r.sweep.deleted.length}${r.sweep.deleted.length ? ` (${r.sweep.deleted.map((d) => `\`${d.arn}\``).join(', ')})` : ''}, spared ${r.sweep.spared.length} younger drill resource(s)${r.sweep.left.length ? `, could not delete ${r.sweep.left.map((l) => `\`${l.arn}\``).join(', ')}` : ''}.`,
    );
  if (r.notes.length) s.details('Notes', r.notes.map((n) => `- ${n}`).join('\n'));
  return s;
}

/** Job summary, report file, history line and outputs. */
export function publish(r: DrillReport, reportFile: string | undefined, history?: HistoryView): void {
  if (reportFile) {
    mkdirSync(dirname(reportFile), { recursive: true });
    writeFileSync(reportFile, JSON.stringify(r, null, 2) + '\n');
  }
  summary(r, history).write();
  log.info(JSON.stringify(historyRecord(r)));
  setOutputs({
    'drill-id': r.drillId,
    'rto-seconds': r.rtoSeconds !== undefined ? String(r.rtoSeconds) : '',
    'rpo-seconds': r.rpo.seconds !== undefined ? String(r.rpo.seconds) : '',
    'rpo-method': r.rpo.method,
    passed: String(r.passed),
    'recovered-endpoint': r.recoveredEndpoint ?? '',
    'report-file': reportFile ?? '',
  });
}
