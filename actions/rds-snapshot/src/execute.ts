import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { RDSClient } from '@aws-sdk/client-rds';
import {
  OperationError,
  emitAnnotations,
  errorMessage,
  Limiter,
  formatDuration,
  log,
  quote,
} from '@oaktree/action-kit';
import {
  cancelOnSignals,
  createClient,
  explainAwsError,
  isAlreadyExists,
  isNotFound,
  isTransient,
  parseArn,
} from '@oaktree/aws';
import { once, retried, type CallContext } from './calls.js';
import { INPUT, type Config } from './inputs.js';
import { checkDatabases, configurationError, missingKeys, quotaProblems } from './preflight.js';
import { COPY_LIMIT } from './limiter.js';
import { fromRun, inScope, madeByRun, mergeTags, provenanceTags, snapshotId, type Scope } from './naming.js';
import { evaluatePitr, type ReplicaWindow } from './pitr.js';
import { planPrune } from './prune.js';
import {
  copySnapshot,
  createSnapshot,
  deleteSnapshot,
  describeDatabases,
  describeReplicatedBackup,
  getSnapshot,
  listManualSnapshots,
  type Database,
  type Kind,
  type Rds,
  type Snapshot,
} from './rds.js';
import {
  buildSummary,
  rollUp,
  setActionOutputs,
  writeReportFile,
  type CopyRecord,
  type DatabaseReport,
  type Report,
} from './report.js';
import { DEAD, NOT_VISIBLE_GRACE_MS, waitAvailable } from './wait.js';

const ACTION = 'rds-snapshot';
type Kms = Pick<KMSClient, 'send'>;

/** Everything execute needs from the outside world; tests pass fakes. */
export interface Deps {
  rds(region: string): Rds;
  kms(region: string): Kms;
  now(): Date;
  signal?: AbortSignal;
  /** Time between two looks at a snapshot that is not available yet. */
  pollIntervalMs: number;
  jitterMs: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Copies in flight per destination region, per kind. */
  copyLimits?: Record<Kind, number>;
}

/** Real clients, one per region, created on first use. */
export function defaultDeps(signal?: AbortSignal): Deps {
  const rds = new Map<string, Rds>();
  const kms = new Map<string, Kms>();
  return {
    rds: (region) => {
      if (!rds.has(region)) rds.set(region, createClient(RDSClient, { region, action: ACTION }));
      return rds.get(region)!;
    },
    kms: (region) => {
      if (!kms.has(region)) kms.set(region, createClient(KMSClient, { region, action: ACTION }));
      return kms.get(region)!;
    },
    now: () => new Date(),
    signal,
    pollIntervalMs: 15_000,
    jitterMs: 5_000,
  };
}

/** The entry point from main: real clients, cancellation on SIGINT/SIGTERM. */
export async function execute(config: Config): Promise<void> {
  const cancel = cancelOnSignals();
  try {
    await snapshotDatabases(config, defaultDeps(cancel.signal));
  } finally {
    cancel.dispose();
  }
}

/**
 * Validate, snapshot, copy, prune and check PITR; then publish outputs, job summary and the report
 * file whatever happened, and throw when anything failed.
 */
