import { InFlight, type SavedDeployment } from './inflight.js';

function owner() {
  const saved: SavedDeployment[] = [];
  return { saved, inflight: new InFlight((s) => saved.push({ ...s })) };
}
const d = { deploymentId: 'd-AAAAAAAAA', onCancel: 'rollback' as const, region: 'eu-west-1' };

test('a started deployment is saved for post at once, unfinished', () => {
  const { saved, inflight } = owner();
  inflight.started(d);
  expect(saved).toEqual([{ ...d, finished: false }]);
  expect(inflight.deployment?.finished).toBe(false);
});

test('settled: post has nothing to do; settling twice saves once', () => {
  const { saved, inflight } = owner();
  inflight.started(d);
  inflight.settled();
  inflight.settled();
  expect(saved.map((s) => s.finished)).toEqual([false, true]);
});

test('main failing while the deployment is in flight leaves it to post, with the reason', () => {
  const { saved, inflight } = owner();
  inflight.started({ ...d, adopted: true });
  const left = inflight.afterFailure({ status: 'InProgress', why: 'AccessDeniedException on GetDeployment' });
  expect(left).toMatchObject({
    finished: false,
    adopted: true,
    left: 'AccessDeniedException on GetDeployment',
  });
  expect(saved.at(-1)).toEqual(left);
});

test('main failing before it saw any status also leaves it to post', () => {
  const { inflight } = owner();
  inflight.started(d);
  expect(inflight.afterFailure({ why: 'timed out' })).toMatchObject({ finished: false, left: 'timed out' });
});

test.each(['Succeeded', 'Failed', 'Stopped'])(
  'a deployment that ended %s is settled, not left to post',
  (status) => {
    const { saved, inflight } = owner();
    inflight.started(d);
    expect(inflight.afterFailure({ status, why: 'x' })).toBeUndefined();
    expect(saved.at(-1)).toMatchObject({ finished: true });
  },
);

test('nothing started, or already settled: nothing for post, nothing saved', () => {
  const { saved, inflight } = owner();
  expect(inflight.afterFailure({ status: 'InProgress', why: 'x' })).toBeUndefined();
  expect(saved).toEqual([]);
  inflight.started(d);
  inflight.settled();
  expect(inflight.afterFailure({ status: 'InProgress', why: 'x' })).toBeUndefined();
  expect(saved.map((s) => s.finished)).toEqual([false, true]);
});
