import { FailoverDBClusterCommand, type DBCluster } from '@aws-sdk/client-rds';
import { ConfigurationError } from '@oaktree/action-kit';
import { clusterEndpointOf, describeCluster, mustDescribeCluster, type Rds } from '../aws.js';
import { enter, fastPollMs } from '../engine.js';
import { isInvalidState, moveOnce } from '../once.js';
import { synchronousRpo } from '../rpo.js';
import { Timeline } from '../timeline.js';

import type { Scenario } from './scenario.js';
import { loadSourceCluster, waitUntilRecovered } from './shared.js';

export function writerOf(c: DBCluster | undefined): string | undefined {
  return c?.DBClusterMembers?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier;
}

interface Failover {
  src: Rds;
  oldWriter?: string;
  aurora: boolean;
}

/** cluster-failover: FailoverDBCluster in place, timed until the writer endpoint answers again. */
export const clusterFailover: Scenario<Failover> = {
  name: 'cluster-failover',
  sources: ['cluster'],

  async preflight(cfg, deps) {
    const src = deps.rds(cfg.sourceRegion);
    const c = await loadSourceCluster(cfg, src);
    const members = c.DBClusterMembers ?? [];
    if (c.Status !== 'available')
      throw new ConfigurationError(
        `input "source-db-cluster" is "${cfg.source.id}": it is ${c.Status}, not available`,
        'source-db-cluster',
      );
    if (members.length < 2 && !c.MultiAZ)
      throw new ConfigurationError(
        `input "source-db-cluster" is "${cfg.source.id}": it has ${members.length} instance(s) and is not Multi-AZ, so there is nothing to fail over to`,
        'source-db-cluster',
      );
    const oldWriter = writerOf(c);
    return {
      summary: `fail over cluster ${cfg.source.id} (writer ${oldWriter ?? 'unknown'}) and time until the writer endpoint answers again`,
      sourceEndpoint: clusterEndpointOf(c),
      // A Multi-AZ DB cluster names an instance class for the cluster; Aurora does not.
      found: { src, oldWriter, aurora: (c.Engine ?? '').startsWith('aurora') || !c.DBClusterInstanceClass },
    };
  },

  async recover(ctx, { src, oldWriter, aurora }) {
    const { cfg } = ctx;
    ctx.result.rpoBound = synchronousRpo(
      aurora
        ? 'Aurora writes every commit to the cluster volume shared by all its instances, so the new writer has every committed transaction'
        : 'a Multi-AZ DB cluster commits only once a reader acknowledged the write (semi-synchronous replication)',
    );
    const leg = new Timeline('failover');
    ctx.result.legs.push(leg);
    ctx.result.recoveredRegion = cfg.sourceRegion;
    enter(ctx, 'failing-over');
    leg.begin(ctx.deps.now());
    await moveOnce(ctx, {
      what: `fail over cluster ${cfg.source.id}`,
      call: () => src.send(new FailoverDBClusterCommand({ DBClusterIdentifier: cfg.source.id })),
      conflict: isInvalidState,
      reached: async () => {
        const x = await mustDescribeCluster(src, cfg.source.id);
        return x.Status === 'failing-over' || writerOf(x) !== oldWriter;
      },
      reachedText: `cluster ${cfg.source.id} is failing over`,
    });
    leg.mark('api-accepted', ctx.deps.now());
    await waitUntilRecovered(
      ctx,
      leg,
      {
        what: `failover of ${cfg.source.id}`,
        describe: async () => {
          const x = await describeCluster(src, cfg.source.id);
          const w = writerOf(x);
          return {
            status: `${x?.Status ?? 'unknown'}, writer ${w ?? 'none'}`,
            endpoint: clusterEndpointOf(x),
            ready: x?.Status === 'available' && !!w && w !== oldWriter,
          };
        },
        gate: 'ready',
        pollMs: fastPollMs(cfg),
        readyPhase: 'writer-switched',
      },
      async () => {
        // A note only: a describe that keeps failing does not fail a drill that already recovered.
        const now = await describeCluster(src, cfg.source.id).catch(() => undefined);
        ctx.result.notes.push(`writer moved from ${oldWriter} to ${writerOf(now) ?? 'unknown'}`);
      },
    );
  },
};