export async function snapshotDatabases(config: Config, deps: Deps): Promise<Report> {
  const started = deps.now();
  const report: Report = {
    action: ACTION,
    region: config.region,
    startedAt: started.toISOString(),
    run: config.run,
    settings: {
      prefix: config.prefix,
      copyRegions: config.copyRegions,
      retentionDays: config.retentionDays,
      keepLast: config.keepLast,
      maxRpoSeconds: Math.round(config.maxRpoMs / 1000),
      wait: config.wait,
      maxParallel: config.maxParallel,
    },
    databases: [],
    problems: [],
    warnings: [],
    snapshotArns: [],
    copyArns: [],
    pruned: [],
  };
  let thrown: unknown;
  try {
    await new Run(config, deps, report, started).go();
  } catch (err) {
    const explained = explainAwsError(err);
    report.failure = explained ?? errorMessage(err);
    // An AWS error is an operation failure, not a bug: no stack trace in the debug log.
    thrown =
      explained && !(err instanceof OperationError) ? new OperationError(explained, { cause: err }) : err;
  }
  report.finishedAt = deps.now().toISOString();
  rollUp(report);
  let file: string | undefined;
  try {
    file = writeReportFile(report, config.reportDir);
  } catch (err) {
    log.warning(`could not write the report file: ${errorMessage(err)}`);
  }
  setActionOutputs(report, file);
  buildSummary(report).write();
  emitAnnotations(report.warnings.map((message) => ({ level: 'warning' as const, message })));
  if (thrown) throw thrown;
  if (report.problems.length) {
    const n = report.problems.length;
    const shown = report.problems.slice(0, 3).join('; ');
    throw new OperationError(n > 3 ? `${shown}; and ${n - 3} more (see the job summary)` : shown);
  }
  return report;
}

interface Plan {
  db: Database;
  record: DatabaseReport;
  scope: Scope;
  /** A snapshot of this run attempt found in the listing, reused instead of made. */
  existing?: Snapshot;
  id: string;
}

class Run {
  private readonly source: Rds;
  private readonly deadline: number;
  /** region -> kind -> manual snapshots listed before anything was made */
  private readonly listings = new Map<string, Map<Kind, Snapshot[]>>();
  private readonly limiters = new Map<string, Limiter>();
  /** max-parallel: databases sending their snapshot, copy and delete requests at once. */
  private readonly slots: Limiter;
  /** How calls are retried: until the run's deadline, cancellable. */
  private readonly calls: CallContext;

  constructor(
    private readonly config: Config,
    private readonly deps: Deps,
    private readonly report: Report,
    private readonly started: Date,
  ) {
    this.source = deps.rds(config.region);
    this.deadline = started.getTime() + config.timeoutMs;
    this.slots = new Limiter(config.maxParallel);
    this.calls = {
      deadline: this.deadline,
      signal: deps.signal,
      now: () => deps.now().getTime(),
      sleep: deps.sleep,
    };
  }

  /** A read, retried while AWS answers transiently (beyond the SDK's own attempts). */
  private read<T>(label: string, what: string, fn: () => Promise<T>): Promise<T> {
    return retried(this.calls, label, what, fn);
  }

  /** Made by this run attempt: our tags for the database's series and this run's marker. */
  private ours(s: Snapshot, p: Plan): boolean {
    return madeByRun(s.tags, s.createdAt, p.scope, this.config.run, this.started);
  }

  async go(): Promise<void> {
    const plans = await log.group('Checking the databases, keys and quotas', () => this.preflight());
    await log.group('Checking point-in-time restore', () => this.checkPitr(plans));
    await Promise.all(plans.map((p) => this.snapshotOne(p)));
    for (const p of plans) for (const e of p.record.errors) this.report.problems.push(e);
    for (const p of plans) for (const f of p.record.pitr?.findings ?? []) this.report.problems.push(f);
  }

  // ---------------------------------------------------------------- validation (no changes in AWS)

