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
  /** Ours, older than the retention, beyond the floor, available: to be deleted. */
  remove: PruneCandidate[];
  /** Ours and kept, with why. */
  keep: Array<{
    snapshot: PruneCandidate;
    reason: 'keep-last' | 'this run' | 'within retention' | 'not available';
  }>;
  /** Snapshots in the listing that are not ours for this series; never touched. */
  foreign: number;
}

export interface PruneRules {
  scope: Scope;
  retentionDays: number;
  keepLast: number;
  now: Date;
  /** Identifiers made or reused by this run: always kept and counted first toward keep-last. */
  protect: ReadonlySet<string>;
}

/**
 * Decide which snapshots to delete. Only snapshots carrying our managed-by tag for this database,
 * source region and prefix are considered; the newest `keepLast` of them (this run's first) are kept
 * whatever their age; of the rest, available ones older than `retentionDays` are deleted.
 */
export function planPrune(snapshots: PruneCandidate[], rules: PruneRules): PrunePlan {
  // This run's snapshot always counts, even if its tags did not come through (a copy without tags).
  const ours = snapshots.filter((s) => rules.protect.has(s.id) || inScope(s.tags, rules.scope));
  const rank = (s: PruneCandidate) =>
    rules.protect.has(s.id) ? Number.POSITIVE_INFINITY : (s.createdAt?.getTime() ?? Number.MAX_SAFE_INTEGER);
  const ordered = [...ours].sort((a, b) => rank(b) - rank(a) || a.id.localeCompare(b.id));
  const plan: PrunePlan = { remove: [], keep: [], foreign: snapshots.length - ours.length };
  const cutoff = rules.now.getTime() - rules.retentionDays * DAY_MS;
  ordered.forEach((s, i) => {
    if (rules.protect.has(s.id)) plan.keep.push({ snapshot: s, reason: 'this run' });
    else if (i < rules.keepLast) plan.keep.push({ snapshot: s, reason: 'keep-last' });
    else if (s.status !== 'available' || !s.createdAt)
      plan.keep.push({ snapshot: s, reason: 'not available' });
    else if (s.createdAt.getTime() < cutoff) plan.remove.push(s);
    else plan.keep.push({ snapshot: s, reason: 'within retention' });
  });
  return plan;
}
