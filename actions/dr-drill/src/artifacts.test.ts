import { earlierReport } from '../../../test/fixtures/dr-drill/reports.js';
import type { StoredArtifact } from '../../../test/emulators/github/artifacts.js';
import { startGitHubFake, type GitHubFake } from '../../../test/emulators/github/server.js';
import { choose, downloadWithActionsArtifact, fetchHistory, type ArtifactEntry } from './artifacts.js';

// @actions/github reads GITHUB_API_URL once, when it loads (as on a runner, where it never changes):
// one fake for the file, emptied between tests.
let fake: GitHubFake;
beforeAll(async () => {
  fake = await startGitHubFake();
  process.env.GITHUB_API_URL = fake.url;
});
afterAll(() => fake.close());

function startFake(opts: { artifacts?: StoredArtifact[]; forbid?: Array<'actions'> }) {
  fake.artifacts.items.length = 0;
  fake.calls.length = 0;
  fake.forbid.clear();
  for (const a of opts.artifacts ?? []) fake.artifacts.add(a);
  for (const f of opts.forbid ?? []) fake.forbid.add(f);
}

const report = (day: number, rto: number) => JSON.stringify(earlierReport(day, { rtoSeconds: rto }));

const source = (over: Partial<Parameters<typeof fetchHistory>[0]> = {}) => ({
  apiUrl: fake.url,
  serverUrl: 'https://github.com',
  token: 'ghs_test',
  repository: 'o/r',
  runId: '900',
  artifact: 'dr-drill-report',
  length: 14,
  ...over,
});

test('earlier reports are listed by name and downloaded with @actions/artifact; the rest is passed over with a reason', async () => {
  startFake({
    artifacts: [
      { name: 'dr-drill-report', runId: 101, files: { 'dr-drill-report.json': report(10, 300) } },
      { name: 'dr-drill-report', runId: 102, files: { 'nested/dir/report.json': report(11, 320) } },
      {
        name: 'dr-drill-report',
        runId: 103,
        files: { 'dr-drill-report.json': report(12, 310) },
        expired: true,
      },
      {
        name: 'dr-drill-report',
        runId: 104,
        files: { 'dr-drill-report.json': report(13, 1) },
        fromFork: true,
      },
      { name: 'dr-drill-report', runId: 105, files: { 'dr-drill-report.json': '{not json' } },
      { name: 'dr-drill-report', runId: 900, files: { 'dr-drill-report.json': report(14, 999) } },
      { name: 'other', runId: 106, files: { 'dr-drill-report.json': report(15, 999) } },
    ],
  });
  const got = await fetchHistory(source(), downloadWithActionsArtifact);
  expect(got.error).toBeUndefined();
  expect(got.points.map((p) => [p.rtoSeconds, p.runUrl]).sort()).toEqual([
    [300, 'https://github.com/o/r/actions/runs/101'],
    [320, 'https://github.com/o/r/actions/runs/102'],
  ]);
  expect(got.skipped.sort()).toEqual([
    expect.stringMatching(/^artifact \d+ \(run 103\): expired$/),
    expect.stringMatching(/^artifact \d+ \(run 104\): uploaded by a run of a fork$/),
    expect.stringMatching(/^artifact \d+ \(run 105\): dr-drill-report.json: not JSON$/),
  ]);
  // Only the chosen ones were downloaded: not this run's, not the fork's, not the expired one.
  expect(
    fake.artifacts.items
      .filter((a) => a.downloads > 0)
      .map((a) => a.runId)
      .sort(),
  ).toEqual([101, 102, 105]);
  expect(fake.calls.find((c) => c.path.endsWith('/actions/artifacts'))?.query).toMatchObject({
    name: 'dr-drill-report',
    per_page: '100',
  });
});

test('a token without actions: read is a clear error, not a throw', async () => {
  startFake({ forbid: ['actions'] });
  const got = await fetchHistory(source(), async () => {
    throw new Error('not reached');
  });
  expect(got.points).toEqual([]);
  expect(got.error).toMatch(/listing artifacts named dr-drill-report failed: .*403.*needs `actions: read`/);
});

test('a download that fails is one skipped artifact; the others still count', async () => {
  startFake({
    artifacts: [
      { name: 'dr-drill-report', runId: 101, files: { 'r.json': report(10, 300) } },
      { name: 'dr-drill-report', runId: 102, files: { 'r.json': report(11, 320) } },
    ],
  });
  const got = await fetchHistory(source(), async (a) => {
    if (a.runId === 102) throw new Error('blob storage answered 503');
    await downloadWithActionsArtifact(a);
  });
  expect(got.points.map((p) => p.rtoSeconds)).toEqual([300]);
  expect(got.skipped).toEqual([
    expect.stringMatching(/run 102\): download failed: blob storage answered 503/),
  ]);
});

test('choose: newest first, at most `length`, oversized ones refused', () => {
  const a = (id: number, over: Partial<ArtifactEntry> = {}): ArtifactEntry => ({
    id,
    name: 'n',
    size_in_bytes: 2000,
    created_at: `2026-11-${10 + id}T00:00:00Z`,
    workflow_run: { id: 100 + id, repository_id: 1, head_repository_id: 1 },
    ...over,
  });
  const r = choose([a(1), a(2), a(3, { size_in_bytes: 50_000_000 }), a(4)], {
    runId: '0',
    artifact: 'n',
    length: 2,
  });
  expect(r.chosen.map((x) => x.id)).toEqual([4, 2]);
  expect(r.skipped).toEqual(['artifact 3 (run 103): 50000000 bytes, too large for a drill report']);
});

test('downloads not started within the time budget are passed over, not waited for', async () => {
  startFake({
    artifacts: [10, 11, 12, 13, 14, 15].map((d) => ({
      name: 'dr-drill-report',
      runId: 100 + d,
      files: { 'r.json': report(d, 300) },
    })),
  });
  // Four downloads at a time; the first four take the whole budget, the last two never start.
  const started: number[] = [];
  const got = await fetchHistory({ ...source(), budgetMs: 50 }, async (a) => {
    started.push(a.runId);
    await new Promise((r) => setTimeout(r, 100));
  });
  expect(started).toHaveLength(4);
  expect(
    got.skipped.filter((x) => x.endsWith(": not read, the history's time budget was used up")),
  ).toHaveLength(2);
});
