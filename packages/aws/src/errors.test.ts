import { awsErrorName, isAlreadyExists, isNotFound } from './errors.js';

function awsError(name: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error('x'), { name, ...extra });
}

test.each([
  ['DBInstanceNotFoundFault', true],
  ['DBSnapshotNotFound', true],
  ['GlobalClusterNotFoundFault', true],
  ['ClusterNotFoundException', true],
  ['DBSnapshotAlreadyExists', false],
  ['AccessDenied', false],
  ['ThrottlingException', false],
])('isNotFound(%s) is %s', (name, expected) => {
  expect(isNotFound(awsError(name))).toBe(expected);
});

test('isAlreadyExists knows the RDS create conflicts and nothing else', () => {
  expect(isAlreadyExists(awsError('DBSnapshotAlreadyExists'))).toBe(true);
  expect(isAlreadyExists(awsError('DBInstanceAlreadyExistsFault'))).toBe(true);
  expect(isAlreadyExists(awsError('DBInstanceNotFoundFault'))).toBe(false);
});

test('the code comes from Code when name is the generic Error, and non-errors have none', () => {
  expect(awsErrorName(Object.assign(new Error('x'), { Code: 'DBSnapshotNotFound' }))).toBe(
    'DBSnapshotNotFound',
  );
  expect(isNotFound(Object.assign(new Error('x'), { Code: 'DBSnapshotNotFound' }))).toBe(true);
  expect(awsErrorName(undefined)).toBe('');
  expect(awsErrorName('DBSnapshotNotFound')).toBe('');
  expect(isNotFound(new Error('snapshot not found'))).toBe(false);
});
