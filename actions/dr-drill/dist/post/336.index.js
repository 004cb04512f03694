export const id = 336;
export const ids = [336];
export const modules = {

/***/ 2336:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  postCleanup: () => (/* binding */ postCleanup)
});

// UNUSED EXPORTS: failback

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: ./packages/action-kit/src/index.ts + 9 modules
var src = __webpack_require__(9855);
;// CONCATENATED MODULE: ./packages/aws/src/version.ts
/** The suite's version (lerna fixed mode); a unit test keeps it equal to lerna.json. */
const SUITE_VERSION = '1.0.0';

;// CONCATENATED MODULE: ./packages/aws/src/clients.ts


const CALL_INFO = Symbol.for('oaktree.aws.callInfo');
/** Regions look like `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`, `ap-southeast-7`. */
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/** The region to use, or a configuration error naming the input to set. */
function resolveRegion(explicit, env = process.env, input = 'region') {
    const region = explicit?.trim() || env.AWS_REGION || env.AWS_DEFAULT_REGION;
    if (!region)
        throw new src/* ConfigurationError */.j1(`no AWS region: set the "${input}" input or AWS_REGION (aws-actions/configure-aws-credentials sets it)`, input);
    if (!REGION_PATTERN.test(region))
        throw new src/* ConfigurationError */.j1(`input "${input}" is "${region}": expected an AWS region such as us-east-1`, input);
    return region;
}
/**
 * Build an SDK v3 client the same way everywhere: region from the input or the environment, adaptive
 * retry with a bounded number of attempts, and `oaktree-actions/<version> <action>` in the user agent.
 * Endpoints come only from the SDK's own AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> variables.
 * Errors carry {service, operation, region} so the explainer can name the missing IAM action.
 */
function createClient(Ctor, opts) {
    const region = resolveRegion(opts.region, opts.env);
    const client = new Ctor({
        region,
        maxAttempts: opts.maxAttempts ?? 6,
        retryMode: 'adaptive',
        customUserAgent: `oaktree-actions/${SUITE_VERSION} ${opts.action}`,
    });
    client.middlewareStack.add((next, context) => async (args) => {
        try {
            return await next(args);
        }
        catch (err) {
            if (err && typeof err === 'object') {
                const info = {
                    service: (context.clientName ?? '').replace(/Client$/, ''),
                    operation: (context.commandName ?? '').replace(/Command$/, ''),
                    region,
                };
                Object.defineProperty(err, CALL_INFO, { value: info, enumerable: false, configurable: true });
            }
            throw err;
        }
    }, { step: 'initialize', name: 'oaktreeCallInfo', priority: 'high' });
    return client;
}
/** The call facts attached to an error by a client from createClient. */
function callInfo(err) {
    return err && typeof err === 'object' ? err[CALL_INFO] : undefined;
}

;// CONCATENATED MODULE: ./packages/aws/src/poller.ts

class poller_PollTimeoutError extends src/* OperationError */.OK {
    what;
    waitedMs;
    lastProgress;
    constructor(what, waitedMs, lastProgress) {
        super(`timed out after ${(0,src/* formatDuration */.a3)(waitedMs)} waiting for ${what}` +
            (lastProgress ? ` (last seen: ${lastProgress})` : ''));
        this.what = what;
        this.waitedMs = waitedMs;
        this.lastProgress = lastProgress;
    }
}
class poller_PollCancelledError extends src/* OperationError */.OK {
    what;
    reason;
    constructor(what, reason) {
        super(`cancelled (${String(reason ?? 'aborted')}) while waiting for ${what}`);
        this.what = what;
        this.reason = reason;
    }
}
/** Sleep that wakes early (resolving) when the signal aborts. */
function poller_sleep(ms, signal) {
    return new Promise((resolve) => {
        if (signal?.aborted || ms <= 0)
            return resolve();
        const timer = setTimeout(done, ms);
        function done() {
            clearTimeout(timer);
            signal?.removeEventListener('abort', done);
            resolve();
        }
        signal?.addEventListener('abort', done, { once: true });
    });
}
/**
 * Poll until `check` says done, the deadline passes or the signal aborts. Unlike the SDK waiters
 * (which back off to 120 s between polls) the interval stays fixed, so a final state is seen within
 * one interval, and progress is reported as it changes.
 */
async function poll(opts) {
    const now = opts.now ?? Date.now;
    const random = opts.random ?? Math.random;
    const doSleep = opts.sleep ?? poller_sleep;
    const start = now();
    let last;
    for (let attempt = 1;; attempt++) {
        if (opts.signal?.aborted)
            throw new poller_PollCancelledError(opts.what, opts.signal.reason);
        const result = await opts.check(attempt);
        if (result.done)
            return result.value;
        if (result.progress !== undefined && result.progress !== last) {
            last = result.progress;
            opts.onProgress?.(result.progress, now() - start);
        }
        if (opts.signal?.aborted)
            throw new poller_PollCancelledError(opts.what, opts.signal.reason);
        let wait = opts.intervalMs + Math.floor(random() * (opts.jitterMs ?? 0));
        if (opts.deadline !== undefined) {
            const left = opts.deadline - now();
            if (left <= 0)
                throw new poller_PollTimeoutError(opts.what, now() - start, last);
            wait = Math.min(wait, left);
        }
        await doSleep(wait, opts.signal);
    }
}

;// CONCATENATED MODULE: ./packages/aws/src/explain.ts

const ACCESS_DENIED = new Set([
    'AccessDenied',
    'AccessDeniedException',
    'UnauthorizedOperation',
    'AuthorizationError',
    'UnauthorizedException',
    'AccessDeniedFault',
]);
const BAD_CREDENTIALS = new Set([
    'InvalidClientTokenId',
    'UnrecognizedClientException',
    'SignatureDoesNotMatch',
]);
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired']);
/** The IAM service prefix for an SDK client name (`RDS` -> `rds`, `ElasticLoadBalancingV2` -> ...). */
function iamPrefix(service) {
    const special = {
        ElasticLoadBalancingV2: 'elasticloadbalancing',
        CloudWatch: 'cloudwatch',
        CodeDeploy: 'codedeploy',
    };
    return special[service] ?? service.toLowerCase();
}
/**
 * Turn an AWS SDK error into a one-line explanation. Access-denied errors name the IAM action that
 * is missing (from the message when AWS says it, else from the call that failed) and the resource.
 * Returns undefined for things that are not AWS errors.
 */
function explainAwsError(err) {
    if (!err || typeof err !== 'object')
        return undefined;
    const e = err;
    const name = e.Code ?? e.name ?? '';
    const message = (e.message ?? '').replace(/\s+/g, ' ').trim();
    const info = callInfo(err);
    const call = info ? `${info.service} ${info.operation}` : undefined;
    if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
        return 'no AWS credentials found: add aws-actions/configure-aws-credentials (with role-to-assume) before this step';
    }
    if (ACCESS_DENIED.has(name) || /not authori[sz]ed to perform/i.test(message)) {
        const m = /not authori[sz]ed to perform:? ?([a-z0-9-]+:[A-Za-z0-9*]+)(?: on resource:? ?(\S+))?/i.exec(message);
        const action = m?.[1] ?? (info ? `${iamPrefix(info.service)}:${info.operation}` : undefined);
        const resource = m?.[2]?.replace(/[.,;]+$/, '');
        if (!action)
            return `access denied: ${message}`;
        return (`access denied: the role lacks IAM permission ${action}` +
            (resource ? ` on ${resource}` : '') +
            (info ? ` (region ${info.region})` : '') +
            `; add it to the role's policy (see the action README for the minimal policy)`);
    }
    if (BAD_CREDENTIALS.has(name)) {
        return `the AWS credentials were rejected (${name}${call ? ` on ${call}` : ''}): check the role or keys configured before this step`;
    }
    if (EXPIRED.has(name)) {
        return `the AWS credentials expired${call ? ` during ${call}` : ''}: raise role-duration-seconds in configure-aws-credentials`;
    }
    if (info)
        return `${call} failed in ${info.region}: ${name}: ${message}`;
    return undefined;
}

;// CONCATENATED MODULE: ./packages/aws/src/index.ts







// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-rds/dist-cjs/index.js
var dist_cjs = __webpack_require__(7202);
;// CONCATENATED MODULE: ./actions/dr-drill/src/aws.ts

const NOT_FOUND = new Set([
    'DBInstanceNotFound',
    'DBInstanceNotFoundFault',
    'DBClusterNotFoundFault',
    'DBClusterNotFound',
    'DBSnapshotNotFound',
    'DBSnapshotNotFoundFault',
    'DBClusterSnapshotNotFoundFault',
    'DBSubnetGroupNotFoundFault',
    'DBParameterGroupNotFound',
    'DBParameterGroupNotFoundFault',
    'GlobalClusterNotFoundFault',
]);
function aws_isNotFound(err) {
    const e = err;
    return NOT_FOUND.has(e?.name ?? '') || NOT_FOUND.has(e?.Code ?? '') || /not ?found/i.test(e?.name ?? '');
}
function httpStatus(err) {
    return err?.$metadata?.httpStatusCode;
}
async function aws_describeInstance(rds, id) {
    try {
        const r = await rds.send(new dist_cjs/* DescribeDBInstancesCommand */.hhJ({ DBInstanceIdentifier: id }));
        return r.DBInstances?.[0];
    }
    catch (err) {
        if (aws_isNotFound(err))
            return undefined;
        throw err;
    }
}
async function aws_describeCluster(rds, id) {
    try {
        const r = await rds.send(new dist_cjs/* DescribeDBClustersCommand */.Kdv({ DBClusterIdentifier: id }));
        return r.DBClusters?.[0];
    }
    catch (err) {
        if (aws_isNotFound(err))
            return undefined;
        throw err;
    }
}
async function listInstances(rds) {
    const out = [];
    let Marker;
    do {
        const r = await rds.send(new dist_cjs/* DescribeDBInstancesCommand */.hhJ({ Marker, MaxRecords: 100 }));
        out.push(...(r.DBInstances ?? []));
        Marker = r.Marker;
    } while (Marker);
    return out;
}
async function listClusters(rds) {
    const out = [];
    let Marker;
    do {
        const r = await rds.send(new dist_cjs/* DescribeDBClustersCommand */.Kdv({ Marker, MaxRecords: 100 }));
        out.push(...(r.DBClusters ?? []));
        Marker = r.Marker;
    } while (Marker);
    return out;
}
/** The region in an ARN (`arn:aws:rds:eu-west-1:...`). */
function aws_arnRegion(arn) {
    return arn ? /^arn:[a-z-]+:[a-z0-9-]+:([a-z0-9-]+):/.exec(arn)?.[1] : undefined;
}
function aws_endpointOf(i) {
    return i?.Endpoint?.Address ? { host: i.Endpoint.Address, port: i.Endpoint.Port ?? 5432 } : undefined;
}

;// CONCATENATED MODULE: ./actions/dr-drill/src/tags.ts
/** Tags every resource the drill creates carries; cleanup only ever touches resources with them. */
const tags_TAG_ID = 'dr-drill-id';
const tags_TAG_EXPIRES = 'dr-drill-expires';
const TAG_REPOSITORY = 'repository';
const TAG_RUN = 'run';
/** `drill-<yyyymmddhhmmss>-<runid>[-a<attempt>]`: sortable, unique per run attempt, a valid DB identifier prefix. */
function tags_makeDrillId(now, runId, runAttempt = '1') {
    const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
    const run = runId.replace(/[^A-Za-z0-9]/g, '').slice(0, 20) || 'local';
    const attempt = runAttempt && runAttempt !== '1' ? `-a${runAttempt.replace(/\D/g, '')}` : '';
    return `drill-${stamp}-${run}${attempt}`.toLowerCase();
}
/** Identifier of a resource the drill creates: the drill id plus its role (`-restore`, `-replica`, ...). */
function tags_resourceId(drillId, role) {
    return `${drillId}-${role}`.slice(0, 63).replace(/-+$/, '');
}
function tags_drillTags(drillId, expiresAt, run) {
    return [
        { Key: tags_TAG_ID, Value: drillId },
        { Key: tags_TAG_EXPIRES, Value: expiresAt.toISOString() },
        { Key: TAG_REPOSITORY, Value: run.repository.slice(0, 256) },
        { Key: TAG_RUN, Value: run.runUrl.slice(0, 256) },
    ];
}
function tags_tagValue(tags, key) {
    return tags?.find((t) => t.Key === key)?.Value;
}

