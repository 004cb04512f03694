import { InFlight, NOT_VISIBLE_GRACE_MS, recordedCandidates, unionTargets } from './inflight.js';
import type { Candidate } from './selection.js';
import type { DrillState } from './state.js';
import { drillState, fakeClock, quietLog } from './testing.js';

function owner() {
  const clock = fakeClock();
  const saved: DrillState[] = [];
  const state = drillState();
  const f = new InFlight(state, (s) => saved.push(structuredClone(s)), clock.now, quietLog());
  return { f, state, saved, clock };
}

const key = { kind: 'instance' as const, region: 'us-west-2', id: 'drill-x-restore' };

test('every change is saved at once: requested before the call, then confirmed (or adopted), or dropped when refused', () => {
  const { f, saved, clock } = owner();
  f.requested({ ...key, role: 'restore' });
  expect(saved.at(-1)!.created).toEqual([
    expect.objectContaining({
      ...key,
      arn: key.id,
      status: 'requested',
      createdAt: new Date(clock.now()).toISOString(),
    }),
  ]);
  f.requested({ ...key, role: 'restore' }); // a repeat records nothing new
  expect(saved.at(-1)!.created).toHaveLength(1);
  clock.advance(3000);
  f.confirmed(key, 'arn:aws:rds:us-west-2:1:db:drill-x-restore', true);
  expect(saved.at(-1)!.created[0]).toMatchObject({
    status: 'adopted',
    arn: 'arn:aws:rds:us-west-2:1:db:drill-x-restore',
    createdAt: new Date(clock.now()).toISOString(),
  });
  const other = { kind: 'cluster' as const, region: 'us-west-2', id: 'drill-x-cluster' };
  f.requested({ ...other, role: 'cluster' });
  f.refused(other);
  expect(saved.at(-1)!.created.map((c) => c.id)).toEqual([key.id]);
  expect(() => f.confirmed(other, undefined, false)).toThrow(/bug/);
});

test('the report shares the record: a refusal removes the entry in place', () => {
  const { f, state } = owner();
  const reportView = state.created;
  f.requested({ ...key, role: 'restore' });
  f.refused(key);
  expect(reportView).toBe(state.created);
  expect(reportView).toEqual([]);
});

test('a failback owed is saved before the switchover is sent, and settled once the writer is home', () => {
  const { f, saved } = owner();
  const p = { globalClusterId: 'g', primaryArn: 'arn:p', region: 'us-east-1' };
  f.oweFailback(p);
  expect(f.failbackOwed).toBe(true);
  expect(saved.at(-1)!.pendingFailback).toEqual(p);
  f.failbackSettled();
  expect(f.failbackOwed).toBe(false);
  expect(saved.at(-1)!.pendingFailback).toBeUndefined();
});

test('cleanup targets: the union of the listing and the record; "not visible yet" only until the grace ends, and nothing already seen gone', () => {
  const { f, state, clock } = owner();
  f.requested({ ...key, role: 'restore' });
  f.requested({
    kind: 'instance',
    region: 'us-west-2',
    id: 'drill-x-writer',
    role: 'writer',
    clusterId: 'drill-x-cluster',
  });
  const listed: Candidate[] = [
    {
      kind: 'instance',
      id: 'drill-x-writer',
      arn: 'arn:w',
      region: 'us-west-2',
      tags: [{ Key: 'dr-drill-id', Value: 'x' }],
    },
  ];
  const targets = unionTargets(listed, recordedCandidates(state.created));
  expect(targets.map((t) => `${t.id}:${t.arn}`)).toEqual(['drill-x-writer:arn:w', `${key.id}:${key.id}`]);
  expect(targets[1]!.notVisibleUntil).toBe(clock.now() + NOT_VISIBLE_GRACE_MS);
  f.gone([{ ...key }]);
  expect(recordedCandidates(state.created).map((c) => c.id)).toEqual(['drill-x-writer']);
  expect(recordedCandidates(state.created).find((c) => c.id === 'drill-x-writer')!.clusterId).toBe(
    'drill-x-cluster',
  );
});
