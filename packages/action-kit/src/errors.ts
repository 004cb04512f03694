/**
 * Three kinds of failure, told apart so users know whether anything changed in AWS:
 * - ConfigurationError: the user's input is wrong; nothing was created or changed.
 * - OperationError: an AWS (or other remote) operation failed or a check did not pass.
 * - anything else: a bug in the action.
 */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
  constructor(
    message: string,
    readonly input?: string,
  ) {
    super(message);
  }
}

export class OperationError extends Error {
  override readonly name = 'OperationError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Quote a user value for an error message: JSON-style, shortened, single line. */
export function quote(value: string, max = 80): string {
  const oneLine = value.replace(/\r?\n/g, '\\n');
  const cut = oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
  return JSON.stringify(cut);
}

/** The message of anything thrown, on one line. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message.replace(/\s*\r?\n\s*/g, ' ').trim() || err.name;
  return String(err);
}
