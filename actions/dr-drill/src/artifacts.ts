/**
 * The reports of earlier drills, from the workflow artifacts earlier runs uploaded them as: listed by
 * name through the REST API (`GET /repos/{owner}/{repo}/actions/artifacts?name=`, which spans every
 * run) and downloaded with `@actions/artifact` and the run's token (`actions: read`).
 *
 * Only artifacts of runs in this repository are read (a fork's pull request run uploads under the
 * base repository too, with any name), never this run's own, never an expired or oversized one.
 * History is a view, not the drill: every failure here is a note, never a failed step.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Limiter, log } from '@oaktree/action-kit';
import { GitHubClient, splitRepo, type GitHubOptions } from '@oaktree/github';
import type { DrillReport } from './drill.js';
import { historyView, pointOf, type HistoryPoint, type HistoryView } from './history.js';
import type { HistoryConfig, RunContext } from './inputs.js';

/** An artifact as the list endpoint describes it (the fields read here). */
export interface ArtifactEntry {
  id: number;
  name: string;
  size_in_bytes?: number;
  expired?: boolean;
  created_at?: string | null;
  workflow_run?: { id?: number; repository_id?: number; head_repository_id?: number } | null;
}

/** A report is a few kilobytes; an artifact far larger is not one of ours. */
export const MAX_ARTIFACT_BYTES = 1_048_576;
/** History is a view: downloads not started within this budget are passed over. */
export const HISTORY_BUDGET_MS = 120_000;

export interface HistorySource {
  apiUrl: string;
  serverUrl: string;
  token: string;
  /** owner/name */
  repository: string;
  /** This run, whose own artifact is not history. */
  runId: string;
  artifact: string;
  /** How many earlier drills to read. */
  length: number;
  /** Downloads not started within this many ms are passed over (default HISTORY_BUDGET_MS). */
  budgetMs?: number;
  onWait?: (line: string) => void;
}

export interface Fetched {
  points: HistoryPoint[];
  /** Artifacts passed over, and why. */
  skipped: string[];
}

export type Download = (a: {
  id: number;
  runId: number;
  dir: string;
  token: string;
  repository: string;
}) => Promise<void>;

/**
 * `@actions/artifact`, loaded only when history is asked for. It reaches the API through the
 * runner's GITHUB_API_URL, the same URL the listing uses (HistoryConfig.apiUrl comes from it).
 */
export const downloadWithActionsArtifact: Download = async (a) => {
  const { DefaultArtifactClient } = await import('@actions/artifact');
  const [repositoryOwner, repositoryName] = splitRepo(a.repository);
  await new DefaultArtifactClient().downloadArtifact(a.id, {
    path: a.dir,
    findBy: { token: a.token, workflowRunId: a.runId, repositoryOwner, repositoryName },
  });
};

class ArtifactList extends GitHubClient {
  async named(repository: string, name: string): Promise<ArtifactEntry[]> {
    const [owner, repo] = splitRepo(repository);
    const r = await this.octokit.request('GET /repos/{owner}/{repo}/actions/artifacts', {
      owner,
      repo,
      name,
      per_page: 100,
    });
    return (r.data as { artifacts?: ArtifactEntry[] }).artifacts ?? [];
  }
}

/** Which listed artifacts to read, newest first, and why the others are not. */
export function choose(
  all: ArtifactEntry[],
  src: Pick<HistorySource, 'runId' | 'artifact' | 'length'>,
): { chosen: ArtifactEntry[]; skipped: string[] } {
  const skipped: string[] = [];
  const chosen: ArtifactEntry[] = [];
  const newest = [...all].sort((a, b) =>
    String(b.created_at ?? '').localeCompare(String(a.created_at ?? '')),
  );
  for (const a of newest) {
    const run = a.workflow_run;
    const what = `artifact ${a.id} (run ${run?.id ?? '?'})`;
    if (a.name !== src.artifact) continue;
    if (String(run?.id) === src.runId) continue;
    if (a.expired) skipped.push(`${what}: expired`);
    else if (!run?.id) skipped.push(`${what}: no workflow run`);
    else if (
      run.head_repository_id !== undefined &&
      run.repository_id !== undefined &&
      run.head_repository_id !== run.repository_id
    )
      skipped.push(`${what}: uploaded by a run of a fork`);
    else if ((a.size_in_bytes ?? 0) > MAX_ARTIFACT_BYTES)
      skipped.push(`${what}: ${a.size_in_bytes} bytes, too large for a drill report`);
    else if (chosen.length < src.length) chosen.push(a);
  }
  return { chosen, skipped };
}