  private async preflight(): Promise<Plan[]> {
    const { config } = this;
    const describe = (kind: Kind, ids: string[]) =>
      ids.length
        ? this.read(ACTION, `describe the DB ${kind}s`, () => describeDatabases(this.source, kind, ids))
        : Promise.resolve([]);
    const [instances, clusters] = await Promise.all([
      describe('instance', config.instances),
      describe('cluster', config.clusters),
    ]);
    const { found, problems } = checkDatabases(config, instances, clusters);

    const encrypted = found.filter((d) => d.encrypted);
    if (encrypted.length && config.copyRegions.length) {
      problems.push(...missingKeys(config, encrypted));
      const keyed = config.copyRegions.filter((r) => config.copyKmsKeys[r]);
      const keyProblems = await Promise.all(keyed.map((r) => this.checkKey(r, config.copyKmsKeys[r]!)));
      for (const p of keyProblems) if (p) problems.push({ input: INPUT.copyKmsKeys, text: p });
    }
    if (problems.length) throw configurationError(problems);

    // One listing per region and kind: the quota count, the re-run lookup and the pruning candidates.
    const kinds = [...new Set(found.map((d) => d.kind))];
    const regions = [config.region, ...config.copyRegions];
    await Promise.all(
      regions.flatMap((region) =>
        kinds.map(async (kind) => {
          const list = await this.read(ACTION, `list the manual DB ${kind} snapshots in ${region}`, () =>
            listManualSnapshots(this.deps.rds(region), kind),
          );
          if (!this.listings.has(region)) this.listings.set(region, new Map());
          this.listings.get(region)!.set(kind, list);
        }),
      ),
    );

    const stamp = this.started;
    const plans: Plan[] = found.map((db) => {
      const scope: Scope = { database: db.id, sourceRegion: config.region, prefix: config.prefix };
      const existing = this.listing(config.region, db.kind).find(
        (s) => inScope(s.tags, scope) && fromRun(s.tags, config.run) && !DEAD.has(s.status),
      );
      const record: DatabaseReport = {
        id: db.id,
        kind: db.kind,
        region: config.region,
        arn: db.arn,
        engine: db.engine,
        encrypted: db.encrypted,
        sizeGiB: db.sizeGiB,
        copies: [],
        pruned: [],
        errors: [],
      };
      this.report.databases.push(record);
      return {
        db,
        record,
        scope,
        existing,
        id: existing?.id ?? snapshotId(config.prefix, db.id, stamp, config.run),
      };
    });

    const overQuota = quotaProblems(config, plans, (region, kind) => this.listing(region, kind));
    if (overQuota.length) throw new OperationError(overQuota.join('; '));

    for (const p of plans)
      log.info(
        `${p.db.id}: ${p.db.kind} ${p.db.status}${p.db.encrypted ? ', encrypted' : ''}; snapshot ${p.id}${p.existing ? ' (made earlier by this run attempt: reusing it)' : ''}`,
      );
    return plans;
  }

  private async checkKey(region: string, key: string): Promise<string | undefined> {
    try {
      const r = await this.read(ACTION, `describe the KMS key ${key} in ${region}`, () =>
        this.deps.kms(region).send(new DescribeKeyCommand({ KeyId: key })),
      );
      const state = r.KeyMetadata?.KeyState;
      if (state && state !== 'Enabled')
        return `input "${INPUT.copyKmsKeys}": the key ${quote(key)} in ${region} is ${state}: enable it or name another key`;
      return undefined;
    } catch (err) {
      if (isNotFound(err))
        return `input "${INPUT.copyKmsKeys}": there is no KMS key ${quote(key)} in ${region}: name a key (ARN, id or alias/name) that exists in ${region}`;
      throw err;
    }
  }

  /** After a cancel nothing new is started: no snapshot, no copy, no delete. */
  private stopIfCancelled(what: string): void {
    const signal = this.deps.signal;
    if (signal?.aborted)
      throw new OperationError(`cancelled (${String(signal.reason ?? 'aborted')}) before ${what}`);
  }

  private listing(region: string, kind: Kind): Snapshot[] {
    return this.listings.get(region)?.get(kind) ?? [];
  }

  // ---------------------------------------------------------------- PITR

