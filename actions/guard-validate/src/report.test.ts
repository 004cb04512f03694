import {
  commentBody,
  gateFails,
  gateViolations,
  jobSummary,
  sarif,
  totals,
  type RunFacts,
} from './report.js';
import { checkAnnotations } from './publish.js';
import type { Finding } from './validate.js';

const facts: RunFacts = {
  filesScanned: 3,
  rulesEvaluated: 10,
  skipped: [],
  passed: false,
  failOn: 'any',
  engine: 'test',
  durationMs: 1200,
  reportFile: 'guard-report.json',
};

function finding(i: number, over: Partial<Finding> = {}): Finding {
  return {
    kind: 'violation',
    file: `infra/stack-${i % 7}.yaml`,
    line: 10 + i,
    column: 5,
    exact: true,
    rule: 'rule_x',
    ruleId: 'CT.S3.PR.1',
    controlId: 'CT.S3.PR.1',
    severity: (['critical', 'high', 'medium', 'low'] as const)[i % 4]!,
    title: 'CT.S3.PR.1: Require block public access',
    message: `finding number ${i} | with a pipe`,
    fingerprint: `fp${i}`,
    ...over,
  };
}

test('gating by severity; errors fail unless never', () => {
  const medium = [finding(2)];
  expect(gateFails(medium, 'high')).toBe(false);
  expect(gateFails(medium, 'medium')).toBe(true);
  expect(gateFails(medium, 'any')).toBe(true);
  expect(gateFails([finding(0, { suppressed: 'baseline' })], 'any')).toBe(false);
  const err = [finding(3, { kind: 'template-error', severity: 'high' })];
  expect(gateFails(err, 'critical')).toBe(true);
  expect(gateFails(err, 'never')).toBe(false);
  expect(totals([...medium, ...err, finding(1, { suppressed: 'metadata' })])).toMatchObject({
    violations: 1,
    errors: 1,
    suppressed: 1,
  });
});

test('the violations output counts findings at or above the gate; every failed expectation in test mode', () => {
  const all = [0, 1, 2, 3].map((i) => finding(i)); // critical, high, medium, low
  expect(gateViolations(all, 'high')).toBe(2);
  expect(gateViolations(all, 'medium')).toBe(3);
  expect(gateViolations(all, 'any')).toBe(4);
  expect(gateViolations(all, 'never')).toBe(4);
  expect(gateViolations([...all, finding(4, { suppressed: 'baseline' })], 'critical')).toBe(1);
  // errors fail the gate but are not violations
  expect(gateViolations([finding(5, { kind: 'template-error' })], 'any')).toBe(0);
  expect(gateViolations([finding(6, { kind: 'test-failure', severity: 'high' })], 'critical')).toBe(1);
});

test('job summary stays within the limit with thousands of findings and says what it left out', () => {
  const many = Array.from({ length: 5000 }, (_, i) => finding(i));
  const t = Date.now();
  const text = jobSummary(many, facts, 200 * 1024).toString();
  expect(Date.now() - t).toBeLessThan(2000);
  expect(Buffer.byteLength(text)).toBeLessThanOrEqual(200 * 1024);
  expect(text).toMatch(/\d+ more finding\(s\) left out .*\(guard-report\.json\)/);
  expect(text).toContain('finding number 0 \\| with a pipe');
  const full = jobSummary(many.slice(0, 5), facts).toString();
  expect(full).not.toContain('left out');
});

test('comment: marker, severity counts, top findings as links, most severe first', () => {
  const body = commentBody([finding(3), finding(0)], facts, {
    server: 'https://github.com',
    repo: 'o/r',
    sha: 'abc',
  });
  expect(body.startsWith('<!-- oaktree:guard-validate -->')).toBe(true);
  expect(body).toContain('| 1 | 0 | 0 | 1 | 0 |');
  expect(body.indexOf('critical |')).toBeLessThan(body.indexOf('| low |'));
  expect(body).toContain('[infra/stack-0.yaml:10](https://github.com/o/r/blob/abc/infra/stack-0.yaml#L10)');
});

test('SARIF: one rule per id with the highest severity, suppressions marked, stable fingerprints', () => {
  const log = sarif([finding(0), finding(2), finding(5, { suppressed: 'metadata' })]) as any;
  const run = log.runs[0];
  expect(run.tool.driver.rules).toHaveLength(1);
  expect(run.tool.driver.rules[0].properties['security-severity']).toBe('9.5');
  expect(run.results).toHaveLength(3);
  expect(run.results[2].suppressions[0].kind).toBe('inSource');
  expect(run.results[0].partialFingerprints).toEqual({ 'guardFinding/v1': 'fp0' });
  expect(run.results[0].locations[0].physicalLocation.region).toEqual({ startLine: 10, startColumn: 5 });
  expect(run.automationDetails).toEqual({ id: 'guard-validate/' });
  const other = sarif([finding(0)], { category: 'guard-validate/network/' }) as any;
  expect(other.runs[0].automationDetails).toEqual({ id: 'guard-validate/network/' });
});

test('check annotations: required fields, suppressed ones left out', () => {
  const a = checkAnnotations([finding(1), finding(2, { suppressed: 'baseline' })]);
  expect(a).toHaveLength(1);
  expect(a[0]).toMatchObject({
    path: 'infra/stack-1.yaml',
    start_line: 11,
    end_line: 11,
    annotation_level: 'failure',
  });
});

test('SARIF keeps at most 25,000 results, the most severe first', () => {
  const many = Array.from({ length: 25_010 }, (_, i) =>
    finding(i, { severity: i < 10 ? 'critical' : 'low' }),
  );
  const log = sarif(many.reverse()) as any;
  const results = log.runs[0].results;
  expect(results).toHaveLength(25_000);
  expect(results.slice(0, 10).every((r: any) => r.properties.severity === 'critical')).toBe(true);
});

test('the by-file table lists every file that fits and states how many it left out', () => {
  const perFile = (n: number) =>
    Array.from({ length: n }, (_, i) => finding(i, { file: `infra/f${i}.yaml` }));
  const byFile = (text: string) => {
    const start = text.indexOf('### By file');
    return text.slice(start, text.indexOf('### Findings', start));
  };
  // 600 files fit in 1 MiB: all of them are listed, nothing is said to be left out
  const all = byFile(jobSummary(perFile(600), facts).toString());
  expect(all.match(/^\| infra\/f\d+\.yaml \|/gm)).toHaveLength(600);
  expect(all).not.toContain('left out');
  // 5,000 files in 200 KiB: some are listed, the rest are counted right after the table
  const text = jobSummary(perFile(5000), facts, 200 * 1024).toString();
  const cut = byFile(text);
  const listed = cut.match(/^\| infra\/f\d+\.yaml \|/gm)!.length;
  expect(listed).toBeGreaterThan(100);
  expect(cut).toContain(
    `> ${5000 - listed} more file(s) left out of this table to stay within GitHub's 1 MiB job summary limit; the report file (guard-report.json) has every finding.`,
  );
  // and the findings table still gets room
  expect(text.slice(text.indexOf('### Findings')).match(/^\| \w+ \| infra\//gm)!.length).toBeGreaterThan(100);
});
