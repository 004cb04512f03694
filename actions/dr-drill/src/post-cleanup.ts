import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { OperationError, SummaryBuilder, errorMessage, formatDuration, log } from '@oaktree/action-kit';
import { PollTimeoutError, explainAwsError, poll, sleep } from '@oaktree/aws';
import { SwitchoverGlobalClusterCommand } from '@aws-sdk/client-rds';
import { cleanupDrill, drillTargets } from './cleanup.js';
import type { DrillReport } from './drill.js';
import { isInvalidState } from './once.js';
import type { DrillState } from './state.js';
import { describeGlobal, rdsFactory } from './aws.js';

export interface PostDeps {
  rds: ReturnType<typeof rdsFactory>;
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  log: Pick<typeof log, 'info' | 'warning' | 'error' | 'notice'>;
}

/** What post does with the saved state; returns the cleanup line for the summary. Throws when ARNs are left. */
export async function postCleanup(
  s: DrillState,
  deps: PostDeps = { rds: rdsFactory(), now: Date.now, sleep, log },
): Promise<void> {
  // A failback main owed and could not do comes first: the writer matters more than the bill. Its
  // failure fails the step, but only after the cleanup below has run.
  let failbackError: unknown;
  if (s.pendingFailback) await failback(s, deps).catch((err: unknown) => (failbackError = err));
  await cleanup(s, deps);
  if (failbackError) throw failbackError;
}

async function cleanup(s: DrillState, deps: PostDeps): Promise<void> {
  const l = deps.log;
  const keep =
    s.cleanup === 'never' ||
    (s.cleanup === 'on-success' && (s.outcome === 'failed' || s.outcome === 'error'));
  if (keep) {
    const { targets } = await drillTargets(deps, s.drillId, s.regions, s.created, {
      deadline: deps.now() + s.cleanupTimeoutMs,
    });
    // Recorded ones that never appeared are not kept resources.
    const found = targets.filter((t) => t.tags.length > 0);
    if (found.length)
      l.warning(
        `drill ${s.drillId} resources kept (cleanup: ${s.cleanup}); they cost money until deleted by hand or by a later drill's orphan sweep once their dr-drill-expires time has passed: ${found.map((f) => f.arn).join(', ')}`,
      );
    else l.info(`drill ${s.drillId}: cleanup ${s.cleanup}, and nothing tagged with it exists`);
    return;
  }
  l.info(
    s.cleanedUp
      ? `drill ${s.drillId}: main already cleaned up; checking that nothing tagged with it is left`
      : `drill ${s.drillId} (${s.outcome}): deleting everything tagged dr-drill-id=${s.drillId} in ${s.regions.join(', ')}`,
  );
  let r;
  try {
    r = await cleanupDrill(deps, s.drillId, s.regions, {
      deadline: deps.now() + s.cleanupTimeoutMs,
      intervalMs: s.pollIntervalMs,
      wait: true,
      recorded: s.created,
    });
  } catch (err) {
    throw new OperationError(`cleanup of drill ${s.drillId} failed: ${explainAwsError(err) ?? String(err)}`);
  }
  if (r.found === 0 && r.left.length === 0) l.info(`drill ${s.drillId}: nothing left to clean up`);
  else if (r.left.length === 0)
    l.info(`drill ${s.drillId}: deleted ${r.deleted.length} resource(s), all gone`);
  updateReport(
    s,
    r.deleted.map((d) => d.arn),
    r.left,
  );
  if (r.found > 0 || r.left.length) {
    const sb = new SummaryBuilder().heading('DR drill cleanup (post step)', 3);
    sb.paragraph(
      r.left.length
        ? `**${r.left.length} resource(s) left behind**`
        : `Deleted ${r.deleted.length} resource(s); nothing tagged ${s.drillId} remains.`,
    );
    if (r.left.length) sb.list(r.left.map((x) => `\`${x.arn}\`: ${x.error}`));
    sb.write();
  }
  if (r.left.length) {
    for (const x of r.left) l.error(`dr-drill cleanup left ${x.arn} behind (${x.region}): ${x.error}`);
    throw new OperationError(
      `cleanup of drill ${s.drillId} left ${r.left.length} resource(s) behind, delete them by hand: ${r.left.map((x) => x.arn).join(', ')}`,
    );
  }
}