  private async checkPitr(plans: Plan[]): Promise<void> {
    const now = this.deps.now();
    await Promise.all(
      plans.map(async (p) => {
        const replicas: ReplicaWindow[] = await Promise.all(
          p.db.replicationArns.map(async (arn) => {
            const region = parseArn(arn)?.region ?? '';
            try {
              const w = await this.read(p.db.id, `describe the replicated backups in ${region}`, () =>
                describeReplicatedBackup(this.deps.rds(region), arn),
              );
              return w
                ? {
                    region,
                    arn,
                    latestTime: w.latestTime,
                    error: w.latestTime ? undefined : 'it reports no restore window',
                  }
                : { region, arn, error: 'it was not found' };
            } catch (err) {
              return { region, arn, error: explainAwsError(err) ?? errorMessage(err) };
            }
          }),
        );
        const result = evaluatePitr(
          {
            database: p.db.id,
            kind: p.db.kind,
            backupRetentionPeriod: p.db.backupRetentionPeriod,
            latestRestorableTime: p.db.latestRestorableTime,
            replicas,
            copyRegions: this.config.copyRegions,
          },
          now,
          this.config.maxRpoMs,
        );
        p.record.pitr = result;
        this.report.warnings.push(...result.warnings);
        const lag = result.lagSeconds === undefined ? '' : `lag ${formatDuration(result.lagSeconds * 1000)}`;
        if (result.findings.length) for (const f of result.findings) log.info(`${p.db.id}: ✗ ${f}`);
        else log.info(`${p.db.id}: ✓ ${lag} within max-rpo ${formatDuration(this.config.maxRpoMs)}`);
        for (const n of result.notes) log.info(`${p.db.id}: ${n}`);
      }),
    );
  }

  // ---------------------------------------------------------------- snapshot, copy, prune

  private async snapshotOne(p: Plan): Promise<void> {
    const { config } = this;
    let snap: Snapshot;
    try {
      const made = await this.slots.run(() => this.createOrReuse(p));
      snap = made.snapshot;
      p.record.snapshot = {
        id: snap.id,
        arn: snap.arn,
        status: snap.status,
        reused: Boolean(p.existing),
        adopted: made.adopted || undefined,
        createdAt: snap.createdAt?.toISOString(),
      };
      if (snap.status !== 'available' && (config.wait || config.copyRegions.length)) {
        snap = await this.waitAvailable(config.region, snap, p.db.id);
        p.record.snapshot.status = snap.status;
        p.record.snapshot.arn = snap.arn || p.record.snapshot.arn;
        p.record.snapshot.createdAt = snap.createdAt?.toISOString() ?? p.record.snapshot.createdAt;
      }
    } catch (err) {
      p.record.errors.push(
        `${p.db.id}: snapshot ${p.id} failed: ${explainAwsError(err) ?? errorMessage(err)}`,
      );
      // no new safety net: copy nothing and prune nothing for this database
      if (config.retentionDays !== undefined)
        this.skipPrune(p, [config.region, ...config.copyRegions], `its new snapshot ${p.id} failed`);
      return;
    }

    const copies = await Promise.all(config.copyRegions.map((region) => this.copyOne(p, snap, region)));
    p.record.copies = copies.map((c) => c.record);

    if (config.retentionDays === undefined) return;
    if (this.deps.signal?.aborted) {
      p.record.errors.push(`${p.db.id}: not pruned: the run was cancelled`);
      return;
    }
    // A region is pruned only when this run's snapshot there is a recovery point already.
    await this.pruneIfAvailable(p, config.region, snap, 'snapshot');
    for (const c of copies)
      if (c.snapshot) await this.pruneIfAvailable(p, c.record.region, c.snapshot, 'copy');
      else this.skipPrune(p, [c.record.region], `its copy of ${p.id} failed`);
  }

  private async pruneIfAvailable(
    p: Plan,
    region: string,
    current: Snapshot,
    what: 'snapshot' | 'copy',
  ): Promise<void> {
    if (current.status === 'available') return this.prune(p, region, current);
    const later = this.config.wait ? '' : ' (wait is false: set it to true to prune in the same run)';
    this.skipPrune(
      p,
      [region],
      `its new ${what} ${current.id} is ${quote(current.status)}, not available yet${later}`,
    );
  }

  /** Pruning without an available new snapshot could leave fewer recovery points than keep-last: say so. */
  private skipPrune(p: Plan, regions: string[], why: string): void {
    for (const region of regions)
      this.report.warnings.push(
        `${p.db.id}: pruning skipped in ${region}: ${why}; nothing was deleted there`,
      );
  }

