import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { createClient } from '@oaktree/aws';
import { ACTION } from './inputs.js';
import type { LogTail } from './predeploy.js';

/** The last lines of a CloudWatch Logs stream (the pre-deploy task's log); execute.ts loads this lazily. */
export function cloudWatchTail(region: string): LogTail {
  return async (where, limit) => {
    const logs = createClient(CloudWatchLogsClient, { region: where.region ?? region, action: ACTION });
    const out = await logs.send(
      new GetLogEventsCommand({
        logGroupName: where.group,
        logStreamName: where.stream,
        limit,
        startFromHead: false,
      }),
    );
    return (out.events ?? []).map((e) => e.message ?? '');
  };
}
