export const id = 343;
export const ids = [343];
export const modules = {

/***/ 6724:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  execute: () => (/* binding */ execute)
});

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-codedeploy/dist-cjs/index.js
var dist_cjs = __webpack_require__(7507);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-ecs/dist-cjs/index.js
var client_ecs_dist_cjs = __webpack_require__(212);
// EXTERNAL MODULE: ./packages/action-kit/src/index.ts + 9 modules
var src = __webpack_require__(9855);
// EXTERNAL MODULE: ./packages/aws/src/index.ts + 6 modules
var aws_src = __webpack_require__(7833);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: ./actions/ecs-blue-green/src/inputs.ts
var inputs = __webpack_require__(9435);
;// CONCATENATED MODULE: ./actions/ecs-blue-green/src/appspec.ts



const TASK_DEFINITION_PLACEHOLDER = '<TASK_DEFINITION>';
function hooksList(hooks, existing = []) {
    const merged = new Map();
    for (const h of existing)
        for (const [k, v] of Object.entries(h))
            merged.set(k, String(v));
    for (const [k, v] of hooks)
        merged.set(k, v);
    const ordered = inputs/* HOOK_EVENTS */.CJ.filter((e) => merged.has(e)).map((e) => ({ [e]: merged.get(e) }));
    return ordered.length ? ordered : undefined;
}
/** The appspec CodeDeploy needs, built from the service as it runs now. */
function generateAppSpec(service, o) {
    const lb = service.loadBalancers?.[0];
    const containerName = o.containerName ?? lb?.containerName;
    const containerPort = o.containerPort ?? lb?.containerPort;
    if (!containerName || !containerPort)
        throw new src/* ConfigurationError */.j1(`input "container-name": service ${service.serviceName ?? ''} has no load balancer to take the container ` +
            `name and port from: set container-name and container-port (or give an appspec file)`, 'container-name');
    const props = {
        TaskDefinition: TASK_DEFINITION_PLACEHOLDER,
        LoadBalancerInfo: { ContainerName: containerName, ContainerPort: containerPort },
    };
    if (service.platformVersion)
        props.PlatformVersion = service.platformVersion;
    const vpc = service.networkConfiguration?.awsvpcConfiguration;
    if (vpc?.subnets?.length) {
        props.NetworkConfiguration = {
            AwsvpcConfiguration: {
                Subnets: vpc.subnets,
                ...(vpc.securityGroups?.length ? { SecurityGroups: vpc.securityGroups } : {}),
                ...(vpc.assignPublicIp ? { AssignPublicIp: vpc.assignPublicIp } : {}),
            },
        };
    }
    // Keep the service's strategy: an appspec without one removes it (aws/containers-roadmap#1752).
    if (service.capacityProviderStrategy?.length)
        props.CapacityProviderStrategy = service.capacityProviderStrategy.map((s) => ({
            CapacityProvider: s.capacityProvider ?? '',
            ...(s.base !== undefined ? { Base: s.base } : {}),
            ...(s.weight !== undefined ? { Weight: s.weight } : {}),
        }));
    const appspec = {
        version: '0.0',
        Resources: [{ TargetService: { Type: 'AWS::ECS::Service', Properties: props } }],
    };
    const hooks = hooksList(o.hooks);
    if (hooks)
        appspec.Hooks = hooks;
    return {
        appspec,
        source: {
            kind: 'service',
            containerFrom: o.containerName ? 'input' : 'service',
            portFrom: o.containerPort ? 'input' : 'service',
        },
    };
}
function isObject(x) {
    return typeof x === 'object' && x !== null && !Array.isArray(x);
}
/** Check a user's appspec file and apply the input overrides. */
function appSpecFromFile(file, o) {
    const bad = (path, what) => {
        throw new src/* ConfigurationError */.j1(`input "appspec": ${file.at(path)}: ${what}`, 'appspec');
    };
    const v = file.value;
    if (!isObject(v))
        bad([], 'expected an AppSpec mapping with version, Resources and optional Hooks');
    const spec = v;
    if (spec.version === undefined)
        bad([], 'no "version": add version: 0.0');
    const resources = spec.Resources;
    if (!Array.isArray(resources) || resources.length !== 1)
        bad(['Resources'], 'Resources must list exactly one TargetService (the ECS service)');
    const target = resources[0];
    const ts = isObject(target) ? target.TargetService : undefined;
    if (!isObject(ts))
        bad(['Resources', 0], 'expected a TargetService entry');
    const service = ts;
    if (service.Type !== 'AWS::ECS::Service')
        bad(['Resources', 0, 'TargetService', 'Type'], `Type is ${(0,src/* quote */.hD)(String(service.Type))}: expected AWS::ECS::Service`);
    const props = service.Properties;
    if (!isObject(props))
        bad(['Resources', 0, 'TargetService'], 'no Properties: add TaskDefinition and LoadBalancerInfo');
    const p = props;
    const lbPath = ['Resources', 0, 'TargetService', 'Properties', 'LoadBalancerInfo'];
    const lb = isObject(p.LoadBalancerInfo) ? p.LoadBalancerInfo : {};
    const containerName = o.containerName ?? lb.ContainerName;
    const portRaw = o.containerPort ?? lb.ContainerPort;
    if (typeof containerName !== 'string' || !containerName)
        bad(lbPath, 'LoadBalancerInfo.ContainerName is missing: add it or set the container-name input');
    const port = typeof portRaw === 'string' && /^\d+$/.test(portRaw) ? Number(portRaw) : portRaw;
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)
        bad([...lbPath, 'ContainerPort'], 'LoadBalancerInfo.ContainerPort must be a port number: fix it or set container-port');
    const hooks = spec.Hooks;
    if (hooks !== undefined) {
        if (!Array.isArray(hooks))
            bad(['Hooks'], 'Hooks must be a list of Event: LambdaFunction entries');
        hooks.forEach((h, i) => {
            if (!isObject(h))
                bad(['Hooks', i], 'each hook must be Event: LambdaFunction');
            for (const [k, fn] of Object.entries(h)) {
                if (!inputs/* HOOK_EVENTS */.CJ.includes(k))
                    bad(['Hooks', i], `hook event ${(0,src/* quote */.hD)(k)} is not an ECS hook: use ${inputs/* HOOK_EVENTS */.CJ.join(', ')}`);
                if (typeof fn !== 'string' || !fn)
                    bad(['Hooks', i], `hook ${k} names no Lambda function`);
            }
        });
    }
    const outProps = {
        ...p,
        TaskDefinition: TASK_DEFINITION_PLACEHOLDER,
        LoadBalancerInfo: { ContainerName: containerName, ContainerPort: port },
    };
    const appspec = {
        version: spec.version,
        Resources: [{ TargetService: { Type: 'AWS::ECS::Service', Properties: outProps } }],
    };
    const mergedHooks = hooksList(o.hooks, hooks);
    if (mergedHooks)
        appspec.Hooks = mergedHooks;
    return {
        appspec,
        source: {
            kind: 'file',
            file,
            containerFrom: o.containerName ? 'input' : 'file',
            portFrom: o.containerPort ? 'input' : 'file',
        },
    };
}
/**
 * The appspec's container must exist in the task definition and expose the port. The error names the
 * input the wrong value came from.
 */
