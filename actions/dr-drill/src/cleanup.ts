import {
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  ModifyDBClusterCommand,
  ModifyDBInstanceCommand,
  type DBCluster,
  type DBInstance,
} from '@aws-sdk/client-rds';
import { errorMessage, formatDuration } from '@oaktree/action-kit';
import { PollTimeoutError, isNotFound, poll, retryTransient } from '@oaktree/aws';
import {
  describeCluster,
  describeInstance,
  httpStatus,
  listClusters,
  listInstances,
  type Rds,
} from './aws.js';
import { recordedCandidates, unionTargets } from './inflight.js';
import { deletionOrder, ownedBy, selectOrphans, type Candidate } from './selection.js';
import type { CreatedResource } from './state.js';
import { TAG_ID, tagValue } from './tags.js';

export interface CleanupDeps {
  rds(region: string): Rds;
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  log: { info(m: string): void; warning(m: string): void };
}

export interface CleanupOutcome {
  deleted: Array<{ arn: string; id: string; kind: string; region: string; reason?: string }>;
  /** Resources that could not be deleted (or not confirmed gone), with why. */
  left: Array<{ arn: string; kind: string; region: string; error: string }>;
  spared: Array<{ arn: string; reason: string }>;
}

export function instanceCandidate(i: DBInstance, region: string): Candidate {
  return {
    kind: 'instance',
    id: i.DBInstanceIdentifier ?? '',
    arn: i.DBInstanceArn ?? `instance:${i.DBInstanceIdentifier}`,
    region,
    tags: i.TagList ?? [],
    createdAt: i.InstanceCreateTime ? new Date(i.InstanceCreateTime) : undefined,
    status: i.DBInstanceStatus,
    clusterId: i.DBClusterIdentifier,
    deletionProtection: i.DeletionProtection,
  };
}

export function clusterCandidate(c: DBCluster, region: string): Candidate {
  return {
    kind: 'cluster',
    id: c.DBClusterIdentifier ?? '',
    arn: c.DBClusterArn ?? `cluster:${c.DBClusterIdentifier}`,
    region,
    tags: c.TagList ?? [],
    createdAt: c.ClusterCreateTime ? new Date(c.ClusterCreateTime) : undefined,
    status: c.Status,
    deletionProtection: c.DeletionProtection,
  };
}

/** Every instance and cluster in a region, as cleanup candidates. */
export async function listCandidates(rds: Rds, region: string): Promise<Candidate[]> {
  const [instances, clusters] = await Promise.all([listInstances(rds), listClusters(rds)]);
  return [
    ...instances.map((i) => instanceCandidate(i, region)),
    ...clusters.map((c) => clusterCandidate(c, region)),
  ];
}

async function describeCandidate(rds: Rds, c: Candidate): Promise<Candidate | undefined> {
  if (c.kind === 'instance') {
    const i = await describeInstance(rds, c.id);
    return i ? instanceCandidate(i, c.region) : undefined;
  }
  const cl = await describeCluster(rds, c.id);
  return cl ? clusterCandidate(cl, c.region) : undefined;
}

/**
 * Delete one resource after checking, on a fresh describe, that it still carries the expected
 * dr-drill-id tag (`expectId`) or any drill id (orphans). Deletion protection is turned off only on such
 * a resource. Returns 'gone' when it no longer exists, 'deleting' when the delete was accepted.
 */
export async function deleteOne(
  rds: Rds,
  c: Candidate,
  expectId: string | ((id: string) => boolean),
  now: () => number = Date.now,
): Promise<'gone' | 'deleting'> {
  const fresh = await describeCandidate(rds, c);
  if (!fresh) {
    if (c.notVisibleUntil !== undefined && now() < c.notVisibleUntil) throw notVisibleYet(c);
    return 'gone';
  }
  const id = tagValue(fresh.tags, TAG_ID);
  const ok = typeof expectId === 'string' ? id === expectId : id !== undefined && expectId(id);
  if (!ok) throw new Error(`refusing to delete ${c.arn}: its ${TAG_ID} tag is ${JSON.stringify(id ?? null)}`);
  if (fresh.status === 'deleting') return 'deleting';
  try {
    if (c.kind === 'instance') {
      if (fresh.deletionProtection)
        await rds.send(
          new ModifyDBInstanceCommand({
            DBInstanceIdentifier: c.id,
            DeletionProtection: false,
            ApplyImmediately: true,
          }),
        );
      const member = Boolean(fresh.clusterId);
      await rds.send(
        new DeleteDBInstanceCommand(
          member
            ? { DBInstanceIdentifier: c.id }
            : { DBInstanceIdentifier: c.id, SkipFinalSnapshot: true, DeleteAutomatedBackups: true },
        ),
      );
    } else {
      if (fresh.deletionProtection)
        await rds.send(
          new ModifyDBClusterCommand({
            DBClusterIdentifier: c.id,
            DeletionProtection: false,
            ApplyImmediately: true,
          }),
        );
      await rds.send(
        new DeleteDBClusterCommand({
          DBClusterIdentifier: c.id,
          SkipFinalSnapshot: true,
          DeleteAutomatedBackups: true,
        }),
      );
    }
  } catch (err) {
    if (isNotFound(err)) return 'gone';
    if (
      (err as { name?: string }).name === 'InvalidDBInstanceStateFault' ||
      (err as { name?: string }).name === 'InvalidDBClusterStateFault'
    ) {
      const again = await describeCandidate(rds, c);
      if (!again) return 'gone';
      if (again.status === 'deleting') return 'deleting';
    }
    // A 5xx may still have deleted it (moto answers 500 for cross-region replicas): look before failing.
    if ((httpStatus(err) ?? 0) >= 500 && !(await describeCandidate(rds, c))) return 'gone';
    throw err;
  }
  return 'deleting';
}