  /**
   * Request the database's snapshot, exactly once: a transient failure is retried, and an "already
   * exists" (our own request served before its reply was lost) is adopted when the snapshot carries
   * this run's marker; one that does not is someone else's and fails the database.
   */
  private async createOrReuse(p: Plan): Promise<{ snapshot: Snapshot; adopted: boolean }> {
    if (p.existing) {
      log.info(
        `${p.db.id}: reusing ${p.existing.id} (${p.existing.status}) made earlier by this run attempt`,
      );
      return { snapshot: p.existing, adopted: false };
    }
    const { config } = this;
    this.stopIfCancelled(`snapshotting ${p.db.id}`);
    const { tags, dropped } = mergeTags(p.db.tags, config.tags, provenanceTags(p.scope, config.run));
    if (dropped.length) {
      p.record.droppedTags = dropped;
      this.report.warnings.push(
        `${p.db.id}: ${dropped.length} of its own tags did not fit on the snapshot (RDS allows 50): ${dropped.join(', ')}`,
      );
    }
    const made = await once(
      this.calls,
      p.db.id,
      `create snapshot ${p.id}`,
      () => createSnapshot(this.source, p.db.kind, p.db.id, p.id, tags),
      async () => {
        const found = await this.existing(this.source, p, p.id);
        return this.ours(found, p) ? found : undefined;
      },
    ).catch((err: unknown) => {
      if (!isAlreadyExists(err)) throw err;
      throw new OperationError(
        `a snapshot named ${p.id} already exists in ${config.region} and was not made by this run: change snapshot-prefix`,
      );
    });
    if (made.adopted)
      log.info(
        `${p.db.id}: ${p.id} already exists and carries this run's marker (a reply was lost): adopting it as ours`,
      );
    else log.info(`${p.db.id}: requested snapshot ${made.value.id} (${made.value.status})`);
    return { snapshot: made.value, adopted: made.adopted };
  }

  /**
   * The snapshot an "already exists" names. It may not be visible yet right after it was made, so
   * "not found" is asked again for a while (like the waits) before it counts.
   */
  private existing(rds: Rds, p: Plan, id: string): Promise<Snapshot> {
    return retried(
      { ...this.calls, deadline: Math.min(this.deadline, this.deps.now().getTime() + NOT_VISIBLE_GRACE_MS) },
      p.db.id,
      `describe the existing snapshot ${id}`,
      () => getSnapshot(rds, p.db.kind, id),
      (err) => isTransient(err) || isNotFound(err),
    );
  }

  private waitAvailable(region: string, snap: Snapshot, label: string): Promise<Snapshot> {
    return waitAvailable(this.deps.rds(region), snap, {
      ...this.calls,
      label,
      where: region === this.config.region ? '' : ` in ${region}`,
      intervalMs: this.deps.pollIntervalMs,
      jitterMs: this.deps.jitterMs,
    });
  }

  private limiter(region: string, kind: Kind): Limiter {
    const key = `${region}/${kind}`;
    if (!this.limiters.has(key))
      this.limiters.set(key, new Limiter((this.deps.copyLimits ?? COPY_LIMIT)[kind]));
    return this.limiters.get(key)!;
  }

