import { readFileSync } from 'node:fs';
import { CreateDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import {
  runAction,
  startFaultProxy,
  startMoto,
  type FaultProxy,
  type MotoServer,
} from '../test/harness/index.js';
import { round, type Bench } from './lib.js';

/**
 * 100 databases through the committed rds-snapshot bundle, against moto behind the fault proxy with an
 * RDS API rate limit (a token bucket; one bucket serves both regions). AWS documents 300 requests of
 * burst refilled at 12 per second per account and region; "account" takes the burst as already spent by
 * the account's other tools (a bucket of 20), "harsh" a far slower account (3/s, bucket of 5), where
 * calls outlast the SDK's attempts and the action's own retries must carry them. Every database is
 * snapshotted in us-east-1, copied to us-west-2 and pruned (retention-days 7): no failure allowed.
 */
const DATABASES = 100;
const SCENARIOS: Array<{
  label: string;
  perSecond: number;
  burst: number;
  maxParallel: number;
  outageMs?: number;
}> = [
  { label: 'account', perSecond: 12, burst: 20, maxParallel: 4 },
  { label: 'account-p50', perSecond: 12, burst: 20, maxParallel: 50 },
  { label: 'harsh', perSecond: 3, burst: 5, maxParallel: 4 },
  // The account limit, and every create and copy throttled for 60 s from the first create: longer than
  // one call's SDK attempts (6 in adaptive mode take about 25-30 s), so the action's own backoff must
  // carry them through.
  { label: 'outage', perSecond: 12, burst: 20, maxParallel: 4, outageMs: 60_000 },
];

interface ReportFile {
  problems: string[];
  databases: Array<{ errors: string[] }>;
}

async function seed(moto: MotoServer, ids: string[]): Promise<void> {
  await moto.reset();
  const rds = new RDSClient({
    region: 'us-east-1',
    endpoint: moto.url, // seeding goes straight to moto, outside the rate limit
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  for (let i = 0; i < ids.length; i += 10)
    await Promise.all(
      ids.slice(i, i + 10).map((id) =>
        rds.send(
          new CreateDBInstanceCommand({
            DBInstanceIdentifier: id,
            Engine: 'postgres',
            DBInstanceClass: 'db.t3.micro',
            AllocatedStorage: 20,
            BackupRetentionPeriod: 7,
          }),
        ),
      ),
    );
}

async function scenario(moto: MotoServer, proxy: FaultProxy, s: (typeof SCENARIOS)[number]) {
  const ids = Array.from({ length: DATABASES }, (_, i) => `bench-db-${i + 1}`);
  await seed(moto, ids);
  proxy.reset();
  proxy.inject({
    name: 'rate-limit',
    service: 'rds',
    fault: { kind: 'rate-limit', perSecond: s.perSecond, burst: s.burst },
  });
  if (s.outageMs)
    proxy.inject({
      name: 'outage',
      operation: /^(CreateDBSnapshot|CopyDBSnapshot)$/,
      window: { forMs: s.outageMs },
      fault: { kind: 'throttle' },
    });
  const run = await runAction({
    action: 'actions/rds-snapshot',
    inputs: {
      'db-instance-identifiers': ids.join('\n'),
      'copy-to-regions': 'us-west-2',
      'retention-days': 7,
      'max-parallel': s.maxParallel,
      region: 'us-east-1',
    },
    env: { AWS_ENDPOINT_URL: proxy.url },
    timeoutMs: 20 * 60_000,
  });
  const report = JSON.parse(readFileSync(run.outputs['report-file']!, 'utf8')) as ReportFile;
  const byAction: Record<string, number> = {};
  for (const c of proxy.calls) byAction[c.operation] = (byAction[c.operation] ?? 0) + 1;
  const seconds = run.main.durationMs / 1000;
  const m = (k: string) => `${s.label}-${k}`;
  return {
    [m('exit-code')]: run.main.exitCode ?? -1,
    [m('wall-s')]: round(seconds),
    [m('api-calls')]: proxy.calls.length,
    [m('api-calls-by-action')]: JSON.stringify(byAction),
    [m('throttles-seen')]: proxy.injected().length,
    [m('action-retries')]: (run.main.log.match(/\(transient, retry \d+\)/g) ?? []).length,
    [m('snapshots-made')]: (JSON.parse(run.outputs['snapshot-arns'] ?? '[]') as string[]).length,
    [m('copies-made')]: (JSON.parse(run.outputs['copy-arns'] ?? '[]') as string[]).length,
    [m('failed-databases')]: report.databases.filter((d) => d.errors.length > 0).length,
    [m('problems')]: report.problems.length,
  };
}

const bench: Bench = {
  name: 'rds-snapshot-faults',
  async run() {
    const moto = await startMoto({ maxSeconds: 1800 });
    const proxy = await startFaultProxy({ target: moto.url, maxLifetimeMs: 30 * 60_000 });
    try {
      const metrics: Record<string, number | string> = { databases: DATABASES };
      const targets: Record<string, { max?: number; min?: number }> = {};
      for (const s of SCENARIOS) {
        Object.assign(metrics, await scenario(moto, proxy, s));
        targets[`${s.label}-failed-databases`] = { max: 0 };
        targets[`${s.label}-snapshots-made`] = { min: DATABASES };
        targets[`${s.label}-copies-made`] = { min: DATABASES };
      }
      return {
        name: 'rds-snapshot-faults',
        method:
          `one run per scenario of the committed bundle through the harness: ${DATABASES} DB instances in moto, ` +
          'snapshot + copy to us-west-2 + retention-days 7, every RDS call through the fault proxy on 127.0.0.1 ' +
          'with a token-bucket rate limit (one bucket for both regions). "account": 12/s, bucket 20, max-parallel 4 ' +
          '(the default); AWS allows 12/s sustained with a 300 burst per account and region, the burst taken as ' +
          'spent by other tools. "account-p50": the same limit with max-parallel 50 (about all at once). "harsh": ' +
          '3/s, bucket 5, max-parallel 4. "outage": the account limit, and every CreateDBSnapshot and CopyDBSnapshot ' +
          'answered Throttling for 60 s from the first create (the SDK gives up after about 25-30 s). "throttles-seen": calls the proxy answered Throttling; the SDK retries ' +
          'those first (adaptive mode, 6 attempts), "action-retries" counts the action\'s own retries beyond them ' +
          '(its log lines). "failed-databases": databases with any error in the report file.',
        metrics,
        targets,
      };
    } finally {
      await proxy.stop();
      await moto.stop();
    }
  },
};
export default bench;
