import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { OperationError, SummaryBuilder, log } from '@oaktree/action-kit';
import { explainAwsError, sleep } from '@oaktree/aws';
import { DescribeGlobalClustersCommand, SwitchoverGlobalClusterCommand } from '@aws-sdk/client-rds';
import { cleanupDrill, listCandidates } from './cleanup.js';
import type { DrillReport } from './drill.js';
import { rdsFactory } from './execute.js';
import { ownedBy } from './selection.js';
import type { DrillState } from './state.js';

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
  const l = deps.log;
  if (s.pendingFailback) await failback(s, deps);
  const keep =
    s.cleanup === 'never' ||
    (s.cleanup === 'on-success' && (s.outcome === 'failed' || s.outcome === 'error'));
  if (keep) {
    const found = [];
    for (const region of s.regions)
      found.push(...ownedBy(s.drillId, await listCandidates(deps.rds(region), region)));
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
 * A global switchover was interrupted with the writer away from home: switch it back (planned
 * switchover, never a failover with data loss) and wait until the primary is the writer again.
 */
export async function failback(s: DrillState, deps: PostDeps): Promise<void> {
  const p = s.pendingFailback!;
  const rds = deps.rds(p.region);
  const describe = async () =>
    (await rds.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: p.globalClusterId })))
      .GlobalClusters?.[0];
  const deadline = deps.now() + s.cleanupTimeoutMs;
  let asked = false;
  for (;;) {
    const g = await describe();
    const writer = g?.GlobalClusterMembers?.find((m) => m.IsWriter)?.DBClusterArn;
    const busy = Boolean(g?.FailoverState?.Status) || g?.Status !== 'available';
    if (writer === p.primaryArn && !busy) {
      deps.log.info(`global database ${p.globalClusterId}: the writer is ${p.primaryArn} again`);
      return;
    }
    if (!busy && !asked) {
      deps.log.warning(
        `drill ${s.drillId} was interrupted with the writer of ${p.globalClusterId} at ${writer}: switching it back to ${p.primaryArn}`,
      );
      await rds.send(
        new SwitchoverGlobalClusterCommand({
          GlobalClusterIdentifier: p.globalClusterId,
          TargetDbClusterIdentifier: p.primaryArn,
        }),
      );
      asked = true;
    }
    if (deps.now() >= deadline)
      throw new OperationError(
        `the writer of global database ${p.globalClusterId} is still ${writer} after the cleanup timeout: switch it back with aws rds switchover-global-cluster --global-cluster-identifier ${p.globalClusterId} --target-db-cluster-identifier ${p.primaryArn}`,
      );
    await deps.sleep(Math.min(s.pollIntervalMs, Math.max(0, deadline - deps.now())));
  }
}
