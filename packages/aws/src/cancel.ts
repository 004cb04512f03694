/**
 * An AbortSignal that fires on SIGINT or SIGTERM (the runner sends SIGINT on cancel, then SIGTERM
 * 7.5 s later, then kills). While it is installed the process does not die on those signals, so the
 * action can roll back or clean up; `dispose` restores the default behaviour.
 */
export interface Cancellation {
  signal: AbortSignal;
  dispose(): void;
}

export function cancelOnSignals(
  proc: Pick<NodeJS.Process, 'on' | 'off'> = process,
  signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'],
): Cancellation {
  const controller = new AbortController();
  const handler = (sig: NodeJS.Signals) => {
    if (!controller.signal.aborted) controller.abort(sig);
  };
  for (const s of signals) proc.on(s, handler);
  return {
    signal: controller.signal,
    dispose() {
      for (const s of signals) proc.off(s, handler);
    },
  };
}
