import * as core from './commands.js';
import { parseDuration } from './duration.js';
import { ConfigurationError, quote } from './errors.js';

/** Reads one raw input; the default reads `INPUT_<NAME>` like the Actions runner sets it. */
export type RawReader = (name: string) => string;

const fromEnvironment: RawReader = (name) => core.getInput(name);

interface Common<T> {
  /** Used when the input is empty. */
  default?: T;
  /** Fail when the input is empty and there is no default. */
  required?: boolean;
}

/** What the input accepts, for error messages. */
function fail(name: string, value: string, expected: string): never {
  throw new ConfigurationError(`input "${name}" is ${quote(value)}: expected ${expected}`, name);
}

function missing(name: string, expected: string): never {
  throw new ConfigurationError(`input "${name}" is required: set it to ${expected}`, name);
}

const TRUE = new Set(['true', 'True', 'TRUE', 'yes', 'on']);
const FALSE = new Set(['false', 'False', 'FALSE', 'no', 'off']);

/**
 * Typed readers for action inputs. Each validates and returns a typed value, or throws a
 * ConfigurationError whose message names the input, quotes the value and says what is allowed.
 */
export class Inputs {
  constructor(private readonly read: RawReader = fromEnvironment) {}

  /** The trimmed raw text of an input ('' when unset). */
  raw(name: string): string {
    return this.read(name).trim();
  }

  /** True when the input was given a non-empty value. */
  has(name: string): boolean {
    return this.raw(name) !== '';
  }

  string(
    name: string,
    opts: Common<string> & { pattern?: RegExp; expected?: string } = {},
  ): string | undefined {
    const v = this.raw(name);
    const expected = opts.expected ?? 'a non-empty string';
    if (v === '') {
      if (opts.default !== undefined) return opts.default;
      if (opts.required) missing(name, expected);
      return undefined;
    }
    if (opts.pattern && !opts.pattern.test(v)) fail(name, v, expected);
    return v;
  }

  requiredString(name: string, opts: { pattern?: RegExp; expected?: string } = {}): string {
    return this.string(name, { ...opts, required: true }) as string;
  }

  /** A secret string: masked in the log before anything else can print it. */
  secret(name: string, opts: Common<string> = {}): string | undefined {
    const v = this.string(name, opts);
    if (v) maskSecret(v);
    return v;
  }

  boolean(name: string, opts: { default: boolean }): boolean {
    const v = this.raw(name);
    if (v === '') return opts.default;
    if (TRUE.has(v)) return true;
    if (FALSE.has(v)) return false;
    return fail(name, v, 'true or false');
  }

