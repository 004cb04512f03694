import { stateAfterFailure, type SavedDeployment } from './state.js';

const inFlight: SavedDeployment = {
  deploymentId: 'd-AAAAAAAAA',
  onCancel: 'rollback',
  region: 'eu-west-1',
  finished: false,
};

test('a failure that is not a cancel or timeout leaves nothing for post to roll back', () => {
  expect(stateAfterFailure(inFlight, { interrupted: false, status: 'InProgress' })).toEqual({
    ...inFlight,
    finished: true,
  });
  expect(stateAfterFailure(inFlight, { interrupted: false })).toMatchObject({ finished: true });
});

test.each(['Succeeded', 'Failed', 'Stopped'])(
  'a deployment that already ended %s is finished, even when the job was cancelled',
  (status) => {
    expect(stateAfterFailure(inFlight, { interrupted: true, status })).toMatchObject({ finished: true });
  },
);

test('cancelled or timed out while the deployment is in flight: post still rolls it back', () => {
  expect(stateAfterFailure(inFlight, { interrupted: true, status: 'InProgress' })).toBe(inFlight);
  expect(stateAfterFailure(inFlight, { interrupted: true })).toBe(inFlight);
});

test('no deployment, or one main already finished: unchanged', () => {
  expect(stateAfterFailure(undefined, { interrupted: true })).toBeUndefined();
  const done = { ...inFlight, finished: true };
  expect(stateAfterFailure(done, { interrupted: false })).toBe(done);
});
