import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';

/** One CloudWatch metric of one resource over a window; the maximum of its 1-minute maxima. */
export interface MetricQuery {
  region: string;
  namespace: string;
  metric: string;
  dimension: { name: string; value: string };
  /** Epoch ms. */
  from: number;
  to: number;
}

export interface MetricMax {
  /** Undefined when CloudWatch holds no datapoint in the window. */
  max?: number;
  points: number;
}

export interface Metrics {
  max(q: MetricQuery): Promise<MetricMax>;
}

type Cw = Pick<CloudWatchClient, 'send'>;

/** GetMetricData, every page, Maximum per minute. */
export async function metricMax(cw: Cw, q: MetricQuery): Promise<MetricMax> {
  const { GetMetricDataCommand } = await import('@aws-sdk/client-cloudwatch');
  const values: number[] = [];
  let NextToken: string | undefined;
  do {
    const r = await cw.send(
      new GetMetricDataCommand({
        StartTime: new Date(q.from),
        EndTime: new Date(q.to),
        NextToken,
        MetricDataQueries: [
          {
            Id: 'm',
            MetricStat: {
              Metric: {
                Namespace: q.namespace,
                MetricName: q.metric,
                Dimensions: [{ Name: q.dimension.name, Value: q.dimension.value }],
              },
              Period: 60,
              Stat: 'Maximum',
            },
          },
        ],
      }),
    );
    for (const d of r.MetricDataResults ?? []) values.push(...(d.Values ?? []));
    NextToken = r.NextToken;
  } while (NextToken);
  return { max: values.length ? Math.max(...values) : undefined, points: values.length };
}

/** The real CloudWatch, one client per region; the SDK loads on first use only (cold start). */
export function cloudwatchMetrics(create: (region: string) => Promise<Cw>): Metrics {
  const clients = new Map<string, Promise<Cw>>();
  return {
    async max(q) {
      let c = clients.get(q.region);
      if (!c) {
        c = create(q.region);
        clients.set(q.region, c);
      }
      return metricMax(await c, q);
    },
  };
}
