import { pathToFileURL } from 'node:url';
import { SUMMARY_LIMIT_BYTES, SummaryBuilder, cell, type Annotation } from '@oaktree/action-kit';
import { ENGINE_VERSION } from './engine-lock.js';
import type { FailOn, Severity } from './inputs.js';
import { SECURITY_SEVERITY, SEVERITY_RANK } from './rules-meta.js';
import type { Finding } from './validate.js';

export const COMMENT_MARKER = '<!-- oaktree:guard-validate -->';
/** Code scanning refuses a run with more results than this; the most severe are kept. */
export const SARIF_MAX_RESULTS = 25_000;
const SEVERITY_ORDER: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export interface Totals {
  violations: number;
  errors: number;
  suppressed: number;
  baselined: number;
  bySeverity: Record<Severity, number>;
}

export function active(f: Finding): boolean {
  return !f.suppressed;
}

export function totals(findings: Finding[]): Totals {
  const bySeverity: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  let violations = 0;
  let errors = 0;
  let suppressed = 0;
  let baselined = 0;
  for (const f of findings) {
    if (f.suppressed === 'metadata') suppressed++;
    else if (f.suppressed === 'baseline') baselined++;
    else if (f.kind === 'violation' || f.kind === 'test-failure') {
      violations++;
      bySeverity[f.severity]++;
    } else errors++;
  }
  return { violations, errors, suppressed, baselined, bySeverity };
}

/**
 * The `violations` output: findings at or above the gate (fail-on) that are not suppressed or
 * baselined, failed expectations in test mode. With `any` or `never` every such finding counts.
 */
export function gateViolations(findings: Finding[], failOn: FailOn): number {
  const min = failOn === 'any' || failOn === 'never' ? -1 : SEVERITY_RANK[failOn];
  return findings.filter(
    (f) =>
      active(f) &&
      (f.kind === 'test-failure' || (f.kind === 'violation' && SEVERITY_RANK[f.severity] >= min)),
  ).length;
}

/** Does the gate fail? Parse and engine errors fail it unless fail-on is never. */
export function gateFails(findings: Finding[], failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  const min = failOn === 'any' ? -1 : SEVERITY_RANK[failOn];
  return findings.some((f) => active(f) && (f.kind !== 'violation' || SEVERITY_RANK[f.severity] >= min));
}

/** Findings that count against the gate, most severe first, then by file and line. */
export function ordered(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      Number(!!a.suppressed) - Number(!!b.suppressed) ||
      Number(a.kind === 'violation') - Number(b.kind === 'violation') ||
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.column - b.column,
  );
}

export type CheckLevel = 'failure' | 'warning' | 'notice';

export function levelOf(f: Finding): CheckLevel {
  if (f.kind !== 'violation') return 'failure';
  return f.severity === 'critical' || f.severity === 'high'
    ? 'failure'
    : f.severity === 'medium'
      ? 'warning'
      : 'notice';
}

export function annotationText(f: Finding): string {
  const parts = [f.message];
  if (f.remediation) parts.push(`Fix: ${f.remediation}`);
  if (f.helpUri) parts.push(`See ${f.helpUri}`);
  return parts.join('\n');
}

export function annotationTitle(f: Finding): string {
  return `[${f.severity}] ${f.title}`.slice(0, 255);
}

/** Workflow-command annotations (most severe first; rank keeps that order within a level). */
export function commandAnnotations(findings: Finding[]): Annotation[] {
  return ordered(findings.filter(active)).map((f, i) => ({
    level: levelOf(f) === 'failure' ? 'error' : levelOf(f) === 'warning' ? 'warning' : 'notice',
    message: annotationText(f),
    title: annotationTitle(f),
    file: f.file,
    line: f.line,
    column: f.column,
    rank: i,
  }));
}

// ---------------------------------------------------------------- SARIF 2.1.0