;// CONCATENATED MODULE: ./actions/dr-drill/src/selection.ts

/** Resources of this drill: exactly those whose dr-drill-id tag equals the drill id. */
function ownedBy(drillId, resources) {
    if (!drillId)
        return [];
    return resources.filter((r) => tags_tagValue(r.tags, tags_TAG_ID) === drillId);
}
/**
 * Is a resource left by an earlier drill and safe to delete now? Only resources with a dr-drill-id tag
 * (not this drill's) qualify. A dr-drill-expires time in the past makes it an orphan; without a valid
 * expiry, it must be older than the TTL. Younger ones may belong to a drill running right now.
 */
function orphanVerdict(r, now, ttlHours, currentDrillId) {
    const id = tagValue(r.tags, TAG_ID);
    if (!id)
        return { orphan: false, reason: 'not a drill resource' };
    if (id === currentDrillId)
        return { orphan: false, reason: 'belongs to this drill' };
    const expires = tagValue(r.tags, TAG_EXPIRES);
    const expiresAt = expires ? Date.parse(expires) : NaN;
    if (Number.isFinite(expiresAt)) {
        return expiresAt < now.getTime()
            ? { orphan: true, reason: `expired at ${new Date(expiresAt).toISOString()}` }
            : { orphan: false, reason: `expires at ${new Date(expiresAt).toISOString()}` };
    }
    if (!r.createdAt)
        return { orphan: false, reason: 'no expiry tag and no creation time' };
    const ageH = (now.getTime() - r.createdAt.getTime()) / 3_600_000;
    return ageH > ttlHours
        ? { orphan: true, reason: `no expiry tag, created ${ageH.toFixed(1)} h ago (ttl ${ttlHours} h)` }
        : { orphan: false, reason: `no expiry tag, only ${ageH.toFixed(1)} h old (ttl ${ttlHours} h)` };
}
function selection_selectOrphans(resources, now, ttlHours, currentDrillId) {
    const orphans = [];
    const spared = [];
    for (const r of resources) {
        if (!tagValue(r.tags, TAG_ID))
            continue; // foreign: never listed, never touched
        const v = orphanVerdict(r, now, ttlHours, currentDrillId);
        (v.orphan ? orphans : spared).push({ ...r, reason: v.reason });
    }
    return { orphans, spared };
}
/** Deletion order: instances (cluster members first) before clusters. */
function deletionOrder(resources) {
    const rank = (r) => (r.kind === 'instance' ? (r.clusterId ? 0 : 1) : 2);
    return [...resources].sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id));
}

;// CONCATENATED MODULE: ./actions/dr-drill/src/cleanup.ts





function instanceCandidate(i, region) {
    return {
        kind: 'instance',
        id: i.DBInstanceIdentifier ?? '',
        arn: i.DBInstanceArn ?? `instance:${i.DBInstanceIdentifier}`,
        region,
        tags: i.TagList ?? [],
        createdAt: i.InstanceCreateTime ? new Date(i.InstanceCreateTime) : undefined,
        status: i.DBInstanceStatus,
        clusterId: i.DBClusterIdentifier,
        deletionProtection: i.DeletionProtection,
    };
}
function clusterCandidate(c, region) {
    return {
        kind: 'cluster',
        id: c.DBClusterIdentifier ?? '',
        arn: c.DBClusterArn ?? `cluster:${c.DBClusterIdentifier}`,
        region,
        tags: c.TagList ?? [],
        createdAt: c.ClusterCreateTime ? new Date(c.ClusterCreateTime) : undefined,
        status: c.Status,
        deletionProtection: c.DeletionProtection,
    };
}
/** Every instance and cluster in a region, as cleanup candidates. */
async function listCandidates(rds, region) {
    const [instances, clusters] = await Promise.all([listInstances(rds), listClusters(rds)]);
    return [
        ...instances.map((i) => instanceCandidate(i, region)),
        ...clusters.map((c) => clusterCandidate(c, region)),
    ];
}
async function describeCandidate(rds, c) {
    if (c.kind === 'instance') {
        const i = await aws_describeInstance(rds, c.id);
        return i ? instanceCandidate(i, c.region) : undefined;
    }
    const cl = await aws_describeCluster(rds, c.id);
    return cl ? clusterCandidate(cl, c.region) : undefined;
}
/**
 * Delete one resource after checking, on a fresh describe, that it still carries the expected
 * dr-drill-id tag (`expectId`) or any drill id (orphans). Deletion protection is turned off only on such
 * a resource. Returns 'gone' when it no longer exists, 'deleting' when the delete was accepted.
 */
async function deleteOne(rds, c, expectId) {
    const fresh = await describeCandidate(rds, c);
    if (!fresh)
        return 'gone';
    const id = tags_tagValue(fresh.tags, tags_TAG_ID);
    const ok = typeof expectId === 'string' ? id === expectId : id !== undefined && expectId(id);
    if (!ok)
        throw new Error(`refusing to delete ${c.arn}: its ${tags_TAG_ID} tag is ${JSON.stringify(id ?? null)}`);
    if (fresh.status === 'deleting')
        return 'deleting';
    try {
        if (c.kind === 'instance') {
            if (fresh.deletionProtection)
                await rds.send(new dist_cjs/* ModifyDBInstanceCommand */.R1U({
                    DBInstanceIdentifier: c.id,
                    DeletionProtection: false,
                    ApplyImmediately: true,
                }));
            const member = Boolean(fresh.clusterId);
            await rds.send(new dist_cjs/* DeleteDBInstanceCommand */.Yvh(member
                ? { DBInstanceIdentifier: c.id }
                : { DBInstanceIdentifier: c.id, SkipFinalSnapshot: true, DeleteAutomatedBackups: true }));
        }
        else {
            if (fresh.deletionProtection)
                await rds.send(new dist_cjs/* ModifyDBClusterCommand */.gSX({
                    DBClusterIdentifier: c.id,
                    DeletionProtection: false,
                    ApplyImmediately: true,
                }));
            await rds.send(new dist_cjs/* DeleteDBClusterCommand */.Xi9({
                DBClusterIdentifier: c.id,
                SkipFinalSnapshot: true,
                DeleteAutomatedBackups: true,
            }));
        }
    }
    catch (err) {
        if (aws_isNotFound(err))
            return 'gone';
        if (err.name === 'InvalidDBInstanceStateFault' ||
            err.name === 'InvalidDBClusterStateFault') {
            const again = await describeCandidate(rds, c);
            if (!again)
                return 'gone';
            if (again.status === 'deleting')
                return 'deleting';
        }
        // A 5xx may still have deleted it (moto answers 500 for cross-region replicas): look before failing.
        if ((httpStatus(err) ?? 0) >= 500 && !(await describeCandidate(rds, c)))
            return 'gone';
        throw err;
    }
    return 'deleting';
}
/** Wait until a resource is gone. */
async function waitGone(deps, rds, c, deadline, intervalMs, signal) {
    for (;;) {
        if (!(await describeCandidate(rds, c)))
            return true;
        if (deps.now() >= deadline || signal?.aborted)
            return false;
        await deps.sleep(Math.min(intervalMs, Math.max(0, deadline - deps.now())), signal);
    }
}
/** Delete a set of drill resources in a safe order; never throws, reports what was left. */
async function deleteAll(deps, targets, opts) {
    const out = { deleted: [], left: [], spared: [] };
    const ordered = deletionOrder(targets);
    const pending = [];
    const clusterIds = new Set(ordered.filter((c) => c.kind === 'cluster').map((c) => `${c.region}/${c.id}`));
    for (const c of ordered) {
        const rds = deps.rds(c.region);
        try {
            if (c.kind === 'cluster') {
                // Members must be gone before the cluster can go.
                for (const m of pending.filter((p) => p.kind === 'instance' && p.clusterId === c.id && p.region === c.region)) {
                    if (!(await waitGone(deps, rds, m, opts.deadline, opts.intervalMs, opts.signal))) {
                        throw new Error(`member ${m.id} is still being deleted`);
                    }
                }
            }
            const r = await deleteOne(rds, c, opts.expectId);
            deps.log.info(`  ${r === 'gone' ? 'already gone' : 'deleting'}: ${c.kind} ${c.id} (${c.region})${c.reason ? ` - ${c.reason}` : ''}`);
            if (r === 'gone')
                out.deleted.push({ arn: c.arn, kind: c.kind, region: c.region, reason: c.reason });
            else
                pending.push(c);
        }
        catch (err) {
            out.left.push({ arn: c.arn, kind: c.kind, region: c.region, error: (0,src/* errorMessage */.gJ)(err) });
        }
    }
    for (const c of pending) {
        const mustWait = opts.wait || (c.kind === 'instance' && c.clusterId && clusterIds.has(`${c.region}/${c.clusterId}`));
        if (!mustWait) {
            out.deleted.push({ arn: c.arn, kind: c.kind, region: c.region, reason: c.reason });
            continue;
        }
        try {
            if (await waitGone(deps, deps.rds(c.region), c, opts.deadline, opts.intervalMs, opts.signal))
                out.deleted.push({ arn: c.arn, kind: c.kind, region: c.region, reason: c.reason });
            else
                out.left.push({
                    arn: c.arn,
                    kind: c.kind,
                    region: c.region,
                    error: 'still deleting when the cleanup timed out',
                });
        }
        catch (err) {
            out.left.push({ arn: c.arn, kind: c.kind, region: c.region, error: (0,src/* errorMessage */.gJ)(err) });
        }
    }
    return out;
}
/** Find everything tagged with this drill id in the given regions and delete it, waiting until gone. */
async function cleanup_cleanupDrill(deps, drillId, regions, opts) {
    const found = [];
    const left = [];
    for (const region of [...new Set(regions)]) {
        try {
            found.push(...ownedBy(drillId, await listCandidates(deps.rds(region), region)));
        }
        catch (err) {
            left.push({ arn: `(could not list ${region})`, kind: 'region', region, error: (0,src/* errorMessage */.gJ)(err) });
        }
    }
    const r = await deleteAll(deps, found, {
        expectId: drillId,
        wait: opts.wait ?? true,
        deadline: opts.deadline,
        intervalMs: opts.intervalMs,
        signal: opts.signal,
    });
    return { ...r, left: [...left, ...r.left], found: found.length };
}
/** Delete expired resources of earlier drills; younger ones are spared (a drill may be running now). */
async function cleanup_sweepOrphans(deps, regions, opts) {
    const all = [];
    const left = [];
    for (const region of [...new Set(regions)]) {
        try {
            all.push(...(await listCandidates(deps.rds(region), region)));
        }
        catch (err) {
            left.push({ arn: `(could not list ${region})`, kind: 'region', region, error: errorMessage(err) });
        }
    }
    const { orphans, spared } = selectOrphans(all, opts.now, opts.ttlHours, opts.currentDrillId);
    const orphanIds = new Set(orphans.map((o) => tagValue(o.tags, TAG_ID)));
    const r = await deleteAll(deps, orphans, {
        expectId: (id) => orphanIds.has(id) && id !== opts.currentDrillId,
        wait: false,
        deadline: opts.deadline,
        intervalMs: opts.intervalMs,
        signal: opts.signal,
    });
    return { ...r, left: [...left, ...r.left], spared: spared.map((s) => ({ arn: s.arn, reason: s.reason })) };
}

// EXTERNAL MODULE: external "node:dns/promises"
var promises_ = __webpack_require__(1553);
// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(7030);
;// CONCATENATED MODULE: ./actions/dr-drill/src/probes.ts


