import { ProgressTracker, snapshotOf } from './progress.js';

const t = (s: number) => new Date(1_700_000_000_000 + s * 1000);

function target(events: Array<[string, string, number?, number?]>, weights?: [number, number]) {
  return {
    lifecycleEvents: events.map(([name, status, start, end]) => ({
      lifecycleEventName: name,
      status,
      startTime: start !== undefined ? t(start) : undefined,
      endTime: end !== undefined ? t(end) : undefined,
    })),
    taskSetsInfo: weights
      ? [
          { taskSetLabel: 'Blue', trafficWeight: weights[0] },
          { taskSetLabel: 'Green', trafficWeight: weights[1] },
        ]
      : undefined,
  };
}

test('one line per change: status, event status with duration, traffic weights; nothing when nothing changed', () => {
  let clock = 0;
  const tracker = new ProgressTracker('deployment d-1', () => clock);
  expect(tracker.update(snapshotOf('Created'))).toEqual(['[+0ms] deployment d-1: Created']);
  expect(tracker.update(snapshotOf('Created'))).toEqual([]);
  clock = 5000;
  const lines = tracker.update(
    snapshotOf(
      'InProgress',
      target(
        [
          ['BeforeInstall', 'Succeeded', 0, 1],
          ['Install', 'InProgress', 1],
          ['AllowTraffic', 'Pending'],
        ],
        [100, 0],
      ),
    ),
  );
  expect(lines).toEqual([
    '[+5s] deployment d-1: InProgress',
    '[+5s]   BeforeInstall: Succeeded in 1s',
    '[+5s]   Install: InProgress',
    '[+5s]   traffic: BLUE 100% / GREEN 0%',
  ]);
  clock = 10_000;
  expect(
    tracker.update(
      snapshotOf(
        'InProgress',
        target(
          [
            ['BeforeInstall', 'Succeeded', 0, 1],
            ['Install', 'Succeeded', 1, 9],
            ['AllowTraffic', 'InProgress', 9],
          ],
          [90, 10],
        ),
      ),
    ),
  ).toEqual([
    '[+10s]   Install: Succeeded in 8s',
    '[+10s]   AllowTraffic: InProgress',
    '[+10s]   traffic: BLUE 90% / GREEN 10%',
  ]);
  // polled again with no change: silence
  expect(
    tracker.update(
      snapshotOf(
        'InProgress',
        target(
          [
            ['BeforeInstall', 'Succeeded', 0, 1],
            ['Install', 'Succeeded', 1, 9],
            ['AllowTraffic', 'InProgress', 9],
          ],
          [90, 10],
        ),
      ),
    ),
  ).toEqual([]);
  expect(tracker.timeline.map((e) => e.text)).toContain('  traffic: BLUE 90% / GREEN 10%');
  expect(tracker.describe()).toBe('InProgress, AllowTraffic InProgress');
});

test('an event first seen already ended still gets one line with its duration', () => {
  const tracker = new ProgressTracker('deployment d-2', () => 0);
  expect(tracker.update(snapshotOf('Failed', target([['AfterAllowTestTraffic', 'Failed', 3, 7]])))).toEqual([
    '[+0ms] deployment d-2: Failed',
    '[+0ms]   AfterAllowTestTraffic: Failed in 4s',
  ]);
});