  private async copyOne(
    p: Plan,
    source: Snapshot,
    region: string,
  ): Promise<{ record: CopyRecord; snapshot?: Snapshot }> {
    const { config } = this;
    const rds = this.deps.rds(region);
    const record: CopyRecord = { region, id: p.id, status: 'pending', reused: false };
    const limiter = this.limiter(region, p.db.kind);
    const sameKind = this.report.databases.filter((d) => d.kind === p.db.kind).length;
    // Without `wait`, copies are only awaited when more are queued than may be in flight at once.
    const mustWait = config.wait || sameKind > limiter.max;
    try {
      const snapshot = await limiter.run(async () => {
        let copy = this.listing(region, p.db.kind).find((s) => s.id === p.id && inScope(s.tags, p.scope));
        if (copy && !DEAD.has(copy.status)) {
          record.reused = true;
          log.info(`${p.db.id}: copy ${copy.id} in ${region} exists from this run attempt: reusing it`);
        } else {
          this.stopIfCancelled(`copying ${p.id} to ${region}`);
          const kmsKey = p.db.encrypted ? config.copyKmsKeys[region] : undefined;
          const made = await this.slots
            .run(() =>
              once(
                this.calls,
                p.db.id,
                `copy ${p.id} to ${region}`,
                () => copySnapshot(rds, p.db.kind, source.arn, p.id, kmsKey),
                async () => {
                  const found = await this.existing(rds, p, p.id);
                  return this.ours(found, p) ? found : undefined;
                },
              ),
            )
            .catch((err: unknown) => {
              if (!isAlreadyExists(err)) throw err;
              throw new OperationError(
                `a snapshot named ${p.id} already exists in ${region} and is not ours`,
              );
            });
          copy = made.value;
          record.adopted = made.adopted || undefined;
          log.info(
            made.adopted
              ? `${p.db.id}: copy ${p.id} in ${region} already exists and carries this run's marker (a reply was lost): adopting it as ours`
              : `${p.db.id}: copying ${p.id} to ${region} (${copy.status})`,
          );
        }
        if (mustWait && copy.status !== 'available') copy = await this.waitAvailable(region, copy, p.db.id);
        return copy;
      });
      record.arn = snapshot.arn;
      record.status = snapshot.status;
      return { record, snapshot };
    } catch (err) {
      record.error = explainAwsError(err) ?? errorMessage(err);
      record.status = 'failed';
      p.record.errors.push(`${p.db.id}: copy to ${region} failed: ${record.error}`);
      return { record };
    }
  }

  private async prune(p: Plan, region: string, current: Snapshot): Promise<void> {
    const listed = this.listing(region, p.db.kind).filter((s) => s.id !== current.id);
    const plan = planPrune([...listed, current], {
      scope: p.scope,
      retentionDays: this.config.retentionDays!,
      keepLast: this.config.keepLast,
      now: this.deps.now(),
      protect: new Set([current.id]),
    });
    (p.record.kept ??= []).push(...plan.keep.map((k) => ({ region, id: k.snapshot.id, reason: k.reason })));
    const rds = this.deps.rds(region);
    await this.slots.run(async () => {
      for (const s of plan.remove) {
        if (!(await this.deleteOnce(p, rds, region, s.id))) continue;
        p.record.pruned.push({ region, id: s.id, arn: s.arn, createdAt: s.createdAt?.toISOString() });
        log.info(`${p.db.id}: pruned ${s.id} in ${region} (taken ${s.createdAt?.toISOString()})`);
      }
    });
    if (!plan.remove.length)
      log.info(
        `${p.db.id}: nothing to prune in ${region} (${plan.keep.length} of ours kept, keep-last ${this.config.keepLast})`,
      );
  }

  /**
   * Delete one snapshot, exactly once: transient failures are retried; "not found" after a retry
   * (ours, or the SDK's after a lost reply) means our earlier attempt deleted it: pruned. "Not found"
   * on the very first attempt means someone else deleted it meanwhile: not ours to report.
   */
  private async deleteOnce(p: Plan, rds: Rds, region: string, id: string): Promise<boolean> {
    let attempts = 0;
    try {
      await once(
        this.calls,
        p.db.id,
        `delete ${id} in ${region}`,
        async () => {
          attempts++;
          await deleteSnapshot(rds, p.db.kind, id);
          return true;
        },
        async (err) => (attempts > 1 || sdkAttempts(err) > 1 ? true : undefined),
        isNotFound,
      );
      return true;
    } catch (err) {
      if (isNotFound(err)) {
        log.info(`${p.db.id}: ${id} in ${region} was already gone (deleted by someone else meanwhile)`);
        return false;
      }
      p.record.errors.push(
        `${p.db.id}: pruning ${id} in ${region} failed: ${explainAwsError(err) ?? errorMessage(err)}`,
      );
      return false;
    }
  }
}

/** How many attempts the SDK made for the call that threw `err` (its retries included). */
function sdkAttempts(err: unknown): number {
  return (err as { $metadata?: { attempts?: number } })?.$metadata?.attempts ?? 1;
}
