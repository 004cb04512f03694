export const id = 854;
export const ids = [854];
export const modules = {

/***/ 9854:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  execute: () => (/* binding */ execute)
});

// UNUSED EXPORTS: defaultDeps, snapshotDatabases

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-kms/dist-cjs/index.js
var dist_cjs = __webpack_require__(2632);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-rds/dist-cjs/index.js
var client_rds_dist_cjs = __webpack_require__(7202);
// EXTERNAL MODULE: ./packages/action-kit/src/index.ts + 10 modules
var src = __webpack_require__(526);
// EXTERNAL MODULE: ./packages/aws/src/index.ts + 6 modules
var aws_src = __webpack_require__(7833);
// EXTERNAL MODULE: ./actions/rds-snapshot/src/inputs.ts
var inputs = __webpack_require__(4283);
;// CONCATENATED MODULE: ./actions/rds-snapshot/src/limiter.ts
/** In-flight copy limits per destination region (AWS quotas). */
const COPY_LIMIT = { instance: 20, cluster: 5 };

;// CONCATENATED MODULE: ./actions/rds-snapshot/src/naming.ts
/** Value of the managed-by tag: pruning only ever touches snapshots carrying it. */
const MANAGED_BY = 'rds-snapshot';
/** The provenance tags every snapshot (and, through CopyTags, every copy) carries. */
const TAG = {
    managedBy: 'oaktree:managed-by',
    sourceDb: 'oaktree:source-db',
    sourceRegion: 'oaktree:source-region',
    prefix: 'oaktree:prefix',
    repository: 'oaktree:repository',
    runId: 'oaktree:run-id',
    attempt: 'oaktree:run-attempt',
    sha: 'oaktree:sha',
};
/** RDS allows 50 tags per resource. */
const MAX_TAGS = 50;
function pad(n, width = 2) {
    return String(n).padStart(width, '0');
}
/**
 * `<prefix>-<database>-<yyyymmdd>-<hhmmss>[-r<run id>-a<attempt>]`, in UTC, lower case. The time is
 * when the snapshot was first requested; a re-run of the same attempt does not build a new name but
 * finds its snapshot by the run-id and run-attempt tags (see findRunSnapshot).
 */
function snapshotId(prefix, database, at, run) {
    const date = `${at.getUTCFullYear()}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}`;
    const time = `${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}`;
    const runPart = run.runId ? `-r${run.runId}-a${run.attempt}` : '';
    return `${prefix}-${database}-${date}-${time}${runPart}`.toLowerCase();
}
function provenanceTags(scope, run) {
    const tags = [
        { Key: TAG.managedBy, Value: MANAGED_BY },
        { Key: TAG.sourceDb, Value: scope.database },
        { Key: TAG.sourceRegion, Value: scope.sourceRegion },
        { Key: TAG.prefix, Value: scope.prefix },
    ];
    if (run.repository)
        tags.push({ Key: TAG.repository, Value: run.repository });
    if (run.runId) {
        tags.push({ Key: TAG.runId, Value: run.runId });
        tags.push({ Key: TAG.attempt, Value: run.attempt });
    }
    if (run.sha)
        tags.push({ Key: TAG.sha, Value: run.sha });
    return tags;
}
/**
 * The snapshot's tags: the database's own tags (RDS stops copying them once Tags is passed), then the
 * user's `tags` input over them, then the provenance tags over both. The database's `aws:` tags cannot
 * be set by anyone and its `oaktree:` tags would lie about provenance, so both are left out. When the
 * total passes RDS's 50, database tags are dropped (and named) first.
 */
function mergeTags(databaseTags, userTags, provenance) {
    const fixed = new Map();
    for (const t of userTags)
        fixed.set(t.Key, t.Value);
    for (const t of provenance)
        fixed.set(t.Key, t.Value);
    const inherited = databaseTags.filter((t) => !/^(aws|oaktree):/i.test(t.Key) && !fixed.has(t.Key));
    const room = Math.max(0, MAX_TAGS - fixed.size);
    const kept = inherited.slice(0, room);
    const dropped = inherited.slice(room).map((t) => t.Key);
    const tags = [...kept.map((t) => ({ Key: t.Key, Value: t.Value ?? '' }))];
    for (const [Key, Value] of fixed)
        tags.push({ Key, Value });
    return { tags, dropped };
}
function tagMap(tags) {
    const out = {};
    for (const t of tags ?? [])
        if (t.Key)
            out[t.Key] = t.Value ?? '';
    return out;
}
/** True for snapshots this action made for the series: the only ones pruning may delete. */
function inScope(tags, scope) {
    return (tags[TAG.managedBy] === MANAGED_BY &&
        tags[TAG.sourceDb] === scope.database &&
        tags[TAG.sourceRegion] === scope.sourceRegion &&
        tags[TAG.prefix] === scope.prefix);
}
/** True when the snapshot was made by this very run attempt (a re-run reuses it). */
function fromRun(tags, run) {
    return run.runId !== undefined && tags[TAG.runId] === run.runId && tags[TAG.attempt] === run.attempt;
}

;// CONCATENATED MODULE: ./actions/rds-snapshot/src/pitr.ts

/** Lag in whole seconds, never negative (a runner clock slightly behind AWS would make it so). */
function lagMs(now, latest) {
    return Math.max(0, now.getTime() - latest.getTime());
}
/**
 * Is point-in-time restore ready? Automated backups must be on, and the latest restorable time no
 * further behind `now` than `maxRpoMs` (a lag exactly at the budget passes). Replicated automated
 * backups in other regions are held to the same budget; copy regions without replication are noted.
 */
