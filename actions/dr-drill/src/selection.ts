import { TAG_EXPIRES, TAG_ID, tagValue, type Tag } from './tags.js';

/** An RDS resource as cleanup sees it. */
export interface Candidate {
  kind: 'instance' | 'cluster';
  id: string;
  arn: string;
  region: string;
  tags: Tag[];
  createdAt?: Date;
  status?: string;
  /** For instances inside a cluster. */
  clusterId?: string;
  deletionProtection?: boolean;
  /** Epoch ms until which "not found" means "not visible yet" (a resource this drill just asked for). */
  notVisibleUntil?: number;
}

/** Resources of this drill: exactly those whose dr-drill-id tag equals the drill id. */
export function ownedBy(drillId: string, resources: Candidate[]): Candidate[] {
  if (!drillId) return [];
  return resources.filter((r) => tagValue(r.tags, TAG_ID) === drillId);
}

export type OrphanVerdict = { orphan: true; reason: string } | { orphan: false; reason: string };

/**
 * Is a resource left by an earlier drill and safe to delete now? Only resources with a dr-drill-id tag
 * (not this drill's) and named after that drill (`<drill id>-<role>`, as every drill names what it
 * creates) qualify: a tag alone is not proof, and the documented IAM policy lets the role delete only
 * `drill-*` names anyway. A dr-drill-expires time in the past makes it an orphan; without a valid
 * expiry, it must be older than the TTL. Younger ones may belong to a drill running right now.
 */
export function orphanVerdict(
  r: Candidate,
  now: Date,
  ttlHours: number,
  currentDrillId: string | undefined,
): OrphanVerdict {
  const id = tagValue(r.tags, TAG_ID);
  if (!id) return { orphan: false, reason: 'not a drill resource' };
  if (id === currentDrillId) return { orphan: false, reason: 'belongs to this drill' };
  if (!r.id.startsWith(`${id}-`))
    return { orphan: false, reason: `tagged ${TAG_ID}=${id} but not named after that drill: never deleted` };
  const expires = tagValue(r.tags, TAG_EXPIRES);
  const expiresAt = expires ? Date.parse(expires) : NaN;
  if (Number.isFinite(expiresAt)) {
    return expiresAt < now.getTime()
      ? { orphan: true, reason: `expired at ${new Date(expiresAt).toISOString()}` }
      : { orphan: false, reason: `expires at ${new Date(expiresAt).toISOString()}` };
  }
  if (!r.createdAt) return { orphan: false, reason: 'no expiry tag and no creation time' };
  const ageH = (now.getTime() - r.createdAt.getTime()) / 3_600_000;
  return ageH > ttlHours
    ? { orphan: true, reason: `no expiry tag, created ${ageH.toFixed(1)} h ago (ttl ${ttlHours} h)` }
    : { orphan: false, reason: `no expiry tag, only ${ageH.toFixed(1)} h old (ttl ${ttlHours} h)` };
}

export function selectOrphans(
  resources: Candidate[],
  now: Date,
  ttlHours: number,
  currentDrillId: string | undefined,
): { orphans: Array<Candidate & { reason: string }>; spared: Array<Candidate & { reason: string }> } {
  const orphans: Array<Candidate & { reason: string }> = [];
  const spared: Array<Candidate & { reason: string }> = [];
  for (const r of resources) {
    if (!tagValue(r.tags, TAG_ID)) continue; // foreign: never listed, never touched
    const v = orphanVerdict(r, now, ttlHours, currentDrillId);
    (v.orphan ? orphans : spared).push({ ...r, reason: v.reason });
  }
  return { orphans, spared };
}

/** Deletion order: instances (cluster members first) before clusters. */
export function deletionOrder<T extends Candidate>(resources: T[]): T[] {
  const rank = (r: T) => (r.kind === 'instance' ? (r.clusterId ? 0 : 1) : 2);
  return [...resources].sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id));
}
