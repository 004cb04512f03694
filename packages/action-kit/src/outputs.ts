import * as core from './commands.js';

/** Set several outputs at once; objects and arrays are written as JSON, undefined is skipped. */
export function setOutputs(values: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    core.setOutput(name, typeof value === 'string' ? value : JSON.stringify(value));
  }
}
