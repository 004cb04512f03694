import { emitAnnotations, type Annotation } from './annotations.js';
import { cell, SummaryBuilder } from './summary.js';
import { failureMessage, runStep } from './runner.js';
import * as core from './commands.js';
import { ConfigurationError } from './errors.js';
import { stateSlot } from './state.js';

describe('emitAnnotations', () => {
  test('keeps the 10 most important of each level and says how many were left out', () => {
    const anns: Annotation[] = [];
    for (let i = 0; i < 25; i++) anns.push({ level: 'error', message: `e${i}`, rank: 25 - i });
    for (let i = 0; i < 3; i++) anns.push({ level: 'warning', message: `w${i}` });
    const emitted: string[] = [];
    const lines: string[] = [];
    const r = emitAnnotations(anns, { emit: (l, m) => emitted.push(`${l}:${m}`), log: (l) => lines.push(l) });
    expect(r).toEqual({ emitted: 13, omitted: { error: 15, warning: 0, notice: 0 } });
    expect(emitted.slice(0, 3)).toEqual(['error:e24', 'error:e23', 'error:e22']);
    expect(emitted).not.toContain('error:e0');
    expect(lines).toEqual([
      '15 errors not shown as annotations (GitHub shows 10 per level per step); the job summary and report list them all',
    ]);
  });
  test('nothing to cut: no note', () => {
    const lines: string[] = [];
    emitAnnotations([{ level: 'notice', message: 'n' }], { emit: () => {}, log: (l) => lines.push(l) });
    expect(lines).toEqual([]);
  });
});

describe('SummaryBuilder', () => {
  test('escapes table cells', () => {
    expect(cell('a|b\nc')).toBe('a\\|b<br>c');
    const s = new SummaryBuilder()
      .heading('H')
      .table(['k', 'v'], [['x|y', 1]])
      .toString();
    expect(s).toBe('## H\n\n| k | v |\n| --- | --- |\n| x\\|y | 1 |\n\n');
  });
  test('stays within the byte limit and notes what was left out', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => [`row-${i}`, 'x'.repeat(100)]);
    const limit = 20_000;
    const b = new SummaryBuilder(limit).heading('Findings').table(['id', 'text'], rows).paragraph('after');
    const text = b.toString();
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(limit);
    expect(b.truncated).toBe(true);
    const kept = (text.match(/\| row-/g) ?? []).length;
    expect(kept).toBeGreaterThan(100);
    expect(text).toContain(`${1000 - kept} table row(s)`);
    expect(text).toContain("left out to stay within GitHub's 1 MiB job summary limit");
  });
});

describe('runStep', () => {
  let out = '';
  let restore: (t: string) => void;
  beforeEach(() => {
    out = '';
    restore = core.setCommandWriter((t) => (out += t));
  });
  afterEach(() => {
    core.setCommandWriter(restore);
    process.exitCode = 0;
  });

  test('anything thrown becomes one failed line prefixed with the action', async () => {
    await runStep('rds-snapshot', async () => {
      throw new ConfigurationError(
        'input "max-rpo" is "soon": expected a duration such as 90s, 15m, 2h or 1h30m',
      );
    });
    expect(process.exitCode).toBe(1);
    expect(out).toBe(
      '::error::rds-snapshot: input "max-rpo" is "soon": expected a duration such as 90s, 15m, 2h or 1h30m\n',
    );
  });

  test('bugs keep their stack in the debug log; explainers win when they know the error', async () => {
    await runStep('x', async () => {
      throw new TypeError('cannot read y\nof undefined');
    });
    expect(out).toMatch(/^::debug::TypeError: cannot read y%0Aof undefined/);
    expect(out).toContain('::error::x: cannot read y of undefined\n');
    expect(failureMessage('x', new Error('raw'), { explainers: [() => undefined, () => 'explained'] })).toBe(
      'x: explained',
    );
  });

  test('a successful step leaves the exit code alone', async () => {
    await runStep('x', async () => {});
    expect(process.exitCode).toBe(0);
    expect(out).toBe('');
  });
});

test('state slots round-trip JSON through STATE_<key> and ignore garbage', () => {
  const slot = stateSlot<{ id: string }>('drill');
  process.env.STATE_drill = '{"id":"d-1"}';
  expect(slot.load()).toEqual({ id: 'd-1' });
  process.env.STATE_drill = '';
  expect(slot.load()).toBeUndefined();
  const restore = core.setCommandWriter(() => {});
  process.env.STATE_drill = '{not json';
  expect(slot.load()).toBeUndefined();
  core.setCommandWriter(restore);
  delete process.env.STATE_drill;
  expect(() => stateSlot('bad key')).toThrow();
});