function withTimeout(p, ms, what) {
    let timer;
    const t = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms}ms`)), ms);
    });
    return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
function isMysql(url) {
    return url.startsWith('mysql:');
}
async function pgClient(url, timeoutMs) {
    const pg = (await __webpack_require__.e(/* import() */ 849).then(__webpack_require__.bind(__webpack_require__, 3849))).default;
    const client = new pg.Client({
        connectionString: url,
        connectionTimeoutMillis: timeoutMs,
        query_timeout: timeoutMs,
        statement_timeout: timeoutMs,
        application_name: 'oaktree-dr-drill',
    });
    client.on('error', () => undefined); // a dropped connection must not crash the drill
    await client.connect();
    return client;
}
async function mysqlConnection(url, timeoutMs) {
    const mysql = (await __webpack_require__.e(/* import() */ 588).then(__webpack_require__.t.bind(__webpack_require__, 7588, 19))).default;
    return mysql.createConnection({ uri: url, connectTimeout: timeoutMs });
}
/** Run a query on a fresh connection and return the rows; the connection is always closed. */
async function runQuery(url, sql, params, timeoutMs) {
    if (isMysql(url)) {
        const conn = await withTimeout(mysqlConnection(url, timeoutMs), timeoutMs + 500, 'mysql connect');
        try {
            const [rows] = await conn.query({ sql, values: params, timeout: timeoutMs });
            return Array.isArray(rows) ? rows : [];
        }
        finally {
            conn.destroy();
        }
    }
    const client = await withTimeout(pgClient(url, timeoutMs), timeoutMs + 500, 'postgres connect');
    try {
        const r = await withTimeout(client.query(sql, params), timeoutMs + 500, 'query');
        return r.rows;
    }
    finally {
        await client.end().catch(() => undefined);
    }
}
const probes_realProber = {
    async lookup(host, timeoutMs) {
        const r = await withTimeout((0,promises_.lookup)(host), timeoutMs, `DNS lookup of ${host}`);
        return r.address;
    },
    tcp(host, port, timeoutMs) {
        return new Promise((resolve, reject) => {
            const s = new external_node_net_.Socket();
            const done = (err) => {
                s.destroy();
                if (err)
                    reject(err);
                else
                    resolve();
            };
            s.setTimeout(timeoutMs, () => done(new Error(`TCP connect to ${host}:${port} timed out after ${timeoutMs}ms`)));
            s.once('error', (e) => done(e));
            s.connect(port, host, () => done());
        });
    },
    async sql(url, query, timeoutMs) {
        await runQuery(url, query, [], timeoutMs);
    },
    async http(url, timeoutMs) {
        const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
        await res.body?.cancel().catch(() => undefined);
        return res.status;
    },
};
/** Fill `{host}` and `{port}` of a URL template with the recovered endpoint. */
function probes_fillEndpoint(template, endpoint) {
    return template.replace(/\{host\}/g, endpoint.host).replace(/\{port\}/g, String(endpoint.port));
}
/** Host and port a URL connects to. */
function probes_urlTarget(url) {
    const u = new URL(url);
    const defaults = {
        'postgres:': 5432,
        'postgresql:': 5432,
        'mysql:': 3306,
        'http:': 80,
        'https:': 443,
    };
    return {
        host: u.hostname.replace(/^\[|\]$/g, ''),
        port: u.port ? Number(u.port) : (defaults[u.protocol] ?? 0),
    };
}
/** A URL for log lines: scheme, host, port and path only, never the credentials or query. */
function probes_describeUrl(url) {
    try {
        const u = new URL(url);
        return `${u.protocol}//${u.host}${u.pathname}`;
    }
    catch {
        return '(unparseable URL)';
    }
}

;// CONCATENATED MODULE: ./actions/dr-drill/src/health.ts


/** One probe attempt: DNS, then TCP, then the SQL query or HTTP request, each marked on first success. */
async function health_probeOnce(spec, endpoint, prober, timeline, now, mask) {
    if (spec.check === 'none')
        return;
    let url;
    let target = endpoint;
    if (spec.check === 'sql') {
        url = fillEndpoint(spec.sqlConnection, endpoint);
        mask(url);
        target = urlTarget(url);
    }
    else if (spec.check === 'http') {
        url = fillEndpoint(spec.httpUrl, endpoint);
        target = urlTarget(url);
    }
    await prober.lookup(target.host, spec.probeTimeoutMs);
    timeline.mark('dns-resolves', now());
    await prober.tcp(target.host, target.port, spec.probeTimeoutMs);
    timeline.mark('tcp-accepts', now());
    if (spec.check === 'sql') {
        await prober.sql(url, spec.sqlQuery, spec.probeTimeoutMs);
        timeline.mark('sql-ok', now());
    }
    else if (spec.check === 'http') {
        const status = await prober.http(url, spec.probeTimeoutMs);
        if (status < 200 || status > 299)
            throw new Error(`${describeUrl(url)} answered HTTP ${status}`);
        timeline.mark('http-ok', now());
    }
}
/** What a health check is aimed at, for log lines (no credentials). */
function health_healthTargetText(spec, endpoint) {
    if (spec.check === 'sql')
        return `SQL on ${describeUrl(fillEndpoint(spec.sqlConnection, endpoint))}`;
    if (spec.check === 'http')
        return `HTTP ${describeUrl(fillEndpoint(spec.httpUrl, endpoint))}`;
    if (spec.check === 'tcp')
        return `TCP ${endpoint.host}:${endpoint.port}`;
    return 'none (RDS status only)';
}
/** Make an error message safe for the log: a connection URL never appears in it. */
function scrub(text, secrets) {
    let out = text;
    for (const s of secrets)
        if (s)
            out = out.split(s).join('***');
    return out.replace(/\b(postgres(?:ql)?|mysql):\/\/[^\s@/]*@/gi, '$1://***@');
}
function health_probeError(err, secrets) {
    return scrub(errorMessage(err), secrets);
}

;// CONCATENATED MODULE: ./actions/dr-drill/src/engine.ts




function engine_enter(ctx, state) {
    ctx.transitions.push({ state, at: ctx.deps.now() });
    ctx.deps.log.info(`[${state}]`);
}
function healthSpec(cfg) {
    return {
        check: cfg.healthCheck,
        sqlConnection: cfg.sqlConnection,
        sqlQuery: cfg.sqlQuery,
        httpUrl: cfg.httpUrl,
        probeTimeoutMs: cfg.probeTimeoutMs,
    };
}
/** Poll interval for short operations (failover, promotion, switchover): close to the probe interval. */
function engine_fastPollMs(cfg) {
    return Math.min(cfg.pollIntervalMs, Math.max(cfg.probeIntervalMs, 1000));
}
/**
 * Wait for one recovery leg: RDS status polls every `pollMs`, health probes every probe interval once
 * the gate opens. The leg ends when RDS says ready and a probe passed; the first passing probe is the
 * end of the RTO. Probes run far more often than status polls, which keeps the RTO error near one
 * probe interval even with slow status polling.
 */
async function engine_recoverLeg(ctx, leg, opts) {
    const { deps, cfg } = ctx;
    const spec = healthSpec(cfg);
    const secrets = [cfg.sqlConnection ?? '', cfg.sourceSqlConnection ?? ''];
    const started = deps.now();
    let nextDescribe = 0;
    let ready = false;
    let endpoint;
    let lastStatus = '';
    let lastProbe = '';
    let announced = false;
    for (;;) {
        if (deps.signal?.aborted)
            throw new PollCancelledError(opts.what, deps.signal.reason);
        if (!ready && deps.now() >= nextDescribe) {
            // Fixed rate: the next status poll is due one interval after this one started.
            nextDescribe = deps.now() + opts.pollMs;
            const o = await opts.describe();
            if (o.endpoint)
                endpoint = o.endpoint;
            if (o.status !== lastStatus) {
                lastStatus = o.status;
                deps.log.info(`  ${opts.what}: ${o.status} after ${formatDuration(deps.now() - started)}`);
            }
            if (o.ready && endpoint) {
                ready = true;
                leg.mark(opts.readyPhase ?? 'available', deps.now(), opts.pollMs);
            }
        }
        const gateOpen = opts.gate === 'endpoint' ? endpoint !== undefined : ready && endpoint !== undefined;
        if (leg.recoveredAt === undefined && gateOpen) {
            if (!announced) {
                announced = true;
                deps.log.info(`  health check: ${healthTargetText(spec, endpoint)}`);
            }
            if (spec.check === 'none') {
                if (ready)
                    leg.recovered(leg.phases.find((p) => p.name === (opts.readyPhase ?? 'available')).at);
            }
            else {
                try {
                    await probeOnce(spec, endpoint, deps.prober, leg, deps.now, deps.mask);
                    leg.recovered(deps.now());
                    deps.log.info(`  health check passed after ${formatDuration(leg.rtoMs)}`);
                }
                catch (err) {
                    const text = probeError(err, secrets);
                    if (text !== lastProbe) {
                        lastProbe = text;
                        deps.log.info(`  health check not yet: ${text}`);
                    }
                }
            }
        }
        if (ready && leg.recoveredAt !== undefined)
            return endpoint;
        const now = deps.now();
        if (now >= ctx.deadline)
            throw new PollTimeoutError(`${opts.what}${ready ? ' to pass its health check' : ''}`, now - started, lastProbe || lastStatus);
        const probing = leg.recoveredAt === undefined && gateOpen && spec.check !== 'none';
        const untilDescribe = ready ? cfg.probeIntervalMs : Math.max(0, nextDescribe - now);
        const wake = probing ? Math.min(cfg.probeIntervalMs, untilDescribe) : untilDescribe;
        await deps.sleep(Math.min(wake, Math.max(0, ctx.deadline - now)), deps.signal);
    }
}
/** Wait for a plain RDS condition (no health check). */
async function engine_waitFor(ctx, what, pollMs, check) {
    const { deps } = ctx;
    const started = deps.now();
    let last = '';
    for (;;) {
        if (deps.signal?.aborted)
            throw new PollCancelledError(what, deps.signal.reason);
        const r = await check();
        if (r.status !== last) {
            last = r.status;
            deps.log.info(`  ${what}: ${r.status} after ${formatDuration(deps.now() - started)}`);
        }
        if (r.done)
            return;
        const now = deps.now();
        if (now >= ctx.deadline)
            throw new PollTimeoutError(what, now - started, last);
        await deps.sleep(Math.min(pollMs, ctx.deadline - now), deps.signal);
    }
}
function tagList(tags) {
    return tags.map((t) => ({ ...t }));
}

;// CONCATENATED MODULE: ./actions/dr-drill/src/snapshots.ts




const TAG_SOURCE_DB = 'oaktree:source-db';
const TAG_SOURCE_REGION = 'oaktree:source-region';
function fromDbSnapshot(s) {
    return {
        id: s.DBSnapshotIdentifier ?? '',
        arn: s.DBSnapshotArn ?? '',
        kind: 'instance',
        status: s.Status ?? '',
        type: s.SnapshotType ?? '',
        sourceDb: s.DBInstanceIdentifier,
        sourceSnapshotArn: s.SourceDBSnapshotIdentifier,
        sourceRegion: s.SourceRegion,
        takenAt: (s.OriginalSnapshotCreateTime ?? s.SnapshotCreateTime)
            ? new Date((s.OriginalSnapshotCreateTime ?? s.SnapshotCreateTime))
            : undefined,
        tags: s.TagList ?? [],
        engine: s.Engine,
        engineVersion: s.EngineVersion,
    };
}
function fromClusterSnapshot(s) {
    return {
        id: s.DBClusterSnapshotIdentifier ?? '',
        arn: s.DBClusterSnapshotArn ?? '',
        kind: 'cluster',
        status: s.Status ?? '',
        type: s.SnapshotType ?? '',
        sourceDb: s.DBClusterIdentifier,
        sourceSnapshotArn: s.SourceDBClusterSnapshotArn,
        takenAt: s.SnapshotCreateTime ? new Date(s.SnapshotCreateTime) : undefined,
        tags: s.TagList ?? [],
        engine: s.Engine,
        engineVersion: s.EngineVersion,
    };
}
/**
 * Is this snapshot (found in the DR region) a snapshot of the source? Same region: a manual snapshot
 * whose DB identifier is the source. Another region: a copy, recognised by rds-snapshot's
 * `oaktree:source-db` tag or by a source snapshot ARN in the source region whose DB identifier matches.
 */