function updateReport(s: DrillState, deleted: string[], left: Array<{ arn: string; error: string }>): void {
  if (!s.reportFile || !existsSync(s.reportFile)) return;
  try {
    const report = JSON.parse(readFileSync(s.reportFile, 'utf8')) as DrillReport;
    report.cleanup.deleted = [...new Set([...report.cleanup.deleted, ...deleted])];
    report.cleanup.left = left;
    report.cleanup.status = left.length ? 'incomplete (post step)' : 'done';
    writeFileSync(s.reportFile, JSON.stringify(report, null, 2) + '\n');
  } catch {
    // The report is evidence, not a reason to fail the cleanup.
  }
}

/**
 * Main owed a failback (a global switchover was sent and the writer may not be home): look where the
 * writer is; when it is away and nothing is in flight, switch it back (a planned switchover, never a
 * failover with data loss) and wait until the primary is the writer again. The state is described
 * before every send, so a switchover whose reply was lost is never sent twice; throttling, 5xx and
 * resets are retried until the cleanup timeout.
 */
export async function failback(s: DrillState, deps: PostDeps): Promise<void> {
  const p = s.pendingFailback!;
  const rds = deps.rds(p.region);
  const manual = `aws rds switchover-global-cluster --global-cluster-identifier ${p.globalClusterId} --target-db-cluster-identifier ${p.primaryArn}`;
  let asked = false;
  let writer: string | undefined;
  try {
    await poll({
      what: `the writer of global database ${p.globalClusterId} to be ${p.primaryArn} again`,
      intervalMs: s.pollIntervalMs,
      deadline: deps.now() + s.cleanupTimeoutMs,
      now: deps.now,
      sleep: deps.sleep,
      onProgress: (m, ms) =>
        deps.log.info(`  global database ${p.globalClusterId}: ${m} after ${formatDuration(ms)}`),
      check: async () => {
        const g = await describeGlobal(rds, p.globalClusterId);
        writer = g?.GlobalClusterMembers?.find((m) => m.IsWriter)?.DBClusterArn;
        const busy = Boolean(g?.FailoverState?.Status) || g?.Status !== 'available';
        if (writer === p.primaryArn && !busy) return { done: true, value: undefined };
        if (!busy && !asked) {
          deps.log.warning(
            `drill ${s.drillId} ended with the writer of ${p.globalClusterId} at ${writer}: switching it back to ${p.primaryArn}`,
          );
          try {
            await rds.send(
              new SwitchoverGlobalClusterCommand({
                GlobalClusterIdentifier: p.globalClusterId,
                TargetDbClusterIdentifier: p.primaryArn,
              }),
            );
          } catch (err) {
            // An invalid-state answer: something is moving already; the next look decides.
            if (!isInvalidState(err)) throw err;
          }
          asked = true;
        }
        return {
          done: false,
          progress: `${g?.Status ?? 'unknown'}${g?.FailoverState?.Status ? ` (${g.FailoverState.Status})` : ''}, writer ${writer ?? 'none'}`,
        };
      },
    });
  } catch (err) {
    if (err instanceof PollTimeoutError)
      throw new OperationError(
        `the writer of global database ${p.globalClusterId} is still ${writer} after the cleanup timeout: switch it back with ${manual}`,
      );
    throw new OperationError(
      `could not bring the writer of global database ${p.globalClusterId} home (${errorMessage(err)}): switch it back with ${manual}`,
    );
  }
  deps.log.info(
    `global database ${p.globalClusterId}: the writer is ${p.primaryArn}${asked ? ' again' : ' (it never left)'}`,
  );
}
