import { OperationError, log, maskSecret } from '@oaktree/action-kit';
import { cancelOnSignals, createClient, sleep } from '@oaktree/aws';
import { rdsFactory } from './aws.js';
import { runDrill } from './drill.js';
import type { EngineDeps } from './engine.js';
import { sqlHeartbeat } from './heartbeat.js';
import { cloudwatchMetrics } from './metrics.js';
import { realProber } from './probes.js';
import { publish } from './report.js';
import { drillState } from './state.js';
import type { DrillConfig } from './inputs.js';

export const ACTION = 'dr-drill';

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
    const history = cfg.history
      ? await (await import('./artifacts.js')).readHistory(cfg.history, cfg.run, report)
      : undefined;
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
