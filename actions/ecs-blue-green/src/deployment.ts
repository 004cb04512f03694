import { OperationError, errorMessage } from '@oaktree/action-kit';
import { awsErrorName, PollCancelledError } from '@oaktree/aws';
import { handleActive } from './active.js';
import { findOwnDeployment, isCreateConflict, namedDeployment } from './adopt.js';
import { appSpecContent } from './appspec.js';
import { createOnce, type Created } from './create.js';
import { codeDeployConsoleUrl, type Deps, type Report } from './deploy.js';
import { stopIfCancelled } from './guard.js';
import type { Config } from './inputs.js';
import type { CodeDeployPlan } from './plan.js';
import { ProgressTracker } from './progress.js';
import { stopWithRollback } from './stop.js';

/**
 * Phase 5 (CodeDeploy): create the deployment exactly once, or adopt the one this step's lost reply
 * created; a deployment of another run that got in first gets the if-deployment-active policy. The
 * deployment is handed to `inflight` before anything else is done with it.
 */
export async function startCodeDeploy(
  config: Config,
  deps: Deps,
  report: Report,
  plan: CodeDeployPlan,
  taskDefinitionArn: string,
  started: number,
): Promise<{ deploymentId: string; tracker: ProgressTracker }> {
  const now = deps.now ?? Date.now;
  const deadline = plan.deadline;
  const configName = plan.configName;
  const { content, sha256 } = appSpecContent(plan.appspec, taskDefinitionArn);
  const request = {
    applicationName: config.application,
    deploymentGroupName: config.deploymentGroup,
    revision: { revisionType: 'AppSpecContent' as const, appSpecContent: { content, sha256 } },
    deploymentConfigName: config.deploymentConfig,
    description: config.description,
    autoRollbackConfiguration:
      config.autoRollbackEvents === undefined
        ? undefined
        : config.autoRollbackEvents.length
          ? { enabled: true, events: config.autoRollbackEvents }
          : { enabled: false },
  };
  let created: Created | undefined;
  for (let round = 1; !created; round++) {
    stopIfCancelled(
      deps,
      report,
      'before creating the deployment',
      report.registered ? `registered ${taskDefinitionArn}, nothing deployed` : 'nothing deployed',
    );
    try {
      created = await createOnce(
        deps.codedeploy,
        request,
        {
          application: config.application,
          deploymentGroup: config.deploymentGroup,
          marker: config.runMarker,
        },
        {
          since: started,
          deadline: Math.min(deadline, now() + 5 * 60_000),
          log: deps.log.info,
          now: deps.now,
          sleep: deps.sleep,
          random: deps.random,
          signal: deps.signal,
        },
      );
    } catch (err) {
      if (err instanceof PollCancelledError) await cancelledWhileCreating(config, deps, report, started);
      if (!isCreateConflict(err)) throw err;
      // Not ours (no run marker): someone else's deployment got in first; the policy applies to it.
      const other = namedDeployment(err);
      const who = `${other ? `deployment ${other}` : 'a deployment'} of another run`;
      if (config.ifDeploymentActive === 'fail' || round >= 3)
        throw new OperationError(
          `${who} became active in ${config.deploymentGroup} just before ours (${awsErrorName(err)}; it does not carry this step's run marker): ` +
            `run again, or set if-deployment-active to wait or stop`,
        );
      deps.log.info(
        `${who} became active in ${config.deploymentGroup} just before ours (it does not carry this step's run marker); ` +
          `if-deployment-active: ${config.ifDeploymentActive} applies to it`,
      );
      await handleActive(
        config,
        deps,
        report,
        deadline,
        report.registered ? `registered ${taskDefinitionArn}` : '',
      );
    }
  }
  const deploymentId = created.deploymentId;
  report.deploymentId = deploymentId;
  report.adopted = created.adopted;
  report.consoleUrl = codeDeployConsoleUrl(config.region, deploymentId);
  deps.inflight.started({
    deploymentId,
    applicationName: config.application,
    onCancel: config.onCancel,
    region: config.region,
    adopted: created.adopted || undefined,
  });
  if (!created.adopted) report.status = 'Created';
  deps.setOutputs({ 'deployment-id': deploymentId, 'console-url': report.consoleUrl, status: report.status });
  const tracker = new ProgressTracker(`deployment ${deploymentId}`, now);
  report.timeline = tracker.timeline;
  if (created.adopted) {
    const text = `adopted deployment ${deploymentId} created by this run's earlier attempt (reply lost)`;
    tracker.record(text);
    deps.log.info(`${text}: ${report.consoleUrl}`);
  } else {
    tracker.record(`created deployment ${deploymentId}`);
    deps.log.info(
      `created deployment ${deploymentId} of ${taskDefinitionArn} (${configName}): ${report.consoleUrl}`,
    );
  }

  return { deploymentId, tracker };
}

/**
 * Cancelled while CreateDeployment was being retried after transient failures: an attempt whose reply
 * was lost may have created the deployment. One look for this step's marker; what is found is ours and
 * gets the on-cancel policy, like any deployment of ours in flight, so nothing is left unattended.
 */
async function cancelledWhileCreating(
  config: Config,
  deps: Deps,
  report: Report,
  since: number,
): Promise<never> {
  report.outcome = 'cancelled';
  const where = {
    application: config.application,
    deploymentGroup: config.deploymentGroup,
    marker: config.runMarker,
  };
  let mine: { deploymentId?: string; status?: string } | undefined;
  try {
    mine = await findOwnDeployment(deps.codedeploy, where, { since });
  } catch (err) {
    deps.log.info(`could not look for a deployment of this step after the cancel: ${errorMessage(err)}`);
  }
  const id = mine?.deploymentId;
  if (!id) {
    report.error = 'cancelled while CreateDeployment was being retried: no deployment of this step was found';
    throw new OperationError(report.error);
  }
  report.deploymentId = id;
  report.adopted = true;
  report.status = mine?.status;
  report.consoleUrl = codeDeployConsoleUrl(config.region, id);
  deps.inflight.started({
    deploymentId: id,
    applicationName: config.application,
    onCancel: config.onCancel,
    region: config.region,
    adopted: true,
  });
  deps.setOutputs({ 'deployment-id': id, 'console-url': report.consoleUrl, status: report.status });
  const found = `cancelled while CreateDeployment was being retried; deployment ${id} of this step was created by an attempt whose reply was lost`;
  if (config.onCancel === 'rollback') {
    const outcome = await stopWithRollback(deps.codedeploy, id, {
      now: deps.now,
      sleep: deps.sleep,
      random: deps.random,
    });
    if (outcome === 'stopped') report.status = 'Stopped';
    report.error = `${found}: stopped it with rollback (on-cancel: rollback)`;
  } else report.error = `${found}: left it running (on-cancel: leave): ${report.consoleUrl}`;
  deps.setOutputs({ status: report.status });
  deps.inflight.settled();
  throw new OperationError(report.error);
}