export function sarif(
  findings: Finding[],
  opts: { toolVersion?: string; informationUri?: string; srcRoot?: string; category?: string } = {},
): unknown {
  const rules = new Map<string, { f: Finding; severity: Severity }>();
  for (const f of findings) {
    const r = rules.get(f.ruleId);
    if (!r || SEVERITY_RANK[f.severity] > SEVERITY_RANK[r.severity])
      rules.set(f.ruleId, { f, severity: f.severity });
  }
  const ids = [...rules.keys()].sort();
  const index = new Map(ids.map((id, i) => [id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'cfn-guard',
            fullName: 'AWS CloudFormation Guard (oaktree guard-validate)',
            version: opts.toolVersion ?? ENGINE_VERSION,
            semanticVersion: opts.toolVersion ?? ENGINE_VERSION,
            informationUri:
              opts.informationUri ?? 'https://github.com/aws-cloudformation/cloudformation-guard',
            rules: ids.map((id) => {
              const { f, severity } = rules.get(id)!;
              const help = [
                f.title,
                f.remediation ? `Fix: ${f.remediation}` : '',
                f.helpUri ? `See ${f.helpUri}` : '',
              ]
                .filter(Boolean)
                .join('\n\n');
              return {
                id,
                name: f.rule,
                shortDescription: { text: f.title },
                fullDescription: { text: f.remediation ? `${f.title}. ${f.remediation}` : f.title },
                help: { text: help, markdown: help },
                ...(f.helpUri ? { helpUri: f.helpUri } : {}),
                defaultConfiguration: { level: sarifLevel(f) },
                properties: {
                  'security-severity': SECURITY_SEVERITY[severity],
                  tags: ['security', 'cloudformation-guard', ...(f.controlId ? ['control-tower'] : [])],
                  ...(f.controlId ? { controlId: f.controlId } : {}),
                },
              };
            }),
          },
        },
        // code scanning's category: two uploads with different ids in one job do not replace each other
        automationDetails: { id: opts.category ?? 'guard-validate/' },
        results: ordered(findings)
          .slice(0, SARIF_MAX_RESULTS)
          .map((f) => ({
            ruleId: f.ruleId,
            ruleIndex: index.get(f.ruleId),
            level: sarifLevel(f),
            message: { text: f.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: encodeURI(f.file), uriBaseId: '%SRCROOT%' },
                  region: { startLine: f.line, startColumn: f.column },
                },
                ...(f.resource ? { logicalLocations: [{ name: f.resource, kind: 'resource' }] } : {}),
              },
            ],
            partialFingerprints: { 'guardFinding/v1': f.fingerprint },
            ...(f.suppressed
              ? {
                  suppressions: [
                    {
                      kind: f.suppressed === 'metadata' ? 'inSource' : 'external',
                      justification:
                        f.suppressed === 'metadata'
                          ? 'Metadata.guard.SuppressedRules'
                          : 'accepted in the baseline file',
                    },
                  ],
                }
              : {}),
            properties: { severity: f.severity, ...(f.pointer !== undefined ? { path: f.pointer } : {}) },
          })),
        ...(opts.srcRoot
          ? {
              originalUriBaseIds: {
                '%SRCROOT%': { uri: pathToFileURL(opts.srcRoot).href.replace(/\/?$/, '/') },
              },
            }
          : {}),
      },
    ],
  };
}

function sarifLevel(f: Finding): 'error' | 'warning' | 'note' {
  const l = levelOf(f);
  return l === 'failure' ? 'error' : l === 'warning' ? 'warning' : 'note';
}

// ---------------------------------------------------------------- JSON report

export interface RunFacts {
  filesScanned: number;
  rulesEvaluated: number;
  skipped: Array<{ file: string; reason: string }>;
  passed: boolean;
  failOn: FailOn;
  engine: string;
  durationMs: number;
  reportFile?: string;
  mode?: 'validate' | 'test';
}

export function jsonReport(findings: Finding[], facts: RunFacts): unknown {
  return {
    tool: 'oaktree/guard-validate',
    engine: facts.engine,
    passed: facts.passed,
    failOn: facts.failOn,
    filesScanned: facts.filesScanned,
    rulesEvaluated: facts.rulesEvaluated,
    skipped: facts.skipped,
    totals: totals(findings),
    findings: ordered(findings).map((f) => ({
      file: f.file,
      line: f.line,
      column: f.column,
      exact: f.exact,
      kind: f.kind,
      rule: f.rule,
      ruleId: f.ruleId,
      controlId: f.controlId ?? null,
      severity: f.severity,
      title: f.title,
      message: f.message,
      remediation: f.remediation ?? null,
      helpUri: f.helpUri ?? null,
      resource: f.resource ?? null,
      path: f.pointer ?? null,
      missing: f.missing ?? null,
      suppressed: f.suppressed ?? false,
      fingerprint: f.fingerprint,
    })),
  };
}

// ---------------------------------------------------------------- markdown

export function fileLink(f: Finding, links?: { server: string; repo: string; sha: string }): string {
  const label = `${f.file}:${f.line}`;
  if (!links) return `\`${label}\``;
  return `[${label}](${links.server}/${links.repo}/blob/${links.sha}/${f.file.split('/').map(encodeURIComponent).join('/')}#L${f.line})`;
}

function headline(t: Totals, facts: RunFacts): string {
  const state = facts.passed ? '✅ passed' : '❌ failed';
  if (facts.mode === 'test')
    return (
      `**Guard rule tests ${state}**: ${t.violations} failed expectation(s) in ${facts.filesScanned} test case(s) ` +
      `of ${facts.rulesEvaluated} rule file(s)` +
      (t.errors ? `; ${t.errors} rule or test file(s) could not be run` : '') +
      '.'
    );
  return (
    `**Guard ${state}** (fail-on: \`${facts.failOn}\`): ${t.violations} violation(s)` +
    (t.errors ? `, ${t.errors} file error(s)` : '') +
    ` in ${facts.filesScanned} file(s) against ${facts.rulesEvaluated} rule(s)` +
    (t.suppressed || t.baselined
      ? `; ${t.suppressed} suppressed in templates, ${t.baselined} baselined`
      : '') +
    (facts.skipped.length ? `; ${facts.skipped.length} non-template file(s) skipped` : '') +
    '.'
  );
}

