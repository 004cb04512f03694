import { emitAnnotations, errorMessage, log } from '@oaktree/action-kit';
import { GitHubError, type GitHub } from './github.js';
import {
  COMMENT_MARKER,
  active,
  annotationText,
  annotationTitle,
  checkSummary,
  commandAnnotations,
  commentBody,
  levelOf,
  ordered,
  type RunFacts,
} from './report.js';
import type { Finding } from './validate.js';

export const CHECK_NAME = 'guard-validate';
export const ANNOTATIONS_PER_REQUEST = 50;

function denied(err: unknown): boolean {
  return err instanceof GitHubError && (err.status === 401 || err.status === 403 || err.status === 404);
}

export interface CheckRunResult {
  mode: 'checks' | 'commands';
  annotations: number;
  requests: number;
  reason?: string;
}

/** Check-run annotation objects for the Checks API. */
export function checkAnnotations(findings: Finding[]): Array<Record<string, unknown>> {
  return ordered(findings.filter(active)).map((f) => ({
    path: f.file,
    start_line: f.line,
    end_line: f.line,
    start_column: f.column,
    end_column: f.column,
    annotation_level: levelOf(f),
    title: annotationTitle(f),
    message: annotationText(f).slice(0, 64000),
    raw_details: [f.pointer ? `path: ${f.pointer}` : '', `rule: ${f.rule}`, `fingerprint: ${f.fingerprint}`]
      .filter(Boolean)
      .join('\n'),
  }));
}

/**
 * Every finding as a check-run annotation: create the run, then PATCH 50 annotations at a time
 * (each PATCH appends). When the token may not create check runs (fork pull requests get a
 * read-only token), fall back to workflow-command annotations, most severe first.
 */
export async function publishChecks(
  gh: GitHub,
  opts: { repo: string; sha: string; findings: Finding[]; facts: RunFacts; detailsUrl?: string },
): Promise<CheckRunResult> {
  const all = checkAnnotations(opts.findings);
  const title = `${opts.facts.passed ? 'Passed' : 'Failed'}: ${all.length} finding(s)`;
  const summary = checkSummary(opts.findings, opts.facts);
  let id: number;
  let requests = 0;
  try {
    id = await gh.createCheckRun(opts.repo, {
      name: CHECK_NAME,
      head_sha: opts.sha,
      status: 'in_progress',
      ...(opts.detailsUrl ? { details_url: opts.detailsUrl } : {}),
      output: { title, summary },
    });
    requests++;
  } catch (err) {
    if (!denied(err)) throw err;
    const reason = `the token cannot create check runs (${(err as GitHubError).status}; fork pull requests get a read-only token)`;
    log.warning(`${CHECK_NAME}: ${reason}; annotating with workflow commands instead`);
    const r = emitAnnotations(commandAnnotations(opts.findings));
    return { mode: 'commands', annotations: r.emitted, requests, reason };
  }
  const completion = () => ({
    status: 'completed',
    conclusion: opts.facts.passed ? 'success' : 'failure',
    completed_at: new Date().toISOString(),
  });
  let sent = 0;
  try {
    for (let i = 0; i < all.length || i === 0; i += ANNOTATIONS_PER_REQUEST) {
      const batch = all.slice(i, i + ANNOTATIONS_PER_REQUEST);
      const last = i + ANNOTATIONS_PER_REQUEST >= all.length;
      await gh.updateCheckRun(opts.repo, id, {
        ...(last ? completion() : {}),
        output: { title, summary, ...(batch.length ? { annotations: batch } : {}) },
      });
      requests++;
      sent += batch.length;
    }
  } catch (err) {
    // The check run must not stay in_progress: complete the same run without the annotations that
    // did not go through (the caller then annotates with workflow commands).
    try {
      await gh.updateCheckRun(opts.repo, id, {
        ...completion(),
        output: {
          title,
          summary: `${summary}\n\n${sent} of ${all.length} annotation(s) could be added to this check run; the job log has every finding.`,
        },
      });
      requests++;
    } catch (again) {
      log.warning(`${CHECK_NAME}: could not complete check run ${id} (${errorMessage(again)})`);
    }
    throw err;
  }
  return { mode: 'checks', annotations: all.length, requests };
}

/** One comment per pull request, found by its hidden marker and updated in place. */
export async function publishComment(
  gh: GitHub,
  opts: {
    repo: string;
    pr: number;
    findings: Finding[];
    facts: RunFacts;
    links?: { server: string; repo: string; sha: string; runUrl?: string };
  },
): Promise<'created' | 'updated' | 'denied'> {
  try {
    return await gh.upsertComment(
      opts.repo,
      opts.pr,
      COMMENT_MARKER,
      commentBody(opts.findings, opts.facts, opts.links),
    );
  } catch (err) {
    if (!denied(err)) throw err;
    log.warning(
      `${CHECK_NAME}: cannot comment on pull request #${opts.pr} (${(err as GitHubError).status}; fork pull requests get a read-only token); the job summary has the results`,
    );
    return 'denied';
  }
}
