/**
 * Drill history end to end: the real bundle runs a pitr-restore against moto, then reads the reports
 * of earlier runs from the GitHub fake's workflow artifacts (listed by name, downloaded as zips through
 * a signed-URL redirect by @actions/artifact) and charts RTO and RPO in the job summary.
 */
import { jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { motoUrl, runAction, useFaultProxy, useMoto } from '../../harness/index.js';
import { startGitHubFake, type GitHubFake } from '../../emulators/github/server.js';
import type { StoredArtifact } from '../../emulators/github/artifacts.js';
import { createInstance } from '../../fixtures/dr-drill/seed.js';
import { earlierReport } from '../../fixtures/dr-drill/reports.js';

useMoto();
const proxy = useFaultProxy(() => motoUrl());
jest.setTimeout(120_000);

let gh: GitHubFake | undefined;
afterEach(async () => {
  await gh?.close();
  gh = undefined;
});

const ACTION = 'actions/dr-drill';
const inputs = {
  scenario: 'pitr-restore',
  'source-db-instance': 'orders-db',
  'rto-objective': '30s',
  'rpo-objective': '1h',
  'health-check': 'none',
  'poll-interval': '1s',
  'history-artifact': 'dr-drill-report',
};

/** A report an earlier night's drill wrote, as it was uploaded. */
function earlier(day: number, rtoSeconds: number, over: Record<string, unknown> = {}): StoredArtifact {
  const d = String(day).padStart(2, '0');
  return {
    name: 'dr-drill-report',
    runId: 7000000000 + day,
    createdAt: `2026-11-${d}T05:00:00Z`,
    files: {
      'dr-drill-report.json': JSON.stringify(
        earlierReport(day, { objectives: { rtoSeconds: 30, rpoSeconds: 3600 }, rtoSeconds, ...over }),
      ),
    },
  };
}

test('three earlier reports from artifacts: RTO and RPO charted against the objectives, a regression called out', async () => {
  await createInstance('orders-db');
  gh = await startGitHubFake({
    lifetimeMs: 110_000,
    artifacts: [
      earlier(26, 0.3),
      earlier(27, 0.4),
      earlier(28, 0.3),
      // Not comparable, not ours, or not a report: none of these is charted.
      earlier(29, 9, { scenario: 'snapshot-restore' }),
      { ...earlier(30, 0.1), fromFork: true },
      { name: 'dr-drill-report', runId: 7000000031, files: { 'notes.txt': 'hello' } },
    ],
  });
  // The restore's reply comes 2.5 s late: this drill's RTO is far over the earlier nights' 0.3 s.
  proxy().inject({ operation: 'RestoreDBInstanceToPointInTime', fault: { kind: 'delay', ms: 2500 } });
  const r = await runAction({
    action: ACTION,
    env: {
      AWS_ENDPOINT_URL: proxy().url,
      GITHUB_API_URL: gh.url,
      GITHUB_TOKEN: 'ghs_historyToken0000000000000000000000',
    },
    inputs,
  });
  expect(r.main.exitCode).toBe(0);
  expect(r.outputs.passed).toBe('true');
  const rto = Number(r.outputs['rto-seconds']);
  expect(rto).toBeGreaterThanOrEqual(2.5);

  // The chart GitHub renders: four RTO bars (three earlier nights and this drill) and the objective line.
  const charts = [...r.summary.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]!);
  expect(charts).toHaveLength(2);
  const [rtoChart, rpoChart] = charts;
  expect(rtoChart).toContain('xychart-beta');
  expect(rtoChart).toMatch(/x-axis \["11-26", "11-27", "11-28", "\d\d-\d\d \(this\)"\]/);
  expect(rtoChart).toContain(`bar [0.3, 0.4, 0.3, ${Math.round(rto * 100) / 100}]`);
  expect(rtoChart).toContain('line [30, 30, 30, 30]');
  expect(rpoChart).toMatch(/title "RPO of the last 4 drill\(s\), minutes/);
  expect(rpoChart).toMatch(/bar \[4, 4, 4, [\d.]+\]/);
  expect(rpoChart).toContain('line [60, 60, 60, 60]');

  // The regression, in the summary, as a warning annotation and in the report.
  expect(r.summary).toMatch(/RTO \S+ is \+\d+% vs the 3-drill median 300ms/);
  expect(r.main.stdout).toMatch(/::warning::RTO \S+ is \+\d+%25 vs the 3-drill median 300ms/);
  const report = JSON.parse(readFileSync(r.outputs['report-file']!, 'utf8'));
  expect(report.history).toMatchObject({ artifact: 'dr-drill-report', earlierDrills: 3 });
  expect(report.history.regressions).toHaveLength(1);
  expect(report.schemaVersion).toBe(1);

  // What was passed over, and why; the fork's artifact was never downloaded.
  expect(r.summary).toMatch(/run 7000000030\): uploaded by a run of a fork/);
  expect(r.summary).toMatch(/run 7000000031\): holds no .json report/);
  expect(gh.artifacts.items.find((a) => a.runId === 7000000030)?.downloads).toBe(0);
  // The token is the run's, masked in the log.
  expect(gh.calls.some((c) => c.path === '/repos/oaktree-demo/shop/actions/artifacts')).toBe(true);
  expect(r.main.log).not.toContain('ghs_historyToken');
});

test('no actions: read: the drill still passes, and the missing history is a warning that says how to fix it', async () => {
  await createInstance('orders-db');
  gh = await startGitHubFake({ lifetimeMs: 110_000, forbid: ['actions'], artifacts: [earlier(26, 0.3)] });
  const r = await runAction({
    action: ACTION,
    env: { AWS_ENDPOINT_URL: proxy().url, GITHUB_API_URL: gh.url },
    inputs,
  });
  expect(r.main.exitCode).toBe(0);
  expect(r.outputs.passed).toBe('true');
  expect(r.main.stdout).toMatch(
    /::warning::no drill history: listing artifacts named dr-drill-report failed: .*403.*actions: read/,
  );
  expect(r.summary).toContain('No history: listing artifacts named dr-drill-report failed');
  // This drill alone is still charted.
  expect(r.summary).toMatch(/x-axis \["\d\d-\d\d \(this\)"\]/);
  expect(gh.artifacts.items[0]!.downloads).toBe(0);
});