function isSnapshotOf(s, sourceId, sourceRegion, drRegion) {
    if (s.type !== 'manual')
        return false;
    // rds-snapshot also records the source region: a same-named database elsewhere is not the source.
    const taggedRegion = tagValue(s.tags, TAG_SOURCE_REGION);
    if (taggedRegion && taggedRegion !== sourceRegion)
        return false;
    if (sourceRegion === drRegion)
        return s.sourceDb === sourceId || tagValue(s.tags, TAG_SOURCE_DB) === sourceId;
    if (tagValue(s.tags, TAG_SOURCE_DB) === sourceId)
        return true;
    const copiedFrom = s.sourceSnapshotArn ?? '';
    const fromSourceRegion = copiedFrom.includes(`:${sourceRegion}:`) || s.sourceRegion === sourceRegion;
    return fromSourceRegion && s.sourceDb === sourceId;
}
/** The newest available snapshot among those of the source. */
function pickNewest(snaps, sourceId, sourceRegion, drRegion) {
    return snaps
        .filter((s) => s.status === 'available' && s.takenAt && isSnapshotOf(s, sourceId, sourceRegion, drRegion))
        .sort((a, b) => b.takenAt.getTime() - a.takenAt.getTime() || a.id.localeCompare(b.id))[0];
}
async function listSnapshots(rds, kind, sourceId, sameRegion) {
    const out = [];
    let Marker;
    do {
        if (kind === 'instance') {
            const r = await rds.send(new DescribeDBSnapshotsCommand({
                DBInstanceIdentifier: sameRegion ? sourceId : undefined,
                SnapshotType: 'manual',
                Marker,
                MaxRecords: 100,
            }));
            out.push(...(r.DBSnapshots ?? []).map(fromDbSnapshot));
            Marker = r.Marker;
        }
        else {
            const r = await rds.send(new DescribeDBClusterSnapshotsCommand({
                DBClusterIdentifier: sameRegion ? sourceId : undefined,
                SnapshotType: 'manual',
                Marker,
                MaxRecords: 100,
            }));
            out.push(...(r.DBClusterSnapshots ?? []).map(fromClusterSnapshot));
            Marker = r.Marker;
        }
    } while (Marker);
    return out;
}
/** Find the snapshot to restore in the DR region; a ConfigurationError when there is none. */
async function snapshots_findSnapshot(rds, opts) {
    if (opts.explicit) {
        let found;
        try {
            if (opts.kind === 'instance') {
                const r = await rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: opts.explicit }));
                found = r.DBSnapshots?.[0] && fromDbSnapshot(r.DBSnapshots[0]);
            }
            else {
                const r = await rds.send(new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: opts.explicit }));
                found = r.DBClusterSnapshots?.[0] && fromClusterSnapshot(r.DBClusterSnapshots[0]);
            }
        }
        catch (err) {
            if (!isNotFound(err))
                throw err;
        }
        if (!found)
            throw new ConfigurationError(`input "snapshot-identifier" is "${opts.explicit}": no such ${opts.kind === 'cluster' ? 'cluster ' : ''}snapshot in ${opts.drRegion}`, 'snapshot-identifier');
        if (found.status !== 'available')
            throw new ConfigurationError(`input "snapshot-identifier" is "${opts.explicit}": the snapshot is ${found.status}, not available`, 'snapshot-identifier');
        return found;
    }
    const same = opts.sourceRegion === opts.drRegion;
    const snap = pickNewest(await listSnapshots(rds, opts.kind, opts.sourceId, same), opts.sourceId, opts.sourceRegion, opts.drRegion);
    if (!snap)
        throw new ConfigurationError(`input "snapshot-identifier" is empty and ${opts.drRegion} has no available manual snapshot of ${opts.sourceId}` +
            (same ? '' : ` copied from ${opts.sourceRegion}`) +
            ': take one (the rds-snapshot action, with copy-to-regions for another region) or name one in snapshot-identifier', 'snapshot-identifier');
    return snap;
}

;// CONCATENATED MODULE: ./actions/dr-drill/src/scenarios.ts







const sourceInput = (cfg) => cfg.source.kind === 'instance' ? 'source-db-instance' : 'source-db-cluster';
async function loadSourceInstance(cfg, rds) {
    const i = await describeInstance(rds, cfg.source.id);
    if (!i)
        throw new ConfigurationError(`input "source-db-instance" is "${cfg.source.id}": no such DB instance in ${cfg.sourceRegion} (check source-region)`, 'source-db-instance');
    if (i.DBClusterIdentifier)
        throw new ConfigurationError(`input "source-db-instance" is "${cfg.source.id}": it belongs to cluster ${i.DBClusterIdentifier}; set source-db-cluster instead`, 'source-db-instance');
    if (i.ReadReplicaSourceDBInstanceIdentifier &&
        cfg.scenario === 'replica-promote' &&
        !i.ReadReplicaSourceDBInstanceIdentifier.endsWith(`:${cfg.source.id}`)) {
        // A replica as the source of replica-promote would chain replicas; RDS allows it only for some engines.
        throw new ConfigurationError(`input "source-db-instance" is "${cfg.source.id}": it is itself a read replica of ${i.ReadReplicaSourceDBInstanceIdentifier}; name the primary`, 'source-db-instance');
    }
    return i;
}
async function loadSourceCluster(cfg, rds) {
    const c = await describeCluster(rds, cfg.source.id);
    if (!c)
        throw new ConfigurationError(`input "source-db-cluster" is "${cfg.source.id}": no such DB cluster in ${cfg.sourceRegion} (check source-region)`, 'source-db-cluster');
    return c;
}
async function subnetGroupExists(rds, name) {
    try {
        await rds.send(new DescribeDBSubnetGroupsCommand({ DBSubnetGroupName: name }));
        return true;
    }
    catch (err) {
        if (isNotFound(err))
            return false;
        throw err;
    }
}
async function parameterGroupExists(rds, name) {
    try {
        await rds.send(new DescribeDBParameterGroupsCommand({ DBParameterGroupName: name }));
        return true;
    }
    catch (err) {
        if (isNotFound(err))
            return false;
        throw err;
    }
}
/**
 * Configuration parity: the recovered database gets the source's class, subnet group, security groups
 * and parameter group unless inputs say otherwise. Across regions only what exists there by the same
 * name can be reused; explicit inputs are checked to exist before anything is created.
 */
