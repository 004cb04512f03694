import * as core from './commands.js';
import { ConfigurationError, OperationError, errorMessage } from './errors.js';

/** Turns an error into a better message when it knows the kind (e.g. AWS access denied). */
export type Explainer = (err: unknown) => string | undefined;

export interface RunOptions {
  /** Tried in order; the first that returns a message wins. */
  explainers?: Explainer[];
}

/** The one-line failure message for anything thrown. */
export function failureMessage(action: string, err: unknown, opts: RunOptions = {}): string {
  for (const explain of opts.explainers ?? []) {
    const text = explain(err);
    if (text) return `${action}: ${text}`;
  }
  return `${action}: ${errorMessage(err)}`;
}

/**
 * Run one entry point (main or post). Anything thrown becomes `core.setFailed("<action>: ...")`;
 * errors that are neither configuration nor operation errors are bugs, and their stack goes to the
 * debug log. Never rejects.
 */
export async function runStep(
  action: string,
  step: () => Promise<void>,
  opts: RunOptions = {},
): Promise<void> {
  try {
    await step();
  } catch (err) {
    if (!(err instanceof ConfigurationError) && !(err instanceof OperationError) && err instanceof Error) {
      core.debug(err.stack ?? err.message);
    }
    core.setFailed(failureMessage(action, err, opts));
  }
}