/** The dr-drill reports among the files of a downloaded artifact. */
export function reportsIn(dir: string, runUrl: string): { points: HistoryPoint[]; problems: string[] } {
  const points: HistoryPoint[] = [];
  const problems: string[] = [];
  for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const path = join(dir, f);
    if (!f.endsWith('.json') || !statSync(path).isFile() || statSync(path).size > MAX_ARTIFACT_BYTES)
      continue;
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      problems.push(`${f}: not JSON`);
      continue;
    }
    const p = pointOf(data, runUrl);
    if (typeof p === 'string') problems.push(`${f}: ${p}`);
    else points.push(p);
  }
  return { points, problems };
}

/** Read the history. Never throws: what went wrong is in `skipped`, or is the `error`. */
export async function fetchHistory(
  src: HistorySource,
  download: Download = downloadWithActionsArtifact,
): Promise<Fetched & { error?: string }> {
  const opts: GitHubOptions = {
    apiUrl: src.apiUrl,
    token: src.token,
    onWait: src.onWait,
    userAgent: 'oaktree-dr-drill',
  };
  let listed: ArtifactEntry[];
  try {
    listed = await (await ArtifactList.connect(opts)).named(src.repository, src.artifact);
  } catch (err) {
    const status = (err as { status?: number }).status;
    const hint =
      status === 401 || status === 403 || status === 404
        ? " (the token needs `actions: read`: add it to the job's permissions)"
        : '';
    return {
      points: [],
      skipped: [],
      error: `listing artifacts named ${src.artifact} failed: ${(err as Error).message}${hint}`,
    };
  }
  const { chosen, skipped } = choose(listed, src);
  const root = mkdtempSync(join(process.env.RUNNER_TEMP || tmpdir(), 'dr-drill-history-'));
  const limiter = new Limiter(4);
  const points: HistoryPoint[] = [];
  const deadline = Date.now() + (src.budgetMs ?? HISTORY_BUDGET_MS);
  try {
    await Promise.all(
      chosen.map((a) =>
        limiter.run(async () => {
          const runId = a.workflow_run!.id!;
          const what = `artifact ${a.id} (run ${runId})`;
          const dir = join(root, String(a.id));
          if (Date.now() > deadline) {
            skipped.push(`${what}: not read, the history's time budget was used up`);
            return;
          }
          try {
            await download({ id: a.id, runId, dir, token: src.token, repository: src.repository });
          } catch (err) {
            skipped.push(`${what}: download failed: ${(err as Error).message}`);
            return;
          }
          const runUrl = `${src.serverUrl.replace(/\/$/, '')}/${src.repository}/actions/runs/${runId}`;
          let found: ReturnType<typeof reportsIn>;
          try {
            found = existsSync(dir) ? reportsIn(dir, runUrl) : { points: [], problems: [] };
          } catch (err) {
            skipped.push(`${what}: could not be read: ${(err as Error).message}`);
            return;
          }
          points.push(...found.points);
          for (const p of found.problems) skipped.push(`${what}: ${p}`);
          if (!found.points.length && !found.problems.length) skipped.push(`${what}: holds no .json report`);
        }),
      ),
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return { points, skipped };
}

/** The earlier drills from the workflow's artifacts; what went wrong is a warning, never a failure. */
export async function readHistory(
  h: HistoryConfig,
  run: RunContext,
  report: DrillReport,
): Promise<HistoryView | undefined> {
  try {
    return await readAndJudge(h, run, report);
  } catch (err) {
    log.warning(`no drill history: ${(err as Error).message}`);
    return undefined;
  }
}

async function readAndJudge(h: HistoryConfig, run: RunContext, report: DrillReport): Promise<HistoryView> {
  log.startGroup(`history: earlier reports uploaded as ${h.artifact}`);
  let fetched: Awaited<ReturnType<typeof fetchHistory>>;
  try {
    fetched = await fetchHistory({
      ...h,
      repository: run.repository,
      runId: run.runId,
      onWait: (l) => log.info(l),
    });
    for (const s of fetched.skipped) log.info(`  passed over ${s}`);
  } finally {
    log.endGroup();
  }
  const view = historyView(report, h, fetched);
  const earlier = view.points.length - 1;
  if (view.unavailable) log.warning(`no drill history: ${view.unavailable}`);
  else
    log.info(
      earlier
        ? `history: compared with ${earlier} earlier drill(s) of ${report.scenario} for ${report.source.id}`
        : `history: no earlier drill of ${report.scenario} for ${report.source.id} under ${h.artifact}; the chart starts with this one`,
    );
  for (const r of view.regressions) log.warning(r);
  report.history = {
    artifact: h.artifact,
    earlierDrills: earlier,
    regressions: view.regressions,
    unavailable: view.unavailable,
  };
  return view;
}