async function parity(cfg, dr, src) {
    const same = cfg.sourceRegion === cfg.drRegion;
    const notes = [];
    const p = { notes, DBInstanceClass: cfg.instanceClass ?? src.instanceClass };
    if (cfg.dbSubnetGroup) {
        if (!(await subnetGroupExists(dr, cfg.dbSubnetGroup)))
            throw new ConfigurationError(`input "db-subnet-group" is "${cfg.dbSubnetGroup}": no such DB subnet group in ${cfg.drRegion}`, 'db-subnet-group');
        p.DBSubnetGroupName = cfg.dbSubnetGroup;
    }
    else if (src.subnetGroup && src.subnetGroup !== 'default') {
        if (same || (await subnetGroupExists(dr, src.subnetGroup)))
            p.DBSubnetGroupName = src.subnetGroup;
        else
            notes.push(`subnet group ${src.subnetGroup} does not exist in ${cfg.drRegion}; the default VPC is used (set db-subnet-group)`);
    }
    if (cfg.vpcSecurityGroupIds.length)
        p.VpcSecurityGroupIds = cfg.vpcSecurityGroupIds;
    else if (same && src.securityGroups.length)
        p.VpcSecurityGroupIds = src.securityGroups;
    else if (!same && src.securityGroups.length)
        notes.push(`security groups are regional; the default group of the subnet group's VPC is used in ${cfg.drRegion} (set vpc-security-group-ids)`);
    if (cfg.dbParameterGroup) {
        if (!(await parameterGroupExists(dr, cfg.dbParameterGroup)))
            throw new ConfigurationError(`input "db-parameter-group" is "${cfg.dbParameterGroup}": no such DB parameter group in ${cfg.drRegion}`, 'db-parameter-group');
        p.DBParameterGroupName = cfg.dbParameterGroup;
    }
    else if (src.parameterGroup && !src.parameterGroup.startsWith('default.')) {
        if (same || (await parameterGroupExists(dr, src.parameterGroup)))
            p.DBParameterGroupName = src.parameterGroup;
        else
            notes.push(`parameter group ${src.parameterGroup} does not exist in ${cfg.drRegion}; the engine default is used (set db-parameter-group)`);
    }
    return p;
}
function instanceParitySource(i) {
    return {
        instanceClass: i.DBInstanceClass,
        subnetGroup: i.DBSubnetGroup?.DBSubnetGroupName,
        securityGroups: (i.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId).filter(Boolean),
        parameterGroup: i.DBParameterGroups?.[0]?.DBParameterGroupName,
    };
}
function parityParams(p) {
    const { notes: _notes, ...rest } = p;
    void _notes;
    return Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
}
/** Observe a DB instance for recoverLeg. */
function observeInstance(rds, id, ready = (i) => i.DBInstanceStatus === 'available') {
    return async () => {
        const i = await describeInstance(rds, id);
        if (!i)
            return { status: 'not visible yet', ready: false };
        return { status: i.DBInstanceStatus ?? 'unknown', endpoint: endpointOf(i), ready: ready(i) };
    };
}
function noteParity(ctx, p) {
    for (const n of p.notes) {
        ctx.deps.log.warning(n);
        ctx.result.notes.push(n);
    }
}
// ---------------------------------------------------------------- pitr-restore
async function pitrPlan(cfg, deps) {
    const src = deps.rds(cfg.sourceRegion);
    const dr = deps.rds(cfg.drRegion);
    if (cfg.source.kind === 'cluster') {
        const c = await loadSourceCluster(cfg, src);
        if (!c.BackupRetentionPeriod)
            throw new ConfigurationError(`input "source-db-cluster" is "${cfg.source.id}": it has no automated backups (backup retention 0), so it has no restorable time`, 'source-db-cluster');
        return clusterRestorePlan(cfg, deps, c, undefined);
    }
    const i = await loadSourceInstance(cfg, src);
    if (!i.BackupRetentionPeriod)
        throw new ConfigurationError(`input "source-db-instance" is "${cfg.source.id}": automated backups are off (backup retention 0), so point-in-time restore is impossible`, 'source-db-instance');
    let backup;
    if (cfg.drRegion !== cfg.sourceRegion) {
        const all = [];
        let Marker;
        do {
            const r = await dr.send(new DescribeDBInstanceAutomatedBackupsCommand({ Marker, MaxRecords: 100 }));
            all.push(...(r.DBInstanceAutomatedBackups ?? []));
            Marker = r.Marker;
        } while (Marker);
        backup = pickReplicatedBackup(all, i.DBInstanceArn ?? '', cfg.source.id, cfg.sourceRegion);
        if (!backup)
            throw new ConfigurationError(`input "dr-region" is "${cfg.drRegion}": no automated backups of ${cfg.source.id} are replicated there; ` +
                `enable them with StartDBInstanceAutomatedBackupsReplication (or use snapshot-restore)`, 'dr-region');
    }
    const p = await parity(cfg, dr, instanceParitySource(i));
    return {
        summary: `restore ${cfg.source.id} (${cfg.sourceRegion}) to its latest restorable time as a new instance in ${cfg.drRegion}` +
            (backup ? ` from replicated automated backups ${backup.DBInstanceAutomatedBackupsArn}` : ''),
        sourceEndpoint: endpointOf(i),
        async run(ctx) {
            noteParity(ctx, p);
            const id = resourceId(ctx.drillId, 'restore');
            // The restore point, read just before the restore (it moves forward all the time).
            let restorePoint;
            if (backup) {
                restorePoint = backup.RestoreWindow?.LatestTime
                    ? new Date(backup.RestoreWindow.LatestTime)
                    : undefined;
            }
            else {
                const fresh = await describeInstance(src, cfg.source.id);
                restorePoint = fresh?.LatestRestorableTime ? new Date(fresh.LatestRestorableTime) : undefined;
            }
            const leg = new Timeline('restore');
            ctx.result.legs.push(leg);
            ctx.result.recoveredRegion = cfg.drRegion;
            enter(ctx, 'restoring');
            const t0 = ctx.deps.now();
            leg.begin(t0);
            if (restorePoint)
                ctx.result.rpoBound = restorePointRpo(restorePoint.getTime(), t0);
            const r = await dr.send(new RestoreDBInstanceToPointInTimeCommand({
                ...(backup
                    ? { SourceDBInstanceAutomatedBackupsArn: backup.DBInstanceAutomatedBackupsArn }
                    : { SourceDBInstanceIdentifier: cfg.source.id }),
                TargetDBInstanceIdentifier: id,
                UseLatestRestorableTime: true,
                ...parityParams(p),
                MultiAZ: false,
                DeletionProtection: false,
                CopyTagsToSnapshot: false,
                Tags: ctx.tags,
            }));
            leg.mark('api-accepted', ctx.deps.now());
            ctx.created({
                kind: 'instance',
                id,
                arn: r.DBInstance?.DBInstanceArn ?? id,
                region: cfg.drRegion,
                role: 'restore',
            });
            enter(ctx, 'waiting-for-recovery');
            const ep = await recoverLeg(ctx, leg, {
                what: `instance ${id}`,
                describe: observeInstance(dr, id),
                gate: 'endpoint',
                pollMs: cfg.pollIntervalMs,
            });
            ctx.result.endpoint = ep;
            enter(ctx, 'recovered');
            await ctx.onRecovered(ep);
        },
    };
}
/** The replicated automated backup of the source in the DR region, if any. */
function pickReplicatedBackup(backups, sourceArn, sourceId, sourceRegion) {
    return backups
        .filter((b) => (b.DBInstanceArn === sourceArn ||
        (b.DBInstanceIdentifier === sourceId && b.Region === sourceRegion)) &&
        (b.Status === 'replicating' || b.Status === 'active') &&
        b.RestoreWindow?.LatestTime)
        .sort((a, b) => new Date(b.RestoreWindow.LatestTime).getTime() - new Date(a.RestoreWindow.LatestTime).getTime())[0];
}
// ---------------------------------------------------------------- cluster restore (pitr or snapshot)
async function clusterRestorePlan(cfg, deps, c, snap) {
    const src = deps.rds(cfg.sourceRegion);
    const dr = deps.rds(cfg.drRegion);
    const engine = c?.Engine ?? snap?.engine ?? 'aurora-postgresql';
    const aurora = engine.startsWith('aurora');
    let writerClass = cfg.instanceClass;
    if (!writerClass && c) {
        const writer = c.DBClusterMembers?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier;
        writerClass = writer ? (await describeInstance(src, writer))?.DBInstanceClass : undefined;
        if (!aurora)
            writerClass = c.DBClusterInstanceClass;
    }
    if (!writerClass)
        throw new ConfigurationError(`input "instance-class" is empty and the class of ${cfg.source.id}'s writer is unknown: set instance-class`, 'instance-class');
    const p = await parity(cfg, dr, {
        subnetGroup: c?.DBSubnetGroup,
        securityGroups: (c?.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId).filter(Boolean),
    });
    const clusterPort = c?.Port;
    return {
        summary: snap
            ? `restore cluster snapshot ${snap.id} (${snap.takenAt?.toISOString()}) as a new cluster in ${cfg.drRegion}`
            : `restore cluster ${cfg.source.id} to its latest restorable time as a new cluster in ${cfg.drRegion}`,
        sourceEndpoint: c?.Endpoint ? { host: c.Endpoint, port: c.Port ?? 5432 } : undefined,
        async run(ctx) {
            noteParity(ctx, p);
            const clusterId = resourceId(ctx.drillId, 'cluster');
            const writerId = resourceId(ctx.drillId, 'writer');
            const leg = new Timeline('restore');
            ctx.result.legs.push(leg);
            ctx.result.recoveredRegion = cfg.drRegion;
            const common = {
                DBClusterIdentifier: clusterId,
                ...(p.DBSubnetGroupName ? { DBSubnetGroupName: p.DBSubnetGroupName } : {}),
                ...(p.VpcSecurityGroupIds ? { VpcSecurityGroupIds: p.VpcSecurityGroupIds } : {}),
                ...(aurora ? {} : { DBClusterInstanceClass: writerClass }),
                DeletionProtection: false,
                Tags: ctx.tags,
            };
            let restorePoint;
            if (!snap) {
                const fresh = await describeCluster(src, cfg.source.id);
                restorePoint = fresh?.LatestRestorableTime ? new Date(fresh.LatestRestorableTime) : undefined;
            }
            enter(ctx, 'restoring-cluster');
            const t0 = ctx.deps.now();
            leg.begin(t0);
            if (snap?.takenAt)
                ctx.result.rpoBound = snapshotAgeRpo(snap.takenAt.getTime(), t0, snap.id);
            else if (restorePoint)
                ctx.result.rpoBound = restorePointRpo(restorePoint.getTime(), t0);
            const r = snap
                ? await dr.send(new RestoreDBClusterFromSnapshotCommand({
                    ...common,
                    SnapshotIdentifier: snap.id,
                    Engine: engine,
                }))
                : await dr.send(new RestoreDBClusterToPointInTimeCommand({
                    ...common,
                    SourceDBClusterIdentifier: cfg.source.id,
                    UseLatestRestorableTime: true,
                }));
            leg.mark('api-accepted', ctx.deps.now());
            ctx.created({
                kind: 'cluster',
                id: clusterId,
                arn: r.DBCluster?.DBClusterArn ?? clusterId,
                region: cfg.drRegion,
                role: 'cluster',
            });
            enter(ctx, 'waiting-for-cluster');
            await waitFor(ctx, `cluster ${clusterId}`, cfg.pollIntervalMs, async () => {
                const cl = await describeCluster(dr, clusterId);
                return { done: cl?.Status === 'available', status: cl?.Status ?? 'not visible yet' };
            });
            leg.mark('cluster-available', ctx.deps.now(), cfg.pollIntervalMs);
            const clusterEndpoint = async () => {
                const cl = await describeCluster(dr, clusterId);
                return cl?.Endpoint ? { host: cl.Endpoint, port: cl.Port ?? clusterPort ?? 5432 } : undefined;
            };
            if (aurora) {
                enter(ctx, 'creating-writer');
                const w = await dr.send(new CreateDBInstanceCommand({
                    DBInstanceIdentifier: writerId,
                    DBClusterIdentifier: clusterId,
                    Engine: engine,
                    DBInstanceClass: writerClass,
                    ...(p.DBParameterGroupName ? { DBParameterGroupName: p.DBParameterGroupName } : {}),
                    Tags: ctx.tags,
                }));
                ctx.created({
                    kind: 'instance',
                    id: writerId,
                    arn: w.DBInstance?.DBInstanceArn ?? writerId,
                    region: cfg.drRegion,
                    role: 'writer',
                });
            }
            enter(ctx, 'waiting-for-recovery');
            const ep = await recoverLeg(ctx, leg, {
                what: aurora ? `writer ${writerId}` : `cluster ${clusterId}`,
                describe: async () => {
                    const endpoint = await clusterEndpoint();
                    if (!aurora)
                        return { status: 'available', endpoint, ready: true };
                    const o = await observeInstance(dr, writerId)();
                    return { ...o, endpoint };
                },
                gate: 'ready',
                pollMs: cfg.pollIntervalMs,
            });
            ctx.result.endpoint = ep;
            enter(ctx, 'recovered');
            await ctx.onRecovered(ep);
        },
    };
}
// ---------------------------------------------------------------- snapshot-restore
async function snapshotPlan(cfg, deps) {
    const src = deps.rds(cfg.sourceRegion);
    const dr = deps.rds(cfg.drRegion);
    if (cfg.source.kind === 'cluster') {
        const c = await loadSourceCluster(cfg, src);
        const snap = await findSnapshot(dr, {
            kind: 'cluster',
            sourceId: cfg.source.id,
            sourceRegion: cfg.sourceRegion,
            drRegion: cfg.drRegion,
            explicit: cfg.snapshotIdentifier,
        });
        return clusterRestorePlan(cfg, deps, c, snap);
    }
    const i = await loadSourceInstance(cfg, src);
    const snap = await findSnapshot(dr, {
        kind: 'instance',
        sourceId: cfg.source.id,
        sourceRegion: cfg.sourceRegion,
        drRegion: cfg.drRegion,
        explicit: cfg.snapshotIdentifier,
    });
    const p = await parity(cfg, dr, instanceParitySource(i));
    return {
        summary: `restore snapshot ${snap.id} of ${cfg.source.id} (taken ${snap.takenAt?.toISOString()}) as a new instance in ${cfg.drRegion}`,
        sourceEndpoint: endpointOf(i),
        async run(ctx) {
            noteParity(ctx, p);
            ctx.result.notes.push(`snapshot ${snap.arn || snap.id}`);
            const id = resourceId(ctx.drillId, 'restore');
            const leg = new Timeline('restore');
            ctx.result.legs.push(leg);
            ctx.result.recoveredRegion = cfg.drRegion;
            enter(ctx, 'restoring');
            const t0 = ctx.deps.now();
            leg.begin(t0);
            if (snap.takenAt)
                ctx.result.rpoBound = snapshotAgeRpo(snap.takenAt.getTime(), t0, snap.id);
            const r = await dr.send(new RestoreDBInstanceFromDBSnapshotCommand({
                DBInstanceIdentifier: id,
                DBSnapshotIdentifier: snap.id,
                ...parityParams(p),
                MultiAZ: false,
                DeletionProtection: false,
                CopyTagsToSnapshot: false,
                Tags: ctx.tags,
            }));
            leg.mark('api-accepted', ctx.deps.now());
            ctx.created({
                kind: 'instance',
                id,
                arn: r.DBInstance?.DBInstanceArn ?? id,
                region: cfg.drRegion,
                role: 'restore',
            });
            enter(ctx, 'waiting-for-recovery');
            const ep = await recoverLeg(ctx, leg, {
                what: `instance ${id}`,
                describe: observeInstance(dr, id),
                gate: 'endpoint',
                pollMs: cfg.pollIntervalMs,
            });
            ctx.result.endpoint = ep;
            enter(ctx, 'recovered');
            await ctx.onRecovered(ep);
        },
    };
}
// ---------------------------------------------------------------- replica-promote
/** A replica is in sync when RDS reports read replication as replicating (moto reports nothing). */
function isReplicating(i) {
    if (i.DBInstanceStatus !== 'available')
        return false;
    const rr = (i.StatusInfos ?? []).find((s) => s.StatusType === 'read replication');
    return !rr || rr.Status === 'replicating';
}
/** Promotion is done when the instance is available and no longer reports read replication. */
function isPromoted(i) {
    return (i.DBInstanceStatus === 'available' &&
        !(i.StatusInfos ?? []).some((s) => s.StatusType === 'read replication'));
}
async function replicaPlan(cfg, deps) {
    const src = deps.rds(cfg.sourceRegion);
    const dr = deps.rds(cfg.drRegion);
    const i = await loadSourceInstance(cfg, src);
    if (i.DBInstanceStatus !== 'available')
        throw new ConfigurationError(`input "source-db-instance" is "${cfg.source.id}": it is ${i.DBInstanceStatus}; a read replica needs an available source`, 'source-db-instance');
    if (!i.BackupRetentionPeriod)
        throw new ConfigurationError(`input "source-db-instance" is "${cfg.source.id}": automated backups are off (backup retention 0); RDS needs them to create a read replica`, 'source-db-instance');
    const cross = cfg.drRegion !== cfg.sourceRegion;
    if (cross && i.StorageEncrypted && !cfg.kmsKeyId)
        throw new ConfigurationError(`input "kms-key-id" is empty but ${cfg.source.id} is encrypted: a cross-region replica needs a KMS key in ${cfg.drRegion}`, 'kms-key-id');
    const p = await parity(cfg, dr, instanceParitySource(i));
    const realReplicas = i.ReadReplicaDBInstanceIdentifiers ?? [];
    return {
        summary: `create a throwaway read replica of ${cfg.source.id} in ${cfg.drRegion}, wait until it replicates, promote it` +
            (realReplicas.length ? ` (the existing replicas ${realReplicas.join(', ')} are left alone)` : ''),
        sourceEndpoint: endpointOf(i),
        async run(ctx) {
            noteParity(ctx, p);
            const id = resourceId(ctx.drillId, 'replica');
            enter(ctx, 'creating-replica');
            const prepStart = ctx.deps.now();
            const r = await dr.send(new CreateDBInstanceReadReplicaCommand({
                DBInstanceIdentifier: id,
                SourceDBInstanceIdentifier: cross ? i.DBInstanceArn : cfg.source.id,
                ...(cross && cfg.kmsKeyId ? { KmsKeyId: cfg.kmsKeyId } : {}),
                ...parityParams(p),
                MultiAZ: false,
                DeletionProtection: false,
                Tags: ctx.tags,
            }));
            ctx.created({
                kind: 'instance',
                id,
                arn: r.DBInstance?.DBInstanceArn ?? id,
                region: cfg.drRegion,
                role: 'replica',
            });
            enter(ctx, 'waiting-for-replication');
            await waitFor(ctx, `replica ${id}`, cfg.pollIntervalMs, async () => {
                const x = await describeInstance(dr, id);
                return { done: !!x && isReplicating(x), status: x ? `${x.DBInstanceStatus}` : 'not visible yet' };
            });
            ctx.result.preparation.push({
                name: 'replica created and replicating',
                ms: ctx.deps.now() - prepStart,
            });
            const leg = new Timeline('promote');
            ctx.result.legs.push(leg);
            ctx.result.recoveredRegion = cfg.drRegion;
            enter(ctx, 'promoting');
            leg.begin(ctx.deps.now());
            await dr.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: id }));
            leg.mark('api-accepted', ctx.deps.now());
            enter(ctx, 'waiting-for-recovery');
            const ep = await recoverLeg(ctx, leg, {
                what: `promotion of ${id}`,
                describe: observeInstance(dr, id, isPromoted),
                gate: 'ready',
                pollMs: fastPollMs(cfg),
                readyPhase: 'promoted',
            });
            ctx.result.endpoint = ep;
            enter(ctx, 'recovered');
            await ctx.onRecovered(ep);
        },
    };
}
// ---------------------------------------------------------------- cluster-failover
function writerOf(c) {
    return c?.DBClusterMembers?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier;
}
async function failoverPlan(cfg, deps) {
    const src = deps.rds(cfg.sourceRegion);
    const c = await loadSourceCluster(cfg, src);
    const members = c.DBClusterMembers ?? [];
    if (c.Status !== 'available')
        throw new ConfigurationError(`input "source-db-cluster" is "${cfg.source.id}": it is ${c.Status}, not available`, 'source-db-cluster');
    if (members.length < 2 && !c.MultiAZ)
        throw new ConfigurationError(`input "source-db-cluster" is "${cfg.source.id}": it has ${members.length} instance(s) and is not Multi-AZ, so there is nothing to fail over to`, 'source-db-cluster');
    const oldWriter = writerOf(c);
    return {
        summary: `fail over cluster ${cfg.source.id} (writer ${oldWriter ?? 'unknown'}) and time until the writer endpoint answers again`,
        sourceEndpoint: c.Endpoint ? { host: c.Endpoint, port: c.Port ?? 5432 } : undefined,
        async run(ctx) {
            const leg = new Timeline('failover');
            ctx.result.legs.push(leg);
            ctx.result.recoveredRegion = cfg.sourceRegion;
            enter(ctx, 'failing-over');
            leg.begin(ctx.deps.now());
            await src.send(new FailoverDBClusterCommand({ DBClusterIdentifier: cfg.source.id }));
            leg.mark('api-accepted', ctx.deps.now());
            enter(ctx, 'waiting-for-recovery');
            const ep = await recoverLeg(ctx, leg, {
                what: `failover of ${cfg.source.id}`,
                describe: async () => {
                    const x = await describeCluster(src, cfg.source.id);
                    const w = writerOf(x);
                    return {
                        status: `${x?.Status ?? 'unknown'}, writer ${w ?? 'none'}`,
                        endpoint: x?.Endpoint ? { host: x.Endpoint, port: x.Port ?? 5432 } : undefined,
                        ready: x?.Status === 'available' && !!w && w !== oldWriter,
                    };
                },
                gate: 'ready',
                pollMs: fastPollMs(cfg),
                readyPhase: 'writer-switched',
            });
            ctx.result.endpoint = ep;
            ctx.result.notes.push(`writer moved from ${oldWriter} to ${writerOf(await describeCluster(src, cfg.source.id))}`);
            enter(ctx, 'recovered');
            await ctx.onRecovered(ep);
        },
    };
}
// ---------------------------------------------------------------- global-switchover
function globalMembership(globals, clusterArn) {
    const g = globals.find((x) => (x.GlobalClusterMembers ?? []).some((m) => m.DBClusterArn === clusterArn));
    return g;
}
/** Is the switchover to `targetArn` finished? */
function switchedTo(g, targetArn) {
    if (!g)
        return false;
    const writer = (g.GlobalClusterMembers ?? []).find((m) => m.IsWriter)?.DBClusterArn;
    const inFlight = g.FailoverState?.Status && g.FailoverState.Status !== 'cancelling' ? true : false;
    return writer === targetArn && g.Status === 'available' && !inFlight;
}
async function switchoverPlan(cfg, deps) {
    const src = deps.rds(cfg.sourceRegion);
    const dr = deps.rds(cfg.drRegion);
    const c = await loadSourceCluster(cfg, src);
    const globals = [];
    let Marker;
    do {
        const r = await src.send(new DescribeGlobalClustersCommand({ Marker }));
        globals.push(...(r.GlobalClusters ?? []));
        Marker = r.Marker;
    } while (Marker);
    const g = globalMembership(globals, c.DBClusterArn ?? '');
    if (!g)
        throw new ConfigurationError(`input "source-db-cluster" is "${cfg.source.id}": it is not a member of an Aurora global database`, 'source-db-cluster');
    const me = g.GlobalClusterMembers.find((m) => m.DBClusterArn === c.DBClusterArn);
    if (!me.IsWriter)
        throw new ConfigurationError(`input "source-db-cluster" is "${cfg.source.id}": it is a secondary of ${g.GlobalClusterIdentifier}; name the primary cluster`, 'source-db-cluster');
    const secondary = g.GlobalClusterMembers.find((m) => arnRegion(m.DBClusterArn) === cfg.drRegion && m.DBClusterArn !== c.DBClusterArn);
    if (!secondary)
        throw new ConfigurationError(`input "dr-region" is "${cfg.drRegion}": global database ${g.GlobalClusterIdentifier} has no secondary cluster there`, 'dr-region');
    if (g.Status !== 'available' || g.FailoverState?.Status)
        throw new ConfigurationError(`input "source-db-cluster" is "${cfg.source.id}": global database ${g.GlobalClusterIdentifier} is ${g.Status}${g.FailoverState?.Status ? ` (${g.FailoverState.Status})` : ''}; try when it is available`, 'source-db-cluster');
    const globalId = g.GlobalClusterIdentifier;
    const primaryArn = c.DBClusterArn;
    const secondaryArn = secondary.DBClusterArn;
    const secondaryId = secondaryArn.split(':').pop();
    const leg = async (ctx, name, targetArn, rds, clusterId, region, accepted = () => undefined) => {
        const t = new Timeline(name);
        ctx.result.legs.push(t);
        enter(ctx, name === 'switchover' ? 'switching-over' : 'failing-back');
        t.begin(ctx.deps.now());
        await src.send(new SwitchoverGlobalClusterCommand({
            GlobalClusterIdentifier: globalId,
            TargetDbClusterIdentifier: targetArn,
        }));
        accepted();
        t.mark('api-accepted', ctx.deps.now());
        const ep = await recoverLeg(ctx, t, {
            what: `${name} of ${globalId} to ${region}`,
            describe: async () => {
                const r = await src.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: globalId }));
                const gc = r.GlobalClusters?.[0];
                const cl = await describeCluster(rds, clusterId);
                return {
                    status: `${gc?.Status ?? 'unknown'}${gc?.FailoverState?.Status ? ` (${gc.FailoverState.Status})` : ''}`,
                    endpoint: cl?.Endpoint ? { host: cl.Endpoint, port: cl.Port ?? 5432 } : undefined,
                    ready: switchedTo(gc, targetArn) && cl?.Status === 'available',
                };
            },
            gate: 'ready',
            pollMs: fastPollMs(cfg),
            readyPhase: 'writer-switched',
        });
        return ep;
    };
    return {
        summary: `switch global database ${globalId} over to ${secondaryId} in ${cfg.drRegion}, check it, then switch back to ${cfg.source.id}`,
        sourceEndpoint: c.Endpoint ? { host: c.Endpoint, port: c.Port ?? 5432 } : undefined,
        async run(ctx) {
            ctx.result.recoveredRegion = cfg.drRegion;
            let moved = false;
            try {
                const ep = await leg(ctx, 'switchover', secondaryArn, dr, secondaryId, cfg.drRegion, () => {
                    moved = true;
                    ctx.pendingFailback({ globalClusterId: globalId, primaryArn, region: cfg.sourceRegion });
                });
                ctx.result.endpoint = ep;
                enter(ctx, 'recovered');
                await ctx.onRecovered(ep);
            }
            finally {
                if (moved && !ctx.deps.signal?.aborted) {
                    // Always put the writer back, even when the first leg failed its health check; the failback
                    // gets a full timeout of its own.
                    ctx.deadline = Math.max(ctx.deadline, ctx.deps.now() + cfg.timeoutMs);
                    await leg(ctx, 'failback', primaryArn, src, cfg.source.id, cfg.sourceRegion);
                    ctx.pendingFailback(undefined);
                    enter(ctx, 'failed-back');
                }
                else if (moved) {
                    ctx.deps.log.error(`cancelled while the writer of ${globalId} may be in ${cfg.drRegion}: the post step switches it back; by hand: aws rds switchover-global-cluster --global-cluster-identifier ${globalId} --target-db-cluster-identifier ${primaryArn}`);
                }
            }
        },
    };
}
/** Check everything that can be checked without changing anything, and return the plan. */
async function scenarios_preflight(cfg, deps) {
    switch (cfg.scenario) {
        case 'pitr-restore':
            return pitrPlan(cfg, deps);
        case 'snapshot-restore':
            return snapshotPlan(cfg, deps);
        case 'replica-promote':
            return replicaPlan(cfg, deps);
        case 'cluster-failover':
            return failoverPlan(cfg, deps);
        case 'global-switchover':
            return switchoverPlan(cfg, deps);
    }
}


