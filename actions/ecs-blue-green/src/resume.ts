import { ContinueDeploymentCommand, GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { OperationError, errorMessage } from '@oaktree/action-kit';
import { awsErrorName } from '@oaktree/aws';
import { checkDeploymentBelongs } from './checks.js';
import { codeDeployConsoleUrl, type Deps, type Report } from './deploy.js';
import { followToEnd } from './finish.js';
import { followDepsOf, stopIfCancelled } from './guard.js';
import type { Config } from './inputs.js';
import { ProgressTracker } from './progress.js';
import { stopWithRollback } from './stop.js';
import { MAX_TIMEOUT_MINUTES } from './timeout.js';

/**
 * `command: continue|stop` on a deployment of this service's group: checked, acted on once, then
 * followed (or not, with wait-for created/ready).
 */
export async function resume(config: Config, deps: Deps, report: Report, started: number): Promise<void> {
  const now = deps.now ?? Date.now;
  const id = config.deploymentId!;
  report.deploymentId = id;
  report.consoleUrl = codeDeployConsoleUrl(config.region, id);
  deps.setOutputs({ 'deployment-id': id, 'console-url': report.consoleUrl });
  await checkDeploymentBelongs(config, deps, id);
  // Nothing is saved for post before the call succeeded: a refused continue or stop leaves the
  // deployment as it was. After a stop there is nothing left for post to roll back.
  stopIfCancelled(
    deps,
    report,
    `before ${config.command === 'continue' ? 'continuing' : 'stopping'} ${id}`,
    'the deployment was left as it was',
  );
  if (config.command === 'continue') {
    try {
      await deps.codedeploy.send(
        new ContinueDeploymentCommand({ deploymentId: id, deploymentWaitType: 'READY_WAIT' }),
      );
    } catch (err) {
      if (
        awsErrorName(err) === 'DeploymentIsNotInReadyStateException' ||
        awsErrorName(err) === 'DeploymentAlreadyCompletedException'
      )
        throw new OperationError(
          `cannot continue ${id}: ${awsErrorName(err)}: ${(err as Error).message} (is it waiting in Ready? see ${report.consoleUrl})`,
        );
      throw err;
    }
    deps.log.info(`continued ${id}: shifting production traffic to the green task set`);
  } else {
    await stopWithRollback(deps.codedeploy, id);
  }
  const returnsNow = config.waitFor === 'created' || config.waitFor === 'ready';
  deps.inflight.started({ deploymentId: id, onCancel: config.onCancel, region: config.region });
  if (returnsNow || config.command === 'stop') deps.inflight.settled();
  if (returnsNow) {
    report.outcome = config.command === 'stop' ? 'stopped' : 'continued';
    // The status output says where the deployment stands now, as it does after following one.
    try {
      const got = (await deps.codedeploy.send(new GetDeploymentCommand({ deploymentId: id }))) as {
        deploymentInfo?: { status?: string };
      };
      report.status = got.deploymentInfo?.status;
      deps.setOutputs({ status: report.status });
    } catch (err) {
      deps.log.info(`could not read the status of ${id} after the call: ${errorMessage(err)}`);
    }
    deps.log.info(
      config.command === 'stop'
        ? `deployment ${id} stopped with rollback; not following the rollback (wait-for: ${config.waitFor}): ${report.consoleUrl}`
        : `deployment ${id} continued from Ready; not following it (wait-for: ${config.waitFor}): ${report.consoleUrl}`,
    );
    return;
  }
  // No group is read here; without timeout-minutes the longest allowed wait applies.
  const deadline = started + (config.timeoutMinutes ?? MAX_TIMEOUT_MINUTES) * 60_000;
  const tracker = new ProgressTracker(`deployment ${id}`, now);
  tracker.record(config.command === 'stop' ? `StopDeployment with rollback` : `ContinueDeployment`);
  const targetId = `${config.clusterName}:${config.serviceName}`;
  await followToEnd(
    config,
    deps,
    report,
    { deploymentId: id, targetId, deadline, tracker },
    followDepsOf(deps),
  );
}
