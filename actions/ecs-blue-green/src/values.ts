/** The `name` of anything thrown (AWS SDK errors carry the exception name there), or ''. */
export function errorName(err: unknown): string {
  const name = (err as { name?: unknown } | null | undefined)?.name;
  return typeof name === 'string' ? name : '';
}

/** A plain mapping (not null, not an array). */
export function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
