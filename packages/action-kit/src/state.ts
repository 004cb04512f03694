import * as core from './commands.js';

/**
 * A typed value passed from the main step to the post step through GITHUB_STATE / STATE_<key>.
 * Values are stored as JSON; `load` returns undefined when nothing (or garbage) was saved.
 */
export interface StateSlot<T> {
  readonly key: string;
  save(value: T): void;
  load(): T | undefined;
}

export function stateSlot<T>(key: string): StateSlot<T> {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(key)) throw new Error(`state key ${key} must be a simple identifier`);
  return {
    key,
    save(value: T) {
      core.saveState(key, JSON.stringify(value));
    },
    load() {
      const raw = core.getState(key);
      if (!raw) return undefined;
      try {
        return JSON.parse(raw) as T;
      } catch {
        core.warning(`saved state ${key} is not valid JSON; ignoring it`);
        return undefined;
      }
    },
  };
}
