import {
  DescribeGlobalClustersCommand,
  SwitchoverGlobalClusterCommand,
  type GlobalCluster,
} from '@aws-sdk/client-rds';
import { ConfigurationError } from '@oaktree/action-kit';
import { PollCancelledError, parseArn } from '@oaktree/aws';
import { clusterEndpointOf, describeCluster, describeGlobal, type Rds } from '../aws.js';
import { enter, fastPollMs, recoverLeg, type DrillContext } from '../engine.js';
import type { Endpoint } from '../health.js';
import { moveOnce } from '../once.js';
import { LAG_WINDOW_MS, lagBefore, synchronousRpo } from '../rpo.js';
import { Timeline } from '../timeline.js';

import type { Scenario } from './scenario.js';
import { loadSourceCluster, recovered } from './shared.js';

export function globalMembership(globals: GlobalCluster[], clusterArn: string) {
  const g = globals.find((x) => (x.GlobalClusterMembers ?? []).some((m) => m.DBClusterArn === clusterArn));
  return g;
}

/** Is the switchover to `targetArn` finished? */
export function switchedTo(g: GlobalCluster | undefined, targetArn: string): boolean {
  if (!g) return false;
  const writer = (g.GlobalClusterMembers ?? []).find((m) => m.IsWriter)?.DBClusterArn;
  const inFlight = g.FailoverState?.Status && g.FailoverState.Status !== 'cancelling' ? true : false;
  return writer === targetArn && g.Status === 'available' && !inFlight;
}

/**
 * Is the writer `targetArn` already, or is a switchover toward it under way? What a switchover
 * whose reply was lost is judged by.
 */
export function movingTo(g: GlobalCluster | undefined, targetArn: string): boolean {
  if (!g) return false;
  if ((g.GlobalClusterMembers ?? []).find((m) => m.IsWriter)?.DBClusterArn === targetArn) return true;
  const f = g.FailoverState;
  return f?.ToDbClusterArn === targetArn && !!f.Status && f.Status !== 'cancelling';
}

interface Switchover {
  src: Rds;
  dr: Rds;
  globalId: string;
  primaryArn: string;
  secondaryArn: string;
  secondaryId: string;
}