function evaluatePitr(facts, now, maxRpoMs) {
    const db = facts.database;
    const budget = (0,src/* formatDuration */.a3)(maxRpoMs);
    const result = {
        enabled: false,
        withinBudget: false,
        findings: [],
        warnings: [],
        notes: [],
        replicas: [],
    };
    if (!(facts.backupRetentionPeriod > 0)) {
        result.findings.push(`automated backups are off for ${db}: point-in-time restore impossible (set its backup retention period to 1 day or more)`);
        return result;
    }
    result.enabled = true;
    if (!facts.latestRestorableTime) {
        result.findings.push(`${db} reports no latest restorable time: point-in-time restore is not possible yet (new database, or backups not yet taken)`);
    }
    else {
        const lag = lagMs(now, facts.latestRestorableTime);
        result.lagSeconds = Math.round(lag / 1000);
        result.latestRestorableTime = facts.latestRestorableTime.toISOString();
        result.withinBudget = lag <= maxRpoMs;
        if (!result.withinBudget)
            result.findings.push(`point-in-time restore of ${db} lags ${(0,src/* formatDuration */.a3)(lag)} behind now (latest restorable time ${result.latestRestorableTime}), more than max-rpo ${budget}`);
    }
    for (const r of facts.replicas) {
        if (r.error || !r.latestTime) {
            const why = r.error ?? 'it reports no restore window';
            result.replicas.push({ region: r.region, arn: r.arn, note: `not checked: ${why}` });
            result.warnings.push(`could not check the replicated automated backups of ${db} in ${r.region}: ${why}`);
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
            result.findings.push(`replicated automated backups of ${db} in ${r.region} lag ${(0,src/* formatDuration */.a3)(lag)} behind now, more than max-rpo ${budget}`);
    }
    const replicated = new Set(facts.replicas.map((r) => r.region));
    for (const region of facts.copyRegions) {
        if (replicated.has(region))
            continue;
        const note = facts.kind === 'cluster'
            ? `no point-in-time restore of ${db} in ${region}: Aurora clusters do not replicate automated backups (a global database would); the snapshot copy is the recovery point there`
            : `no automated-backup replication of ${db} to ${region}: point-in-time restore there is impossible; the snapshot copy is the recovery point there`;
        result.replicas.push({ region, note: 'no automated-backup replication' });
        result.notes.push(note);
    }
    return result;
}

;// CONCATENATED MODULE: ./actions/rds-snapshot/src/prune.ts

const DAY_MS = 86_400_000;
/**
 * Decide which snapshots to delete. Only snapshots carrying our managed-by tag for this database,
 * source region and prefix are considered; the newest `keepLast` of them (this run's first) are kept
 * whatever their age; of the rest, available ones older than `retentionDays` are deleted.
 */
function planPrune(snapshots, rules) {
    // This run's snapshot always counts, even if its tags did not come through (a copy without tags).
    const ours = snapshots.filter((s) => rules.protect.has(s.id) || inScope(s.tags, rules.scope));
    const rank = (s) => rules.protect.has(s.id) ? Number.POSITIVE_INFINITY : (s.createdAt?.getTime() ?? Number.MAX_SAFE_INTEGER);
    const ordered = [...ours].sort((a, b) => rank(b) - rank(a) || a.id.localeCompare(b.id));
    const plan = { remove: [], keep: [], foreign: snapshots.length - ours.length };
    const cutoff = rules.now.getTime() - rules.retentionDays * DAY_MS;
    ordered.forEach((s, i) => {
        if (rules.protect.has(s.id))
            plan.keep.push({ snapshot: s, reason: 'this run' });
        else if (i < rules.keepLast)
            plan.keep.push({ snapshot: s, reason: 'keep-last' });
        else if (s.status !== 'available' || !s.createdAt)
            plan.keep.push({ snapshot: s, reason: 'not available' });
        else if (s.createdAt.getTime() < cutoff)
            plan.remove.push(s);
        else
            plan.keep.push({ snapshot: s, reason: 'within retention' });
    });
    return plan;
}

;// CONCATENATED MODULE: ./actions/rds-snapshot/src/rds.ts


const NOT_FOUND = /NotFound/;
const ALREADY_EXISTS = /AlreadyExists/;
function isNotFound(err) {
    return NOT_FOUND.test(err?.name ?? '');
}
function isAlreadyExists(err) {
    return ALREADY_EXISTS.test(err?.name ?? '');
}
function fromInstanceSnapshot(s) {
    return {
        kind: 'instance',
        id: s.DBSnapshotIdentifier ?? '',
        arn: s.DBSnapshotArn ?? '',
        status: s.Status ?? 'unknown',
        createdAt: s.OriginalSnapshotCreateTime ?? s.SnapshotCreateTime,
        tags: tagMap(s.TagList),
        sizeGiB: s.AllocatedStorage,
        encrypted: Boolean(s.Encrypted),
        percent: s.PercentProgress,
        database: s.DBInstanceIdentifier,
    };
}
function fromClusterSnapshot(s) {
    return {
        kind: 'cluster',
        id: s.DBClusterSnapshotIdentifier ?? '',
        arn: s.DBClusterSnapshotArn ?? '',
        status: s.Status ?? 'unknown',
        createdAt: s.SnapshotCreateTime,
        tags: tagMap(s.TagList),
        sizeGiB: s.AllocatedStorage,
        encrypted: Boolean(s.StorageEncrypted),
        percent: s.PercentProgress,
        database: s.DBClusterIdentifier,
    };
}
const FILTER_CHUNK = 100;
/** The named databases that exist (one filtered call per 100 names; missing ones are simply absent). */
async function describeDatabases(rds, kind, ids) {
    const out = [];
    for (let i = 0; i < ids.length; i += FILTER_CHUNK) {
        const chunk = ids.slice(i, i + FILTER_CHUNK);
        let marker;
        do {
            if (kind === 'instance') {
                const r = await rds.send(new client_rds_dist_cjs/* DescribeDBInstancesCommand */.hhJ({
                    Filters: [{ Name: 'db-instance-id', Values: chunk }],
                    Marker: marker,
                }));
                for (const d of r.DBInstances ?? [])
                    out.push({
                        kind,
                        id: d.DBInstanceIdentifier ?? '',
                        arn: d.DBInstanceArn ?? '',
                        status: d.DBInstanceStatus ?? 'unknown',
                        encrypted: Boolean(d.StorageEncrypted),
                        engine: d.Engine,
                        tags: (d.TagList ?? []).filter((t) => t.Key).map((t) => ({ Key: t.Key, Value: t.Value ?? '' })),
                        backupRetentionPeriod: d.BackupRetentionPeriod ?? 0,
                        latestRestorableTime: d.LatestRestorableTime,
                        clusterId: d.DBClusterIdentifier,
                        replicationArns: (d.DBInstanceAutomatedBackupsReplications ?? [])
                            .map((x) => x.DBInstanceAutomatedBackupsArn ?? '')
                            .filter(Boolean),
                        sizeGiB: d.AllocatedStorage,
                    });
                marker = r.Marker;
            }
            else {
                const r = await rds.send(new client_rds_dist_cjs/* DescribeDBClustersCommand */.Kdv({
                    Filters: [{ Name: 'db-cluster-id', Values: chunk }],
                    Marker: marker,
                }));
                for (const c of r.DBClusters ?? [])
                    out.push({
                        kind,
                        id: c.DBClusterIdentifier ?? '',
                        arn: c.DBClusterArn ?? '',
                        status: c.Status ?? 'unknown',
                        encrypted: Boolean(c.StorageEncrypted),
                        engine: c.Engine,
                        tags: (c.TagList ?? []).filter((t) => t.Key).map((t) => ({ Key: t.Key, Value: t.Value ?? '' })),
                        backupRetentionPeriod: c.BackupRetentionPeriod ?? 0,
                        latestRestorableTime: c.LatestRestorableTime,
                        replicationArns: [],
                        sizeGiB: c.AllocatedStorage,
                    });
                marker = r.Marker;
            }
        } while (marker);
    }
    return out;
}
/**
 * Every manual snapshot of the kind in the client's region, with tags. DescribeDB*Snapshots has no
 * tag filter, so the TagList of each answer is used (and ListTagsForResource when it is missing).
 */
async function listManualSnapshots(rds, kind) {
    const out = [];
    let marker;
    do {
        if (kind === 'instance') {
            const r = await rds.send(new client_rds_dist_cjs/* DescribeDBSnapshotsCommand */.KKI({ SnapshotType: 'manual', MaxRecords: 100, Marker: marker }));
            for (const s of r.DBSnapshots ?? []) {
                const snap = fromInstanceSnapshot(s);
                if (!s.TagList && snap.arn)
                    snap.tags = await listTags(rds, snap.arn);
                out.push(snap);
            }
            marker = r.Marker;
        }
        else {
            const r = await rds.send(new client_rds_dist_cjs/* DescribeDBClusterSnapshotsCommand */.cWV({ SnapshotType: 'manual', MaxRecords: 100, Marker: marker }));
            for (const s of r.DBClusterSnapshots ?? []) {
                const snap = fromClusterSnapshot(s);
                if (!s.TagList && snap.arn)
                    snap.tags = await listTags(rds, snap.arn);
                out.push(snap);
            }
            marker = r.Marker;
        }
    } while (marker);
    return out;
}
async function listTags(rds, arn) {
    const r = await rds.send(new client_rds_dist_cjs/* ListTagsForResourceCommand */.a_e({ ResourceName: arn }));
    return tagMap(r.TagList);
}
/** One snapshot by identifier, or undefined when it does not exist. */
async function describeSnapshot(rds, kind, id) {
    try {
        if (kind === 'instance') {
            const r = await rds.send(new client_rds_dist_cjs/* DescribeDBSnapshotsCommand */.KKI({ DBSnapshotIdentifier: id }));
            const s = r.DBSnapshots?.[0];
            return s ? fromInstanceSnapshot(s) : undefined;
        }
        const r = await rds.send(new client_rds_dist_cjs/* DescribeDBClusterSnapshotsCommand */.cWV({ DBClusterSnapshotIdentifier: id }));
        const s = r.DBClusterSnapshots?.[0];
        return s ? fromClusterSnapshot(s) : undefined;
    }
    catch (err) {
        if (isNotFound(err))
            return undefined;
        throw err;
    }
}
async function createSnapshot(rds, kind, database, id, tags) {
    if (kind === 'instance') {
        const r = await rds.send(new client_rds_dist_cjs/* CreateDBSnapshotCommand */.SQw({ DBInstanceIdentifier: database, DBSnapshotIdentifier: id, Tags: tags }));
        return fromInstanceSnapshot(r.DBSnapshot ?? { DBSnapshotIdentifier: id, Status: 'creating' });
    }
    const r = await rds.send(new client_rds_dist_cjs/* CreateDBClusterSnapshotCommand */.Iv4({
        DBClusterIdentifier: database,
        DBClusterSnapshotIdentifier: id,
        Tags: tags,
    }));
    return fromClusterSnapshot(r.DBClusterSnapshot ?? { DBClusterSnapshotIdentifier: id, Status: 'creating' });
}
/**
 * Copy a snapshot into the client's region. The source is given as its ARN, so the SDK adds the
 * presigned URL a cross-region copy needs; CopyTags carries the provenance tags over.
 */
async function copySnapshot(rds, kind, sourceArn, targetId, kmsKeyId) {
    if (kind === 'instance') {
        const r = await rds.send(new client_rds_dist_cjs/* CopyDBSnapshotCommand */.D2s({
            SourceDBSnapshotIdentifier: sourceArn,
            TargetDBSnapshotIdentifier: targetId,
            KmsKeyId: kmsKeyId,
            CopyTags: true,
        }));
        return fromInstanceSnapshot(r.DBSnapshot ?? { DBSnapshotIdentifier: targetId, Status: 'pending' });
    }
    const r = await rds.send(new client_rds_dist_cjs/* CopyDBClusterSnapshotCommand */.Xzo({
        SourceDBClusterSnapshotIdentifier: sourceArn,
        TargetDBClusterSnapshotIdentifier: targetId,
        KmsKeyId: kmsKeyId,
        CopyTags: true,
    }));
    return fromClusterSnapshot(r.DBClusterSnapshot ?? { DBClusterSnapshotIdentifier: targetId, Status: 'pending' });
}
async function deleteSnapshot(rds, kind, id) {
    if (kind === 'instance')
        await rds.send(new client_rds_dist_cjs/* DeleteDBSnapshotCommand */.PHQ({ DBSnapshotIdentifier: id }));
    else
        await rds.send(new client_rds_dist_cjs/* DeleteDBClusterSnapshotCommand */.fW3({ DBClusterSnapshotIdentifier: id }));
}
/** The restore window of a replicated automated backup (in the client's region). */
async function describeReplicatedBackup(rds, arn) {
    const r = await rds.send(new client_rds_dist_cjs/* DescribeDBInstanceAutomatedBackupsCommand */.peb({ DBInstanceAutomatedBackupsArn: arn }));
    const b = r.DBInstanceAutomatedBackups?.[0];
    if (!b)
        return undefined;
    return {
        latestTime: b.RestoreWindow?.LatestTime,
        earliestTime: b.RestoreWindow?.EarliestTime,
        status: b.Status,
    };
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
;// CONCATENATED MODULE: ./actions/rds-snapshot/src/report.ts



/** Fill the roll-up fields (ARN lists, largest lag) from the per-database records. */
function rollUp(report) {
    report.snapshotArns = report.databases.flatMap((d) => (d.snapshot?.arn ? [d.snapshot.arn] : []));
    report.copyArns = report.databases.flatMap((d) => d.copies.flatMap((c) => (c.arn && !c.error ? [c.arn] : [])));
    report.pruned = report.databases.flatMap((d) => d.pruned.map((p) => p.arn));
    let worst;
    for (const d of report.databases) {
        const p = d.pitr;
        if (p?.lagSeconds === undefined)
            continue;
        if (!worst || p.lagSeconds > (worst.lagSeconds ?? -1))
            worst = p;
    }
    report.pitrLagSeconds = worst?.lagSeconds;
    report.latestRestorableTime = worst?.latestRestorableTime;
}
function writeReportFile(report, dir) {
    (0,external_node_fs_.mkdirSync)(dir, { recursive: true });
    const stamp = report.startedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const file = (0,external_node_path_.join)(dir, `rds-snapshot-report-${stamp}-${process.pid}.json`);
    (0,external_node_fs_.writeFileSync)(file, JSON.stringify(report, null, 2) + '\n');
    return file;
}
function setActionOutputs(report, reportFile) {
    (0,src/* setOutputs */.n0)({
        'snapshot-arns': report.snapshotArns,
        'copy-arns': report.copyArns,
        'pitr-lag-seconds': report.pitrLagSeconds === undefined ? undefined : String(report.pitrLagSeconds),
        'latest-restorable-time': report.latestRestorableTime,
        pruned: report.pruned,
        'report-file': reportFile,
    });
}
function gib(n) {
    return n === undefined ? '' : `${n} GiB`;
}
function pitrCell(p, maxRpoSeconds) {
    if (!p)
        return 'not checked';
    const budget = (0,src/* formatDuration */.a3)(maxRpoSeconds * 1000);
    if (!p.enabled)
        return '❌ automated backups off';
    if (p.lagSeconds === undefined)
        return '❌ no restorable time';
    const lag = (0,src/* formatDuration */.a3)(p.lagSeconds * 1000);
    const replicas = p.replicas
        .filter((r) => r.lagSeconds !== undefined)
        .map((r) => `${r.region} ${(0,src/* formatDuration */.a3)(r.lagSeconds * 1000)}${r.withinBudget ? '' : ' ❌'}`);
    return `${p.withinBudget ? '✅' : '❌'} ${lag} / ${budget}${replicas.length ? ` (replicated: ${replicas.join(', ')})` : ''}`;
}
function snapshotCell(d) {
    if (!d.snapshot)
        return d.errors.length ? '❌ not made' : '';
    const how = d.snapshot.reused ? 'reused' : 'new';
    return `\`${d.snapshot.id}\` (${how}, ${d.snapshot.status})`;
}
function copiesCell(d) {
    return d.copies
        .map((c) => `${c.region}: ${c.error ? '❌ failed' : `${c.status}${c.reused ? ', reused' : ''}`}`)
        .join('<br>');
}
/** The job summary: one row per database, then problems, notes and what was pruned. */
function buildSummary(report) {
    const s = new src/* SummaryBuilder */.CF();
    const ok = report.problems.length === 0 && !report.failure;
    s.heading(`RDS snapshots in ${report.region} ${ok ? '✅' : '❌'}`);
    if (report.failure)
        s.paragraph(`**Stopped:** ${report.failure}`);
    if (report.databases.length)
        s.table(['Database', 'Kind', 'Snapshot', 'Size', 'Copies', 'PITR lag / max-rpo', 'Pruned'], report.databases.map((d) => [
            d.id,
            d.kind,
            snapshotCell(d),
            gib(d.sizeGiB),
            copiesCell(d),
            pitrCell(d.pitr, report.settings.maxRpoSeconds),
            d.pruned.length,
        ]));
    if (report.problems.length)
        s.heading('Problems', 3).list(report.problems);
    const notes = [...report.warnings, ...report.databases.flatMap((d) => d.pitr?.notes ?? [])];
    if (notes.length)
        s.heading('Notes', 3).list(notes);
    const pruned = report.databases.flatMap((d) => d.pruned);
    if (pruned.length)
        s.details(`Pruned ${pruned.length} snapshot(s)`, pruned
            .map((p) => `- ${p.region} \`${p.id}\`${p.createdAt ? ` (taken ${p.createdAt})` : ''}`)
            .join('\n'));
    return s;
}

;// CONCATENATED MODULE: ./actions/rds-snapshot/src/execute.ts











const ACTION = 'rds-snapshot';
/** Real clients, one per region, created on first use. */
function defaultDeps(signal) {
    const rds = new Map();
    const kms = new Map();
    return {
        rds: (region) => {
            if (!rds.has(region))
                rds.set(region, (0,aws_src/* createClient */.UU)(client_rds_dist_cjs/* RDSClient */.rYe, { region, action: ACTION }));
            return rds.get(region);
        },
        kms: (region) => {
            if (!kms.has(region))
                kms.set(region, (0,aws_src/* createClient */.UU)(dist_cjs/* KMSClient */.pgq, { region, action: ACTION }));
            return kms.get(region);
        },
        now: () => new Date(),
        signal,
        pollIntervalMs: 15_000,
        jitterMs: 5_000,
    };
}
const USABLE = new Set(['available', 'storage-optimization']);
const DEAD = new Set([
    'failed',
    'deleting',
    'deleted',
    'error',
    'incompatible-restore',
    'incompatible-parameters',
]);
/** The entry point from main: real clients, cancellation on SIGINT/SIGTERM. */
async function execute(config) {
    const cancel = (0,aws_src/* cancelOnSignals */.dJ)();
    try {
        await snapshotDatabases(config, defaultDeps(cancel.signal));
    }
    finally {
        cancel.dispose();
    }
}
/**
 * Validate, snapshot, copy, prune and check PITR; then publish outputs, job summary and the report
 * file whatever happened, and throw when anything failed.
 */
async function snapshotDatabases(config, deps) {
    const started = deps.now();
    const report = {
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
        },
        databases: [],
        problems: [],
        warnings: [],
        snapshotArns: [],
        copyArns: [],
        pruned: [],
    };
    let thrown;
    try {
        await new Run(config, deps, report, started).go();
    }
    catch (err) {
        const explained = (0,aws_src/* explainAwsError */.Ni)(err);
        report.failure = explained ?? (0,src/* errorMessage */.gJ)(err);
        // An AWS error is an operation failure, not a bug: no stack trace in the debug log.
        thrown =
            explained && !(err instanceof src/* OperationError */.OK) ? new src/* OperationError */.OK(explained, { cause: err }) : err;
    }
    report.finishedAt = deps.now().toISOString();
    rollUp(report);
    let file;
    try {
        file = writeReportFile(report, config.reportDir);
    }
    catch (err) {
        src/* log.warning */.Rm.warning(`could not write the report file: ${(0,src/* errorMessage */.gJ)(err)}`);
    }
    setActionOutputs(report, file);
    buildSummary(report).write();
    (0,src/* emitAnnotations */.KI)(report.warnings.map((message) => ({ level: 'warning', message })));
    if (thrown)
        throw thrown;
    if (report.problems.length) {
        const n = report.problems.length;
        const shown = report.problems.slice(0, 3).join('; ');
        throw new src/* OperationError */.OK(n > 3 ? `${shown}; and ${n - 3} more (see the job summary)` : shown);
    }
    return report;
}
class Run {
    config;
    deps;
    report;
    started;
    source;
    deadline;
    /** region -> kind -> manual snapshots listed before anything was made */
    listings = new Map();
    limiters = new Map();
    constructor(config, deps, report, started) {
        this.config = config;
        this.deps = deps;
        this.report = report;
        this.started = started;
        this.source = deps.rds(config.region);
        this.deadline = started.getTime() + config.timeoutMs;
    }
    async go() {
        const plans = await src/* log.group */.Rm.group('Checking the databases, keys and quotas', () => this.preflight());
        await src/* log.group */.Rm.group('Checking point-in-time restore', () => this.checkPitr(plans));
        await Promise.all(plans.map((p) => this.snapshotOne(p)));
        for (const p of plans)
            for (const e of p.record.errors)
                this.report.problems.push(e);
        for (const p of plans)
            for (const f of p.record.pitr?.findings ?? [])
                this.report.problems.push(f);
    }
    // ---------------------------------------------------------------- validation (no changes in AWS)
    async preflight() {
        const { config } = this;
        const [instances, clusters] = await Promise.all([
            config.instances.length ? describeDatabases(this.source, 'instance', config.instances) : [],
            config.clusters.length ? describeDatabases(this.source, 'cluster', config.clusters) : [],
        ]);
        const problems = [];
        const found = [];
        const check = (kind, ids, dbs) => {
            const input = kind === 'instance' ? inputs/* INPUT */.bO.instances : inputs/* INPUT */.bO.clusters;
            const noun = kind === 'instance' ? 'DB instance' : 'DB cluster';
            for (const id of ids) {
                const db = dbs.find((d) => d.id.toLowerCase() === id);
                if (!db) {
                    const other = kind === 'instance'
                        ? `, or list it under ${inputs/* INPUT */.bO.clusters} if it is a cluster`
                        : `, or list it under ${inputs/* INPUT */.bO.instances} if it is an instance`;
                    problems.push({
                        input,
                        text: `input "${input}": there is no ${noun} ${(0,src/* quote */.hD)(id)} in ${config.region}: check the name and the region${other}`,
                    });
                }
                else if (db.clusterId) {
                    problems.push({
                        input,
                        text: `input "${input}": ${id} belongs to the cluster ${db.clusterId}, whose storage is snapshotted as a whole: list ${db.clusterId} under ${inputs/* INPUT */.bO.clusters} instead`,
                    });
                }
                else if (!USABLE.has(db.status)) {
                    problems.push({
                        input,
                        text: `input "${input}": ${noun} ${id} is ${(0,src/* quote */.hD)(db.status)}, and a snapshot needs it available: run again once it is available, or leave it out`,
                    });
                }
                else
                    found.push(db);
            }
        };
        check('instance', config.instances, instances);
        check('cluster', config.clusters, clusters);
        const encrypted = found.filter((d) => d.encrypted);
        if (encrypted.length && config.copyRegions.length) {
            const names = encrypted.map((d) => d.id).join(', ');
            const missing = config.copyRegions.filter((r) => !config.copyKmsKeys[r]);
            for (const region of missing)
                problems.push({
                    input: inputs/* INPUT */.bO.copyKmsKeys,
                    text: `input "${inputs/* INPUT */.bO.copyKmsKeys}" has no key for ${region}, and ${names} ${encrypted.length === 1 ? 'is' : 'are'} encrypted: add ${region}=<KMS key ARN or alias/name in ${region}>`,
                });
            const keyed = config.copyRegions.filter((r) => config.copyKmsKeys[r]);
            const keyProblems = await Promise.all(keyed.map((r) => this.checkKey(r, config.copyKmsKeys[r])));
            for (const p of keyProblems)
                if (p)
                    problems.push({ input: inputs/* INPUT */.bO.copyKmsKeys, text: p });
        }
        if (problems.length) {
            const text = problems.length === 1
                ? problems[0].text
                : `${problems.length} problems: ${problems.map((p) => p.text).join('; ')}`;
            throw new src/* ConfigurationError */.j1(text, problems[0].input);
        }
        // One listing per region and kind: the quota count, the re-run lookup and the pruning candidates.
        const kinds = [...new Set(found.map((d) => d.kind))];
        const regions = [config.region, ...config.copyRegions];
        await Promise.all(regions.flatMap((region) => kinds.map(async (kind) => {
            const list = await listManualSnapshots(this.deps.rds(region), kind);
            if (!this.listings.has(region))
                this.listings.set(region, new Map());
            this.listings.get(region).set(kind, list);
        })));
        const stamp = this.started;
        const plans = found.map((db) => {
            const scope = { database: db.id, sourceRegion: config.region, prefix: config.prefix };
            const existing = this.listing(config.region, db.kind).find((s) => inScope(s.tags, scope) && fromRun(s.tags, config.run) && !DEAD.has(s.status));
            const record = {
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
        // Quota: 100 manual snapshots per region and kind unless raised.
        const quotaProblems = [];
        for (const kind of kinds) {
            const mine = plans.filter((p) => p.db.kind === kind);
            const newHere = mine.filter((p) => !p.existing).length;
            const check = (region, adding) => {
                const have = this.listing(region, kind).length;
                if (adding > 0 && have + adding > config.quota)
                    quotaProblems.push(`${region} has ${have} manual DB ${kind} snapshots; ${adding} more would pass the quota of ${config.quota}: ` +
                        `delete old manual snapshots (or prune with retention-days), or raise the quota and set ${inputs/* INPUT */.bO.quota}`);
            };
            check(config.region, newHere);
            for (const region of config.copyRegions)
                check(region, mine.filter((p) => !this.listing(region, kind).some((s) => s.id === p.id)).length);
        }
        if (quotaProblems.length)
            throw new src/* OperationError */.OK(quotaProblems.join('; '));
        for (const p of plans)
            src/* log.info */.Rm.info(`${p.db.id}: ${p.db.kind} ${p.db.status}${p.db.encrypted ? ', encrypted' : ''}; snapshot ${p.id}${p.existing ? ' (made earlier by this run attempt: reusing it)' : ''}`);
        return plans;
    }
    async checkKey(region, key) {
        try {
            const r = await this.deps.kms(region).send(new dist_cjs/* DescribeKeyCommand */.spV({ KeyId: key }));
            const state = r.KeyMetadata?.KeyState;
            if (state && state !== 'Enabled')
                return `input "${inputs/* INPUT */.bO.copyKmsKeys}": the key ${(0,src/* quote */.hD)(key)} in ${region} is ${state}: enable it or name another key`;
            return undefined;
        }
        catch (err) {
            if (isNotFound(err))
                return `input "${inputs/* INPUT */.bO.copyKmsKeys}": there is no KMS key ${(0,src/* quote */.hD)(key)} in ${region}: name a key (ARN, id or alias/name) that exists in ${region}`;
            throw err;
        }
    }
    /** After a cancel nothing new is started: no snapshot, no copy, no delete. */
    stopIfCancelled(what) {
        const signal = this.deps.signal;
        if (signal?.aborted)
            throw new src/* OperationError */.OK(`cancelled (${String(signal.reason ?? 'aborted')}) before ${what}`);
    }
    listing(region, kind) {
        return this.listings.get(region)?.get(kind) ?? [];
    }
    // ---------------------------------------------------------------- PITR
    async checkPitr(plans) {
        const now = this.deps.now();
        await Promise.all(plans.map(async (p) => {
            const replicas = await Promise.all(p.db.replicationArns.map(async (arn) => {
                const region = (0,aws_src/* parseArn */.Lw)(arn)?.region ?? '';
                try {
                    const w = await describeReplicatedBackup(this.deps.rds(region), arn);
                    return w
                        ? {
                            region,
                            arn,
                            latestTime: w.latestTime,
                            error: w.latestTime ? undefined : 'it reports no restore window',
                        }
                        : { region, arn, error: 'it was not found' };
                }
                catch (err) {
                    return { region, arn, error: (0,aws_src/* explainAwsError */.Ni)(err) ?? (0,src/* errorMessage */.gJ)(err) };
                }
            }));
            const result = evaluatePitr({
                database: p.db.id,
                kind: p.db.kind,
                backupRetentionPeriod: p.db.backupRetentionPeriod,
                latestRestorableTime: p.db.latestRestorableTime,
                replicas,
                copyRegions: this.config.copyRegions,
            }, now, this.config.maxRpoMs);
            p.record.pitr = result;
            this.report.warnings.push(...result.warnings);
            const lag = result.lagSeconds === undefined ? '' : `lag ${(0,src/* formatDuration */.a3)(result.lagSeconds * 1000)}`;
            if (result.findings.length)
                for (const f of result.findings)
                    src/* log.info */.Rm.info(`${p.db.id}: ✗ ${f}`);
            else
                src/* log.info */.Rm.info(`${p.db.id}: ✓ ${lag} within max-rpo ${(0,src/* formatDuration */.a3)(this.config.maxRpoMs)}`);
            for (const n of result.notes)
                src/* log.info */.Rm.info(`${p.db.id}: ${n}`);
        }));
    }
    // ---------------------------------------------------------------- snapshot, copy, prune
    async snapshotOne(p) {
        const { config } = this;
        let snap;
        try {
            snap = await this.createOrReuse(p);
            p.record.snapshot = {
                id: snap.id,
                arn: snap.arn,
                status: snap.status,
                reused: Boolean(p.existing),
                createdAt: snap.createdAt?.toISOString(),
            };
            if (snap.status !== 'available' && (config.wait || config.copyRegions.length)) {
                snap = await this.waitAvailable(config.region, snap, p.db.id);
                p.record.snapshot.status = snap.status;
                p.record.snapshot.arn = snap.arn || p.record.snapshot.arn;
                p.record.snapshot.createdAt = snap.createdAt?.toISOString() ?? p.record.snapshot.createdAt;
            }
        }
        catch (err) {
            p.record.errors.push(`${p.db.id}: snapshot ${p.id} failed: ${(0,aws_src/* explainAwsError */.Ni)(err) ?? (0,src/* errorMessage */.gJ)(err)}`);
            return; // no new safety net: copy nothing and prune nothing for this database
        }
        const copies = await Promise.all(config.copyRegions.map((region) => this.copyOne(p, snap, region)));
        p.record.copies = copies.map((c) => c.record);
        if (config.retentionDays === undefined)
            return;
        if (this.deps.signal?.aborted) {
            p.record.errors.push(`${p.db.id}: not pruned: the run was cancelled`);
            return;
        }
        await this.prune(p, config.region, snap);
        for (const c of copies)
            if (c.snapshot)
                await this.prune(p, c.record.region, c.snapshot);
    }
    async createOrReuse(p) {
        if (p.existing) {
            src/* log.info */.Rm.info(`${p.db.id}: reusing ${p.existing.id} (${p.existing.status}) made earlier by this run attempt`);
            return p.existing;
        }
        const { config } = this;
        this.stopIfCancelled(`snapshotting ${p.db.id}`);
        const { tags, dropped } = mergeTags(p.db.tags, config.tags, provenanceTags(p.scope, config.run));
        if (dropped.length) {
            p.record.droppedTags = dropped;
            this.report.warnings.push(`${p.db.id}: ${dropped.length} of its own tags did not fit on the snapshot (RDS allows 50): ${dropped.join(', ')}`);
        }
        try {
            const snap = await createSnapshot(this.source, p.db.kind, p.db.id, p.id, tags);
            src/* log.info */.Rm.info(`${p.db.id}: requested snapshot ${snap.id} (${snap.status})`);
            return snap;
        }
        catch (err) {
            if (!isAlreadyExists(err))
                throw err;
            // A retried request may have been served already: reuse it if it is ours from this attempt.
            const found = await describeSnapshot(this.source, p.db.kind, p.id);
            if (found && inScope(found.tags, p.scope) && fromRun(found.tags, config.run)) {
                p.existing = found;
                src/* log.info */.Rm.info(`${p.db.id}: ${found.id} already exists from this run attempt: reusing it`);
                return found;
            }
            throw new src/* OperationError */.OK(`a snapshot named ${p.id} already exists in ${config.region} and was not made by this run: change snapshot-prefix`);
        }
    }
    waitAvailable(region, snap, label) {
        const rds = this.deps.rds(region);
        const where = region === this.config.region ? '' : ` in ${region}`;
        return (0,aws_src/* poll */.wt)({
            what: `snapshot ${snap.id}${where} to become available`,
            intervalMs: this.deps.pollIntervalMs,
            jitterMs: this.deps.jitterMs,
            deadline: this.deadline,
            signal: this.deps.signal,
            sleep: this.deps.sleep,
            now: () => this.deps.now().getTime(),
            check: async () => {
                const s = await describeSnapshot(rds, snap.kind, snap.id);
                if (!s)
                    throw new src/* OperationError */.OK(`snapshot ${snap.id}${where} disappeared while waiting for it`);
                if (s.status === 'available')
                    return { done: true, value: s };
                if (DEAD.has(s.status))
                    throw new src/* OperationError */.OK(`snapshot ${snap.id}${where} is ${s.status}`);
                return { done: false, progress: `${s.status}${s.percent !== undefined ? ` ${s.percent}%` : ''}` };
            },
            onProgress: (progress, ms) => src/* log.info */.Rm.info(`${label}: ${snap.id}${where}: ${progress} (${(0,src/* formatDuration */.a3)(ms)} so far)`),
        });
    }
    limiter(region, kind) {
        const key = `${region}/${kind}`;
        if (!this.limiters.has(key))
            this.limiters.set(key, new src/* Limiter */.jG((this.deps.copyLimits ?? COPY_LIMIT)[kind]));
        return this.limiters.get(key);
    }
    async copyOne(p, source, region) {
        const { config } = this;
        const rds = this.deps.rds(region);
        const record = { region, id: p.id, status: 'pending', reused: false };
        const limiter = this.limiter(region, p.db.kind);
        const sameKind = this.report.databases.filter((d) => d.kind === p.db.kind).length;
        // Without `wait`, copies are only awaited when more are queued than may be in flight at once.
        const mustWait = config.wait || sameKind > limiter.max;
        try {
            const snapshot = await limiter.run(async () => {
                let copy = this.listing(region, p.db.kind).find((s) => s.id === p.id && inScope(s.tags, p.scope));
                if (copy && !DEAD.has(copy.status)) {
                    record.reused = true;
                    src/* log.info */.Rm.info(`${p.db.id}: copy ${copy.id} in ${region} exists from this run attempt: reusing it`);
                }
                else {
                    this.stopIfCancelled(`copying ${p.id} to ${region}`);
                    try {
                        copy = await copySnapshot(rds, p.db.kind, source.arn, p.id, p.db.encrypted ? config.copyKmsKeys[region] : undefined);
                        src/* log.info */.Rm.info(`${p.db.id}: copying ${p.id} to ${region} (${copy.status})`);
                    }
                    catch (err) {
                        if (!isAlreadyExists(err))
                            throw err;
                        copy = await describeSnapshot(rds, p.db.kind, p.id);
                        if (!copy || !inScope(copy.tags, p.scope))
                            throw new src/* OperationError */.OK(`a snapshot named ${p.id} already exists in ${region} and is not ours`);
                        record.reused = true;
                    }
                }
                if (mustWait && copy.status !== 'available')
                    copy = await this.waitAvailable(region, copy, p.db.id);
                return copy;
            });
            record.arn = snapshot.arn;
            record.status = snapshot.status;
            return { record, snapshot };
        }
        catch (err) {
            record.error = (0,aws_src/* explainAwsError */.Ni)(err) ?? (0,src/* errorMessage */.gJ)(err);
            record.status = 'failed';
            p.record.errors.push(`${p.db.id}: copy to ${region} failed: ${record.error}`);
            return { record };
        }
    }
    async prune(p, region, current) {
        const listed = this.listing(region, p.db.kind).filter((s) => s.id !== current.id);
        const plan = planPrune([...listed, current], {
            scope: p.scope,
            retentionDays: this.config.retentionDays,
            keepLast: this.config.keepLast,
            now: this.deps.now(),
            protect: new Set([current.id]),
        });
        const rds = this.deps.rds(region);
        for (const s of plan.remove) {
            try {
                await deleteSnapshot(rds, p.db.kind, s.id);
                p.record.pruned.push({ region, id: s.id, arn: s.arn, createdAt: s.createdAt?.toISOString() });
                src/* log.info */.Rm.info(`${p.db.id}: pruned ${s.id} in ${region} (taken ${s.createdAt?.toISOString()})`);
            }
            catch (err) {
                if (isNotFound(err))
                    continue; // someone else deleted it meanwhile
                p.record.errors.push(`${p.db.id}: pruning ${s.id} in ${region} failed: ${(0,aws_src/* explainAwsError */.Ni)(err) ?? (0,src/* errorMessage */.gJ)(err)}`);
            }
        }
        if (!plan.remove.length)
            src/* log.info */.Rm.info(`${p.db.id}: nothing to prune in ${region} (${plan.keep.length} of ours kept, keep-last ${this.config.keepLast})`);
    }
}


/***/ })

};