;// CONCATENATED MODULE: ./actions/dr-drill/src/drill.ts








const REPORT_SCHEMA = 'oaktree.dr-drill/v1';
/** Waiting for deletions needs no precision: poll at most every 5 s. */
const cleanupPollMs = (cfg) => Math.max(cfg.pollIntervalMs, 5000);
const secs = (ms) => (ms === undefined ? undefined : Math.round(ms) / 1000);
/**
 * The whole drill: check, record the drill id, sweep orphans, write the heartbeat, run the scenario,
 * measure, judge, clean up. Returns the report; throws only ConfigurationError (nothing was created).
 */
async function drill_runDrill(cfg, deps, hooks) {
    const { log } = deps;
    // 1. Everything checkable without changing anything.
    const plan = await preflight(cfg, deps);
    if (cfg.heartbeatTable &&
        !cfg.sourceSqlConnection &&
        /\{host\}|\{port\}/.test(cfg.sqlConnection ?? '') &&
        !plan.sourceEndpoint)
        throw new ConfigurationError(`input "source-sql-connection" is empty and ${cfg.source.id} has no endpoint to fill sql-connection with: set source-sql-connection`, 'source-sql-connection');
    // 2. The drill id goes to the step state before anything is created.
    const startedAt = new Date(deps.now());
    const drillId = makeDrillId(startedAt, cfg.run.runId, cfg.run.runAttempt);
    const expires = new Date(startedAt.getTime() + cfg.timeoutMs + cfg.cleanupTimeoutMs + 3_600_000);
    const tags = drillTags(drillId, expires, cfg.run);
    const regions = [...new Set([cfg.sourceRegion, cfg.drRegion])];
    const state = {
        drillId,
        regions,
        cleanup: cfg.cleanup,
        startedAt: startedAt.toISOString(),
        reportFile: cfg.reportFile,
        pollIntervalMs: cleanupPollMs(cfg),
        cleanupTimeoutMs: cfg.cleanupTimeoutMs,
        created: [],
        outcome: 'running',
        cleanedUp: false,
        left: [],
    };
    hooks.saveState(state);
    log.info(`drill ${drillId}: ${plan.summary}`);
    log.info(`every resource it creates is tagged dr-drill-id=${drillId}, dr-drill-expires=${expires.toISOString()}`);
    const cleanupDeps = { rds: deps.rds, now: deps.now, sleep: deps.sleep, log };
    const report = {
        schema: REPORT_SCHEMA,
        drillId,
        scenario: cfg.scenario,
        source: { kind: cfg.source.kind, id: cfg.source.id, region: cfg.sourceRegion },
        drRegion: cfg.drRegion,
        repository: cfg.run.repository,
        run: cfg.run.runUrl,
        startedAt: startedAt.toISOString(),
        finishedAt: '',
        outcome: 'running',
        passed: false,
        reasons: [],
        objectives: { rtoSeconds: cfg.rtoObjectiveMs / 1000, rpoSeconds: cfg.rpoObjectiveMs / 1000 },
        legs: [],
        rpo: { method: 'unknown', upperBound: false, detail: '' },
        preparation: [],
        transitions: [],
        created: state.created,
        cleanup: { mode: cfg.cleanup, status: 'pending', deleted: [], left: [] },
        notes: [],
    };
    // 3. Orphans of earlier drills.
    if (cfg.sweepOrphans) {
        log.info(`sweeping expired drill resources in ${regions.join(', ')} (ttl ${cfg.orphanTtlHours} h without an expiry tag)`);
        const s = await sweepOrphans(cleanupDeps, regions, {
            now: new Date(deps.now()),
            ttlHours: cfg.orphanTtlHours,
            currentDrillId: drillId,
            deadline: deps.now() + cfg.cleanupTimeoutMs,
            intervalMs: cleanupPollMs(cfg),
            signal: deps.signal,
        });
        report.sweep = {
            deleted: s.deleted.map((d) => ({ arn: d.arn, reason: d.reason })),
            spared: s.spared,
            left: s.left.map((l) => ({ arn: l.arn, error: l.error })),
        };
        log.info(`  swept ${s.deleted.length}, spared ${s.spared.length} younger drill resource(s)`);
        for (const l of s.left)
            log.warning(`could not delete orphan ${l.arn}: ${l.error}`);
    }
    const result = {
        legs: [],
        recoveredRegion: cfg.drRegion,
        rpoBound: {
            method: 'unknown',
            upperBound: false,
            detail: 'no heartbeat-table: this scenario has no upper bound to report',
        },
        preparation: [],
        notes: [],
    };
    const transitions = [];
    let heartbeatFigure;
    let markerAt;
    let error;
    try {
        // 4. The heartbeat marker on the source, stamped by the database clock.
        if (cfg.heartbeatTable) {
            const url = cfg.sourceSqlConnection ??
                fillEndpoint(cfg.sqlConnection, plan.sourceEndpoint ?? { host: '', port: 0 });
            deps.mask(url);
            markerAt = await deps.heartbeat.write(url, cfg.heartbeatTable, drillId, cfg.probeTimeoutMs * 2);
            log.info(`heartbeat marker written to ${cfg.heartbeatTable} on the source at ${new Date(markerAt).toISOString()} (database clock)`);
        }
        // 5. The scenario itself.
        const ctx = {
            cfg,
            drillId,
            tags,
            deadline: deps.now() + cfg.timeoutMs,
            deps,
            result,
            transitions,
            created(r) {
                state.created.push({ ...r, createdAt: new Date(deps.now()).toISOString() });
                hooks.saveState(state);
                log.info(`  created ${r.kind} ${r.id} in ${r.region}`);
            },
            pendingFailback(p) {
                state.pendingFailback = p;
                hooks.saveState(state);
            },
            async onRecovered(ep) {
                if (!cfg.heartbeatTable || markerAt === undefined)
                    return;
                const url = fillEndpoint(cfg.sqlConnection, ep);
                deps.mask(url);
                try {
                    const newest = await deps.heartbeat.newest(url, cfg.heartbeatTable, cfg.probeTimeoutMs * 2);
                    heartbeatFigure = heartbeatRpo(markerAt, newest);
                }
                catch (err) {
                    heartbeatFigure = {
                        method: 'heartbeat',
                        upperBound: false,
                        detail: `reading ${cfg.heartbeatTable} on the recovered database failed: ${probeError(err, [cfg.sqlConnection ?? ''])}`,
                    };
                }
                log.info(`  heartbeat: ${heartbeatFigure.detail}`);
            },
        };
        await plan.run(ctx);
    }
    catch (err) {
        error = err;
    }
    // 6. Measure and judge.
    const aborted = error instanceof PollCancelledError || deps.signal?.aborted === true;
    const rtoMs = result.legs[0]?.rtoMs;
    const rpo = heartbeatFigure ?? result.rpoBound;
    const verdict = judge(rtoMs, rpo, { rtoMs: cfg.rtoObjectiveMs, rpoMs: cfg.rpoObjectiveMs }, formatDuration);
    // An unmeasurable RPO without a heartbeat (replica, failover, switchover) is a note, not a failure.
    verdict.reasons = verdict.reasons.filter((r) => !(rpo.method === 'unknown' && r.startsWith('RPO could not')));
    for (const l of result.legs.slice(1)) {
        if (l.rtoMs === undefined)
            verdict.reasons.push(`${l.leg} never passed its health check`);
        else if (l.rtoMs > cfg.rtoObjectiveMs)
            verdict.reasons.push(`${l.leg} took ${formatDuration(l.rtoMs)}, over the objective ${formatDuration(cfg.rtoObjectiveMs)}`);
    }
    if (error)
        verdict.reasons.unshift(probeError(error, [cfg.sqlConnection ?? '', cfg.sourceSqlConnection ?? '']));
    const passed = !error && verdict.reasons.length === 0;
    const outcome = aborted
        ? 'cancelled'
        : error
            ? 'error'
            : passed
                ? 'passed'
                : 'failed';
    if (rpo.method === 'unknown')
        result.notes.push('RPO not measured: set heartbeat-table for a data-level figure');
    // 7. Clean up here when the drill ran to its end; post is the safety net.
    let outcomeCleanup;
    let cleanupStatus;
    if (cfg.cleanup === 'never') {
        cleanupStatus = 'skipped (cleanup: never)';
    }
    else if (cfg.cleanup === 'on-success' && (outcome === 'failed' || outcome === 'error')) {
        cleanupStatus = 'kept for investigation (cleanup: on-success)';
    }
    else if (state.created.length === 0 && outcome !== 'cancelled') {
        cleanupStatus = 'nothing created';
        state.cleanedUp = true;
    }
    else {
        log.info(aborted
            ? 'cancelled: deleting what the drill created (post waits until it is gone)'
            : `cleaning up drill ${drillId}`);
        outcomeCleanup = await cleanupDrill(cleanupDeps, drillId, regions, {
            deadline: deps.now() + (aborted ? 5000 : cfg.cleanupTimeoutMs),
            intervalMs: cleanupPollMs(cfg),
            wait: !aborted,
        });
        state.cleanedUp = !aborted && outcomeCleanup.left.length === 0;
        state.left = outcomeCleanup.left.map((l) => l.arn);
        cleanupStatus = state.cleanedUp ? 'done' : aborted ? 'deferred to the post step' : 'incomplete';
        for (const l of outcomeCleanup.left)
            log.error(`cleanup left ${l.arn} behind: ${l.error}`);
    }
    state.outcome = outcome;
    hooks.saveState(state);
    Object.assign(report, {
        finishedAt: new Date(deps.now()).toISOString(),
        outcome,
        passed,
        reasons: verdict.reasons,
        rtoSeconds: secs(rtoMs),
        legs: result.legs.map((l) => ({
            name: l.leg,
            rtoSeconds: secs(l.rtoMs),
            startedAt: l.start !== undefined ? new Date(l.start).toISOString() : undefined,
            phases: l.phases.map((p) => ({
                name: p.name,
                atSeconds: secs(p.sinceStartMs),
                at: new Date(p.at).toISOString(),
                resolutionSeconds: secs(p.resolutionMs),
            })),
        })),
        rpo: { seconds: secs(rpo.ms), method: rpo.method, upperBound: rpo.upperBound, detail: rpo.detail },
        recoveredEndpoint: result.endpoint ? `${result.endpoint.host}:${result.endpoint.port}` : undefined,
        preparation: result.preparation.map((p) => ({ name: p.name, seconds: secs(p.ms) })),
        transitions: transitions.map((t) => ({ state: t.state, at: new Date(t.at).toISOString() })),
        cleanup: {
            mode: cfg.cleanup,
            status: cleanupStatus,
            deleted: outcomeCleanup?.deleted.map((d) => d.arn) ?? [],
            left: outcomeCleanup?.left.map((l) => ({ arn: l.arn, error: l.error })) ?? [],
        },
        notes: result.notes,
        error: error ? errorMessage(error) : undefined,
    });
    return report;
}

