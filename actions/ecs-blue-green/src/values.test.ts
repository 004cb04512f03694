import { errorName, isObject } from './values.js';

test('errorName reads the name of anything thrown, or gives an empty string', () => {
  const e = new Error('x');
  e.name = 'DeploymentAlreadyCompletedException';
  expect(errorName(e)).toBe('DeploymentAlreadyCompletedException');
  expect(errorName({ name: 'ClusterNotFoundException' })).toBe('ClusterNotFoundException');
  for (const v of [undefined, null, 'text', 42, { name: 7 }]) expect(errorName(v)).toBe('');
});

test('isObject is true for mappings only', () => {
  expect(isObject({})).toBe(true);
  for (const v of [null, [], 'a', 1, undefined]) expect(isObject(v)).toBe(false);
});