  integer(name: string, opts: Common<number> & { min?: number; max?: number } = {}): number | undefined {
    const v = this.raw(name);
    const min = opts.min ?? Number.MIN_SAFE_INTEGER;
    const max = opts.max ?? Number.MAX_SAFE_INTEGER;
    const range =
      opts.min !== undefined && opts.max !== undefined
        ? `a whole number from ${min} to ${max}`
        : opts.min !== undefined
          ? `a whole number of at least ${min}`
          : opts.max !== undefined
            ? `a whole number of at most ${max}`
            : 'a whole number';
    if (v === '') {
      if (opts.default !== undefined) return opts.default;
      if (opts.required) missing(name, range);
      return undefined;
    }
    if (!/^[+-]?\d+$/.test(v)) fail(name, v, range);
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < min || n > max) fail(name, v, range);
    return n;
  }

  enum<T extends string>(name: string, allowed: readonly T[], opts: Common<T> = {}): T | undefined {
    const v = this.raw(name);
    const expected = `one of ${allowed.join(', ')}`;
    if (v === '') {
      if (opts.default !== undefined) return opts.default;
      if (opts.required) missing(name, expected);
      return undefined;
    }
    const hit = allowed.find((a) => a === v) ?? allowed.find((a) => a.toLowerCase() === v.toLowerCase());
    if (hit === undefined) fail(name, v, expected);
    return hit;
  }

  /** A duration in milliseconds: `90s`, `15m`, `2h`, `1h30m`, `1d`. */
  duration(name: string, opts: Common<string> & { minMs?: number; maxMs?: number } = {}): number | undefined {
    let v = this.raw(name);
    const expected = 'a duration such as 90s, 15m, 2h or 1h30m';
    if (v === '') {
      if (opts.default !== undefined) v = opts.default;
      else if (opts.required) missing(name, expected);
      else return undefined;
    }
    const ms = parseDuration(v);
    if (ms === undefined) fail(name, v, expected);
    if (opts.minMs !== undefined && ms < opts.minMs)
      fail(name, v, `a duration of at least ${opts.minMs / 1000}s`);
    if (opts.maxMs !== undefined && ms > opts.maxMs)
      fail(name, v, `a duration of at most ${opts.maxMs / 1000}s`);
    return ms;
  }

  /**
   * A multiline list: one item per line, blank lines and `#` comments ignored. With `commas`, items
   * on one line may also be separated by commas.
   */
  list(
    name: string,
    opts: { required?: boolean; commas?: boolean; item?: RegExp; expected?: string } = {},
  ): string[] {
    const v = this.raw(name);
    const expected = opts.expected ?? 'one item per line';
    const items = v
      .split(/\r?\n/)
      .map((l) => l.replace(/(^|\s)#.*$/, '').trim())
      .flatMap((l) => (opts.commas ? l.split(',') : [l]))
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (items.length === 0 && opts.required) missing(name, expected);
    if (opts.item) for (const it of items) if (!opts.item.test(it)) fail(name, it, expected);
    return items;
  }

  /** `key=value` pairs, one per line (or comma separated). Keys are unique. */
  map(
    name: string,
    opts: { required?: boolean; expected?: string; commas?: boolean } = {},
  ): Map<string, string> {
    const expected = opts.expected ?? 'key=value pairs, one per line';
    const out = new Map<string, string>();
    for (const line of this.list(name, { required: opts.required, commas: opts.commas, expected })) {
      const eq = line.indexOf('=');
      if (eq <= 0) fail(name, line, expected);
      const key = line.slice(0, eq).trim();
      const value = line.slice(eq + 1).trim();
      if (key === '') fail(name, line, expected);
      if (out.has(key)) fail(name, line, `${expected}, each key once ("${key}" is repeated)`);
      out.set(key, value);
    }
    return out;
  }

  /** Parsed JSON, optionally checked by `validate` (which returns an error description or undefined). */
  json<T = unknown>(
    name: string,
    opts: { required?: boolean; expected?: string; validate?: (value: unknown) => string | undefined } = {},
  ): T | undefined {
    const v = this.raw(name);
    const expected = opts.expected ?? 'valid JSON';
    if (v === '') {
      if (opts.required) missing(name, expected);
      return undefined;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch (err) {
      fail(name, v, `${expected} (${(err as Error).message})`);
    }
    const problem = opts.validate?.(parsed);
    if (problem) fail(name, v, `${expected}: ${problem}`);
    return parsed as T;
  }

  /** At most one of the named inputs may be set; returns the one that is (or undefined). */
  oneOf(names: readonly string[], opts: { required?: boolean } = {}): string | undefined {
    const set = names.filter((n) => this.has(n));
    if (set.length > 1)
      throw new ConfigurationError(
        `inputs ${set.map((n) => `"${n}"`).join(' and ')} are both set: use only one of ${names.join(', ')}`,
        set[0],
      );
    if (set.length === 0 && opts.required)
      throw new ConfigurationError(
        `one of the inputs ${names.map((n) => `"${n}"`).join(' or ')} is required`,
        names[0],
      );
    return set[0];
  }
}

/**
 * Mask a secret in the log. For URLs with credentials the password (raw and decoded) is masked too,
 * so it stays hidden when printed apart from the URL.
 */
export function maskSecret(value: string): void {
  if (!value) return;
  core.setSecret(value);
  try {
    const u = new URL(value);
    if (u.password) {
      core.setSecret(u.password);
      const decoded = decodeURIComponent(u.password);
      if (decoded !== u.password) core.setSecret(decoded);
    }
  } catch {
    // not a URL: the whole value is masked already
  }
}
