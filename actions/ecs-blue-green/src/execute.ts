import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { ECSClient } from '@aws-sdk/client-ecs';
import { log, setOutputs } from '@oaktree/action-kit';
import { cancelOnSignals, createClient } from '@oaktree/aws';
import { run, type Report } from './deploy.js';
import { ACTION, type Config } from './inputs.js';
import { isFinal } from './progress.js';
import { probe } from './smoke.js';
import { savedDeployment, stateAfterFailure, type SavedDeployment } from './state.js';
import { writeSummary } from './summary.js';

/** Wire real clients, signals, outputs and the job summary around `run`. */
export async function execute(config: Config): Promise<void> {
  const ecs = createClient(ECSClient, { region: config.region, action: ACTION });
  const codedeploy = createClient(CodeDeployClient, { region: config.region, action: ACTION });
  const cancellation = cancelOnSignals();
  const report: Report = {
    command: config.command,
    cluster: config.clusterName,
    service: config.serviceName,
    region: config.region,
    events: [],
    timeline: [],
    reasons: [],
    outcome: 'invalid',
  };
  let saved: SavedDeployment | undefined;
  const save = (s: SavedDeployment) => {
    saved = s;
    savedDeployment.save(s);
  };
  try {
    await run(
      config,
      {
        ecs,
        codedeploy,
        log: { info: log.info, notice: (m) => log.notice(m), warning: (m) => log.warning(m) },
        setOutputs: (o) => setOutputs(o),
        save,
        signal: cancellation.signal,
        probe: (test, signal) => probe(test, { signal, intervalMs: Math.min(2000, config.pollIntervalMs) }),
      },
      report,
    );
  } catch (err) {
    if (report.outcome === 'invalid' && report.deploymentId) report.outcome = 'failed';
    const interrupted =
      cancellation.signal.aborted || report.outcome === 'cancelled' || report.outcome === 'timed-out';
    const after = stateAfterFailure(saved, { interrupted, status: report.status });
    if (after && after !== saved) {
      save(after);
      if (!isFinal(report.status))
        log.info(
          `deployment ${after.deploymentId} is left as it is (the step failed without being cancelled): ${report.consoleUrl ?? ''}`,
        );
    }
    report.error ??= (err as Error).message;
    throw err;
  } finally {
    cancellation.dispose();
    if (report.deploymentId || report.taskDefinitionArn) writeSummary(report);
  }
}
