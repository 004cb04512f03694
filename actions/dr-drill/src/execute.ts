import { RDSClient } from '@aws-sdk/client-rds';
import { OperationError, log, maskSecret } from '@oaktree/action-kit';
import { cancelOnSignals, createClient, sleep } from '@oaktree/aws';
import type { Rds } from './aws.js';
import { runDrill, type DrillReport } from './drill.js';
import type { EngineDeps } from './engine.js';
import { sqlHeartbeat } from './heartbeat.js';
import { cloudwatchMetrics } from './metrics.js';
import { realProber } from './probes.js';
import { publish } from './report.js';
import { drillState } from './state.js';
import { historyView, type HistoryView } from './history.js';
import type { DrillConfig, HistoryConfig, RunContext } from './inputs.js';

/** The earlier drills from the workflow's artifacts; what went wrong is a warning, never a failure. */
async function readHistory(h: HistoryConfig, run: RunContext, report: DrillReport): Promise<HistoryView> {
  log.startGroup(`history: earlier reports uploaded as ${h.artifact}`);
  const { fetchHistory } = await import('./artifacts.js');
  const fetched = await fetchHistory({
    ...h,
    repository: run.repository,
    runId: run.runId,
    onWait: (l) => log.info(l),
  });
  for (const s of fetched.skipped) log.info(`  passed over ${s}`);
  log.endGroup();
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

export const ACTION = 'dr-drill';

export function rdsFactory(action = ACTION): (region: string) => Rds {
  const clients = new Map<string, Rds>();
  return (region) => {
    let c = clients.get(region);
    if (!c) {
      c = createClient(RDSClient, { region, action });
      clients.set(region, c);
    }
    return c;
  };
}

/** Wire the real clients, probes and runner files to the drill. */
export async function execute(cfg: DrillConfig): Promise<void> {
  const cancel = cancelOnSignals();
  try {
    const deps: EngineDeps = {
      rds: rdsFactory(),
      prober: realProber,
      heartbeat: sqlHeartbeat,
      // The CloudWatch client loads on the first metric query only (replica-promote, global-switchover).
      metrics: cloudwatchMetrics(async (region) => {
        const { CloudWatchClient } = await import('@aws-sdk/client-cloudwatch');
        return createClient(CloudWatchClient, { region, action: ACTION });
      }),
      now: Date.now,
      sleep,
      log,
      mask: maskSecret,
      signal: cancel.signal,
    };
    // kms-key-id is accepted for a cross-region replica-promote only, the one drill that passes a key.
    const kmsKeyId = cfg.kmsKeyId;
    if (kmsKeyId) {
      // Before anything else touches AWS; the KMS client loads only for drills that use a key.
      const { checkKmsKey, KMSClient } = await import('./kms.js');
      await checkKmsKey(cfg, kmsKeyId, createClient(KMSClient, { region: cfg.drRegion, action: ACTION }));
    }
    const report = await runDrill(cfg, deps, { saveState: (s) => drillState.save(s) });
    // After the drill, so reading history never delays or disturbs what it measures.
    const history = cfg.history ? await readHistory(cfg.history, cfg.run, report) : undefined;
    publish(report, cfg.reportFile, history);
    if (report.cleanup.left.length)
      throw new OperationError(
        `drill ${report.drillId} ${report.passed ? 'passed' : 'failed'}, but its cleanup left ${report.cleanup.left.length} resource(s) behind ` +
          `(the post step tries again): ${report.cleanup.left.map((l) => l.arn).join(', ')}`,
      );
    if (!report.passed)
      throw new OperationError(
        `drill ${report.drillId} ${report.outcome === 'cancelled' ? 'was cancelled' : 'failed'}: ${report.reasons.join('; ') || report.outcome}`,
      );
  } finally {
    cancel.dispose();
  }
}