;// CONCATENATED MODULE: ./actions/dr-drill/src/heartbeat.ts

function num(v) {
    if (v === null || v === undefined)
        return undefined;
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
}
const heartbeat_sqlHeartbeat = {
    async write(url, table, drillId, timeoutMs) {
        if (isMysql(url)) {
            await runQuery(url, `create table if not exists ${table} (drill_id varchar(128) not null, written_at timestamp(6) not null default current_timestamp(6))`, [], timeoutMs);
            await runQuery(url, `insert into ${table} (drill_id, written_at) values (?, current_timestamp(6))`, [drillId], timeoutMs);
            const rows = await runQuery(url, `select unix_timestamp(max(written_at)) * 1000 as at from ${table} where drill_id = ?`, [drillId], timeoutMs);
            const at = num(rows.at(-1)?.at);
            if (at === undefined)
                throw new Error(`the heartbeat row in ${table} could not be read back`);
            return at;
        }
        await runQuery(url, `create table if not exists ${table} (drill_id text not null, written_at timestamptz not null default now())`, [], timeoutMs);
        const rows = await runQuery(url, `insert into ${table} (drill_id, written_at) values ($1, now()) returning extract(epoch from written_at) * 1000 as at`, [drillId], timeoutMs);
        const at = num(rows[0]?.at);
        if (at === undefined)
            throw new Error(`the heartbeat row in ${table} could not be read back`);
        return at;
    },
    async newest(url, table, timeoutMs) {
        const sql = isMysql(url)
            ? `select unix_timestamp(max(written_at)) * 1000 as at from ${table}`
            : `select extract(epoch from max(written_at)) * 1000 as at from ${table}`;
        const rows = await runQuery(url, sql, [], timeoutMs);
        return num(rows[0]?.at);
    },
};

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
;// CONCATENATED MODULE: ./actions/dr-drill/src/report.ts



