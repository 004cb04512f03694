/**
 * The part of an Aurora global database moto 5.2.1 does not model: which member is the writer after
 * a switchover or failover, and the operation while it is in flight (FailoverState). moto keeps the
 * global cluster and its members; this model keeps, per global cluster, the writer it moved to and the
 * operation under way, and answers what DescribeGlobalClusters shows at a given moment.
 *
 * Facts from the RDS API reference (SwitchoverGlobalCluster, FailoverGlobalCluster, FailoverState):
 * an accepted call is first `pending` (both clusters verified), then `switching-over` (a switchover)
 * or `failing-over` (a failover with AllowDataLoss); FailoverState names FromDbClusterArn (demoted),
 * ToDbClusterArn (promoted) and IsDataLossAllowed, and is empty once the operation is done. Errors:
 * GlobalClusterNotFoundFault, DBClusterNotFoundFault, InvalidGlobalClusterStateFault,
 * InvalidDBClusterStateFault.
 */
export type MoveKind = 'switchover' | 'failover';

export interface Member {
  arn: string;
  /** What moto says (it leaves the source cluster of CreateGlobalCluster a non-writer). */
  isWriter: boolean;
}

export interface FailoverView {
  status: 'pending' | 'switching-over' | 'failing-over';
  from: string;
  to: string;
  dataLossAllowed: boolean;
}

export interface GlobalView {
  writer?: string;
  status: 'available' | 'switching-over' | 'failing-over';
  failover?: FailoverView;
}

export interface ApiError {
  status: number;
  code: string;
  message: string;
}

export interface Timing {
  /** How long an accepted call stays `pending` before the clusters change roles. */
  pendingMs: number;
  /** From acceptance until the writer has moved and the operation is over. */
  switchMs: number;
}

interface Move {
  kind: MoveKind;
  from: string;
  to: string;
  startedAt: number;
}

interface State {
  /** The writer after the last finished move. */
  writer?: string;
  move?: Move;
}

const clusterId = (arn: string) => arn.split(':').pop() ?? arn;

export class GlobalDatabases {
  private readonly states = new Map<string, State>();

  constructor(
    private readonly timing: Timing,
    private readonly now: () => number = Date.now,
  ) {}

  /** What DescribeGlobalClusters shows now for global cluster `id` with moto's `members`. */
  view(id: string, members: Member[]): GlobalView {
    const s = this.settle(id);
    const writer = this.writer(s, members);
    if (!s?.move) return { writer, status: 'available' };
    const m = s.move;
    const moving = m.kind === 'switchover' ? 'switching-over' : 'failing-over';
    const pending = this.now() < m.startedAt + this.timing.pendingMs;
    return {
      writer,
      status: moving,
      failover: {
        status: pending ? 'pending' : moving,
        from: m.from,
        to: m.to,
        dataLossAllowed: m.kind === 'failover',
      },
    };
  }

  /**
   * SwitchoverGlobalCluster / FailoverGlobalCluster on `id` (undefined members: moto has no such
   * global cluster). Returns the view right after acceptance, or the error RDS answers.
   */
  begin(
    id: string,
    members: Member[] | undefined,
    kind: MoveKind,
    target: string,
  ): { view: GlobalView } | { error: ApiError } {
    if (!members)
      return {
        error: { status: 404, code: 'GlobalClusterNotFoundFault', message: `Global cluster ${id} not found` },
      };
    const s = this.settle(id);
    if (s?.move)
      return {
        error: {
          status: 400,
          code: 'InvalidGlobalClusterStateFault',
          message: `Global cluster ${id} is ${s.move.kind === 'switchover' ? 'switching over' : 'failing over'} to ${s.move.to}`,
        },
      };
    const to = members.find((m) => m.arn === target || clusterId(m.arn) === target)?.arn;
    if (!to)
      return {
        error: {
          status: 404,
          code: 'DBClusterNotFoundFault',
          message: `DB cluster ${target} is not a member of global cluster ${id}`,
        },
      };
    const from = this.writer(s, members);
    if (to === from)
      return {
        error: {
          status: 400,
          code: 'InvalidDBClusterStateFault',
          message: `DB cluster ${to} is already the primary cluster of global cluster ${id}`,
        },
      };
    const next: State = { writer: from, move: { kind, from: from ?? '', to, startedAt: this.now() } };
    this.states.set(id.toLowerCase(), next);
    return { view: this.view(id, members) };
  }

  reset(): void {
    this.states.clear();
  }

  /** A move whose time is up is finished: its target is the writer. */
  private settle(id: string): State | undefined {
    const s = this.states.get(id.toLowerCase());
    if (s?.move && this.now() >= s.move.startedAt + this.timing.switchMs) {
      s.writer = s.move.to;
      delete s.move;
    }
    return s;
  }

  /**
   * The writer: where the last move went, while that cluster is still a member; else moto's writer;
   * else the first member, since RDS makes the source cluster of CreateGlobalCluster the primary.
   */
  private writer(s: State | undefined, members: Member[]): string | undefined {
    if (s?.writer && members.some((m) => m.arn === s.writer)) return s.writer;
    return (members.find((m) => m.isWriter) ?? members[0])?.arn;
  }
}
