import {
  GetDeploymentCommand,
  ListDeploymentsCommand,
  type DeploymentInfo,
} from '@aws-sdk/client-codedeploy';
import { OperationError } from '@oaktree/action-kit';
import type { Deps, Report } from './deploy.js';
import { follow } from './follow.js';
import { followDepsOf, stopIfCancelled } from './guard.js';
import type { Config } from './inputs.js';
import { ACTIVE_STATUSES } from './progress.js';
import { stopWithRollback } from './stop.js';

/**
 * The if-deployment-active policy: CodeDeploy runs one deployment of a group at a time. `fail` names
 * the active one; `wait` follows it (and its rollback) to the end; `stop` stops it with rollback and
 * waits for the rollback. A rollback CodeDeploy started is never stopped.
 */
export async function handleActive(
  config: Config,
  deps: Deps,
  report: Report,
  deadline: number,
  /** What has been done so far, for the cancel message. */
  done: string,
): Promise<void> {
  const targetId = `${config.clusterName}:${config.serviceName}`;
  const followDeps = followDepsOf(deps);
  const followOne = async (deploymentId: string, label: string) =>
    follow(
      { deploymentId, targetId, intervalMs: config.pollIntervalMs, deadline, until: 'final', label },
      { ...followDeps, probe: undefined },
    );
  for (let round = 0; round < 5; round++) {
    const out = (await deps.codedeploy.send(
      new ListDeploymentsCommand({
        applicationName: config.application,
        deploymentGroupName: config.deploymentGroup,
        includeOnlyStatuses: [...ACTIVE_STATUSES],
      }),
    )) as { deployments?: string[] };
    const active = out.deployments?.[0];
    if (!active) return;
    if (config.ifDeploymentActive === 'fail')
      throw new OperationError(
        `deployment ${active} is still active in ${config.deploymentGroup} (CodeDeploy runs one at a time): ` +
          `wait for it, or set if-deployment-active to wait (follow it to the end first) or stop (stop it with rollback)`,
      );
    const got = (await deps.codedeploy.send(new GetDeploymentCommand({ deploymentId: active }))) as {
      deploymentInfo?: DeploymentInfo;
    };
    // A rollback CodeDeploy started is never stopped: stopping it would leave the service half rolled back.
    const isRollback = got.deploymentInfo?.creator === 'codeDeployRollback';
    if (isRollback) {
      const of = got.deploymentInfo?.rollbackInfo?.rollbackTriggeringDeploymentId;
      deps.log.info(
        `deployment ${active} active in ${config.deploymentGroup} is a rollback${of ? ` of ${of}` : ''}; ` +
          `waiting for it to end (a rollback is never stopped)`,
      );
    } else if (config.ifDeploymentActive === 'stop') {
      deps.log.info(
        `deployment ${active} is active in ${config.deploymentGroup}; stopping it with rollback (if-deployment-active: stop)`,
      );
      stopIfCancelled(
        deps,
        report,
        `before stopping ${active}`,
        `nothing stopped${done ? `, ${done}` : ''}, nothing deployed`,
      );
      await stopWithRollback(deps.codedeploy, active);
    } else {
      deps.log.info(
        `deployment ${active} is active in ${config.deploymentGroup}; waiting for it to end (if-deployment-active: wait)`,
      );
    }
    const r = await followOne(active, `active ${active}`);
    deps.log.info(`active deployment ${active} ended ${r.status}`);
    const rollbackId = r.info.rollbackInfo?.rollbackDeploymentId || undefined;
    if (rollbackId) {
      deps.log.info(`waiting for its rollback deployment ${rollbackId} to end`);
      const rb = await followOne(rollbackId, `rollback ${rollbackId}`);
      deps.log.info(`rollback deployment ${rollbackId} ended ${rb.status}`);
    }
  }
  throw new OperationError(`deployments kept starting in ${config.deploymentGroup}; gave up after 5 rounds`);
}