const fmt = (s) => (s === undefined ? 'not measured' : formatDuration(s * 1000));
/** The one-line history record: grep the logs of the nightly runs for it to chart RTO/RPO over time. */
function historyRecord(r) {
    return {
        'dr-drill': 1,
        drillId: r.drillId,
        at: r.startedAt,
        scenario: r.scenario,
        source: `${r.source.region}/${r.source.id}`,
        drRegion: r.drRegion,
        outcome: r.outcome,
        passed: r.passed,
        rtoSeconds: r.rtoSeconds ?? null,
        rpoSeconds: r.rpo.seconds ?? null,
        rpoMethod: r.rpo.method,
        rtoObjectiveSeconds: r.objectives.rtoSeconds,
        rpoObjectiveSeconds: r.objectives.rpoSeconds,
        legs: Object.fromEntries(r.legs.map((l) => [l.name, l.rtoSeconds ?? null])),
        cleanup: r.cleanup.status,
        left: r.cleanup.left.length,
        run: r.run,
    };
}
function summaryMarkdown(r) {
    const s = new SummaryBuilder();
    s.heading(`DR drill ${r.passed ? 'passed ✅' : r.outcome === 'cancelled' ? 'cancelled ⚠️' : 'FAILED ❌'}: ${r.scenario} of ${r.source.id}`);
    s.paragraph(`Drill \`${r.drillId}\` · ${r.source.region} → ${r.drRegion} · started ${r.startedAt} · [run](${r.run})`);
    if (r.reasons.length)
        s.list(r.reasons.map((x) => `**${x}**`));
    const rpoWhat = r.rpo.method === 'heartbeat'
        ? 'heartbeat (data level)'
        : r.rpo.upperBound
            ? `${r.rpo.method} (upper bound)`
            : undefined;
    s.table(['', 'objective', 'achieved', 'verdict'], [
        [
            'RTO',
            fmt(r.objectives.rtoSeconds),
            fmt(r.rtoSeconds),
            r.rtoSeconds !== undefined && r.rtoSeconds <= r.objectives.rtoSeconds ? 'within' : 'missed',
        ],
        [
            rpoWhat ? `RPO, ${rpoWhat}` : 'RPO',
            fmt(r.objectives.rpoSeconds),
            fmt(r.rpo.seconds),
            r.rpo.seconds === undefined
                ? r.rpo.method === 'unknown'
                    ? 'not measured'
                    : 'missed'
                : r.rpo.seconds <= r.objectives.rpoSeconds
                    ? 'within'
                    : 'missed',
        ],
    ]);
    if (r.rpo.detail)
        s.paragraph(`RPO: ${r.rpo.detail}.`);
    for (const leg of r.legs) {
        s.heading(`Timeline: ${leg.name}${leg.rtoSeconds !== undefined ? ` (${fmt(leg.rtoSeconds)})` : ''}`, 3);
        s.table(['phase', 'after first mutating call', 'at', 'resolution'], [
            ['first mutating call', '0s', leg.startedAt ?? '', ''],
            ...leg.phases.map((p) => [
                p.name,
                fmt(p.atSeconds),
                p.at,
                p.resolutionSeconds ? `±${fmt(p.resolutionSeconds)}` : '',
            ]),
        ]);
    }
    if (r.preparation.length)
        s.paragraph(`Preparation (not part of the RTO): ${r.preparation.map((p) => `${p.name} ${fmt(p.seconds)}`).join('; ')}.`);
    const rows = r.created.map((c) => [
        c.kind,
        c.arn,
        c.region,
        r.cleanup.left.some((l) => l.arn === c.arn)
            ? '**LEFT BEHIND**'
            : r.cleanup.deleted.includes(c.arn)
                ? 'deleted'
                : r.cleanup.status,
    ]);
    s.heading('Resources', 3);
    if (rows.length)
        s.table(['kind', 'ARN', 'region', 'state'], rows);
    else
        s.paragraph('The drill created nothing.');
    s.paragraph(`Cleanup (${r.cleanup.mode}): ${r.cleanup.status}.`);
    if (r.cleanup.left.length)
        s.list(r.cleanup.left.map((l) => `left behind: \`${l.arn}\` (${l.error})`));
    if (r.sweep)
        s.paragraph(`Orphan sweep: deleted ${r.sweep.deleted.length}${r.sweep.deleted.length ? ` (${r.sweep.deleted.map((d) => `\`${d.arn}\``).join(', ')})` : ''}, spared ${r.sweep.spared.length} younger drill resource(s)${r.sweep.left.length ? `, could not delete ${r.sweep.left.map((l) => `\`${l.arn}\``).join(', ')}` : ''}.`);
    if (r.notes.length)
        s.details('Notes', r.notes.map((n) => `- ${n}`).join('\n'));
    return s.toString();
}
/** Job summary, report file, history line and outputs. */
function report_publish(r, reportFile) {
    if (reportFile) {
        mkdirSync(dirname(reportFile), { recursive: true });
        writeFileSync(reportFile, JSON.stringify(r, null, 2) + '\n');
    }
    const summary = summaryMarkdown(r);
    const file = process.env.GITHUB_STEP_SUMMARY;
    if (file)
        writeFileSync(file, summary, { flag: 'a' });
    log.info(JSON.stringify(historyRecord(r)));
    setOutputs({
        'drill-id': r.drillId,
        'rto-seconds': r.rtoSeconds !== undefined ? String(r.rtoSeconds) : '',
        'rpo-seconds': r.rpo.seconds !== undefined ? String(r.rpo.seconds) : '',
        passed: String(r.passed),
        'recovered-endpoint': r.recoveredEndpoint ?? '',
        'report-file': reportFile ?? '',
    });
}

// EXTERNAL MODULE: ./actions/dr-drill/src/state.ts
var state = __webpack_require__(565);
;// CONCATENATED MODULE: ./actions/dr-drill/src/execute.ts








const ACTION = 'dr-drill';
function rdsFactory(action = ACTION) {
    const clients = new Map();
    return (region) => {
        let c = clients.get(region);
        if (!c) {
            c = createClient(dist_cjs/* RDSClient */.rYe, { region, action });
            clients.set(region, c);
        }
        return c;
    };
}
/** Wire the real clients, probes and runner files to the drill. */
async function execute(cfg) {
    const cancel = cancelOnSignals();
    try {
        const deps = {
            rds: rdsFactory(),
            prober: realProber,
            heartbeat: sqlHeartbeat,
            now: Date.now,
            sleep,
            log,
            mask: maskSecret,
            signal: cancel.signal,
        };
        const report = await runDrill(cfg, deps, { saveState: (s) => drillState.save(s) });
        publish(report, cfg.reportFile);
        if (report.cleanup.left.length)
            throw new OperationError(`drill ${report.drillId} ${report.passed ? 'passed' : 'failed'}, but its cleanup left ${report.cleanup.left.length} resource(s) behind ` +
                `(the post step tries again): ${report.cleanup.left.map((l) => l.arn).join(', ')}`);
        if (!report.passed)
            throw new OperationError(`drill ${report.drillId} ${report.outcome === 'cancelled' ? 'was cancelled' : 'failed'}: ${report.reasons.join('; ') || report.outcome}`);
    }
    finally {
        cancel.dispose();
    }
}

;// CONCATENATED MODULE: ./actions/dr-drill/src/post-cleanup.ts







/** What post does with the saved state; returns the cleanup line for the summary. Throws when ARNs are left. */
async function postCleanup(s, deps = { rds: rdsFactory(), now: Date.now, sleep: poller_sleep, log: src/* log */.Rm }) {
    const l = deps.log;
    if (s.pendingFailback)
        await failback(s, deps);
    const keep = s.cleanup === 'never' ||
        (s.cleanup === 'on-success' && (s.outcome === 'failed' || s.outcome === 'error'));
    if (keep) {
        const found = [];
        for (const region of s.regions)
            found.push(...ownedBy(s.drillId, await listCandidates(deps.rds(region), region)));
        if (found.length)
            l.warning(`drill ${s.drillId} resources kept (cleanup: ${s.cleanup}); they cost money until deleted by hand or by a later drill's orphan sweep once their dr-drill-expires time has passed: ${found.map((f) => f.arn).join(', ')}`);
        else
            l.info(`drill ${s.drillId}: cleanup ${s.cleanup}, and nothing tagged with it exists`);
        return;
    }
    l.info(s.cleanedUp
        ? `drill ${s.drillId}: main already cleaned up; checking that nothing tagged with it is left`
        : `drill ${s.drillId} (${s.outcome}): deleting everything tagged dr-drill-id=${s.drillId} in ${s.regions.join(', ')}`);
    let r;
    try {
        r = await cleanup_cleanupDrill(deps, s.drillId, s.regions, {
            deadline: deps.now() + s.cleanupTimeoutMs,
            intervalMs: s.pollIntervalMs,
            wait: true,
        });
    }
    catch (err) {
        throw new src/* OperationError */.OK(`cleanup of drill ${s.drillId} failed: ${explainAwsError(err) ?? String(err)}`);
    }
    if (r.found === 0 && r.left.length === 0)
        l.info(`drill ${s.drillId}: nothing left to clean up`);
    else if (r.left.length === 0)
        l.info(`drill ${s.drillId}: deleted ${r.deleted.length} resource(s), all gone`);
    updateReport(s, r.deleted.map((d) => d.arn), r.left);
    if (r.found > 0 || r.left.length) {
        const sb = new src/* SummaryBuilder */.CF().heading('DR drill cleanup (post step)', 3);
        sb.paragraph(r.left.length
            ? `**${r.left.length} resource(s) left behind**`
            : `Deleted ${r.deleted.length} resource(s); nothing tagged ${s.drillId} remains.`);
        if (r.left.length)
            sb.list(r.left.map((x) => `\`${x.arn}\`: ${x.error}`));
        sb.write();
    }
    if (r.left.length) {
        for (const x of r.left)
            l.error(`dr-drill cleanup left ${x.arn} behind (${x.region}): ${x.error}`);
        throw new src/* OperationError */.OK(`cleanup of drill ${s.drillId} left ${r.left.length} resource(s) behind, delete them by hand: ${r.left.map((x) => x.arn).join(', ')}`);
    }
}
function updateReport(s, deleted, left) {
    if (!s.reportFile || !(0,external_node_fs_.existsSync)(s.reportFile))
        return;
    try {
        const report = JSON.parse((0,external_node_fs_.readFileSync)(s.reportFile, 'utf8'));
        report.cleanup.deleted = [...new Set([...report.cleanup.deleted, ...deleted])];
        report.cleanup.left = left;
        report.cleanup.status = left.length ? 'incomplete (post step)' : 'done';
        (0,external_node_fs_.writeFileSync)(s.reportFile, JSON.stringify(report, null, 2) + '\n');
    }
    catch {
        // The report is evidence, not a reason to fail the cleanup.
    }
}
/**
 * A global switchover was interrupted with the writer away from home: switch it back (planned
 * switchover, never a failover with data loss) and wait until the primary is the writer again.
 */
async function failback(s, deps) {
    const p = s.pendingFailback;
    const rds = deps.rds(p.region);
    const describe = async () => (await rds.send(new dist_cjs/* DescribeGlobalClustersCommand */.tMi({ GlobalClusterIdentifier: p.globalClusterId })))
        .GlobalClusters?.[0];
    const deadline = deps.now() + s.cleanupTimeoutMs;
    let asked = false;
    for (;;) {
        const g = await describe();
        const writer = g?.GlobalClusterMembers?.find((m) => m.IsWriter)?.DBClusterArn;
        const busy = Boolean(g?.FailoverState?.Status) || g?.Status !== 'available';
        if (writer === p.primaryArn && !busy) {
            deps.log.info(`global database ${p.globalClusterId}: the writer is ${p.primaryArn} again`);
            return;
        }
        if (!busy && !asked) {
            deps.log.warning(`drill ${s.drillId} was interrupted with the writer of ${p.globalClusterId} at ${writer}: switching it back to ${p.primaryArn}`);
            await rds.send(new dist_cjs/* SwitchoverGlobalClusterCommand */.$kP({
                GlobalClusterIdentifier: p.globalClusterId,
                TargetDbClusterIdentifier: p.primaryArn,
            }));
            asked = true;
        }
        if (deps.now() >= deadline)
            throw new src/* OperationError */.OK(`the writer of global database ${p.globalClusterId} is still ${writer} after the cleanup timeout: switch it back with aws rds switchover-global-cluster --global-cluster-identifier ${p.globalClusterId} --target-db-cluster-identifier ${p.primaryArn}`);
        await deps.sleep(Math.min(s.pollIntervalMs, Math.max(0, deadline - deps.now())));
    }
}


/***/ })

};