function checkAppSpecContainer(appspec, source, family, containers) {
    const { ContainerName: name, ContainerPort: port } = appspec.Resources[0].TargetService.Properties.LoadBalancerInfo;
    const lbPath = ['Resources', 0, 'TargetService', 'Properties', 'LoadBalancerInfo'];
    const blame = (from, key) => {
        if (from === 'input')
            return key === 'ContainerName' ? 'input "container-name"' : 'input "container-port"';
        if (from === 'file')
            return `input "appspec": ${source.file.at([...lbPath, key])}`;
        return 'input "task-definition"';
    };
    const inputOf = (from, key) => from === 'input'
        ? key === 'ContainerName'
            ? 'container-name'
            : 'container-port'
        : from === 'file'
            ? 'appspec'
            : 'task-definition';
    const names = containers.map((c) => c.name ?? '');
    const container = containers.find((c) => c.name === name);
    if (!container) {
        const fix = source.containerFrom === 'service'
            ? `the service's load balancer sends traffic to container ${(0,src/* quote */.hD)(name)}: add it to the task definition or set container-name`
            : `use one of ${names.join(', ')}`;
        throw new src/* ConfigurationError */.j1(`${blame(source.containerFrom, 'ContainerName')}: container ${(0,src/* quote */.hD)(name)} is not in task definition ${family} ` +
            `(containers: ${names.join(', ')}); ${fix}`, inputOf(source.containerFrom, 'ContainerName'));
    }
    const ports = (container.portMappings ?? []).map((m) => m.containerPort).filter((x) => x !== undefined);
    if (!ports.includes(port)) {
        throw new src/* ConfigurationError */.j1(`${blame(source.portFrom, 'ContainerPort')}: container ${(0,src/* quote */.hD)(name)} in task definition ${family} does not expose port ${port} ` +
            `(${ports.length ? `its ports: ${ports.join(', ')}` : 'it has no portMappings'}); ` +
            (source.portFrom === 'service'
                ? 'add the port mapping or set container-port'
                : 'use one of its ports'), inputOf(source.portFrom, 'ContainerPort'));
    }
}
/** Fill in the task definition and serialise for CreateDeployment's AppSpecContent. */
function appSpecContent(appspec, taskDefinitionArn) {
    const filled = {
        ...appspec,
        Resources: [
            {
                TargetService: {
                    ...appspec.Resources[0].TargetService,
                    Properties: {
                        ...appspec.Resources[0].TargetService.Properties,
                        TaskDefinition: taskDefinitionArn,
                    },
                },
            },
        ],
    };
    const content = JSON.stringify(filled);
    return { content, sha256: (0,external_node_crypto_.createHash)('sha256').update(content).digest('hex') };
}
/** A warning when the user's appspec would drop the service's capacity provider strategy. */
function strategyWarning(appspec, service) {
    const props = appspec.Resources[0].TargetService.Properties;
    if (service.capacityProviderStrategy?.length && !props.CapacityProviderStrategy?.length)
        return (`the appspec has no CapacityProviderStrategy, so CodeDeploy will remove the service's strategy ` +
            `(${service.capacityProviderStrategy.map((s) => s.capacityProvider).join(', ')}); add it to the appspec to keep it ` +
            `(aws/containers-roadmap#1752)`);
    return undefined;
}

;// CONCATENATED MODULE: ./actions/ecs-blue-green/src/diagnose.ts

/**
 * What ECS says about the service: its last events and why tasks stopped. Best effort: a failure to
 * read these must not hide the deployment's own failure, so errors come back as text.
 */
