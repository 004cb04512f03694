import { inScope, type Scope, type TagMap } from './naming.js';

export const DAY_MS = 86_400_000;

/** What pruning needs to know about one snapshot. */
export interface PruneCandidate {
  id: string;
  arn: string;
  status: string;
  /** When the data was taken (for a copy: the original snapshot's time). */
  createdAt?: Date;
  tags: TagMap;
}

export interface PrunePlan {
  /** Ours, available, beyond the keep-last floor and older than the retention: to be deleted. */
  remove: PruneCandidate[];
  /** Ours and kept, with why. */
  keep: Array<{
    snapshot: PruneCandidate;
    reason: 'keep-last' | 'this run' | 'within retention' | 'not available' | 'no creation time';
  }>;
  /** Snapshots in the listing that are not ours for this series; never touched. */
  foreign: number;
}

export interface PruneRules {
  scope: Scope;
  retentionDays: number;
  keepLast: number;
  now: Date;
  /** Identifiers made or reused by this run: never deleted, and counted first toward keep-last when available. */
  protect: ReadonlySet<string>;
}

/**
 * Decide which snapshots to delete. Only snapshots carrying our managed-by tag for this database,
 * source region and prefix are considered. Only `available` ones are recovery points: they alone count
 * toward the keep-last floor and they alone may be deleted; any other status (creating, copying, failed,
 * ...) is kept and not counted. Of the available ones with a creation time, the newest `keepLast` (this
 * run's first) are kept whatever their age; the rest are deleted when older than `retentionDays`. So the
 * plan never leaves fewer than `keepLast` available snapshots of ours, whatever the listing holds.
 */
export function planPrune(snapshots: PruneCandidate[], rules: PruneRules): PrunePlan {
  // This run's snapshot always counts, even if its tags did not come through (a copy without tags).
  const ours = snapshots.filter((s) => rules.protect.has(s.id) || inScope(s.tags, rules.scope));
  const plan: PrunePlan = { remove: [], keep: [], foreign: snapshots.length - ours.length };
  // The recovery points: available, with a time to rank them by (this run's ranks first).
  const counted: Array<{ snapshot: PruneCandidate; rank: number }> = [];
  for (const s of ours) {
    const mine = rules.protect.has(s.id);
    if (s.status !== 'available')
      plan.keep.push({ snapshot: s, reason: mine ? 'this run' : 'not available' });
    else if (mine) counted.push({ snapshot: s, rank: Number.POSITIVE_INFINITY });
    else if (s.createdAt) counted.push({ snapshot: s, rank: s.createdAt.getTime() });
    else plan.keep.push({ snapshot: s, reason: 'no creation time' });
  }
  counted.sort((a, b) => (b.rank === a.rank ? a.snapshot.id.localeCompare(b.snapshot.id) : b.rank - a.rank));
  const cutoff = rules.now.getTime() - rules.retentionDays * DAY_MS;
  counted.forEach(({ snapshot: s, rank }, i) => {
    if (rules.protect.has(s.id)) plan.keep.push({ snapshot: s, reason: 'this run' });
    else if (i < rules.keepLast) plan.keep.push({ snapshot: s, reason: 'keep-last' });
    else if (rank < cutoff) plan.remove.push(s);
    else plan.keep.push({ snapshot: s, reason: 'within retention' });
  });
  return plan;
}
