import { defaultTimeoutMinutes, shiftMinutes } from './timeout.js';

test('traffic shift minutes of custom configurations', () => {
  expect(
    shiftMinutes({ type: 'TimeBasedCanary', timeBasedCanary: { canaryInterval: 7, canaryPercentage: 10 } }),
  ).toBe(7);
  expect(
    shiftMinutes({ type: 'TimeBasedLinear', timeBasedLinear: { linearInterval: 2, linearPercentage: 10 } }),
  ).toBe(18);
  expect(shiftMinutes({ type: 'AllAtOnce' })).toBe(0);
});

test('default timeout: ready wait (only when it stops) + termination wait + shift + 30, at most 360', () => {
  expect(
    defaultTimeoutMinutes(
      {
        readyOption: { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: 60 },
        terminationWaitMinutes: 5,
      },
      10,
    ),
  ).toBe(105);
  expect(
    defaultTimeoutMinutes(
      { readyOption: { actionOnTimeout: 'CONTINUE_DEPLOYMENT', waitTimeInMinutes: 60 } },
      0,
    ),
  ).toBe(30);
  expect(
    defaultTimeoutMinutes(
      { readyOption: { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: 2000 } },
      0,
    ),
  ).toBe(360);
});
