import type { Candidate } from './selection.js';
import type { CreatedResource, DrillState } from './state.js';

/**
 * How long a resource may answer "not found" after the call that created it was sent (or answered)
 * before the answer is believed: RDS makes new resources visible to describe and list calls with a
 * delay of seconds, sometimes longer.
 */
export const NOT_VISIBLE_GRACE_MS = 120_000;

type Key = Pick<CreatedResource, 'kind' | 'region' | 'id'>;
type AnyKey = { kind: string; region: string; id: string };
const same = (a: AnyKey, b: AnyKey) => a.kind === b.kind && a.region === b.region && a.id === b.id;

/**
 * The one owner of "is there something in flight" for the post step: every resource the drill asked
 * RDS to create (from the moment the call is sent, so a lost reply or a crash cannot hide it) and a
 * failback still owed after a global switchover. Every change is saved to the step state at once.
 */
export class InFlight {
  constructor(
    readonly state: DrillState,
    private readonly save: (s: DrillState) => void,
    private readonly now: () => number,
    private readonly log: { info(m: string): void },
  ) {}

  /** Before a create call: from now on cleanup deletes this id (after checking its tag), whatever the answer. */
  requested(r: Omit<CreatedResource, 'createdAt' | 'status' | 'arn'>): void {
    if (this.find(r)) return;
    this.state.created.push({ ...r, arn: r.id, createdAt: this.stamp(), status: 'requested' });
    this.save(this.state);
  }

  /** RDS answered with the resource, or a retry found it already made by this drill (adopted). */
  confirmed(r: Key, arn: string | undefined, adopted: boolean): void {
    const e = this.find(r);
    if (!e) throw new Error(`bug: ${r.kind} ${r.id} confirmed without being requested`);
    Object.assign(e, { arn: arn ?? e.arn, status: adopted ? 'adopted' : 'created', createdAt: this.stamp() });
    this.save(this.state);
    this.log.info(
      adopted
        ? `  ${r.kind} ${r.id} in ${r.region}: a retry met "already exists" for it, and it carries this drill's dr-drill-id tag: adopted as ours`
        : `  created ${r.kind} ${r.id} in ${r.region}`,
    );
  }

  /** RDS refused the call (or the identifier belongs to someone else): nothing of ours to delete. */
  refused(r: Key): void {
    const i = this.state.created.findIndex((e) => same(e, r));
    if (i < 0) return;
    this.state.created.splice(i, 1); // in place: the report shares this list
    this.save(this.state);
  }

  /** A cleanup saw these gone or had their deletes accepted (saved with the rest of the state by the caller). */
  gone(deleted: AnyKey[]): void {
    for (const d of deleted) {
      const e = this.find(d);
      if (e) e.deletedAt = this.stamp();
    }
  }

  /** Before a switchover is sent: post must check the writer is home (and bring it home) if main cannot. */
  oweFailback(p: NonNullable<DrillState['pendingFailback']>): void {
    this.state.pendingFailback = p;
    this.save(this.state);
  }

  /** The writer is home (or never left). */
  failbackSettled(): void {
    if (!this.state.pendingFailback) return;
    delete this.state.pendingFailback;
    this.save(this.state);
  }

  get failbackOwed(): boolean {
    return this.state.pendingFailback !== undefined;
  }

  private find(r: AnyKey): CreatedResource | undefined {
    return this.state.created.find((e) => same(e, r));
  }

  private stamp(): string {
    return new Date(this.now()).toISOString();
  }
}

/**
 * Cleanup candidates for recorded resources not yet seen gone (one seen gone that came back would be
 * found by its tag). Their tags are unknown here: deleting always describes the resource again and
 * checks its dr-drill-id tag first. Until `notVisibleUntil`, "not found" means "not visible yet".
 */
export function recordedCandidates(created: CreatedResource[]): Candidate[] {
  return created
    .filter((c) => !c.deletedAt)
    .map((c) => ({
      kind: c.kind,
      id: c.id,
      arn: c.arn,
      region: c.region,
      tags: [],
      clusterId: c.clusterId,
      notVisibleUntil: (Date.parse(c.createdAt) || 0) + NOT_VISIBLE_GRACE_MS,
    }));
}

/** The union of what was recorded and what the tag listing found (listed entries win: they have tags and ARNs). */
export function unionTargets(listed: Candidate[], recorded: Candidate[]): Candidate[] {
  const out = [...listed];
  for (const r of recorded) if (!listed.some((l) => same(l, r))) out.push(r);
  return out;
}
