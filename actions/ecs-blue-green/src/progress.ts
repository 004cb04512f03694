import { formatDuration } from '@oaktree/action-kit';

export const FINAL_STATUSES = ['Succeeded', 'Failed', 'Stopped'] as const;
export const ACTIVE_STATUSES = ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'] as const;

export function isFinal(status: string | undefined): boolean {
  return (FINAL_STATUSES as readonly string[]).includes(status ?? '');
}

export interface EventDiagnostics {
  errorCode?: string;
  scriptName?: string;
  message?: string;
  logTail?: string;
}

export interface EventView {
  name: string;
  status: string;
  startTime?: Date;
  endTime?: Date;
  diagnostics?: EventDiagnostics;
}

/** One look at a deployment: its status, the ECS target's lifecycle events and traffic weights. */
export interface Snapshot {
  status?: string;
  events: EventView[];
  weights?: { blue?: number; green?: number };
}

export interface TimelineEntry {
  /** Milliseconds since the tracker started. */
  atMs: number;
  text: string;
}

/** Read the ECS target the way BatchGetDeploymentTargets returns it. */
export function snapshotOf(
  status: string | undefined,
  ecsTarget?: {
    lifecycleEvents?: Array<{
      lifecycleEventName?: string;
      status?: string;
      startTime?: Date;
      endTime?: Date;
      diagnostics?: EventDiagnostics;
    }>;
    taskSetsInfo?: Array<{ taskSetLabel?: string; trafficWeight?: number }>;
  },
): Snapshot {
  const events = (ecsTarget?.lifecycleEvents ?? []).map((e) => ({
    name: e.lifecycleEventName ?? '?',
    status: e.status ?? 'Unknown',
    startTime: e.startTime,
    endTime: e.endTime,
    diagnostics: e.diagnostics,
  }));
  let weights: Snapshot['weights'];
  for (const ts of ecsTarget?.taskSetsInfo ?? []) {
    const label = (ts.taskSetLabel ?? '').toLowerCase();
    if (label !== 'blue' && label !== 'green') continue;
    weights ??= {};
    weights[label] = ts.trafficWeight;
  }
  return { status, events, weights };
}

function pct(x: number | undefined): string {
  if (x === undefined) return '-';
  return `${Math.round(x * 10) / 10}%`;
}

/**
 * Turns successive snapshots into one line per change: the deployment status, each lifecycle event's
 * status (with its duration once it ends), and the BLUE/GREEN traffic weights while they move. Also
 * keeps the timeline for the job summary.
 */
export class ProgressTracker {
  private status?: string;
  private readonly eventStatus = new Map<string, string>();
  private readonly firstSeen = new Map<string, number>();
  private weights?: string;
  readonly timeline: TimelineEntry[] = [];
  readonly start: number;
  last?: Snapshot;

  constructor(
    private readonly label: string,
    private readonly now: () => number = Date.now,
  ) {
    this.start = now();
  }

  private stamp(): string {
    return `[+${formatDuration(this.now() - this.start)}]`;
  }

  private add(text: string, out: string[]): void {
    out.push(`${this.stamp()} ${text}`);
    this.timeline.push({ atMs: this.now() - this.start, text });
  }

  /** Put an action of ours (smoke test, continue, stop) on the timeline. */
  record(text: string): void {
    this.timeline.push({ atMs: this.now() - this.start, text });
  }

  /** Lines for whatever changed since the last snapshot (none when nothing did). */
  update(snap: Snapshot): string[] {
    const out: string[] = [];
    this.last = snap;
    if (snap.status && snap.status !== this.status) {
      this.status = snap.status;
      this.add(`${this.label}: ${snap.status}`, out);
    }
    for (const e of snap.events) {
      if (this.eventStatus.get(e.name) === e.status) continue;
      const before = this.eventStatus.get(e.name);
      this.eventStatus.set(e.name, e.status);
      if (before === undefined && e.status === 'Pending') continue; // not news
      if (!this.firstSeen.has(e.name)) this.firstSeen.set(e.name, this.now());
      const took = eventDuration(e, this.firstSeen.get(e.name)!, this.now());
      const ended = e.status === 'Succeeded' || e.status === 'Failed';
      this.add(
        `  ${e.name}: ${e.status}${ended && took !== undefined ? ` in ${formatDuration(took)}` : ''}`,
        out,
      );
    }
    if (snap.weights && snap.weights.green !== undefined) {
      const text = `BLUE ${pct(snap.weights.blue)} / GREEN ${pct(snap.weights.green)}`;
      if (text !== this.weights) {
        this.weights = text;
        this.add(`  traffic: ${text}`, out);
      }
    }
    return out;
  }

  /** A short text of where things stand, for timeout messages. */
  describe(): string {
    const s = this.last;
    if (!s) return 'nothing seen yet';
    const current =
      s.events.find((e) => e.status === 'InProgress') ??
      [...s.events].reverse().find((e) => e.status !== 'Pending');
    return [s.status, current ? `${current.name} ${current.status}` : undefined].filter(Boolean).join(', ');
  }
}

/** How long an event took: from its own timestamps when it has them, else from when we saw it. */
export function eventDuration(e: EventView, firstSeen: number, now: number): number | undefined {
  if (e.startTime && e.endTime) return e.endTime.getTime() - e.startTime.getTime();
  if (e.startTime) return now - e.startTime.getTime();
  return now - firstSeen;
}
