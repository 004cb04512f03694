/**
 * ContinueServiceDeployment: act on the PAUSE hook a service deployment awaits. CONTINUE (the
 * default) goes on to the next stage; ROLLBACK rolls the deployment back as StopServiceDeployment
 * would. Either way the hook is SUCCEEDED, so a repeated call (an SDK retry after a lost reply)
 * finds it no longer AWAITING_ACTION and is refused: it is never applied twice.
 */
import { fail } from '../codedeploy/errors.js';
import { isHookAction, type HookAction } from './config.js';
import { DEPLOYMENT_ARN, type Clock, type Deployment, type TimelineSink } from './deployment.js';
import type { HookRun } from './pause.js';
import { advance, failDeployment } from './timeline.js';

/** The pause `run` of `d` ends with `action` at `at` (the caller checked that it awaits action). */
export function continuePause(
  d: Deployment,
  clock: Clock,
  sink: TimelineSink,
  run: HookRun,
  action: HookAction,
  at: number,
): void {
  run.status = 'SUCCEEDED';
  run.endedAt = at;
  d.updatedAt = at;
  sink.event(d, at, `service deployment ${d.id}: lifecycle hook ${run.hookId} answered ${action}.`);
  // CONTINUE: the next transition leaves the stage (or pauses at its next hook) at `at`
  if (action === 'ROLLBACK') {
    const reason = `Service deployment rolled back by ContinueServiceDeployment (ROLLBACK) at lifecycle hook ${run.hookId}.`;
    failDeployment(d, clock, sink, at, reason, true);
  }
}

/** The operation: checks its input, finds the deployment (`find`) and the hook, and acts at `now`. */
export function continueServiceDeployment(
  input: Record<string, unknown>,
  find: (arn: string) => Deployment | undefined,
  clock: Clock,
  sink: TimelineSink,
  now: number,
): { serviceDeploymentArn: string } {
  const { serviceDeploymentArn: arn, hookId } = input;
  if (typeof arn !== 'string' || arn === '')
    return fail('InvalidParameterException', 'serviceDeploymentArn is required.');
  if (typeof hookId !== 'string' || hookId === '')
    return fail('InvalidParameterException', 'hookId is required.');
  const action = input.action ?? 'CONTINUE';
  if (!isHookAction(action)) return fail('InvalidParameterException', 'action must be CONTINUE or ROLLBACK.');
  if (!DEPLOYMENT_ARN.test(arn)) {
    return fail('InvalidParameterException', `${arn} is not a service deployment ARN.`);
  }
  const d = find(arn);
  if (!d) return fail('ServiceDeploymentNotFoundException', `Service deployment ${arn} not found.`);
  const run = d.hookRuns.find((r) => r.hookId === hookId);
  if (!run) {
    return fail('InvalidParameterException', `Service deployment ${d.arn} has no lifecycle hook ${hookId}.`);
  }
  if (run.status !== 'AWAITING_ACTION' || d.status !== 'IN_PROGRESS') {
    return fail(
      'InvalidParameterException',
      `Lifecycle hook ${run.hookId} is ${run.status}, not AWAITING_ACTION (service deployment ${d.status}); ` +
        'only a paused hook awaiting action can be continued or rolled back.',
    );
  }
  continuePause(d, clock, sink, run, action, now);
  advance(d, clock, sink, now);
  return { serviceDeploymentArn: d.arn };
}
