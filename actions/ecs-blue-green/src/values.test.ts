import { isObject } from './values.js';

test('isObject is true for mappings only', () => {
  expect(isObject({})).toBe(true);
  for (const v of [null, [], 'a', 1, undefined]) expect(isObject(v)).toBe(false);
});