/** A just-requested resource that describe does not show yet: `poll` treats it as "not visible yet". */
function notVisibleYet(c: Candidate): Error {
  return Object.assign(new Error(`${c.kind} ${c.id} is not visible yet`), { name: 'ResourceNotFoundYet' });
}

/** The shared poll for cleanup waits: transient errors are retried until the deadline, with a line saying so. */
function cleanupPoll<T>(
  deps: CleanupDeps,
  c: Candidate,
  what: string,
  opts: { deadline: number; intervalMs: number; signal?: AbortSignal; notFoundGraceMs?: number },
  check: () => Promise<{ done: true; value: T } | { done: false; progress?: string }>,
): Promise<T> {
  return poll({
    what,
    intervalMs: opts.intervalMs,
    deadline: opts.deadline,
    signal: opts.signal,
    notFoundGraceMs: opts.notFoundGraceMs,
    now: deps.now,
    sleep: deps.sleep,
    check,
    onProgress: (p, elapsedMs) =>
      deps.log.info(`  ${c.kind} ${c.id} (${c.region}): ${p} after ${formatDuration(elapsedMs)}`),
  });
}

/** Wait until a resource is gone; false when the deadline passed first (or the wait was cancelled). */
export async function waitGone(
  deps: CleanupDeps,
  rds: Rds,
  c: Candidate,
  deadline: number,
  intervalMs: number,
  signal?: AbortSignal,
): Promise<boolean> {
  try {
    return await cleanupPoll(
      deps,
      c,
      `${c.kind} ${c.id} to be deleted`,
      { deadline, intervalMs, signal },
      async () => {
        const x = await describeCandidate(rds, c);
        return x ? { done: false, progress: x.status ?? 'still there' } : { done: true, value: true };
      },
    );
  } catch (err) {
    if (err instanceof PollTimeoutError || signal?.aborted) return false;
    throw err;
  }
}

/** deleteOne, with transient errors and a not-yet-visible resource retried until the deadline. */
function deleteWithRetries(
  deps: CleanupDeps,
  rds: Rds,
  c: Candidate,
  opts: DeleteOptions,
): Promise<'gone' | 'deleting'> {
  return cleanupPoll(
    deps,
    c,
    `deleting ${c.kind} ${c.id}`,
    {
      ...opts,
      // Poll's grace only classifies the answer; deleteOne decides when "not found" means gone.
      notFoundGraceMs: c.notVisibleUntil === undefined ? 0 : Math.max(0, c.notVisibleUntil - deps.now()) + 1,
      intervalMs: Math.min(opts.intervalMs, 5000),
    },
    async () => ({ done: true, value: await deleteOne(rds, c, opts.expectId, deps.now) }),
  );
}

export interface DeleteOptions {
  expectId: string | ((id: string) => boolean);
  /** Wait until every deleted resource is gone. Cluster members are always waited for before their cluster. */
  wait: boolean;
  deadline: number;
  intervalMs: number;
  signal?: AbortSignal;
}

/** Delete a set of drill resources in a safe order; never throws, reports what was left. */
export async function deleteAll(
  deps: CleanupDeps,
  targets: Array<Candidate & { reason?: string }>,
  opts: DeleteOptions,
): Promise<CleanupOutcome> {
  const out: CleanupOutcome = { deleted: [], left: [], spared: [] };
  const ordered = deletionOrder(targets);
  const pending: Array<Candidate & { reason?: string }> = [];
  const clusterIds = new Set(ordered.filter((c) => c.kind === 'cluster').map((c) => `${c.region}/${c.id}`));
  for (const c of ordered) {
    const rds = deps.rds(c.region);
    try {
      if (c.kind === 'cluster') {
        // Members must be gone before the cluster can go.
        for (const m of pending.filter(
          (p) => p.kind === 'instance' && p.clusterId === c.id && p.region === c.region,
        )) {
          if (!(await waitGone(deps, rds, m, opts.deadline, opts.intervalMs, opts.signal))) {
            throw new Error(`member ${m.id} is still being deleted`);
          }
        }
      }
      const r = await deleteWithRetries(deps, rds, c, opts);
      deps.log.info(
        `  ${r === 'gone' ? 'already gone' : 'deleting'}: ${c.kind} ${c.id} (${c.region})${c.reason ? ` - ${c.reason}` : ''}`,
      );
      if (r === 'gone')
        out.deleted.push({ arn: c.arn, id: c.id, kind: c.kind, region: c.region, reason: c.reason });
      else pending.push(c);
    } catch (err) {
      out.left.push({ arn: c.arn, kind: c.kind, region: c.region, error: errorMessage(err) });
    }
  }
  for (const c of pending) {
    const mustWait =
      opts.wait || (c.kind === 'instance' && c.clusterId && clusterIds.has(`${c.region}/${c.clusterId}`));
    if (!mustWait) {
      out.deleted.push({ arn: c.arn, id: c.id, kind: c.kind, region: c.region, reason: c.reason });
      continue;
    }
    try {
      if (await waitGone(deps, deps.rds(c.region), c, opts.deadline, opts.intervalMs, opts.signal))
        out.deleted.push({ arn: c.arn, id: c.id, kind: c.kind, region: c.region, reason: c.reason });
      else
        out.left.push({
          arn: c.arn,
          kind: c.kind,
          region: c.region,
          error: 'still deleting when the cleanup timed out',
        });
    } catch (err) {
      out.left.push({ arn: c.arn, kind: c.kind, region: c.region, error: errorMessage(err) });
    }
  }
  return out;
}

