import { OperationError } from '@oaktree/action-kit';
import type { Deps, Report } from './deploy.js';
import type { FollowDeps } from './follow.js';

/** Called right before each change in AWS: once the job is cancelled, nothing more is changed. */
export function stopIfCancelled(deps: Deps, report: Report, before: string, left: string): void {
  const signal = deps.signal;
  if (!signal?.aborted) return;
  report.outcome = 'cancelled';
  report.error = `cancelled (${String(signal.reason ?? 'signal')}) ${before}: ${left}`;
  throw new OperationError(report.error);
}

/** The run's clock, randomness and cancel signal, for `retryTransient` / `onceByReadBack` options. */
export function retrySeams(deps: Deps): Pick<Deps, 'now' | 'sleep' | 'random' | 'signal'> {
  return { now: deps.now, sleep: deps.sleep, random: deps.random, signal: deps.signal };
}

/** The seams `follow` needs, taken from the run's. */
export function followDepsOf(deps: Deps): FollowDeps {
  return {
    codedeploy: deps.codedeploy,
    log: deps.log.info,
    now: deps.now,
    random: deps.random,
    sleep: deps.sleep,
    signal: deps.signal,
    probe: deps.probe,
  };
}
