import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  RDSClient,
  type DBInstance,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { postCleanup } from './post-cleanup.js';
import type { DrillState } from './state.js';
import { fakeClock, quietLog } from './testing.js';

const client = new RDSClient({ region: 'us-east-1' });
const m = mockClient(client);
const DRILL = 'drill-20261126020000-42';

function state(over: Partial<DrillState> = {}): DrillState {
  return {
    drillId: DRILL,
    regions: ['us-east-1'],
    cleanup: 'always',
    startedAt: '2026-11-26T02:00:00.000Z',
    pollIntervalMs: 5000,
    cleanupTimeoutMs: 60_000,
    created: [],
    outcome: 'running',
    cleanedUp: false,
    left: [],
    ...over,
  };
}

let instances: DBInstance[];
beforeEach(() => {
  m.reset();
  delete process.env.GITHUB_STEP_SUMMARY;
  instances = [
    { DBInstanceIdentifier: 'prod', DBInstanceArn: 'arn:prod', DBInstanceStatus: 'available', TagList: [] },
    {
      DBInstanceIdentifier: `${DRILL}-restore`,
      DBInstanceArn: `arn:aws:rds:us-east-1:123456789012:db:${DRILL}-restore`,
      DBInstanceStatus: 'available',
      TagList: [{ Key: 'dr-drill-id', Value: DRILL }],
    },
  ];
  m.on(DescribeDBInstancesCommand).callsFake((input) => {
    if (!input.DBInstanceIdentifier) return { DBInstances: instances };
    const i = instances.find((x) => x.DBInstanceIdentifier === input.DBInstanceIdentifier);
    if (!i) throw Object.assign(new Error('nf'), { name: 'DBInstanceNotFoundFault' });
    return { DBInstances: [i] };
  });
  m.on(DescribeDBClustersCommand).resolves({ DBClusters: [] });
  m.on(DeleteDBInstanceCommand).callsFake((input) => {
    instances = instances.filter((x) => x.DBInstanceIdentifier !== input.DBInstanceIdentifier);
    return {};
  });
});

const deps = () => {
  const c = fakeClock();
  return { rds: () => client, now: c.now, sleep: c.sleep, log: quietLog() };
};

test('after an interrupted main, post deletes what carries the drill id and updates the report', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'drill-post-'));
  const file = join(dir, 'report.json');
  writeFileSync(
    file,
    JSON.stringify({
      cleanup: { mode: 'always', status: 'deferred to the post step', deleted: [], left: [] },
    }),
  );
  const d = deps();
  await postCleanup(state({ outcome: 'cancelled', reportFile: file }), d);
  expect(instances.map((i) => i.DBInstanceIdentifier)).toEqual(['prod']);
  expect(JSON.parse(readFileSync(file, 'utf8')).cleanup).toEqual({
    mode: 'always',
    status: 'done',
    deleted: [`arn:aws:rds:us-east-1:123456789012:db:${DRILL}-restore`],
    left: [],
  });
  expect(d.log.lines).toContain(`info: drill ${DRILL}: deleted 1 resource(s), all gone`);
});

test('cleanup never / on-success after a failure: keep, and list the ARNs', async () => {
  for (const s of [
    state({ cleanup: 'never', outcome: 'passed' }),
    state({ cleanup: 'on-success', outcome: 'failed' }),
  ]) {
    const d = deps();
    await postCleanup(s, d);
    expect(m.commandCalls(DeleteDBInstanceCommand)).toHaveLength(0);
    expect(d.log.lines.find((l) => l.startsWith('warning:'))).toContain(
      `arn:aws:rds:us-east-1:123456789012:db:${DRILL}-restore`,
    );
  }
});

test('on-success after a cancelled run still cleans up', async () => {
  await postCleanup(state({ cleanup: 'on-success', outcome: 'cancelled' }), deps());
  expect(instances.map((i) => i.DBInstanceIdentifier)).toEqual(['prod']);
});

test('nothing tagged: exit quietly', async () => {
  instances = instances.slice(0, 1);
  const d = deps();
  await postCleanup(state({ cleanedUp: true, outcome: 'passed' }), d);
  expect(d.log.lines.at(-1)).toBe(`info: drill ${DRILL}: nothing left to clean up`);
});

test('a delete that keeps failing fails the post step with the ARN, loudly', async () => {
  m.on(DeleteDBInstanceCommand).rejects(Object.assign(new Error('AccessDenied'), { name: 'AccessDenied' }));
  const d = deps();
  await expect(postCleanup(state(), d)).rejects.toThrow(
    `cleanup of drill ${DRILL} left 1 resource(s) behind, delete them by hand: arn:aws:rds:us-east-1:123456789012:db:${DRILL}-restore`,
  );
  expect(d.log.lines.find((l) => l.startsWith('error:'))).toContain(`db:${DRILL}-restore`);
  expect(instances.map((i) => i.DBInstanceIdentifier)).toContain('prod');
});
