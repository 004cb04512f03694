import { fetchHistory } from '../actions/dr-drill/src/artifacts.js';
import { historyView } from '../actions/dr-drill/src/history.js';
import { startFaultProxy } from '../test/harness/faults.js';
import { startGitHubFake } from '../test/emulators/github/server.js';
import { earlierReport } from '../test/fixtures/dr-drill/reports.js';
import { median, round, type Bench } from './lib.js';

/**
 * What reading the drill history costs, after the drill: the GitHub fake holds 14 earlier reports
 * (plus 6 artifacts to pass over) and answers through the fault proxy with 100 ms added to every
 * request (API list, each 302 redirect, each blob download), about what a runner sees from
 * api.github.com and blob storage. Measured in process with the action's own code: the first fetch
 * (which also loads @actions/artifact), then warm fetches; memory as RSS growth over the first fetch.
 */
const LATENCY_MS = 100;
const EARLIER = 14;

function report(i: number): string {
  return JSON.stringify(
    earlierReport(i + 1, {
      drRegion: 'us-west-2',
      objectives: { rtoSeconds: 2700, rpoSeconds: 900 },
      rtoSeconds: 600 + i,
      created: Array.from({ length: 2 }, (_, k) => ({ arn: `arn:aws:rds:us-west-2:1:db:x-${k}` })),
    }),
  );
}

const bench: Bench = {
  name: 'dr-drill-history',
  async run() {
    const gh = await startGitHubFake({
      lifetimeMs: 300_000,
      artifacts: [
        ...Array.from({ length: EARLIER + 6 }, (_, i) => ({
          name: 'dr-drill-report',
          runId: 8000 + i,
          createdAt: `2026-11-${String(i + 1).padStart(2, '0')}T05:00:00Z`,
          files: { 'dr-drill-report.json': report(i) },
        })),
      ],
    });
    const proxy = await startFaultProxy({ target: gh.url, maxLifetimeMs: 300_000 });
    proxy.inject({ fault: { kind: 'delay', ms: LATENCY_MS } });
    // @actions/artifact reaches the API through GITHUB_API_URL, as on a runner.
    process.env.GITHUB_API_URL = proxy.url;
    const source = {
      apiUrl: proxy.url,
      serverUrl: 'https://github.com',
      token: 'ghs_bench',
      repository: 'o/r',
      runId: '1',
      artifact: 'dr-drill-report',
      length: EARLIER,
    };
    try {
      const rss0 = process.memoryUsage().rss;
      let t = performance.now();
      const first = await fetchHistory(source);
      const firstMs = performance.now() - t;
      const rssMb = (process.memoryUsage().rss - rss0) / 1048576;
      if (first.points.length !== EARLIER)
        throw new Error(`expected ${EARLIER} reports, got ${first.points.length}`);
      const warm: number[] = [];
      for (let i = 0; i < 5; i++) {
        t = performance.now();
        await fetchHistory(source);
        warm.push(performance.now() - t);
      }
      t = performance.now();
      const current = JSON.parse(report(EARLIER + 7));
      for (let i = 0; i < 100; i++) historyView(current, source, first);
      const viewMs = (performance.now() - t) / 100;
      return {
        name: 'dr-drill-history',
        method: `fetchHistory of ${EARLIER} earlier reports (of ${EARLIER + 6} artifacts) from the GitHub fake behind the fault proxy, ${LATENCY_MS} ms added per request (list, redirect, blob); first fetch includes loading @actions/artifact; warm = median of 5; view = series, regressions and charts; RSS growth over the first fetch`,
        metrics: {
          requests_per_fetch: 1 + 2 * EARLIER,
          first_fetch_ms: round(firstMs),
          warm_fetch_ms: round(median(warm)),
          view_ms: round(viewMs, 2),
          rss_growth_mb: round(rssMb),
        },
      };
    } finally {
      await proxy.stop();
      await gh.close();
    }
  },
};

export default bench;