/** listCandidates, with transient errors retried until the deadline. */
function listWithRetries(
  deps: CleanupDeps,
  region: string,
  opts: { deadline: number; signal?: AbortSignal },
): Promise<Candidate[]> {
  return retryTransient(() => listCandidates(deps.rds(region), region), {
    what: `listing drill resources in ${region}`,
    deadline: opts.deadline,
    signal: opts.signal,
    now: deps.now,
    sleep: deps.sleep,
    onRetry: (e) =>
      deps.log.info(
        `  listing ${region}: AWS answered ${e.code} (transient); retrying in ${formatDuration(e.retryInMs)}`,
      ),
  });
}

/** Everything this drill owns: what the tag listing shows, plus what was recorded but is not listed (yet). */
export async function drillTargets(
  deps: CleanupDeps,
  drillId: string,
  regions: string[],
  recorded: CreatedResource[],
  opts: { deadline: number; signal?: AbortSignal },
): Promise<{ targets: Candidate[]; left: CleanupOutcome['left'] }> {
  const listed: Candidate[] = [];
  const left: CleanupOutcome['left'] = [];
  for (const region of [...new Set([...regions, ...recorded.map((r) => r.region)])]) {
    try {
      listed.push(...ownedBy(drillId, await listWithRetries(deps, region, opts)));
    } catch (err) {
      left.push({ arn: `(could not list ${region})`, kind: 'region', region, error: errorMessage(err) });
    }
  }
  return { targets: unionTargets(listed, recordedCandidates(recorded)), left };
}

/**
 * Delete everything of this drill, waiting until gone: the union of the resources it recorded (from
 * the moment each create was sent) and what carries its dr-drill-id tag in the given regions, so a
 * resource the tag listing does not show yet is deleted too.
 */
export async function cleanupDrill(
  deps: CleanupDeps,
  drillId: string,
  regions: string[],
  opts: {
    deadline: number;
    intervalMs: number;
    signal?: AbortSignal;
    wait?: boolean;
    recorded?: CreatedResource[];
  },
): Promise<CleanupOutcome & { found: number }> {
  const { targets: found, left } = await drillTargets(deps, drillId, regions, opts.recorded ?? [], opts);
  const r = await deleteAll(deps, found, {
    expectId: drillId,
    wait: opts.wait ?? true,
    deadline: opts.deadline,
    intervalMs: opts.intervalMs,
    signal: opts.signal,
  });
  return { ...r, left: [...left, ...r.left], found: found.length };
}

/** Delete expired resources of earlier drills; younger ones are spared (a drill may be running now). */
export async function sweepOrphans(
  deps: CleanupDeps,
  regions: string[],
  opts: {
    now: Date;
    ttlHours: number;
    currentDrillId: string;
    deadline: number;
    intervalMs: number;
    signal?: AbortSignal;
  },
): Promise<CleanupOutcome> {
  const all: Candidate[] = [];
  const left: CleanupOutcome['left'] = [];
  for (const region of [...new Set(regions)]) {
    try {
      all.push(...(await listWithRetries(deps, region, opts)));
    } catch (err) {
      left.push({ arn: `(could not list ${region})`, kind: 'region', region, error: errorMessage(err) });
    }
  }
  const { orphans, spared } = selectOrphans(all, opts.now, opts.ttlHours, opts.currentDrillId);
  const orphanIds = new Set(orphans.map((o) => tagValue(o.tags, TAG_ID)!));
  const r = await deleteAll(deps, orphans, {
    expectId: (id) => orphanIds.has(id) && id !== opts.currentDrillId,
    wait: false,
    deadline: opts.deadline,
    intervalMs: opts.intervalMs,
    signal: opts.signal,
  });
  return { ...r, left: [...left, ...r.left], spared: spared.map((s) => ({ arn: s.arn, reason: s.reason })) };
}
