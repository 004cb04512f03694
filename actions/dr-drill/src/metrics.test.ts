import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { cloudwatchMetrics, metricMax } from './metrics.js';

const cw = new CloudWatchClient({ region: 'us-west-2' });
const m = mockClient(cw);
const q = {
  region: 'us-west-2',
  namespace: 'AWS/RDS',
  metric: 'ReplicaLag',
  dimension: { name: 'DBInstanceIdentifier', value: 'drill-x-replica' },
  from: Date.parse('2026-11-26T01:55:00Z'),
  to: Date.parse('2026-11-26T02:00:00Z'),
};

beforeEach(() => m.reset());

test('the maximum over every page of one-minute maxima', async () => {
  m.on(GetMetricDataCommand)
    .resolvesOnce({ MetricDataResults: [{ Id: 'm', Values: [1, 7] }], NextToken: 't' })
    .resolvesOnce({ MetricDataResults: [{ Id: 'm', Values: [3] }] });
  expect(await metricMax(cw, q)).toEqual({ max: 7, points: 3 });
  const calls = m.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input);
  expect(calls[1]!.NextToken).toBe('t');
  expect(calls[0]!.MetricDataQueries![0]!.MetricStat).toEqual({
    Metric: {
      Namespace: 'AWS/RDS',
      MetricName: 'ReplicaLag',
      Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'drill-x-replica' }],
    },
    Period: 60,
    Stat: 'Maximum',
  });
  expect(calls[0]!.StartTime).toEqual(new Date(q.from));
});

test('no datapoint: no maximum; one client per region, made on first use', async () => {
  m.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'm', Values: [] }] });
  const made: string[] = [];
  const metrics = cloudwatchMetrics(async (region) => (made.push(region), cw));
  expect(made).toEqual([]);
  expect(await metrics.max(q)).toEqual({ max: undefined, points: 0 });
  await metrics.max(q);
  expect(made).toEqual(['us-west-2']);
});
