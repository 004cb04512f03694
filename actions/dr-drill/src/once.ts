import { formatDuration } from '@oaktree/action-kit';
import {
  PollCancelledError,
  PollTimeoutError,
  TransientExhaustedError,
  exactlyOnce,
  isNotFound,
  isTransient,
  poll,
  type RetryEvent,
} from '@oaktree/aws';
import { mustDescribeCluster, mustDescribeInstance, type Rds } from './aws.js';
import type { DrillContext } from './engine.js';
import { NOT_VISIBLE_GRACE_MS } from './inflight.js';
import type { CreatedResource } from './state.js';
import { TAG_ID, tagValue } from './tags.js';

/** The progress line for a transient error about to be retried. */
function retryLine(ctx: DrillContext, what: string) {
  return (e: RetryEvent) =>
    ctx.deps.log.info(
      `  ${what}: AWS answered ${e.code} (transient); trying again in ${formatDuration(e.retryInMs)}`,
    );
}

function retrySeams(ctx: DrillContext, what: string) {
  return {
    what,
    deadline: ctx.deadline,
    signal: ctx.deps.signal,
    now: ctx.deps.now,
    sleep: ctx.deps.sleep,
    onRetry: retryLine(ctx, what),
  };
}

export interface CreateSpec {
  kind: CreatedResource['kind'];
  /** The deterministic identifier (drill id plus role): a repeated call names the same resource. */
  id: string;
  region: string;
  role: string;
  clusterId?: string;
  rds: Rds;
  /** The create call itself, carrying the drill's tags; returns the new resource's ARN when RDS says it. */
  call: () => Promise<string | undefined>;
}

/**
 * The resource an "already exists" answer names, when it carries this drill's dr-drill-id tag.
 * It may not be visible to describe yet; undefined when it is someone else's (or never shows up).
 */
async function ourExisting(ctx: DrillContext, spec: CreateSpec): Promise<{ arn?: string } | undefined> {
  const { deps } = ctx;
  let found: { arn?: string; tags?: Array<{ Key?: string; Value?: string }> } | undefined;
  try {
    found = await poll({
      what: `${spec.kind} ${spec.id} (it already exists) to be visible`,
      intervalMs: 1000,
      deadline: Math.min(ctx.deadline, deps.now() + NOT_VISIBLE_GRACE_MS),
      notFoundGraceMs: NOT_VISIBLE_GRACE_MS,
      signal: deps.signal,
      now: deps.now,
      sleep: deps.sleep,
      check: async () => {
        if (spec.kind === 'instance') {
          const i = await mustDescribeInstance(spec.rds, spec.id);
          return { done: true, value: { arn: i.DBInstanceArn, tags: i.TagList } };
        }
        const c = await mustDescribeCluster(spec.rds, spec.id);
        return { done: true, value: { arn: c.DBClusterArn, tags: c.TagList } };
      },
    });
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  const owner = tagValue(found.tags, TAG_ID);
  if (owner === ctx.drillId) return { arn: found.arn };
  deps.log.warning(
    `${spec.kind} ${spec.id} already exists in ${spec.region} and is not this drill's (its ${TAG_ID} tag is ${JSON.stringify(owner ?? null)}): not touched`,
  );
  return undefined;
}

/**
 * Create a drill resource exactly once. The intent is recorded (and saved for post) before the call
 * is sent; transient failures are retried; an "already exists" naming a resource with this drill's
 * tag (the retry after a lost reply) is adopted and reported as ours. Anything else is thrown as it
 * came, and a clear refusal removes the record again.
 */
export async function createOnce(ctx: DrillContext, spec: CreateSpec): Promise<{ adopted: boolean }> {
  const key = { kind: spec.kind, region: spec.region, id: spec.id };
  ctx.inflight.requested({ ...key, role: spec.role, clusterId: spec.clusterId });
  const what = `create ${spec.kind} ${spec.id}`;
  let r: { value: { arn?: string }; adopted: boolean };
  try {
    r = await exactlyOnce({
      ...retrySeams(ctx, what),
      call: async () => ({ arn: await spec.call() }),
      adopt: () => ourExisting(ctx, spec),
    });
  } catch (err) {
    // Unknown outcomes (still transient at the deadline, cancelled) stay recorded for cleanup.
    const unknown =
      err instanceof TransientExhaustedError || err instanceof PollCancelledError || isTransient(err);
    if (!unknown) ctx.inflight.refused(key);
    throw err;
  }
  ctx.inflight.confirmed(key, r.value.arn, r.adopted);
  return { adopted: r.adopted };
}

export interface MoveSpec {
  /** "fail over cluster ledger", "promote replica x", "switch ledger-global over to ...". */
  what: string;
  call: () => Promise<unknown>;
  /** Which refusals may be the retry of our own accepted call (an invalid-state answer). */
  conflict: (err: unknown) => boolean;
  /** Has the move we asked for happened, or is it under way? Described fresh. */
  reached: () => Promise<boolean>;
  /** For the log: what was seen when `reached` said yes. */
  reachedText: string;
}

/**
 * A one-way move (failover, promotion, switchover) whose reply may be lost: when a retry meets a
 * refusal that our own first attempt would cause, or the call never got an answer, look at the
 * resource; if the move happened or is under way, carry on as if the reply had arrived.
 */
export async function moveOnce(ctx: DrillContext, spec: MoveSpec): Promise<{ verified: boolean }> {
  const r = await exactlyOnce({
    ...retrySeams(ctx, spec.what),
    call: async () => {
      await spec.call();
      return true;
    },
    conflict: (err) => err instanceof TransientExhaustedError || spec.conflict(err),
    adopt: async () => ((await reachedSoon(ctx, spec)) ? true : undefined),
  });
  if (r.adopted) ctx.deps.log.info(`  ${spec.what}: no reply arrived, but ${spec.reachedText}: carrying on`);
  return { verified: r.adopted };
}

/** How long a move we asked for may take to show in describe calls before "not moved" is believed. */
export const MOVE_VISIBLE_MS = 30_000;

/** Look a few times: RDS shows a move it accepted with a delay of seconds. */
async function reachedSoon(ctx: DrillContext, spec: MoveSpec): Promise<boolean> {
  try {
    return await poll<boolean>({
      what: `${spec.what} to show`,
      intervalMs: 2000,
      deadline: Math.min(ctx.deadline, ctx.deps.now() + MOVE_VISIBLE_MS),
      signal: ctx.deps.signal,
      now: ctx.deps.now,
      sleep: ctx.deps.sleep,
      check: async () =>
        (await spec.reached()) ? { done: true as const, value: true } : { done: false as const },
    });
  } catch (err) {
    if (err instanceof PollTimeoutError) return false;
    throw err;
  }
}

export const isInvalidState = (err: unknown): boolean =>
  /^Invalid(DBInstance|DBCluster|GlobalCluster)State/.test((err as { name?: string })?.name ?? '');