/** global-switchover: a planned SwitchoverGlobalCluster to the DR region and back (never a failover). */
export const globalSwitchover: Scenario<Switchover> = {
  name: 'global-switchover',
  sources: ['cluster'],

  async preflight(cfg, deps) {
    const src = deps.rds(cfg.sourceRegion);
    const dr = deps.rds(cfg.drRegion);
    const c = await loadSourceCluster(cfg, src);
    const globals: GlobalCluster[] = [];
    let Marker: string | undefined;
    do {
      const r = await src.send(new DescribeGlobalClustersCommand({ Marker }));
      globals.push(...(r.GlobalClusters ?? []));
      Marker = r.Marker;
    } while (Marker);
    const g = globalMembership(globals, c.DBClusterArn ?? '');
    if (!g)
      throw new ConfigurationError(
        `input "source-db-cluster" is "${cfg.source.id}": it is not a member of an Aurora global database`,
        'source-db-cluster',
      );
    const me = g.GlobalClusterMembers!.find((m) => m.DBClusterArn === c.DBClusterArn)!;
    if (!me.IsWriter)
      throw new ConfigurationError(
        `input "source-db-cluster" is "${cfg.source.id}": it is a secondary of ${g.GlobalClusterIdentifier}; name the primary cluster`,
        'source-db-cluster',
      );
    const secondary = g.GlobalClusterMembers!.find(
      (m) => parseArn(m.DBClusterArn ?? '')?.region === cfg.drRegion && m.DBClusterArn !== c.DBClusterArn,
    );
    if (!secondary)
      throw new ConfigurationError(
        `input "dr-region" is "${cfg.drRegion}": global database ${g.GlobalClusterIdentifier} has no secondary cluster there`,
        'dr-region',
      );
    if (g.Status !== 'available' || g.FailoverState?.Status)
      throw new ConfigurationError(
        `input "source-db-cluster" is "${cfg.source.id}": global database ${g.GlobalClusterIdentifier} is ${g.Status}${g.FailoverState?.Status ? ` (${g.FailoverState.Status})` : ''}; try when it is available`,
        'source-db-cluster',
      );
    const globalId = g.GlobalClusterIdentifier!;
    const primaryArn = c.DBClusterArn!;
    const secondaryArn = secondary.DBClusterArn!;
    const secondaryId = secondaryArn.split(':').pop()!;
    return {
      summary: `switch global database ${globalId} over to ${secondaryId} in ${cfg.drRegion}, check it, then switch back to ${cfg.source.id}`,
      sourceEndpoint: clusterEndpointOf(c),
      found: { src, dr, globalId, primaryArn, secondaryArn, secondaryId },
    };
  },

  async recover(ctx, found) {
    const { cfg } = ctx;
    const { src, dr, globalId, primaryArn, secondaryArn, secondaryId } = found;
    ctx.result.recoveredRegion = cfg.drRegion;
    // RPO 0 by design; what an unplanned failover would have lost now is the secondary's
    // AuroraGlobalDBRPOLag (milliseconds, in its region), read before the writer moves.
    const rpo = synchronousRpo(
      `SwitchoverGlobalCluster waits until ${secondaryId} has caught up with the primary before it moves the writer`,
    );
    const lag = await lagBefore(ctx, {
      region: cfg.drRegion,
      metric: 'AuroraGlobalDBRPOLag',
      dimension: { name: 'DBClusterIdentifier', value: secondaryId },
      to: ctx.deps.now(),
    });
    if (lag.max !== undefined) {
      rpo.unplannedLossMs = Math.round(lag.max);
      rpo.detail += `; an unplanned FailoverGlobalCluster would have lost up to ${rpo.unplannedLossMs / 1000}s (maximum AuroraGlobalDBRPOLag of ${secondaryId} over the last ${LAG_WINDOW_MS / 60_000} minutes)`;
    } else {
      const why = lag.error ?? `CloudWatch has no AuroraGlobalDBRPOLag datapoint for ${secondaryId}`;
      ctx.result.notes.push(`unplanned-failover loss unknown: ${why}`);
    }
    ctx.result.rpoBound = rpo;
    let moved = false;
    let stayed = false;
    // Owed from before the call is sent: whatever happens to the reply, post checks where the writer
    // is and brings it home (it does nothing when the writer never left).
    ctx.inflight.oweFailback({ globalClusterId: globalId, primaryArn, region: cfg.sourceRegion });
    try {
      const ep = await leg(ctx, found, 'switchover', secondaryArn, dr, secondaryId, cfg.drRegion, {
        accepted: () => (moved = true),
        notMoved: () => (stayed = true),
      });
      ctx.result.endpoint = ep;
      await recovered(ctx, ep);
    } finally {
      if (!moved && stayed) ctx.inflight.failbackSettled();
      if (moved && !ctx.deps.signal?.aborted) {
        // Always put the writer back, even when the first leg failed its health check; the failback
        // gets a full timeout of its own.
        ctx.deadline = Math.max(ctx.deadline, ctx.deps.now() + cfg.timeoutMs);
        await leg(ctx, found, 'failback', primaryArn, src, cfg.source.id, cfg.sourceRegion, {
          accepted: () => undefined,
          notMoved: () => undefined,
        });
        ctx.inflight.failbackSettled();
        enter(ctx, 'failed-back');
      } else if (moved || !stayed) {
        ctx.deps.log.error(
          `cancelled while the writer of ${globalId} may be in ${cfg.drRegion}: the post step switches it back; by hand: aws rds switchover-global-cluster --global-cluster-identifier ${globalId} --target-db-cluster-identifier ${primaryArn}`,
        );
      }
    }
  },
};

/** One move of the writer (the switchover or the failback), timed until the target answers. */
async function leg(
  ctx: DrillContext,
  { src, globalId }: Switchover,
  name: string,
  targetArn: string,
  rds: Rds,
  clusterId: string,
  region: string,
  verdict: { accepted(): void; notMoved(): void },
): Promise<Endpoint> {
  const t = new Timeline(name);
  ctx.result.legs.push(t);
  enter(ctx, name === 'switchover' ? 'switching-over' : 'failing-back');
  t.begin(ctx.deps.now());
  // A lost reply (the SDK's retry then meets an invalid-state answer, or no answer comes at all) is
  // judged by where the writer is: switched, or a switchover toward the target under way, is accepted.
  await moveOnce(ctx, {
    what: `switch ${globalId} over to ${targetArn}`,
    call: () =>
      src.send(
        new SwitchoverGlobalClusterCommand({
          GlobalClusterIdentifier: globalId,
          TargetDbClusterIdentifier: targetArn,
        }),
      ),
    conflict: (err) => !(err instanceof PollCancelledError),
    reached: async () => {
      const ok = movingTo(await describeGlobal(src, globalId), targetArn);
      if (!ok) verdict.notMoved();
      return ok;
    },
    reachedText: `DescribeGlobalClusters shows ${globalId} switched or switching over to ${targetArn}`,
  });
  verdict.accepted();
  t.mark('api-accepted', ctx.deps.now());
  return recoverLeg(ctx, t, {
    what: `${name} of ${globalId} to ${region}`,
    describe: async () => {
      const gc = await describeGlobal(src, globalId);
      const cl = await describeCluster(rds, clusterId);
      return {
        status: `${gc?.Status ?? 'unknown'}${gc?.FailoverState?.Status ? ` (${gc.FailoverState.Status})` : ''}`,
        endpoint: clusterEndpointOf(cl),
        ready: switchedTo(gc, targetArn) && cl?.Status === 'available',
      };
    },
    gate: 'ready',
    pollMs: fastPollMs(ctx.cfg),
    readyPhase: 'writer-switched',
  });
}
