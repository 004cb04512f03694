import { ConfigurationError } from './errors.js';
import { Inputs } from './inputs.js';

function inputs(values: Record<string, string>): Inputs {
  return new Inputs((name) => values[name] ?? '');
}

function errorOf(fn: () => unknown): ConfigurationError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigurationError) return err;
    throw err;
  }
  throw new Error('expected a ConfigurationError');
}

describe('Inputs', () => {
  test('string: required, default, pattern', () => {
    expect(inputs({ a: ' x ' }).string('a')).toBe('x');
    expect(inputs({}).string('a', { default: 'd' })).toBe('d');
    expect(inputs({}).string('a')).toBeUndefined();
    const e = errorOf(() => inputs({}).requiredString('cluster', { expected: 'the ECS cluster name' }));
    expect(e.message).toBe('input "cluster" is required: set it to the ECS cluster name');
    expect(e.input).toBe('cluster');
    const p = errorOf(() =>
      inputs({ id: '1db' }).string('id', { pattern: /^[a-z]/, expected: 'a name starting with a letter' }),
    );
    expect(p.message).toBe('input "id" is "1db": expected a name starting with a letter');
  });

  test('boolean accepts YAML spellings and rejects others', () => {
    expect(inputs({ w: 'true' }).boolean('w', { default: false })).toBe(true);
    expect(inputs({ w: 'FALSE' }).boolean('w', { default: true })).toBe(false);
    expect(inputs({}).boolean('w', { default: true })).toBe(true);
    expect(errorOf(() => inputs({ wait: 'maybe' }).boolean('wait', { default: true })).message).toBe(
      'input "wait" is "maybe": expected true or false',
    );
  });

  test('integer with bounds rejects garbage instead of defaulting', () => {
    expect(inputs({ n: '42' }).integer('n', { min: 1, max: 100 })).toBe(42);
    expect(inputs({}).integer('n', { default: 7 })).toBe(7);
    for (const bad of ['4.5', '12abc', 'abc', '1e3', '']) {
      if (bad === '') continue;
      const e = errorOf(() =>
        inputs({ 'timeout-minutes': bad }).integer('timeout-minutes', { min: 1, max: 360 }),
      );
      expect(e.message).toBe(`input "timeout-minutes" is "${bad}": expected a whole number from 1 to 360`);
    }
    expect(errorOf(() => inputs({ k: '0' }).integer('k', { min: 1 })).message).toContain('at least 1');
    expect(errorOf(() => inputs({ k: '500' }).integer('k', { min: 1, max: 360 })).message).toContain('"500"');
    expect(errorOf(() => inputs({}).integer('k', { required: true, min: 0 })).message).toBe(
      'input "k" is required: set it to a whole number of at least 0',
    );
  });

  test('enum is case-insensitive and lists the allowed values', () => {
    expect(inputs({ m: 'Ready' }).enum('m', ['created', 'ready', 'succeeded'] as const)).toBe('ready');
    expect(inputs({}).enum('m', ['a', 'b'] as const, { default: 'b' })).toBe('b');
    expect(
      errorOf(() => inputs({ 'wait-for': 'done' }).enum('wait-for', ['created', 'ready', 'succeeded']))
        .message,
    ).toBe('input "wait-for" is "done": expected one of created, ready, succeeded');
  });

  test('duration parses compound forms, applies bounds and defaults', () => {
    const i = inputs({ a: '90s', b: '15m', c: '2h', d: '1h30m', e: '15', f: '1x', g: '2h' });
    expect(i.duration('a')).toBe(90_000);
    expect(i.duration('b')).toBe(900_000);
    expect(i.duration('c')).toBe(7_200_000);
    expect(i.duration('d')).toBe(5_400_000);
    expect(inputs({}).duration('max-rpo', { default: '15m' })).toBe(900_000);
    expect(errorOf(() => i.duration('e')).message).toBe(
      'input "e" is "15": expected a duration such as 90s, 15m, 2h or 1h30m',
    );
    expect(errorOf(() => i.duration('f')).message).toContain('"1x"');
    expect(errorOf(() => i.duration('g', { maxMs: 3_600_000 })).message).toBe(
      'input "g" is "2h": expected a duration of at most 3600s',
    );
  });

  test('list splits lines, drops blanks and comments, optionally commas', () => {
    const i = inputs({ l: 'a\n\n  b  # note\n# all comment\nc,d' });
    expect(i.list('l')).toEqual(['a', 'b', 'c,d']);
    expect(i.list('l', { commas: true })).toEqual(['a', 'b', 'c', 'd']);
    expect(errorOf(() => inputs({}).list('db-instance-identifiers', { required: true })).message).toBe(
      'input "db-instance-identifiers" is required: set it to one item per line',
    );
    expect(
      errorOf(() =>
        inputs({ r: 'us-east-1\nmars' }).list('r', { item: /^[a-z]+-[a-z]+-\d$/, expected: 'AWS regions' }),
      ).message,
    ).toBe('input "r" is "mars": expected AWS regions');
  });

  test('map parses key=value and rejects malformed or repeated keys', () => {
    const m = inputs({ tags: 'team=payments\nenv = prod\nurl=https://x/?a=b' }).map('tags');
    expect([...m]).toEqual([
      ['team', 'payments'],
      ['env', 'prod'],
      ['url', 'https://x/?a=b'],
    ]);
    expect(errorOf(() => inputs({ tags: 'team' }).map('tags')).message).toBe(
      'input "tags" is "team": expected key=value pairs, one per line',
    );
    expect(errorOf(() => inputs({ tags: '=x' }).map('tags')).message).toContain('"=x"');
    expect(errorOf(() => inputs({ tags: 'a=1\na=2' }).map('tags')).message).toContain('"a" is repeated');
  });

  test('json parses and validates', () => {
    expect(inputs({ j: '{"a":1}' }).json('j')).toEqual({ a: 1 });
    expect(errorOf(() => inputs({ j: '{a:1}' }).json('j')).message).toMatch(
      /^input "j" is "\{a:1\}": expected valid JSON \(/,
    );
    const v = (x: unknown) => (Array.isArray(x) ? undefined : 'an array');
    expect(
      errorOf(() => inputs({ j: '{}' }).json('j', { validate: v, expected: 'a JSON array' })).message,
    ).toBe('input "j" is "{}": expected a JSON array: an array');
  });

  test('oneOf allows exactly one of a group', () => {
    expect(inputs({ a: '1' }).oneOf(['a', 'b'])).toBe('a');
    expect(errorOf(() => inputs({ a: '1', b: '2' }).oneOf(['a', 'b'])).message).toBe(
      'inputs "a" and "b" are both set: use only one of a, b',
    );
    expect(errorOf(() => inputs({}).oneOf(['a', 'b'], { required: true })).message).toBe(
      'one of the inputs "a" or "b" is required',
    );
  });

  test('long values are quoted on one line and shortened', () => {
    const e = errorOf(() => inputs({ w: `x\n${'y'.repeat(200)}` }).boolean('w', { default: true }));
    expect(e.message).not.toContain('\n');
    expect(e.message.length).toBeLessThan(160);
  });
});