async function diagnoseService(ecs, cluster, service, since, limit = 5) {
    const out = { events: [], stoppedTasks: [] };
    try {
        const svc = (await ecs.send(new client_ecs_dist_cjs/* DescribeServicesCommand */.H7c({ cluster, services: [service] })));
        out.events = (svc.services?.[0]?.events ?? [])
            .filter((e) => !since || !e.createdAt || e.createdAt.getTime() >= since.getTime() - 60_000)
            .slice(0, limit)
            .map((e) => ({ at: e.createdAt, message: e.message ?? '' }));
        const list = (await ecs.send(new client_ecs_dist_cjs/* ListTasksCommand */.MYg({ cluster, serviceName: service, desiredStatus: 'STOPPED', maxResults: limit })));
        if (list.taskArns?.length) {
            const tasks = (await ecs.send(new client_ecs_dist_cjs/* DescribeTasksCommand */.z8X({ cluster, tasks: list.taskArns })));
            out.stoppedTasks = (tasks.tasks ?? [])
                .filter((t) => !since || !t.stoppedAt || t.stoppedAt.getTime() >= since.getTime() - 60_000)
                .map((t) => {
                const containers = (t.containers ?? [])
                    .filter((c) => c.reason || (c.exitCode !== undefined && c.exitCode !== 0))
                    .map((c) => `${c.name}: ${c.reason ?? `exit code ${c.exitCode}`}`);
                return {
                    taskArn: t.taskArn ?? '?',
                    stoppedAt: t.stoppedAt,
                    reason: [t.stoppedReason ?? 'no reason given', ...containers].join('; '),
                };
            });
        }
    }
    catch (err) {
        out.error = `could not read ECS service events or stopped tasks: ${err.name}: ${err.message}`;
    }
    return out;
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(8815);
;// CONCATENATED MODULE: ./actions/ecs-blue-green/src/files.ts




function resolvePath(workspace, file) {
    return (0,external_node_path_.isAbsolute)(file) ? file : (0,external_node_path_.resolve)(workspace, file);
}
/**
 * Read a JSON or YAML file (JSON is YAML, so one parser serves both and keeps line numbers).
 * Unreadable or invalid files are configuration errors that name the input and give file:line.
 */
function readStructured(workspace, file, input) {
    let text;
    try {
        text = (0,external_node_fs_.readFileSync)(resolvePath(workspace, file), 'utf8');
    }
    catch (err) {
        const code = err.code;
        throw new src/* ConfigurationError */.j1(`input "${input}": cannot read ${file} (${code === 'ENOENT' ? 'no such file' : (code ?? 'error')}): ` +
            `give a path relative to the workspace`, input);
    }
    return parseStructured(text, file, input);
}
function parseStructured(text, file, input) {
    const lineCounter = new dist/* LineCounter */.HN();
    const doc = (0,dist/* parseDocument */.Tp)(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
    const first = doc.errors[0];
    if (first) {
        const pos = first.linePos?.[0] ?? lineCounter.linePos(first.pos[0]);
        const where = pos ? `${file}:${pos.line}` : file;
        const what = first.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
        throw new src/* ConfigurationError */.j1(`input "${input}": ${where}: not valid JSON or YAML: ${what}`, input);
    }
    const value = doc.toJS({ maxAliasCount: 100 });
    return {
        file,
        value,
        at(path) {
            let node = doc.contents;
            let found = doc.contents ?? undefined;
            for (const key of path) {
                if ((0,dist/* isMap */.jh)(node)) {
                    const pair = node.items.find((p) => p.key?.value === key);
                    if (!pair)
                        break;
                    found = pair.key ?? found;
                    node = pair.value;
                    if (pair.value && ((0,dist/* isMap */.jh)(pair.value) || (0,dist/* isSeq */.oP)(pair.value)))
                        found = pair.key;
                }
                else if ((0,dist/* isSeq */.oP)(node) && typeof key === 'number') {
                    const item = node.items[key];
                    if (!item)
                        break;
                    found = item;
                    node = item;
                }
                else
                    break;
            }
            const offset = found?.range?.[0];
            if (offset === undefined)
                return file;
            return `${file}:${lineCounter.linePos(offset).line}`;
        },
    };
}

;// CONCATENATED MODULE: ./actions/ecs-blue-green/src/progress.ts

const FINAL_STATUSES = ['Succeeded', 'Failed', 'Stopped'];
const ACTIVE_STATUSES = ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'];
function isFinal(status) {
    return FINAL_STATUSES.includes(status ?? '');
}
/** Read the ECS target the way BatchGetDeploymentTargets returns it. */
function snapshotOf(status, ecsTarget) {
    const events = (ecsTarget?.lifecycleEvents ?? []).map((e) => ({
        name: e.lifecycleEventName ?? '?',
        status: e.status ?? 'Unknown',
        startTime: e.startTime,
        endTime: e.endTime,
        diagnostics: e.diagnostics,
    }));
    let weights;
    for (const ts of ecsTarget?.taskSetsInfo ?? []) {
        const label = (ts.taskSetLabel ?? '').toLowerCase();
        if (label !== 'blue' && label !== 'green')
            continue;
        weights ??= {};
        weights[label] = ts.trafficWeight;
    }
    return { status, events, weights };
}
function pct(x) {
    if (x === undefined)
        return '-';
    return `${Math.round(x * 10) / 10}%`;
}
/**
 * Turns successive snapshots into one line per change: the deployment status, each lifecycle event's
 * status (with its duration once it ends), and the BLUE/GREEN traffic weights while they move. Also
 * keeps the timeline for the job summary.
 */
class ProgressTracker {
    label;
    now;
    status;
    eventStatus = new Map();
    firstSeen = new Map();
    weights;
    timeline = [];
    start;
    last;
    constructor(label, now = Date.now) {
        this.label = label;
        this.now = now;
        this.start = now();
    }
    stamp() {
        return `[+${(0,src/* formatDuration */.a3)(this.now() - this.start)}]`;
    }
    add(text, out) {
        out.push(`${this.stamp()} ${text}`);
        this.timeline.push({ atMs: this.now() - this.start, text });
    }
    /** Put an action of ours (smoke test, continue, stop) on the timeline. */
    record(text) {
        this.timeline.push({ atMs: this.now() - this.start, text });
    }
    /** Lines for whatever changed since the last snapshot (none when nothing did). */
    update(snap) {
        const out = [];
        this.last = snap;
        if (snap.status && snap.status !== this.status) {
            this.status = snap.status;
            this.add(`${this.label}: ${snap.status}`, out);
        }
        for (const e of snap.events) {
            if (this.eventStatus.get(e.name) === e.status)
                continue;
            const before = this.eventStatus.get(e.name);
            this.eventStatus.set(e.name, e.status);
            if (before === undefined && e.status === 'Pending')
                continue; // not news
            if (!this.firstSeen.has(e.name))
                this.firstSeen.set(e.name, this.now());
            const took = eventDuration(e, this.firstSeen.get(e.name), this.now());
            const ended = e.status === 'Succeeded' || e.status === 'Failed';
            this.add(`  ${e.name}: ${e.status}${ended && took !== undefined ? ` in ${(0,src/* formatDuration */.a3)(took)}` : ''}`, out);
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
    describe() {
        const s = this.last;
        if (!s)
            return 'nothing seen yet';
        const current = s.events.find((e) => e.status === 'InProgress') ??
            [...s.events].reverse().find((e) => e.status !== 'Pending');
        return [s.status, current ? `${current.name} ${current.status}` : undefined].filter(Boolean).join(', ');
    }
}
/** How long an event took: from its own timestamps when it has them, else from when we saw it. */
function eventDuration(e, firstSeen, now) {
    if (e.startTime && e.endTime)
        return e.endTime.getTime() - e.startTime.getTime();
    if (e.startTime)
        return now - e.startTime.getTime();
    return now - firstSeen;
}

;// CONCATENATED MODULE: ./actions/ecs-blue-green/src/stop.ts



/**
 * StopDeployment with automatic rollback. A deployment that already ended answers
 * DeploymentAlreadyCompletedException, which counts as done.
 */
async function stopWithRollback(codedeploy, deploymentId) {
    try {
        const out = (await codedeploy.send(new dist_cjs/* StopDeploymentCommand */.NzN({ deploymentId, autoRollbackEnabled: true })));
        src/* log.info */.Rm.info(`stop requested for ${deploymentId} with rollback: ${out.status ?? 'Pending'}` +
            (out.statusMessage ? ` (${out.statusMessage})` : ''));
        return 'stopped';
    }
    catch (err) {
        if (err.name === 'DeploymentAlreadyCompletedException') {
            src/* log.info */.Rm.info(`deployment ${deploymentId} had already ended; nothing to stop`);
            return 'already-completed';
        }
        throw err;
    }
}
async function stopFromPost(saved) {
    const codedeploy = createClient(CodeDeployClient, { region: saved.region, action: 'ecs-blue-green' });
    log.info(`post: main did not finish deployment ${saved.deploymentId}; stopping it with rollback (on-cancel: rollback)`);
    await stopWithRollback(codedeploy, saved.deploymentId);
}

;// CONCATENATED MODULE: ./actions/ecs-blue-green/src/follow.ts




function errorName(err) {
    return err?.name ?? '';
}
const NOT_YET = new Set(['DeploymentNotStartedException']);
/**
 * Follow one deployment with our poller: GetDeployment and the ECS target each interval, one line per
 * change. Runs the smoke test once AllowTestTraffic succeeded, continues from Ready on success and
 * stops with rollback on failure. Ends at Ready (`until: ready`) or a final status.
 */
async function follow(opts, deps) {
    const now = deps.now ?? Date.now;
    const tracker = new ProgressTracker(opts.label ?? `deployment ${opts.deploymentId}`, now);
    let targetId;
    let info = {};
    let smoke;
    let stoppedForSmoke = false;
    let continued = false;
    let saidWaiting = false;
    const readTarget = async (status) => {
        if (status === 'Created' || status === 'Queued')
            return undefined;
        try {
            if (!targetId) {
                const list = (await deps.codedeploy.send(new dist_cjs/* ListDeploymentTargetsCommand */.$9V({ deploymentId: opts.deploymentId })));
                const ids = list.targetIds ?? [];
                targetId = ids.find((id) => id === opts.targetId) ?? ids[0];
                if (!targetId)
                    return undefined;
            }
            const got = (await deps.codedeploy.send(new dist_cjs/* BatchGetDeploymentTargetsCommand */.Bsg({ deploymentId: opts.deploymentId, targetIds: [targetId] })));
            return got.deploymentTargets?.[0]?.ecsTarget;
        }
        catch (err) {
            if (NOT_YET.has(errorName(err)))
                return undefined;
            throw err;
        }
    };
    const status = await (0,aws_src/* poll */.wt)({
        what: `${opts.label ?? `deployment ${opts.deploymentId}`} to ${opts.until === 'ready' ? 'reach Ready' : 'end'}`,
        intervalMs: opts.intervalMs,
        jitterMs: opts.jitterMs ?? 1000,
        deadline: opts.deadline,
        signal: deps.signal,
        now,
        random: deps.random,
        sleep: deps.sleep,
        check: async () => {
            const got = (await deps.codedeploy.send(new dist_cjs/* GetDeploymentCommand */.Tvn({ deploymentId: opts.deploymentId })));
            info = got.deploymentInfo ?? {};
            const st = info.status;
            const target = await readTarget(st);
            const snap = snapshotOf(st, target);
            for (const line of tracker.update(snap))
                deps.log(line);
            if (isFinal(st))
                return { done: true, value: st };
            // Smoke test of the green side once it serves the test listener.
            const testTrafficUp = snap.events.some((e) => e.name === 'AllowTestTraffic' && e.status === 'Succeeded') || st === 'Ready';
            if (opts.smokeTest && !smoke && testTrafficUp && deps.probe) {
                deps.log(`probing the green side at ${opts.smokeTest.url} (expecting ${opts.smokeTest.acceptText})`);
                smoke = await deps.probe(opts.smokeTest, deps.signal);
                deps.log(smoke.text);
                tracker.record(smoke.text);
                if (!smoke.ok && !deps.signal?.aborted) {
                    deps.log(`stopping ${opts.deploymentId} with rollback because the smoke test failed`);
                    tracker.record('StopDeployment with rollback (smoke test failed)');
                    await stopWithRollback(deps.codedeploy, opts.deploymentId);
                    stoppedForSmoke = true;
                    return { done: false, progress: tracker.describe() };
                }
            }
            if (st === 'Ready' && !stoppedForSmoke) {
                const smokeWanted = opts.smokeTest !== undefined;
                if (opts.until === 'ready' && (!smokeWanted || smoke?.ok))
                    return { done: true, value: st };
                if (smokeWanted && smoke?.ok && !continued) {
                    await deps.codedeploy.send(new dist_cjs/* ContinueDeploymentCommand */.Md$({
                        deploymentId: opts.deploymentId,
                        deploymentWaitType: 'READY_WAIT',
                    }));
                    continued = true;
                    deps.log(`continued ${opts.deploymentId}: the smoke test passed, shifting production traffic to green`);
                    tracker.record('ContinueDeployment (smoke test passed)');
                }
                else if (!smokeWanted && !saidWaiting) {
                    saidWaiting = true;
                    deps.log(`waiting in Ready for ContinueDeployment (run this action with command: continue, or the group's wait time ends it)`);
                }
            }
            return { done: false, progress: tracker.describe() };
        },
    });
    return { status, info, tracker, smoke, stoppedForSmoke, continued };
}

;// CONCATENATED MODULE: ./actions/ecs-blue-green/src/taskdef.ts

/** Fields DescribeTaskDefinition returns that RegisterTaskDefinition rejects. */
const READ_ONLY_FIELDS = [
    'compatibilities',
    'taskDefinitionArn',
    'requiresAttributes',
    'revision',
    'status',
    'registeredAt',
    'deregisteredAt',
    'registeredBy',
];
function taskdef_isObject(x) {
    return typeof x === 'object' && x !== null && !Array.isArray(x);
}
/** Remove null, empty strings, empty arrays and empty objects, deeply (env var values may be ''). */
function dropEmpty(value, key) {
    if (Array.isArray(value)) {
        const items = value.map((v) => dropEmpty(v)).filter((v) => v !== undefined);
        return items.length ? items : undefined;
    }
    if (taskdef_isObject(value)) {
        const out = {};
        for (const [k, v] of Object.entries(value)) {
            const cleaned = dropEmpty(v, k);
            if (cleaned !== undefined)
                out[k] = cleaned;
        }
        return Object.keys(out).length ? out : undefined;
    }
    if (value === null || value === undefined)
        return undefined;
    if (value === '' && key !== 'value')
        return undefined;
    return value;
}
/**
 * Turn a task definition file (a RegisterTaskDefinition input, or DescribeTaskDefinition output with
 * or without its `taskDefinition` wrapper) into what RegisterTaskDefinition accepts.
 */
function cleanTaskDefinition(file, input = 'task-definition') {
    let raw = file.value;
    let pathPrefix = [];
    let wrapperTags;
    if (taskdef_isObject(raw) && taskdef_isObject(raw.taskDefinition)) {
        wrapperTags = raw.tags;
        raw = raw.taskDefinition;
        pathPrefix = ['taskDefinition'];
    }
    if (!taskdef_isObject(raw))
        throw new src/* ConfigurationError */.j1(`input "${input}": ${file.at([])}: expected a task definition object (family, containerDefinitions, ...)`, input);
    const dropped = READ_ONLY_FIELDS.filter((f) => f in raw);
    const copy = { ...raw };
    for (const f of dropped)
        delete copy[f];
    if (wrapperTags !== undefined && copy.tags === undefined)
        copy.tags = wrapperTags;
    // RegisterTaskDefinition wants task-level cpu and memory as strings.
    for (const k of ['cpu', 'memory'])
        if (typeof copy[k] === 'number')
            copy[k] = String(copy[k]);
    const cleaned = (dropEmpty(copy) ?? {});
    if (typeof cleaned.family !== 'string' || !/^[A-Za-z0-9_-]{1,255}$/.test(cleaned.family))
        throw new src/* ConfigurationError */.j1(`input "${input}": ${file.at([...pathPrefix, 'family'])}: "family" is ${cleaned.family === undefined ? 'missing' : (0,src/* quote */.hD)(String(cleaned.family))}: set it to the task definition family (letters, digits, - and _)`, input);
    const containers = cleaned.containerDefinitions;
    if (!Array.isArray(containers) || containers.length === 0 || !containers.every(taskdef_isObject))
        throw new src/* ConfigurationError */.j1(`input "${input}": ${file.at([...pathPrefix, 'containerDefinitions'])}: "containerDefinitions" must be a non-empty list of containers`, input);
    containers.forEach((c, i) => {
        if (typeof c.name !== 'string')
            throw new src/* ConfigurationError */.j1(`input "${input}": ${file.at([...pathPrefix, 'containerDefinitions', i])}: container ${i + 1} has no "name"`, input);
    });
    return { taskDefinition: cleaned, dropped };
}
/** Apply `container=image` overrides; an unknown container name is a configuration error. */
function applyImages(td, images, input = 'container-images') {
    if (!images.size)
        return td;
    const names = td.containerDefinitions.map((c) => String(c.name));
    for (const name of images.keys())
        if (!names.includes(name))
            throw new src/* ConfigurationError */.j1(`input "${input}" names container ${(0,src/* quote */.hD)(name)}, which is not in task definition ${td.family} ` +
                `(containers: ${names.join(', ')}): use one of those names`, input);
    return {
        ...td,
        containerDefinitions: td.containerDefinitions.map((c) => images.has(String(c.name)) ? { ...c, image: images.get(String(c.name)) } : c),
    };
}
/** Values ECS fills in on registration; removed from both sides before comparing. */
function stripDefaults(td) {
    const out = { ...td };
    for (const f of READ_ONLY_FIELDS)
        delete out[f];
    delete out.tags;
    if (out.networkMode === 'bridge')
        delete out.networkMode;
    if (out.enableFaultInjection === false)
        delete out.enableFaultInjection;
    const containers = Array.isArray(out.containerDefinitions) ? out.containerDefinitions : [];
    out.containerDefinitions = containers.map((raw) => {
        const c = { ...raw };
        if (c.cpu === 0)
            delete c.cpu;
        if (c.essential === true)
            delete c.essential;
        if (Array.isArray(c.portMappings))
            c.portMappings = c.portMappings.map((pmRaw) => {
                const pm = { ...pmRaw };
                if (pm.protocol === 'tcp')
                    delete pm.protocol;
                if (pm.hostPort === pm.containerPort)
                    delete pm.hostPort;
                return pm;
            });
        return c;
    });
    return out;
}
/** JSON with keys sorted at every level: equal text means equal content. */
function canonical(value) {
    const sortDeep = (v) => {
        if (Array.isArray(v))
            return v.map(sortDeep);
        if (taskdef_isObject(v))
            return Object.fromEntries(Object.keys(v)
                .sort()
                .map((k) => [k, sortDeep(v[k])]));
        return v;
    };
    return JSON.stringify(sortDeep(value));
}
/**
 * True when the latest registered revision has the same content as the one about to be registered,
 * ignoring read-only fields, empty values and the defaults ECS fills in. When unsure, says false:
 * a needless revision is harmless, deploying the wrong one is not.
 */
function sameTaskDefinition(desired, existing) {
    const a = stripDefaults((dropEmpty(desired) ?? {}));
    const b = stripDefaults((dropEmpty(existing) ?? {}));
    return canonical(a) === canonical(b);
}

;// CONCATENATED MODULE: ./actions/ecs-blue-green/src/timeout.ts
/** Minutes the traffic shift of the built-in ECS configurations takes. */
const BUILT_IN_SHIFT_MINUTES = {
    'CodeDeployDefault.ECSAllAtOnce': 0,
    'CodeDeployDefault.ECSLinear10PercentEvery1Minutes': 10,
    'CodeDeployDefault.ECSLinear10PercentEvery3Minutes': 30,
    'CodeDeployDefault.ECSCanary10Percent5Minutes': 5,
    'CodeDeployDefault.ECSCanary10Percent15Minutes': 15,
};
/** How long a custom configuration shifts traffic, in minutes. */
function shiftMinutes(routing) {
    if (!routing)
        return 0;
    if (routing.type === 'TimeBasedCanary')
        return routing.timeBasedCanary?.canaryInterval ?? 0;
    if (routing.type === 'TimeBasedLinear') {
        const every = routing.timeBasedLinear?.linearInterval ?? 0;
        const pct = routing.timeBasedLinear?.linearPercentage ?? 100;
        return every * Math.max(0, Math.ceil(100 / Math.max(1, pct)) - 1);
    }
    return 0;
}
const MAX_TIMEOUT_MINUTES = 360;
/** The default timeout: the group's wait times + the traffic shift + 30 minutes, at most 360. */
function defaultTimeoutMinutes(group, shift) {
    const ready = group.readyOption?.actionOnTimeout === 'STOP_DEPLOYMENT' ? (group.readyOption.waitTimeInMinutes ?? 0) : 0;
    return Math.min(MAX_TIMEOUT_MINUTES, ready + (group.terminationWaitMinutes ?? 0) + shift + 30);
}

;// CONCATENATED MODULE: ./actions/ecs-blue-green/src/deploy.ts












/** CreateDeployment's description limit (longer ones answer DescriptionTooLongException). */
const DESCRIPTION_LIMIT = 512;
function codeDeployConsoleUrl(region, deploymentId) {
    return `https://${region}.${(0,aws_src/* consoleHost */.kd)(region)}/codesuite/codedeploy/deployments/${deploymentId}?region=${region}`;
}
function ecsConsoleUrl(region, cluster, service) {
    return (0,aws_src/* consoleUrl */.B9)(region, 'ecs', `#/clusters/${cluster}/services/${service}/deployments`);
}
function errName(err) {
    return err?.name ?? '';
}
function truncateDescription(text) {
    if (!text)
        return undefined;
    return text.length > DESCRIPTION_LIMIT ? `${text.slice(0, DESCRIPTION_LIMIT - 1)}…` : text;
}
/** The service, checked: it exists, is active and is deployed by CodeDeploy. */
async function readService(config, ecs) {
    const out = (await ecs.send(new client_ecs_dist_cjs/* DescribeServicesCommand */.H7c({ cluster: config.cluster, services: [config.service] })));
    const svc = out.services?.[0];
    if (!svc || svc.status === 'INACTIVE')
        throw new src/* ConfigurationError */.j1(`input "service" is ${(0,src/* quote */.hD)(config.service)}: no such active service in cluster ${(0,src/* quote */.hD)(config.cluster)}` +
            (out.failures?.[0]?.reason ? ` (${out.failures[0].reason})` : '') +
            `: check the cluster and service names`, 'service');
    if (svc.deploymentController?.type !== 'CODE_DEPLOY')
        throw new src/* ConfigurationError */.j1(`input "service": service ${config.serviceName} uses the ${svc.deploymentController?.type ?? 'ECS'} deployment ` +
            `controller, not CODE_DEPLOY: this action drives CodeDeploy blue/green deployments; recreate the service with ` +
            `deploymentController CODE_DEPLOY or use a rolling-update action`, 'service');
    return svc;
}
/** The deployment group, checked: ECS, BLUE_GREEN, and targeting this cluster and service. */
async function readGroup(config, codedeploy) {
    let group;
    try {
        const out = (await codedeploy.send(new dist_cjs/* GetDeploymentGroupCommand */.WOp({
            applicationName: config.application,
            deploymentGroupName: config.deploymentGroup,
        })));
        group = out.deploymentGroupInfo;
    }
    catch (err) {
        if (errName(err) === 'ApplicationDoesNotExistException')
            throw new src/* ConfigurationError */.j1(`input "codedeploy-application" is ${(0,src/* quote */.hD)(config.application)}: no such CodeDeploy application: ` +
                `set it to the application of the service's deployment group`, 'codedeploy-application');
        if (errName(err) === 'DeploymentGroupDoesNotExistException')
            throw new src/* ConfigurationError */.j1(`input "codedeploy-deployment-group" is ${(0,src/* quote */.hD)(config.deploymentGroup)}: no such deployment group in ` +
                `application ${config.application}: set it to the group that deploys ${config.clusterName}/${config.serviceName}`, 'codedeploy-deployment-group');
        throw err;
    }
    if (!group)
        throw new src/* OperationError */.OK(`GetDeploymentGroup returned nothing for ${config.deploymentGroup}`);
    const where = `input "codedeploy-deployment-group" is ${(0,src/* quote */.hD)(config.deploymentGroup)}:`;
    if (group.computePlatform && group.computePlatform !== 'ECS')
        throw new src/* ConfigurationError */.j1(`${where} the group deploys to ${group.computePlatform}, not ECS: name the ECS deployment group of the service`, 'codedeploy-deployment-group');
    if (group.deploymentStyle?.deploymentType && group.deploymentStyle.deploymentType !== 'BLUE_GREEN')
        throw new src/* ConfigurationError */.j1(`${where} the group's deployment type is ${group.deploymentStyle.deploymentType}, not BLUE_GREEN: use a blue/green group`, 'codedeploy-deployment-group');
    const targets = group.ecsServices ?? [];
    const ours = targets.some((t) => (t.clusterName === config.clusterName || t.clusterName === config.cluster) &&
        (t.serviceName === config.serviceName || t.serviceName === config.service));
    if (!ours)
        throw new src/* ConfigurationError */.j1(`${where} it targets ${targets.map((t) => `${t.clusterName}/${t.serviceName}`).join(', ') || 'no ECS service'}, ` +
            `not ${config.clusterName}/${config.serviceName}: name the group of this service`, 'codedeploy-deployment-group');
    return group;
}
/** Traffic shift minutes of the configuration, checking a custom one exists. */
async function shiftOf(name, input, codedeploy, deps) {
    if (name in BUILT_IN_SHIFT_MINUTES)
        return BUILT_IN_SHIFT_MINUTES[name];
    try {
        const out = (await codedeploy.send(new dist_cjs/* GetDeploymentConfigCommand */.z2K({ deploymentConfigName: name })));
        return shiftMinutes(out.deploymentConfigInfo?.trafficRoutingConfig);
    }
    catch (err) {
        if (input && errName(err) === 'DeploymentConfigDoesNotExistException')
            throw new src/* ConfigurationError */.j1(`input "deployment-config" is ${(0,src/* quote */.hD)(name)}: no such deployment configuration: use a CodeDeployDefault.ECS* name or create it first`, 'deployment-config');
        deps.log.warning(`could not read deployment configuration ${name} (${errName(err)}); the default timeout assumes no traffic shift time`);
        return 0;
    }
}
function activeOutcomeText(r) {
    return `${r.info.deploymentId ?? ''} ended ${r.status}`;
}
/**
 * The whole run for `command: deploy|continue|stop`. Validates everything before the first
 * mutation, keeps `report` up to date (the caller writes the summary even when this throws).
 */
async function run(config, deps, report) {
    const now = deps.now ?? Date.now;
    const started = now();
    report.ecsConsoleUrl = ecsConsoleUrl(config.region, config.clusterName, config.serviceName);
    const targetId = `${config.clusterName}:${config.serviceName}`;
    const followDeps = {
        codedeploy: deps.codedeploy,
        log: deps.log.info,
        now: deps.now,
        random: deps.random,
        sleep: deps.sleep,
        signal: deps.signal,
        probe: deps.probe,
    };
    if (config.command !== 'deploy') {
        const id = config.deploymentId;
        report.deploymentId = id;
        report.consoleUrl = codeDeployConsoleUrl(config.region, id);
        deps.setOutputs({ 'deployment-id': id, 'console-url': report.consoleUrl });
        deps.save({ deploymentId: id, onCancel: config.onCancel, region: config.region, finished: false });
        if (config.command === 'continue') {
            try {
                await deps.codedeploy.send(new dist_cjs/* ContinueDeploymentCommand */.Md$({ deploymentId: id, deploymentWaitType: 'READY_WAIT' }));
            }
            catch (err) {
                if (errName(err) === 'DeploymentIsNotInReadyStateException' ||
                    errName(err) === 'DeploymentAlreadyCompletedException')
                    throw new src/* OperationError */.OK(`cannot continue ${id}: ${errName(err)}: ${err.message} (is it waiting in Ready? see ${report.consoleUrl})`);
                throw err;
            }
            deps.log.info(`continued ${id}: shifting production traffic to the green task set`);
        }
        else {
            await stopWithRollback(deps.codedeploy, id);
        }
        if (config.waitFor === 'created' || config.waitFor === 'ready') {
            deps.save({ deploymentId: id, onCancel: config.onCancel, region: config.region, finished: true });
            report.outcome = config.command === 'stop' ? 'stopped' : 'created';
            return;
        }
        // No group is read here; without timeout-minutes the longest allowed wait applies.
        const deadline = started + (config.timeoutMinutes ?? MAX_TIMEOUT_MINUTES) * 60_000;
        await followToEnd(config, deps, report, { deploymentId: id, targetId, deadline }, followDeps);
        return;
    }
    // 1. Local files: the task definition and the appspec.
    let desired;
    if (config.taskDefinitionFile) {
        const file = readStructured(config.workspace, config.taskDefinitionFile, 'task-definition');
        const { taskDefinition, dropped } = cleanTaskDefinition(file);
        if (dropped.length)
            deps.log.notice(`${config.taskDefinitionFile}: dropped ${dropped.join(', ')} (DescribeTaskDefinition output that RegisterTaskDefinition does not accept)`);
        desired = applyImages(taskDefinition, config.containerImages);
    }
    const overrides = {
        containerName: config.containerName,
        containerPort: config.containerPort,
        hooks: config.hooks,
    };
    let plan;
    if (config.appspecFile)
        plan = appSpecFromFile(readStructured(config.workspace, config.appspecFile, 'appspec'), overrides);
    // 2. Read-only checks against AWS: service, group, task definition, configuration.
    const service = await readService(config, deps.ecs);
    const group = await readGroup(config, deps.codedeploy);
    let family;
    let containers;
    let existingArn;
    if (desired) {
        family = desired.family;
        containers = desired.containerDefinitions;
    }
    else {
        try {
            const out = (await deps.ecs.send(new client_ecs_dist_cjs/* DescribeTaskDefinitionCommand */.Zy$({ taskDefinition: config.taskDefinitionArn })));
            family = out.taskDefinition?.family ?? '';
            containers = out.taskDefinition?.containerDefinitions ?? [];
            existingArn = out.taskDefinition?.taskDefinitionArn;
        }
        catch (err) {
            if (errName(err) === 'ClientException' || errName(err) === 'InvalidParameterException')
                throw new src/* ConfigurationError */.j1(`input "task-definition-arn" is ${(0,src/* quote */.hD)(config.taskDefinitionArn)}: no such task definition (${err.message}): ` +
                    `give an existing revision ARN or family:revision`, 'task-definition-arn');
            throw err;
        }
    }
    if (!plan)
        plan = generateAppSpec(service, overrides);
    checkAppSpecContainer(plan.appspec, plan.source, family, containers);
    const warning = strategyWarning(plan.appspec, service);
    if (warning)
        deps.log.warning(warning);
    const configName = config.deploymentConfig ?? group.deploymentConfigName ?? 'CodeDeployDefault.ECSAllAtOnce';
    const shift = await shiftOf(configName, config.deploymentConfig !== undefined, deps.codedeploy, deps);
    const bg = group.blueGreenDeploymentConfiguration;
    const timeoutMinutes = config.timeoutMinutes ??
        defaultTimeoutMinutes({
            readyOption: bg?.deploymentReadyOption,
            terminationWaitMinutes: bg?.terminateBlueInstancesOnDeploymentSuccess?.terminationWaitTimeInMinutes,
        }, shift);
    const deadline = started + timeoutMinutes * 60_000;
    const readyWaits = bg?.deploymentReadyOption?.actionOnTimeout === 'STOP_DEPLOYMENT';
    if (config.waitFor === 'ready' && !readyWaits)
        deps.log.warning(`wait-for is ready, but deployment group ${config.deploymentGroup} does not stop at Ready ` +
            `(deploymentReadyOption.actionOnTimeout is ${bg?.deploymentReadyOption?.actionOnTimeout ?? 'CONTINUE_DEPLOYMENT'}): following it to the end`);
    // 3. Another deployment in the group.
    await handleActive(config, deps, deadline, targetId, followDeps);
    // 4. Register (or reuse) the task definition.
    let taskDefinitionArn = existingArn ?? config.taskDefinitionArn;
    if (desired) {
        let latest;
        try {
            const out = (await deps.ecs.send(new client_ecs_dist_cjs/* DescribeTaskDefinitionCommand */.Zy$({ taskDefinition: desired.family })));
            latest = out.taskDefinition;
        }
        catch (err) {
            if (errName(err) !== 'ClientException')
                throw err; // a new family
        }
        if (latest && latest.status !== 'INACTIVE' && sameTaskDefinition(desired, latest)) {
            taskDefinitionArn = String(latest.taskDefinitionArn);
            report.registered = false;
            deps.log.info(`task definition unchanged: deploying the latest active revision ${taskDefinitionArn} (not registering a copy)`);
        }
        else {
            const out = (await deps.ecs.send(new client_ecs_dist_cjs/* RegisterTaskDefinitionCommand */.$Hl(desired)));
            taskDefinitionArn = out.taskDefinition?.taskDefinitionArn ?? '';
            report.registered = true;
            deps.log.info(`registered task definition ${taskDefinitionArn}`);
        }
    }
    report.taskDefinitionArn = taskDefinitionArn;
    deps.setOutputs({ 'task-definition-arn': taskDefinitionArn });
    // 5. Create the deployment.
    const { content, sha256 } = appSpecContent(plan.appspec, taskDefinitionArn);
    let deploymentId;
    try {
        const out = (await deps.codedeploy.send(new dist_cjs/* CreateDeploymentCommand */.ttP({
            applicationName: config.application,
            deploymentGroupName: config.deploymentGroup,
            revision: { revisionType: 'AppSpecContent', appSpecContent: { content, sha256 } },
            deploymentConfigName: config.deploymentConfig,
            description: truncateDescription(config.description),
            autoRollbackConfiguration: config.autoRollbackEvents === undefined
                ? undefined
                : config.autoRollbackEvents.length
                    ? { enabled: true, events: config.autoRollbackEvents }
                    : { enabled: false },
        })));
        deploymentId = out.deploymentId ?? '';
    }
    catch (err) {
        if (errName(err) === 'DeploymentLimitExceededException')
            throw new src/* OperationError */.OK(`another deployment started in ${config.deploymentGroup} just now (DeploymentLimitExceededException): ` +
                `run again, or set if-deployment-active to wait or stop`);
        throw err;
    }
    report.deploymentId = deploymentId;
    report.status = 'Created';
    report.consoleUrl = codeDeployConsoleUrl(config.region, deploymentId);
    deps.save({
        deploymentId,
        applicationName: config.application,
        onCancel: config.onCancel,
        region: config.region,
        finished: false,
    });
    deps.setOutputs({ 'deployment-id': deploymentId, 'console-url': report.consoleUrl, status: 'Created' });
    deps.log.info(`created deployment ${deploymentId} of ${taskDefinitionArn} (${configName}): ${report.consoleUrl}`);
    if (config.waitFor === 'created') {
        deps.save({ deploymentId, onCancel: config.onCancel, region: config.region, finished: true });
        report.outcome = 'created';
        return;
    }
    await followToEnd(config, deps, report, { deploymentId, targetId, deadline }, followDeps);
}
async function handleActive(config, deps, deadline, targetId, followDeps) {
    for (let round = 0; round < 5; round++) {
        const out = (await deps.codedeploy.send(new dist_cjs/* ListDeploymentsCommand */.sr8({
            applicationName: config.application,
            deploymentGroupName: config.deploymentGroup,
            includeOnlyStatuses: [...ACTIVE_STATUSES],
        })));
        const active = out.deployments?.[0];
        if (!active)
            return;
        if (config.ifDeploymentActive === 'fail')
            throw new src/* OperationError */.OK(`deployment ${active} is still active in ${config.deploymentGroup} (CodeDeploy runs one at a time): ` +
                `wait for it, or set if-deployment-active to wait (follow it to the end first) or stop (stop it with rollback)`);
        if (config.ifDeploymentActive === 'stop') {
            deps.log.info(`deployment ${active} is active in ${config.deploymentGroup}; stopping it with rollback (if-deployment-active: stop)`);
            await stopWithRollback(deps.codedeploy, active);
        }
        else {
            deps.log.info(`deployment ${active} is active in ${config.deploymentGroup}; waiting for it to end (if-deployment-active: wait)`);
        }
        const r = await follow({
            deploymentId: active,
            targetId,
            intervalMs: config.pollIntervalMs,
            deadline,
            until: 'final',
            label: `active ${active}`,
        }, { ...followDeps, probe: undefined });
        deps.log.info(`active deployment ${activeOutcomeText(r)}`);
    }
    throw new src/* OperationError */.OK(`deployments kept starting in ${config.deploymentGroup}; gave up after 5 rounds`);
}
function failedEventText(events) {
    const failed = events.find((e) => e.status === 'Failed');
    if (!failed)
        return undefined;
    const d = failed.diagnostics;
    const detail = [d?.errorCode, d?.scriptName ? `hook ${d.scriptName}` : undefined, d?.message]
        .filter(Boolean)
        .join(': ');
    return `${failed.name} failed${detail ? `: ${detail}` : ''}`;
}
async function followToEnd(config, deps, report, target, followDeps) {
    const now = deps.now ?? Date.now;
    const createdAt = new Date(now());
    const setStatus = (status) => {
        report.status = status;
        deps.setOutputs({ status });
    };
    let result;
    try {
        result = await follow({
            deploymentId: target.deploymentId,
            targetId: target.targetId,
            intervalMs: config.pollIntervalMs,
            deadline: target.deadline,
            until: config.waitFor === 'ready' ? 'ready' : 'final',
            smokeTest: config.command === 'deploy' ? config.smokeTest : undefined,
        }, followDeps);
    }
    catch (err) {
        if (err instanceof aws_src/* PollCancelledError */.xJ || err instanceof aws_src/* PollTimeoutError */.t5) {
            const cancelled = err instanceof aws_src/* PollCancelledError */.xJ;
            report.outcome = cancelled ? 'cancelled' : 'timed-out';
            const why = cancelled
                ? `cancelled (${String(err.reason ?? 'signal')})`
                : `timed out after ${(0,src/* formatDuration */.a3)(err.waitedMs)} (timeout-minutes)`;
            let what;
            if (config.onCancel === 'rollback') {
                const outcome = await stopWithRollback(deps.codedeploy, target.deploymentId);
                what =
                    outcome === 'stopped'
                        ? `stopped deployment ${target.deploymentId} with rollback (on-cancel: rollback)`
                        : `deployment ${target.deploymentId} had already ended`;
                setStatus(outcome === 'stopped' ? 'Stopped' : report.status);
            }
            else {
                what = `left deployment ${target.deploymentId} running (on-cancel: leave): ${report.consoleUrl ?? ''}`;
            }
            deps.save({
                deploymentId: target.deploymentId,
                onCancel: config.onCancel,
                region: config.region,
                finished: true,
            });
            report.error = `${why}: ${what}`;
            throw new src/* OperationError */.OK(report.error);
        }
        throw err;
    }
    report.events = result.tracker.last?.events ?? [];
    report.timeline = result.tracker.timeline;
    report.smoke = result.smoke;
    setStatus(result.status);
    deps.save({
        deploymentId: target.deploymentId,
        onCancel: config.onCancel,
        region: config.region,
        finished: true,
    });
    if (result.status === 'Succeeded') {
        report.outcome = 'succeeded';
        deps.log.info(`deployment ${target.deploymentId} succeeded: ${config.serviceName} runs the new task set`);
        return;
    }
    if (result.status === 'Ready') {
        report.outcome = 'ready';
        deps.log.info(`deployment ${target.deploymentId} is Ready: the green task set serves the test listener; ` +
            `run this action with command: continue (or stop) and deployment-id: ${target.deploymentId}`);
        return;
    }
    // Failed or Stopped: say why, show what ECS says, follow the rollback.
    report.outcome = result.status === 'Stopped' ? 'stopped' : 'failed';
    const reasons = [];
    if (result.stoppedForSmoke && result.smoke)
        reasons.push(result.smoke.text);
    const failedEvent = failedEventText(report.events);
    if (failedEvent)
        reasons.push(failedEvent);
    const ei = result.info.errorInformation;
    if (ei?.code || ei?.message)
        reasons.push(`errorInformation: ${[ei.code, ei.message].filter(Boolean).join(': ')}`);
    report.reasons = reasons;
    for (const r of reasons)
        deps.log.info(r);
    report.ecs = await diagnoseService(deps.ecs, config.cluster, config.service, createdAt);
    if (report.ecs.events.length) {
        deps.log.info(`last ECS service events of ${config.serviceName}:`);
        for (const e of report.ecs.events)
            deps.log.info(`  ${e.at?.toISOString() ?? ''} ${e.message}`);
    }
    if (report.ecs.stoppedTasks.length) {
        deps.log.info(`stopped tasks:`);
        for (const t of report.ecs.stoppedTasks)
            deps.log.info(`  ${t.taskArn.split('/').pop()}: ${t.reason}`);
    }
    if (report.ecs.error)
        deps.log.info(report.ecs.error);
    const rollbackId = result.info.rollbackInfo?.rollbackDeploymentId || undefined;
    if (rollbackId) {
        report.rollbackDeploymentId = rollbackId;
        deps.setOutputs({ 'rollback-deployment-id': rollbackId });
        deps.log.info(`rollback deployment ${rollbackId} started; following it`);
        try {
            const rb = await follow({
                deploymentId: rollbackId,
                targetId: target.targetId,
                intervalMs: config.pollIntervalMs,
                deadline: Math.max(target.deadline ?? 0, now() + 30 * 60_000),
                until: 'final',
                label: `rollback ${rollbackId}`,
            }, { ...followDeps, probe: undefined });
            report.rollbackStatus = rb.status;
            for (const t of rb.tracker.timeline)
                report.timeline.push({
                    atMs: t.atMs + (rb.tracker.start - result.tracker.start),
                    text: t.text.startsWith('rollback ') ? t.text : `rollback ${rollbackId}: ${t.text.trim()}`,
                });
        }
        catch (err) {
            if (!(err instanceof aws_src/* PollCancelledError */.xJ || err instanceof aws_src/* PollTimeoutError */.t5))
                throw err;
            report.rollbackStatus = 'unknown (stopped following)';
        }
    }
    if (config.command === 'stop' && result.status === 'Stopped') {
        deps.log.info(`deployment ${target.deploymentId} stopped as asked` +
            (rollbackId ? `; rollback ${rollbackId} ended ${report.rollbackStatus ?? 'unknown'}` : ''));
        if (rollbackId && report.rollbackStatus !== 'Succeeded')
            throw new src/* OperationError */.OK(`deployment ${target.deploymentId} stopped, but its rollback ${rollbackId} ended ${report.rollbackStatus}`);
        return;
    }
    const first = reasons.length ? reasons.slice(0, 2).join('; ') : `status ${result.status}`;
    report.error =
        `deployment ${target.deploymentId} ${result.status === 'Stopped' ? 'was stopped' : 'failed'}: ${first}` +
            (rollbackId ? `; rolled back by ${rollbackId} (${report.rollbackStatus ?? 'unknown'})` : '') +
            (report.consoleUrl ? `; see ${report.consoleUrl}` : '');
    throw new src/* OperationError */.OK(report.error);
}

;// CONCATENATED MODULE: ./actions/ecs-blue-green/src/smoke.ts


function accepts(test, status) {
    return test.accept.some((a) => ('code' in a ? a.code === status : Math.floor(status / 100) === a.klass));
}
/** Probe the test listener until it answers an accepted status or the smoke timeout passes. */
async function probe(test, deps = {}) {
    const doFetch = deps.fetch ?? fetch;
    const now = deps.now ?? Date.now;
    const doSleep = deps.sleep ?? aws_src/* sleep */.yy;
    const interval = deps.intervalMs ?? 2000;
    const start = now();
    const deadline = start + test.timeoutMs;
    let attempts = 0;
    let lastStatus;
    let lastError;
    for (;;) {
        if (deps.signal?.aborted)
            break;
        attempts++;
        try {
            const signals = [AbortSignal.timeout(deps.requestTimeoutMs ?? 10_000)];
            if (deps.signal)
                signals.push(deps.signal);
            const res = await doFetch(test.url, { redirect: 'manual', signal: AbortSignal.any(signals) });
            lastStatus = res.status;
            lastError = undefined;
            await res.body?.cancel().catch(() => undefined);
            if (accepts(test, res.status)) {
                const durationMs = now() - start;
                return {
                    ok: true,
                    attempts,
                    lastStatus,
                    durationMs,
                    text: `smoke test passed: ${test.url} answered ${res.status} (attempt ${attempts}, ${(0,src/* formatDuration */.a3)(durationMs)})`,
                };
            }
        }
        catch (err) {
            lastStatus = undefined;
            lastError = err.cause
                ? String(err.cause.message ?? err.cause)
                : err.message;
        }
        if (now() + interval > deadline)
            break;
        await doSleep(interval, deps.signal);
    }
    const durationMs = now() - start;
    const last = lastStatus !== undefined ? `last answer ${lastStatus}` : `last error: ${lastError ?? 'cancelled'}`;
    return {
        ok: false,
        attempts,
        lastStatus,
        lastError,
        durationMs,
        text: `smoke test failed: ${test.url} did not answer ${test.acceptText} within ${(0,src/* formatDuration */.a3)(test.timeoutMs)} (${attempts} attempt(s), ${last})`,
    };
}

;// CONCATENATED MODULE: ./actions/ecs-blue-green/src/state.ts

const savedDeployment = (0,src/* stateSlot */.OT)('deployment');

;// CONCATENATED MODULE: ./actions/ecs-blue-green/src/summary.ts


const HEADLINE = {
    succeeded: '✅ Deployment succeeded',
    ready: '⏸️ Deployment is Ready: the green task set serves the test listener',
    created: '🚀 Deployment created',
    failed: '❌ Deployment failed',
    stopped: '⏹️ Deployment stopped',
    cancelled: '⏹️ Cancelled',
    'timed-out': '⌛ Timed out',
    invalid: '❌ Not deployed',
};
/** The job summary: outcome, links, lifecycle events with durations, the timeline, and why it failed. */
function renderSummary(r, builder = new src/* SummaryBuilder */.CF()) {
    builder.heading(`ECS blue/green: ${r.cluster}/${r.service}`);
    builder.paragraph(`**${HEADLINE[r.outcome]}**${r.error ? ` — ${r.error}` : ''}`);
    const link = (text, url) => text && url ? `[${text}](${url})` : text;
    builder.table(['', ''], [
        ['Deployment', link(r.deploymentId, r.consoleUrl) ?? '—'],
        ['Status', r.status ?? '—'],
        [
            'Task definition',
            r.taskDefinitionArn
                ? `${r.taskDefinitionArn}${r.registered === false ? ' (unchanged, not re-registered)' : ''}`
                : '—',
        ],
        ...(r.rollbackDeploymentId
            ? [['Rollback', `${r.rollbackDeploymentId} (${r.rollbackStatus ?? 'unknown'})`]]
            : []),
        ...(r.smoke ? [['Smoke test', r.smoke.text]] : []),
        ['Service', link(`${r.cluster}/${r.service}`, r.ecsConsoleUrl) ?? ''],
    ]);
    if (r.events.length) {
        builder.heading('Lifecycle events', 3);
        builder.table(['Event', 'Status', 'Duration'], r.events.map((e) => {
            const d = e.startTime
                ? eventDuration(e, e.startTime.getTime(), e.endTime?.getTime() ?? Date.now())
                : undefined;
            return [e.name, e.status, d !== undefined && e.status !== 'Pending' ? (0,src/* formatDuration */.a3)(d) : ''];
        }));
    }
    if (r.timeline.length) {
        builder.heading('Timeline', 3);
        builder.table(['At', 'What'], r.timeline.map((t) => [`+${(0,src/* formatDuration */.a3)(t.atMs)}`, t.text.trim()]));
    }
    if (r.reasons.length || r.ecs?.events.length || r.ecs?.stoppedTasks.length) {
        builder.heading('Why', 3);
        builder.list(r.reasons);
        if (r.ecs?.events.length)
            builder.details('Last ECS service events', r.ecs.events.map((e) => `- ${e.at?.toISOString() ?? ''} ${e.message}`).join('\n'));
        if (r.ecs?.stoppedTasks.length)
            builder.details('Stopped tasks', r.ecs.stoppedTasks.map((t) => `- \`${t.taskArn.split('/').pop()}\`: ${t.reason}`).join('\n'));
    }
    return builder;
}
function writeSummary(r) {
    renderSummary(r).write();
}

;// CONCATENATED MODULE: ./actions/ecs-blue-green/src/execute.ts









/** Wire real clients, signals, outputs and the job summary around `run`. */
async function execute(config) {
    const ecs = (0,aws_src/* createClient */.UU)(client_ecs_dist_cjs/* ECSClient */.Zgc, { region: config.region, action: inputs/* ACTION */.hr });
    const codedeploy = (0,aws_src/* createClient */.UU)(dist_cjs/* CodeDeployClient */.cHd, { region: config.region, action: inputs/* ACTION */.hr });
    const cancellation = (0,aws_src/* cancelOnSignals */.dJ)();
    const report = {
        command: config.command,
        cluster: config.clusterName,
        service: config.serviceName,
        region: config.region,
        events: [],
        timeline: [],
        reasons: [],
        outcome: 'invalid',
    };
    try {
        await run(config, {
            ecs,
            codedeploy,
            log: { info: src/* log.info */.Rm.info, notice: (m) => src/* log.notice */.Rm.notice(m), warning: (m) => src/* log.warning */.Rm.warning(m) },
            setOutputs: (o) => (0,src/* setOutputs */.n0)(o),
            save: (s) => savedDeployment.save(s),
            signal: cancellation.signal,
            probe: (test, signal) => probe(test, { signal, intervalMs: Math.min(2000, config.pollIntervalMs) }),
        }, report);
    }
    catch (err) {
        if (report.outcome === 'invalid' && report.deploymentId)
            report.outcome = 'failed';
        report.error ??= err.message;
        throw err;
    }
    finally {
        cancellation.dispose();
        if (report.deploymentId || report.taskDefinitionArn)
            writeSummary(report);
    }
}


/***/ })

};