function severityTable(t: Totals): string {
  return (
    `| ${SEVERITY_ORDER.map((s) => s).join(' | ')} |\n|${SEVERITY_ORDER.map(() => ' ---: ').join('|')}|\n` +
    `| ${SEVERITY_ORDER.map((s) => t.bySeverity[s]).join(' | ')} |\n\n`
  );
}

export function jobSummary(findings: Finding[], facts: RunFacts, limit?: number): SummaryBuilder {
  const t = totals(findings);
  const s = new SummaryBuilder(limit);
  s.heading('CloudFormation Guard');
  s.paragraph(headline(t, facts));
  s.raw(severityTable(t));
  const list = ordered(findings);
  const byRule = new Map<string, { f: Finding; n: number; files: Set<string> }>();
  for (const f of list.filter(active)) {
    const e = byRule.get(f.ruleId) ?? { f, n: 0, files: new Set<string>() };
    e.n++;
    e.files.add(f.file);
    byRule.set(f.ruleId, e);
  }
  if (byRule.size) {
    s.heading('By rule', 3);
    s.table(
      ['Rule', 'Severity', 'Findings', 'Files'],
      [...byRule.values()].map((e) => [e.f.title, e.f.severity, e.n, e.files.size]),
    );
  }
  const byFile = new Map<string, Record<Severity, number>>();
  for (const f of list.filter(active)) {
    const e = byFile.get(f.file) ?? { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
    e[f.severity]++;
    byFile.set(f.file, e);
  }
  if (byFile.size) {
    s.heading('By file', 3);
    s.table(
      ['File', ...SEVERITY_ORDER],
      [...byFile.entries()]
        .sort((a, b) => a[0].localeCompare(b[0]))
        .map(([file, n]) => [file, ...SEVERITY_ORDER.map((sev) => n[sev])]),
      {
        // at most half the summary, so the findings table below keeps room
        reserveBytes: Math.floor((limit ?? SUMMARY_LIMIT_BYTES) / 2),
        omittedNote: (n) =>
          `> [!NOTE]\n> ${n} more file(s) left out of this table to stay within GitHub's 1 MiB job summary limit; the report file (${facts.reportFile ?? 'report-file'}) has every finding.`,
      },
    );
  }
  if (list.length) {
    s.heading('Findings', 3);
    s.table(
      ['Severity', 'Location', 'Rule', 'Resource', 'Message', 'Status'],
      list.map((f) => [
        f.kind === 'violation' ? f.severity : `${f.severity} (${f.kind})`,
        `${f.file}:${f.line}:${f.column}`,
        f.ruleId,
        f.resource ?? '',
        f.message,
        f.suppressed === 'metadata' ? 'suppressed' : f.suppressed === 'baseline' ? 'baselined' : 'open',
      ]),
      {
        reserveBytes: 64 * 1024,
        omittedNote: (n) =>
          `> [!NOTE]\n> ${n} more finding(s) left out to stay within GitHub's 1 MiB job summary limit; the report file (${facts.reportFile ?? 'report-file'}) has every one.`,
      },
    );
  }
  if (facts.skipped.length)
    s.details(
      `${facts.skipped.length} file(s) skipped`,
      facts.skipped.map((x) => `- \`${cell(x.file)}\`: ${x.reason}`).join('\n'),
    );
  s.paragraph(`Engine: ${facts.engine}; ${(facts.durationMs / 1000).toFixed(1)}s.`);
  return s;
}

/** The pull-request comment: counts by severity and the top findings as file:line links. */
export function commentBody(
  findings: Finding[],
  facts: RunFacts,
  links?: { server: string; repo: string; sha: string; runUrl?: string },
  top = 15,
): string {
  const t = totals(findings);
  const list = ordered(findings.filter(active));
  let body = `${COMMENT_MARKER}\n### CloudFormation Guard\n\n${headline(t, facts)}\n\n${severityTable(t)}`;
  if (list.length) {
    body += '| Severity | Location | Rule | Message |\n| --- | --- | --- | --- |\n';
    for (const f of list.slice(0, top))
      body += `| ${f.severity} | ${fileLink(f, links)} | ${cell(f.ruleId)} | ${cell(f.message.slice(0, 300))} |\n`;
    if (list.length > top) body += `\n…and ${list.length - top} more`;
    body += links?.runUrl ? ` (all findings in the [job summary](${links.runUrl})).\n` : '\n';
  }
  return body.slice(0, 65000);
}

/** Checks API output summary (at most 65,535 characters). */
export function checkSummary(findings: Finding[], facts: RunFacts): string {
  const t = totals(findings);
  return `${headline(t, facts)}\n\n${severityTable(t)}`.slice(0, 65000);
}
