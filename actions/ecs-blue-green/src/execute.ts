import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { ECSClient } from '@aws-sdk/client-ecs';
import { log, setOutputs } from '@oaktree/action-kit';
import { cancelOnSignals, createClient } from '@oaktree/aws';
import { run, type Report } from './deploy.js';
import { GitHubDeployment, finalState } from './environment.js';
import { InFlight } from './inflight.js';
import { ACTION, type Config } from './inputs.js';
import { probe } from './smoke.js';
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
  const inflight = new InFlight();
  const gh = config.github
    ? new GitHubDeployment({
        ...config.github,
        marker: config.runMarker,
        warn: (m) => log.warning(m),
        info: (m) => log.info(m),
      })
    : undefined;
  let threw = false;
  try {
    await run(
      config,
      {
        ecs,
        codedeploy,
        log: { info: log.info, notice: (m) => log.notice(m), warning: (m) => log.warning(m) },
        setOutputs: (o) => setOutputs(o),
        inflight,
        signal: cancellation.signal,
        // the Logs SDK is loaded only when a pre-deploy task ran
        beforeDeploy: gh
          ? (arn) =>
              gh.start(`${config.clusterName}/${config.serviceName}: ${arn.split('/').pop()}`, {
                taskDefinition: arn,
                cluster: config.clusterName,
                service: config.serviceName,
              })
          : undefined,
        logTail: async (where, limit) =>
          (await import('./logs.js')).cloudWatchTail(config.region)(where, limit),
        probe: (test, signal) => probe(test, { signal, intervalMs: Math.min(2000, config.pollIntervalMs) }),
      },
      report,
    );
  } catch (err) {
    threw = true;
    if (report.outcome === 'invalid' && report.deploymentId) report.outcome = 'failed';
    report.error ??= (err as Error).message;
    const left = inflight.afterFailure({ status: report.status, why: report.error });
    if (left) {
      report.left =
        `main could not see deployment ${left.deploymentId} to its end; the post step ` +
        (left.onCancel === 'rollback'
          ? 'stops it with rollback unless it has ended by then (on-cancel: rollback)'
          : 'reports where it stands and leaves it running (on-cancel: leave)');
      log.info(`${report.left}: ${report.consoleUrl ?? ''}`);
    }
    throw err;
  } finally {
    cancellation.dispose();
    const state = finalState(report.outcome) ?? (threw ? 'failure' : undefined);
    if (gh && state)
      await gh.finish(state, report.error ?? `${report.outcome}: ${report.status ?? ''}`.trim());
    if (report.deploymentId || report.taskDefinitionArn) writeSummary(report);
  }
}
