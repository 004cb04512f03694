import { formatDuration } from '@oaktree/action-kit';

/** A replicated automated backup of an instance in another region, as far as it could be read. */
export interface ReplicaWindow {
  region: string;
  arn: string;
  /** RestoreWindow.LatestTime */
  latestTime?: Date;
  /** Why it could not be read. */
  error?: string;
}

export interface PitrFacts {
  database: string;
  kind: 'instance' | 'cluster';
  backupRetentionPeriod: number;
  latestRestorableTime?: Date;
  replicas: ReplicaWindow[];
  copyRegions: string[];
}

export interface ReplicaResult {
  region: string;
  arn?: string;
  lagSeconds?: number;
  latestTime?: string;
  withinBudget?: boolean;
  note?: string;
}

export interface PitrResult {
  enabled: boolean;
  lagSeconds?: number;
  latestRestorableTime?: string;
  withinBudget: boolean;
  /** Problems that fail the step (after the snapshots are made). */
  findings: string[];
  /** Checks that could not be made (warnings; they do not fail the step). */
  warnings: string[];
  /** Things worth knowing (notices). */
  notes: string[];
  replicas: ReplicaResult[];
}

/** Lag in whole seconds, never negative (a runner clock slightly behind AWS would make it so). */
export function lagMs(now: Date, latest: Date): number {
  return Math.max(0, now.getTime() - latest.getTime());
}

/**
 * Is point-in-time restore ready? Automated backups must be on, and the latest restorable time no
 * further behind `now` than `maxRpoMs` (a lag exactly at the budget passes). Replicated automated
 * backups in other regions are held to the same budget; copy regions without replication are noted.
 */
export function evaluatePitr(facts: PitrFacts, now: Date, maxRpoMs: number): PitrResult {
  const db = facts.database;
  const budget = formatDuration(maxRpoMs);
  const result: PitrResult = {
    enabled: false,
    withinBudget: false,
    findings: [],
    warnings: [],
    notes: [],
    replicas: [],
  };
  if (!(facts.backupRetentionPeriod > 0)) {
    result.findings.push(
      `automated backups are off for ${db}: point-in-time restore impossible (set its backup retention period to 1 day or more)`,
    );
    return result;
  }
  result.enabled = true;
  if (!facts.latestRestorableTime) {
    result.findings.push(
      `${db} reports no latest restorable time: point-in-time restore is not possible yet (new database, or backups not yet taken)`,
    );
  } else {
    const lag = lagMs(now, facts.latestRestorableTime);
    result.lagSeconds = Math.round(lag / 1000);
    result.latestRestorableTime = facts.latestRestorableTime.toISOString();
    result.withinBudget = lag <= maxRpoMs;
    if (!result.withinBudget)
      result.findings.push(
        `point-in-time restore of ${db} lags ${formatDuration(lag)} behind now (latest restorable time ${result.latestRestorableTime}), more than max-rpo ${budget}`,
      );
  }

  for (const r of facts.replicas) {
    if (r.error || !r.latestTime) {
      const why = r.error ?? 'it reports no restore window';
      result.replicas.push({ region: r.region, arn: r.arn, note: `not checked: ${why}` });
      result.warnings.push(
        `could not check the replicated automated backups of ${db} in ${r.region}: ${why}`,
      );
      continue;
    }
    const lag = lagMs(now, r.latestTime);
    const ok = lag <= maxRpoMs;
    result.replicas.push({
      region: r.region,
      arn: r.arn,
      lagSeconds: Math.round(lag / 1000),
      latestTime: r.latestTime.toISOString(),
      withinBudget: ok,
    });
    if (!ok)
      result.findings.push(
        `replicated automated backups of ${db} in ${r.region} lag ${formatDuration(lag)} behind now, more than max-rpo ${budget}`,
      );
  }
  const replicated = new Set(facts.replicas.map((r) => r.region));
  for (const region of facts.copyRegions) {
    if (replicated.has(region)) continue;
    const note =
      facts.kind === 'cluster'
        ? `no point-in-time restore of ${db} in ${region}: Aurora clusters do not replicate automated backups (a global database would); the snapshot copy is the recovery point there`
        : `no automated-backup replication of ${db} to ${region}: point-in-time restore there is impossible; the snapshot copy is the recovery point there`;
    result.replicas.push({ region, note: 'no automated-backup replication' });
    result.notes.push(note);
  }
  return result;
}
