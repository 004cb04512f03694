export const id = 797;
export const ids = [797];
export const modules = {

/***/ 1797:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  execute: () => (/* binding */ execute)
});

// UNUSED EXPORTS: selectControls

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./packages/action-kit/src/index.ts + 10 modules
var src = __webpack_require__(526);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
;// CONCATENATED MODULE: ./actions/guard-validate/src/context.ts


function runContext(env = process.env) {
    let payload = {};
    if (env.GITHUB_EVENT_PATH && (0,external_node_fs_.existsSync)(env.GITHUB_EVENT_PATH)) {
        try {
            payload = JSON.parse((0,external_node_fs_.readFileSync)(env.GITHUB_EVENT_PATH, 'utf8'));
        }
        catch {
            payload = {};
        }
    }
    const pr = payload.pull_request;
    return {
        workspace: env.GITHUB_WORKSPACE || process.cwd(),
        tempDir: env.RUNNER_TEMP || (0,external_node_os_.tmpdir)(),
        apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
        serverUrl: env.GITHUB_SERVER_URL || 'https://github.com',
        repo: env.GITHUB_REPOSITORY,
        sha: env.GITHUB_SHA,
        runId: env.GITHUB_RUN_ID,
        eventName: env.GITHUB_EVENT_NAME,
        pullRequest: pr && typeof pr.number === 'number'
            ? {
                number: pr.number,
                headSha: pr.head?.sha ?? env.GITHUB_SHA ?? '',
                fork: !!pr.head?.repo?.full_name && pr.head.repo.full_name !== pr.base?.repo?.full_name,
            }
            : undefined,
        cpus: (0,external_node_os_.availableParallelism)(),
    };
}

// EXTERNAL MODULE: ./node_modules/tinyglobby/dist/index.mjs + 1 modules
var dist = __webpack_require__(3382);
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var yaml_dist = __webpack_require__(8815);
;// CONCATENATED MODULE: ./actions/guard-validate/src/positions.ts

class TemplateParseError extends Error {
    line;
    column;
    constructor(message, line, column) {
        super(message);
        this.line = line;
        this.column = column;
    }
}
/** Line starts, for offset -> line/column (CRLF counts as one break; the BOM is stripped first). */
class Lines {
    starts = [0];
    constructor(text) {
        for (let i = 0; i < text.length; i++)
            if (text.charCodeAt(i) === 10)
                this.starts.push(i + 1);
    }
    at(offset) {
        let lo = 0;
        let hi = this.starts.length - 1;
        while (lo < hi) {
            const mid = (lo + hi + 1) >> 1;
            if (this.starts[mid] <= offset)
                lo = mid;
            else
                hi = mid - 1;
        }
        return { line: lo + 1, column: offset - this.starts[lo] + 1 };
    }
}
function stripBom(text) {
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
/** JSON when the first significant character opens an object or array, YAML otherwise. */
function parseTemplate(raw, fileName = '') {
    const text = stripBom(raw);
    const first = /\S/.exec(text)?.[0];
    const jsonByName = /\.(json|jsn)$/i.test(fileName);
    if (first === '{' || (first === '[' && jsonByName)) {
        try {
            return parseJsonWithPositions(text);
        }
        catch (err) {
            // JSON is YAML too (nearly): fall through only for files not named .json
            if (jsonByName || !(err instanceof TemplateParseError))
                throw err;
        }
    }
    return parseYamlWithPositions(text);
}
// ---------------------------------------------------------------- YAML
/** Long form of a CloudFormation short-form tag. */
function longForm(tag, value) {
    const name = tag.slice(1);
    if (name === 'Ref' || name === 'Condition')
        return { [name]: value };
    if (name === 'GetAtt' && typeof value === 'string') {
        const dot = value.indexOf('.');
        return { 'Fn::GetAtt': dot > 0 ? [value.slice(0, dot), value.slice(dot + 1)] : [value] };
    }
    return { [`Fn::${name}`]: value };
}
function parseYamlWithPositions(text) {
    const lines = new Lines(text);
    let doc;
    try {
        doc = (0,yaml_dist/* parseDocument */.Tp)(text, { prettyErrors: true, strict: false, uniqueKeys: true, merge: false });
    }
    catch (err) {
        throw new TemplateParseError(err.message, 1, 1);
    }
    const err = doc.errors[0];
    if (err) {
        const lp = err.linePos?.[0] ?? lines.at(err.pos[0]);
        const line = 'line' in lp ? lp.line : 1;
        const col = 'col' in lp ? lp.col : 'column' in lp ? lp.column : 1;
        throw new TemplateParseError(err.message.split('\n')[0], line, col);
    }
    const convert = (node) => {
        if ((0,yaml_dist/* isAlias */.Vj)(node))
            return convert(node.resolve(doc));
        const n = node;
        let start = n?.range?.[0] ?? 0;
        const tag = n && 'tag' in n && typeof n.tag === 'string' && n.tag.startsWith('!') && !n.tag.startsWith('!!')
            ? n.tag
            : undefined;
        if (tag) {
            // yaml's range starts after the tag; a finding on `!Ref X` should point at the `!`.
            const at = text.lastIndexOf(tag, start);
            if (at >= 0 && /^\s*$/.test(text.slice(at + tag.length, start)))
                start = at;
        }
        const pos = lines.at(start);
        let out;
        if ((0,yaml_dist/* isMap */.jh)(n)) {
            const entries = new Map();
            const value = {};
            for (const pair of n.items) {
                if (!(0,yaml_dist/* isPair */.tO)(pair))
                    continue;
                const k = pair.key;
                const keyText = (0,yaml_dist/* isScalar */.jn)(k) ? String(k.value) : String(k);
                const keyPos = lines.at(k?.range?.[0] ?? start);
                const v = pair.value === null ? { kind: 'scalar', pos: keyPos, value: null } : convert(pair.value);
                entries.set(keyText, { key: keyPos, value: v });
                value[keyText] = v.value;
            }
            out = { kind: 'map', pos, entries, value };
        }
        else if ((0,yaml_dist/* isSeq */.oP)(n)) {
            const items = n.items.map((i) => convert(i));
            out = { kind: 'seq', pos, items, value: items.map((i) => i.value) };
        }
        else {
            const v = (0,yaml_dist/* isScalar */.jn)(n) ? n.value : null;
            out = { kind: 'scalar', pos, value: typeof v === 'bigint' ? Number(v) : v };
        }
        if (tag) {
            out.tag = tag;
            out.value = longForm(tag, out.value);
        }
        return out;
    };
    const root = convert(doc.contents);
    return { format: 'yaml', root, data: root.value };
}
// ---------------------------------------------------------------- JSON
/** A small JSON parser that keeps where every value and key starts (pretty or minified). */
function parseJsonWithPositions(text) {
    const lines = new Lines(text);
    let i = 0;
    const fail = (what) => {
        const p = lines.at(Math.min(i, text.length));
        throw new TemplateParseError(`JSON: ${what} at line ${p.line} column ${p.column}`, p.line, p.column);
    };
    const ws = () => {
        while (i < text.length) {
            const c = text.charCodeAt(i);
            if (c === 32 || c === 9 || c === 10 || c === 13)
                i++;
            else
                break;
        }
    };
    const str = () => {
        const start = i;
        i++;
        let simple = true;
        while (i < text.length) {
            const c = text.charCodeAt(i);
            if (c === 34)
                break;
            if (c === 92) {
                simple = false;
                i += 2;
                continue;
            }
            if (c < 32)
                fail('control character in string');
            i++;
        }
        if (i >= text.length) {
            i = start;
            fail('unterminated string');
        }
        i++;
        const raw = text.slice(start, i);
        if (simple)
            return raw.slice(1, -1);
        try {
            return JSON.parse(raw);
        }
        catch {
            i = start;
            return fail('bad escape in string');
        }
    };
    const value = () => {
        ws();
        const start = i;
        const pos = lines.at(start);
        const c = text[i];
        if (c === '{') {
            i++;
            const entries = new Map();
            const obj = {};
            ws();
            if (text[i] === '}') {
                i++;
                return { kind: 'map', pos, entries, value: obj };
            }
            for (;;) {
                ws();
                if (text[i] !== '"')
                    fail('expected a string key');
                const keyPos = lines.at(i);
                const k = str();
                ws();
                if (text[i] !== ':')
                    fail('expected ":"');
                i++;
                const v = value();
                entries.set(k, { key: keyPos, value: v });
                obj[k] = v.value;
                ws();
                if (text[i] === ',') {
                    i++;
                    continue;
                }
                if (text[i] === '}') {
                    i++;
                    break;
                }
                fail('expected "," or "}"');
            }
            return { kind: 'map', pos, entries, value: obj };
        }
        if (c === '[') {
            i++;
            const items = [];
            ws();
            if (text[i] === ']') {
                i++;
                return { kind: 'seq', pos, items, value: [] };
            }
            for (;;) {
                items.push(value());
                ws();
                if (text[i] === ',') {
                    i++;
                    continue;
                }
                if (text[i] === ']') {
                    i++;
                    break;
                }
                fail('expected "," or "]"');
            }
            return { kind: 'seq', pos, items, value: items.map((x) => x.value) };
        }
        if (c === '"')
            return { kind: 'scalar', pos, value: str() };
        const lit = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 64));
        if (!lit)
            return fail(i >= text.length ? 'unexpected end of input' : `unexpected ${JSON.stringify(c)}`);
        i += lit[0].length;
        const v = lit[0] === 'true' ? true : lit[0] === 'false' ? false : lit[0] === 'null' ? null : Number(lit[0]);
        return { kind: 'scalar', pos, value: v };
    };
    const root = value();
    ws();
    if (i < text.length)
        fail('unexpected text after the document');
    return { format: 'json', root, data: root.value };
}
/** Split a JSON pointer (`/a/b~1c/0`); Guard does not always escape, so `~` is only unescaped in pairs. */
function splitPointer(pointer) {
    if (pointer === '' || pointer === '/')
        return [];
    return pointer
        .replace(/^\//, '')
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}
/**
 * Where a JSON pointer points: the key of the last map entry found, or the start of the last list
 * element found. A path that goes further than the document (a missing property) stops at the
 * nearest existing parent. Short-form tags are transparent (`!If [...]` answers `Fn::If`).
 */
function locate(root, pointer) {
    const segs = splitPointer(pointer);
    let node = root;
    let where = root.pos;
    const resolved = [];
    for (let i = 0; i < segs.length; i++) {
        const seg = segs[i];
        // A short-form tag stands for a one-key map: `!Sub x` is { "Fn::Sub": x }.
        if (node.tag && (seg === node.tag.slice(1) || seg === `Fn::${node.tag.slice(1)}`)) {
            resolved.push(seg);
            const inner = { ...node };
            delete inner.tag;
            if (node.tag === '!GetAtt' && inner.kind === 'scalar') {
                // Guard keeps `!GetAtt X.Arn` a string; the long form is a list: stay on the scalar.
                node = { kind: 'seq', pos: node.pos, items: [inner, inner], value: inner.value };
            }
            else
                node = inner;
            continue;
        }
        if (node.kind === 'map') {
            let e = node.entries.get(seg);
            // Guard does not escape `/` in keys: `a/b` arrives as two segments.
            let used = 1;
            for (let j = i + 1; !e && j < segs.length && j < i + 4; j++) {
                e = node.entries.get(segs.slice(i, j + 1).join('/'));
                used = j - i + 1;
            }
            if (!e)
                break;
            where = e.key;
            node = e.value;
            resolved.push(...segs.slice(i, i + used));
            i += used - 1;
            continue;
        }
        else if (node.kind === 'seq' && /^\d+$/.test(seg)) {
            const item = node.items[Number(seg)];
            if (!item)
                break;
            where = item.pos;
            node = item;
        }
        else
            break;
        resolved.push(seg);
    }
    return { ...where, exact: resolved.length === segs.length, resolved };
}

;// CONCATENATED MODULE: ./actions/guard-validate/src/discover.ts





const DATA_EXTENSIONS = ['yaml', 'yml', 'json', 'jsn', 'template'];
const RULE_EXTENSIONS = ['guard', 'ruleset'];
const IGNORE = ['**/node_modules/**', '**/.git/**'];
/** Workspace-relative path with forward slashes (what annotations, SARIF and reports use). */
function repoPath(workspace, file) {
    const rel = (0,external_node_path_.relative)(workspace, file);
    return (rel.startsWith('..') || (0,external_node_path_.isAbsolute)(rel) ? file : rel).split(external_node_path_.sep).join('/');
}
function isGlob(s) {
    return /[*?[\]{}!]/.test(s);
}
/**
 * Expand files, directories and globs (relative to the workspace) to absolute file paths with one
 * of the given extensions. An entry that matches nothing is a configuration error naming it.
 */
async function expand(entries, opts) {
    const out = new Set();
    const ext = opts.extensions.length === 1 ? opts.extensions[0] : `{${opts.extensions.join(',')}}`;
    for (const entry of entries) {
        const abs = (0,external_node_path_.resolve)(opts.workspace, entry);
        let found = [];
        if (!isGlob(entry) && (0,external_node_fs_.existsSync)(abs)) {
            if ((0,external_node_fs_.statSync)(abs).isDirectory())
                found = await (0,dist/* glob */.TI)(`**/*.${ext}`, {
                    cwd: abs,
                    absolute: true,
                    ignore: IGNORE,
                    caseSensitiveMatch: false,
                });
            else
                found = [abs];
        }
        else if (isGlob(entry)) {
            found = (await (0,dist/* glob */.TI)(entry, { cwd: opts.workspace, absolute: true, ignore: IGNORE, onlyFiles: true })).filter((f) => opts.extensions.some((e) => f.toLowerCase().endsWith(`.${e}`)));
        }
        if (found.length === 0)
            throw new src/* ConfigurationError */.j1(`input "${opts.input}" has "${entry}": it matches no ${opts.extensions.map((e) => `.${e}`).join('/')} file under ${opts.workspace}`, opts.input);
        for (const f of found)
            out.add((0,external_node_path_.resolve)(f));
    }
    return [...out].sort();
}
/** Every YAML/JSON/template file in the workspace, minus node_modules, .git and cdk.out manifests. */
async function discoverCandidates(workspace) {
    const files = await (0,dist/* glob */.TI)(`**/*.{${DATA_EXTENSIONS.join(',')}}`, {
        cwd: workspace,
        absolute: true,
        ignore: [
            ...IGNORE,
            '**/cdk.out/**/manifest.json',
            '**/cdk.out/**/tree.json',
            '**/cdk.out/**/*.assets.json',
            '**/cdk.out/cdk.out',
        ],
        caseSensitiveMatch: false,
        dot: false,
    });
    return files.map((f) => (0,external_node_path_.resolve)(f)).sort();
}
function isCfnTemplate(data) {
    if (!data || typeof data !== 'object' || Array.isArray(data))
        return false;
    const d = data;
    if ('AWSTemplateFormatVersion' in d)
        return true;
    const res = d.Resources;
    if (!res || typeof res !== 'object')
        return false;
    return Object.values(res).some((r) => {
        const t = r?.Type;
        return typeof t === 'string' && /^(AWS|Alexa|Custom)::|^AWS::/.test(t);
    });
}
function isTerraformPlan(data) {
    if (!data || typeof data !== 'object' || Array.isArray(data))
        return false;
    const d = data;
    return ('format_version' in d && ('resource_changes' in d || 'planned_values' in d) && 'terraform_version' in d);
}
const LOOKS_LIKE_TEMPLATE = /AWSTemplateFormatVersion|\bType:\s*['"]?AWS::|"Type"\s*:\s*"AWS::|"resource_changes"/;
/**
 * Parse a data file ourselves (positions for findings, and Guard aborts a whole run on one bad file).
 * `explicit`: the user named the file (or its directory/glob), so a parse failure is always
 * reported; in discovery a file that fails to parse is only reported when it looks like a template.
 */
function classify(file, explicit) {
    let text;
    try {
        text = (0,external_node_fs_.readFileSync)(file, 'utf8');
    }
    catch (err) {
        return { kind: 'broken', file, line: 1, column: 1, message: `cannot read: ${err.message}` };
    }
    let parsed;
    try {
        parsed = parseTemplate(text, file);
    }
    catch (err) {
        if (!explicit && !LOOKS_LIKE_TEMPLATE.test(text))
            return { kind: 'skipped', file, reason: 'not YAML or JSON' };
        const e = err;
        return {
            kind: 'broken',
            file,
            line: e.line ?? 1,
            column: e.column ?? 1,
            message: e.message.replace(/ at line \d+, column \d+:?$/, ''),
        };
    }
    if (isCfnTemplate(parsed.data))
        return { kind: 'template', file, text, parsed };
    if (isTerraformPlan(parsed.data))
        return { kind: 'plan', file, text, parsed };
    return { kind: 'skipped', file, reason: 'not a CloudFormation template or Terraform plan' };
}

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:url"
var external_node_url_ = __webpack_require__(3136);
;// CONCATENATED MODULE: ./actions/guard-validate/src/engine-lock.ts
/**
 * The pinned engine: cfn-guard 3.1.1 from @cdklabs/cdk-validator-cfnguard 0.0.62. The build hook
 * refuses to copy a binary whose digest differs, and the action checks the digest again before it
 * runs the copy next to the bundle. Updating the engine means updating these digests on purpose.
 */
const ENGINE_PACKAGE = '@cdklabs/cdk-validator-cfnguard@0.0.62';
const ENGINE_VERSION = '3.1.1';
const ENGINE_SHA256 = {
    'ubuntu/x86_64': '9c7a820318676dc7372f6756ddfc7ca5f0c019299fb5505fda6dfd54718c58bd',
    'ubuntu/aarch64': 'f596043df77b6e839759e90e3d08671b5384c6e07d4a9c34f6d0bfbc76148154',
    'macos/x86_64': '3e8118e3c4cd98901b3a21b7037a40674023945349ad4661f1a7101f2d96c31f',
    'macos/aarch64': '89e97faaabb5431bc16d0487b5c8e67573e3f84e397b87985bfb02c2bdd4f46a',
};

;// CONCATENATED MODULE: ./actions/guard-validate/src/engine.ts







/** Exit codes of cfn-guard 3.1.1 validate. */
const EXIT = { PASS: 0, RULE_PARSE: 5, TEST_FAILED: 7, VIOLATIONS: 19, ERROR: 255 };
/** The directory of the bundle (dist/), where the build hook put bin/ and rules/. */
function bundleDir() {
    return (0,external_node_path_.dirname)((0,external_node_url_.fileURLToPath)(import.meta.url));
}
/** `<os>/<arch>` of the bundled binary for this platform, or undefined when there is none. */
function platformKey(platform = process.platform, arch = process.arch) {
    const os = platform === 'linux' ? 'ubuntu' : platform === 'darwin' ? 'macos' : undefined;
    const cpu = arch === 'x64' ? 'x86_64' : arch === 'arm64' ? 'aarch64' : undefined;
    return os && cpu ? `${os}/${cpu}` : undefined;
}
function sha256File(file) {
    return new Promise((resolve, reject) => {
        const h = (0,external_node_crypto_.createHash)('sha256');
        (0,external_node_fs_.createReadStream)(file)
            .on('data', (d) => h.update(d))
            .on('error', reject)
            .on('end', () => resolve(h.digest('hex')));
    });
}
/**
 * The engine to run: the `cfn-guard-path` override as given, or the bundled binary for this
 * platform after its sha256 matches the pinned digest.
 */
async function resolveEngine(opts = {}) {
    if (opts.override) {
        if (!(0,external_node_fs_.existsSync)(opts.override))
            throw new src/* ConfigurationError */.j1(`input "cfn-guard-path" is "${opts.override}": no such file; point it at a cfn-guard 3.x binary or leave it empty to use the bundled ${ENGINE_VERSION}`, 'cfn-guard-path');
        return { path: opts.override, description: `custom (${opts.override})` };
    }
    const key = platformKey(opts.platform, opts.arch);
    if (!key)
        throw new src/* OperationError */.OK(`no bundled cfn-guard for ${opts.platform ?? process.platform}/${opts.arch ?? process.arch}: ` +
            `the action ships Linux and macOS binaries for x64 and arm64; install cfn-guard ${ENGINE_VERSION} ` +
            'yourself and set the input "cfn-guard-path"');
    const path = (0,external_node_path_.join)(opts.baseDir ?? bundleDir(), 'bin', key, 'cfn-guard');
    if (!(0,external_node_fs_.existsSync)(path))
        throw new src/* OperationError */.OK(`bundled engine ${path} is missing: the action's dist/ is incomplete`);
    const want = ENGINE_SHA256[key];
    const got = await sha256File(path);
    if (got !== want)
        throw new src/* OperationError */.OK(`bundled engine ${path} has sha256 ${got}, expected ${want}: refusing to run a binary that is not the pinned cfn-guard ${ENGINE_VERSION}`);
    return { path, description: `bundled ${ENGINE_VERSION} (${key}, sha256 verified)` };
}
/** One engine run may take this long before it is stopped (and its files are reported as errors). */
const ENGINE_TIMEOUT_MS = 10 * 60_000;
/** Run the engine with an argument array (never a shell). */
function runEngine(engine, args, opts = {}) {
    return new Promise((resolve, reject) => {
        const child = (0,external_node_child_process_.spawn)(engine, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
        let timedOut = false;
        const timer = setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
        }, opts.timeoutMs ?? ENGINE_TIMEOUT_MS);
        const out = [];
        const err = [];
        child.stdout.on('data', (d) => out.push(d));
        child.stderr.on('data', (d) => err.push(d));
        child.on('error', (e) => reject(new src/* OperationError */.OK(`could not start cfn-guard (${engine}): ${e.message}`)));
        child.on('close', (code, signal) => {
            clearTimeout(timer);
            resolve({
                code: code ?? (signal ? 128 : 255),
                stdout: Buffer.concat(out).toString('utf8'),
                stderr: Buffer.concat(err).toString('utf8') +
                    (timedOut
                        ? `cfn-guard did not finish within ${(opts.timeoutMs ?? ENGINE_TIMEOUT_MS) / 1000}s and was stopped`
                        : ''),
            });
        });
    });
}
function parseRuleErrors(stderr) {
    const out = [];
    const re = /Parsing error handling rule file = (.+?), Error = Parser Error when parsing `(?:Parsing Error )?(?:Error parsing file .+? at line (\d+) at column (\d+), when handling )?([\s\S]*?)`/g;
    for (const m of stderr.matchAll(re)) {
        out.push({
            file: m[1],
            line: m[2] ? Number(m[2]) : 1,
            column: m[3] ? Number(m[3]) : 1,
            message: m[4].replace(/\s+/g, ' ').trim(),
        });
    }
    return out;
}

;// CONCATENATED MODULE: ./actions/guard-validate/src/github.ts
/**
 * The few GitHub REST calls the action makes (check runs, one PR comment, PR files), over fetch.
 * The base URL is the runner's GITHUB_API_URL (GitHub Enterprise Server works unchanged).
 */
class GitHubError extends Error {
    status;
    method;
    path;
    constructor(status, method, path, message) {
        super(`GitHub ${method} ${path} answered ${status}: ${message}`);
        this.status = status;
        this.method = method;
        this.path = path;
    }
}
class GitHub {
    opts;
    calls = [];
    constructor(opts) {
        this.opts = opts;
    }
    async request(method, path, body) {
        const f = this.opts.fetchImpl ?? fetch;
        let last;
        for (let attempt = 0; attempt < 3; attempt++) {
            const res = await f(`${this.opts.apiUrl.replace(/\/$/, '')}${path}`, {
                method,
                headers: {
                    accept: 'application/vnd.github+json',
                    authorization: `Bearer ${this.opts.token}`,
                    'x-github-api-version': '2022-11-28',
                    'user-agent': 'oaktree-guard-validate',
                    ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
                },
                body: body !== undefined ? JSON.stringify(body) : undefined,
                signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000),
            });
            this.calls.push({ method, path, status: res.status });
            if (res.status >= 500 && attempt < 2) {
                last = new GitHubError(res.status, method, path, await res.text());
                await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
                continue;
            }
            if (!res.ok) {
                let msg = await res.text();
                try {
                    msg = JSON.parse(msg).message ?? msg;
                }
                catch {
                    // not JSON
                }
                throw new GitHubError(res.status, method, path, msg.slice(0, 300));
            }
            if (res.status === 204)
                return undefined;
            return (await res.json());
        }
        throw last;
    }
    /** Files changed by a pull request: 100 per page, at most 3,000 (GitHub's own cap). */
    async pullRequestFiles(repo, pr) {
        const files = [];
        for (let page = 1; page <= 30; page++) {
            const batch = await this.request('GET', `/repos/${repo}/pulls/${pr}/files?per_page=100&page=${page}`);
            for (const f of batch)
                if (f.status !== 'removed')
                    files.push(f.filename);
            if (batch.length < 100)
                return { files, truncated: false };
        }
        return { files, truncated: true };
    }
    async createCheckRun(repo, body) {
        const r = await this.request('POST', `/repos/${repo}/check-runs`, body);
        return r.id;
    }
    async updateCheckRun(repo, id, body) {
        await this.request('PATCH', `/repos/${repo}/check-runs/${id}`, body);
    }
    /** Our comment (found by its hidden marker), created or updated in place. */
    async upsertComment(repo, issue, marker, body) {
        for (let page = 1; page <= 30; page++) {
            const comments = await this.request('GET', `/repos/${repo}/issues/${issue}/comments?per_page=100&page=${page}`);
            const ours = comments.find((c) => c.body?.includes(marker));
            if (ours) {
                await this.request('PATCH', `/repos/${repo}/issues/comments/${ours.id}`, { body });
                return 'updated';
            }
            if (comments.length < 100)
                break;
        }
        await this.request('POST', `/repos/${repo}/issues/${issue}/comments`, { body });
        return 'created';
    }
}

// EXTERNAL MODULE: ./actions/guard-validate/src/inputs.ts
var inputs = __webpack_require__(2291);
;// CONCATENATED MODULE: ./actions/guard-validate/src/rules-meta.ts



function loadControls(packDir) {
    const index = (0,external_node_path_.join)(packDir, 'index.json');
    if (!(0,external_node_fs_.existsSync)(index))
        return [];
    return JSON.parse((0,external_node_fs_.readFileSync)(index, 'utf8')).controls;
}
const SEVERITY_RE = /\bseverity\s*[:=]\s*(critical|high|medium|moderate|low|info(?:rmational)?)\b/i;
/**
 * Our convention for custom rules: a custom message (`<< ... >>`) may declare its severity on a
 * line such as `severity: medium`; without one, a custom rule is `high`.
 */
function declaredSeverity(message) {
    const m = message ? SEVERITY_RE.exec(message) : null;
    if (!m)
        return undefined;
    const s = m[1].toLowerCase();
    if (s === 'moderate')
        return 'medium';
    if (s.startsWith('info'))
        return 'info';
    return s;
}
function normaliseSeverity(s, fallback = 'high') {
    const v = (s ?? '').toLowerCase();
    return inputs/* SEVERITIES */.oC.includes(v) ? v : fallback;
}
/** A custom message without the severity line and Control Tower's `[FIX]:` tail, on one line. */
function messageText(custom) {
    if (!custom)
        return undefined;
    const lines = custom
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l && !SEVERITY_RE.test(l) && !/^\[FIX\]:/.test(l));
    const text = lines
        .join(' ')
        .replace(/^\[(CT\.[A-Z0-9]+\.PR\.\d+)\]:\s*/, '')
        .trim();
    return text || undefined;
}
class RuleCatalog {
    byRule = new Map();
    constructor(controls) {
        for (const c of controls)
            for (const r of c.rules)
                this.byRule.set(r, c);
    }
    info(rule, custom) {
        const c = this.byRule.get(rule);
        if (c)
            return {
                id: c.id,
                rule,
                title: c.title,
                severity: normaliseSeverity(c.severity, 'medium'),
                controlId: c.id,
                remediation: c.remediation,
                helpUri: c.docs,
                source: 'control-tower',
            };
        const ct = custom ? /\[(CT\.[A-Z0-9]+\.PR\.\d+)\]/.exec(custom)?.[1] : undefined;
        return {
            id: ct ?? rule,
            rule,
            title: messageText(custom) ?? rule,
            severity: declaredSeverity(custom) ?? 'high',
            controlId: ct,
            source: 'custom',
        };
    }
}
/** Higher is more severe. */
const SEVERITY_RANK = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };
/** SARIF `security-severity` scores as code scanning reads them (critical >= 9, high >= 7, medium >= 4). */
const SECURITY_SEVERITY = {
    critical: '9.5',
    high: '8.0',
    medium: '5.5',
    low: '3.0',
    info: '0.0',
};

;// CONCATENATED MODULE: ./actions/guard-validate/src/report.ts




const COMMENT_MARKER = '<!-- oaktree:guard-validate -->';
/** Code scanning refuses a run with more results than this; the most severe are kept. */
const SARIF_MAX_RESULTS = 25_000;
const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low', 'info'];
function active(f) {
    return !f.suppressed;
}
function totals(findings) {
    const bySeverity = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
    let violations = 0;
    let errors = 0;
    let suppressed = 0;
    let baselined = 0;
    for (const f of findings) {
        if (f.suppressed === 'metadata')
            suppressed++;
        else if (f.suppressed === 'baseline')
            baselined++;
        else if (f.kind === 'violation' || f.kind === 'test-failure') {
            violations++;
            bySeverity[f.severity]++;
        }
        else
            errors++;
    }
    return { violations, errors, suppressed, baselined, bySeverity };
}
/** Does the gate fail? Parse and engine errors fail it unless fail-on is never. */
function gateFails(findings, failOn) {
    if (failOn === 'never')
        return false;
    const min = failOn === 'any' ? -1 : SEVERITY_RANK[failOn];
    return findings.some((f) => active(f) && (f.kind !== 'violation' || SEVERITY_RANK[f.severity] >= min));
}
/** Findings that count against the gate, most severe first, then by file and line. */
function ordered(findings) {
    return [...findings].sort((a, b) => Number(!!a.suppressed) - Number(!!b.suppressed) ||
        Number(a.kind === 'violation') - Number(b.kind === 'violation') ||
        SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
        a.file.localeCompare(b.file) ||
        a.line - b.line ||
        a.column - b.column);
}
function levelOf(f) {
    if (f.kind !== 'violation')
        return 'failure';
    return f.severity === 'critical' || f.severity === 'high'
        ? 'failure'
        : f.severity === 'medium'
            ? 'warning'
            : 'notice';
}
function annotationText(f) {
    const parts = [f.message];
    if (f.remediation)
        parts.push(`Fix: ${f.remediation}`);
    if (f.helpUri)
        parts.push(`See ${f.helpUri}`);
    return parts.join('\n');
}
function annotationTitle(f) {
    return `[${f.severity}] ${f.title}`.slice(0, 255);
}
/** Workflow-command annotations (most severe first; rank keeps that order within a level). */
function commandAnnotations(findings) {
    return ordered(findings.filter(active)).map((f, i) => ({
        level: levelOf(f) === 'failure' ? 'error' : levelOf(f) === 'warning' ? 'warning' : 'notice',
        message: annotationText(f),
        title: annotationTitle(f),
        file: f.file,
        line: f.line,
        column: f.column,
        rank: i,
    }));
}
// ---------------------------------------------------------------- SARIF 2.1.0
function sarif(findings, opts = {}) {
    const rules = new Map();
    for (const f of findings) {
        const r = rules.get(f.ruleId);
        if (!r || SEVERITY_RANK[f.severity] > SEVERITY_RANK[r.severity])
            rules.set(f.ruleId, { f, severity: f.severity });
    }
    const ids = [...rules.keys()].sort();
    const index = new Map(ids.map((id, i) => [id, i]));
    return {
        $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
        version: '2.1.0',
        runs: [
            {
                tool: {
                    driver: {
                        name: 'cfn-guard',
                        fullName: 'AWS CloudFormation Guard (oaktree guard-validate)',
                        version: opts.toolVersion ?? ENGINE_VERSION,
                        semanticVersion: opts.toolVersion ?? ENGINE_VERSION,
                        informationUri: opts.informationUri ?? 'https://github.com/aws-cloudformation/cloudformation-guard',
                        rules: ids.map((id) => {
                            const { f, severity } = rules.get(id);
                            const help = [
                                f.title,
                                f.remediation ? `Fix: ${f.remediation}` : '',
                                f.helpUri ? `See ${f.helpUri}` : '',
                            ]
                                .filter(Boolean)
                                .join('\n\n');
                            return {
                                id,
                                name: f.rule,
                                shortDescription: { text: f.title },
                                fullDescription: { text: f.remediation ? `${f.title}. ${f.remediation}` : f.title },
                                help: { text: help, markdown: help },
                                ...(f.helpUri ? { helpUri: f.helpUri } : {}),
                                defaultConfiguration: { level: sarifLevel(f) },
                                properties: {
                                    'security-severity': SECURITY_SEVERITY[severity],
                                    tags: ['security', 'cloudformation-guard', ...(f.controlId ? ['control-tower'] : [])],
                                    ...(f.controlId ? { controlId: f.controlId } : {}),
                                },
                            };
                        }),
                    },
                },
                automationDetails: { id: 'guard-validate/' },
                results: ordered(findings)
                    .slice(0, SARIF_MAX_RESULTS)
                    .map((f) => ({
                    ruleId: f.ruleId,
                    ruleIndex: index.get(f.ruleId),
                    level: sarifLevel(f),
                    message: { text: f.message },
                    locations: [
                        {
                            physicalLocation: {
                                artifactLocation: { uri: encodeURI(f.file), uriBaseId: '%SRCROOT%' },
                                region: { startLine: f.line, startColumn: f.column },
                            },
                            ...(f.resource ? { logicalLocations: [{ name: f.resource, kind: 'resource' }] } : {}),
                        },
                    ],
                    partialFingerprints: { 'guardFinding/v1': f.fingerprint },
                    ...(f.suppressed
                        ? {
                            suppressions: [
                                {
                                    kind: f.suppressed === 'metadata' ? 'inSource' : 'external',
                                    justification: f.suppressed === 'metadata'
                                        ? 'Metadata.guard.SuppressedRules'
                                        : 'accepted in the baseline file',
                                },
                            ],
                        }
                        : {}),
                    properties: { severity: f.severity, ...(f.pointer !== undefined ? { path: f.pointer } : {}) },
                })),
                ...(opts.srcRoot
                    ? {
                        originalUriBaseIds: {
                            '%SRCROOT%': { uri: (0,external_node_url_.pathToFileURL)(opts.srcRoot).href.replace(/\/?$/, '/') },
                        },
                    }
                    : {}),
            },
        ],
    };
}
function sarifLevel(f) {
    const l = levelOf(f);
    return l === 'failure' ? 'error' : l === 'warning' ? 'warning' : 'note';
}
function jsonReport(findings, facts) {
    return {
        tool: 'oaktree/guard-validate',
        engine: facts.engine,
        passed: facts.passed,
        failOn: facts.failOn,
        filesScanned: facts.filesScanned,
        rulesEvaluated: facts.rulesEvaluated,
        skipped: facts.skipped,
        totals: totals(findings),
        findings: ordered(findings).map((f) => ({
            file: f.file,
            line: f.line,
            column: f.column,
            exact: f.exact,
            kind: f.kind,
            rule: f.rule,
            ruleId: f.ruleId,
            controlId: f.controlId ?? null,
            severity: f.severity,
            title: f.title,
            message: f.message,
            remediation: f.remediation ?? null,
            helpUri: f.helpUri ?? null,
            resource: f.resource ?? null,
            path: f.pointer ?? null,
            missing: f.missing ?? null,
            suppressed: f.suppressed ?? false,
            fingerprint: f.fingerprint,
        })),
    };
}
// ---------------------------------------------------------------- markdown
function fileLink(f, links) {
    const label = `${f.file}:${f.line}`;
    if (!links)
        return `\`${label}\``;
    return `[${label}](${links.server}/${links.repo}/blob/${links.sha}/${f.file.split('/').map(encodeURIComponent).join('/')}#L${f.line})`;
}
function headline(t, facts) {
    const state = facts.passed ? '✅ passed' : '❌ failed';
    if (facts.mode === 'test')
        return (`**Guard rule tests ${state}**: ${t.violations} failed expectation(s) in ${facts.filesScanned} test case(s) ` +
            `of ${facts.rulesEvaluated} rule file(s)` +
            (t.errors ? `; ${t.errors} test file(s) could not run` : '') +
            '.');
    return (`**Guard ${state}** (fail-on: \`${facts.failOn}\`): ${t.violations} violation(s)` +
        (t.errors ? `, ${t.errors} file error(s)` : '') +
        ` in ${facts.filesScanned} file(s) against ${facts.rulesEvaluated} rule(s)` +
        (t.suppressed || t.baselined
            ? `; ${t.suppressed} suppressed in templates, ${t.baselined} baselined`
            : '') +
        (facts.skipped.length ? `; ${facts.skipped.length} non-template file(s) skipped` : '') +
        '.');
}
function severityTable(t) {
    return (`| ${SEVERITY_ORDER.map((s) => s).join(' | ')} |\n|${SEVERITY_ORDER.map(() => ' ---: ').join('|')}|\n` +
        `| ${SEVERITY_ORDER.map((s) => t.bySeverity[s]).join(' | ')} |\n\n`);
}
function jobSummary(findings, facts, limit) {
    const t = totals(findings);
    const s = new src/* SummaryBuilder */.CF(limit);
    s.heading('CloudFormation Guard');
    s.paragraph(headline(t, facts));
    s.raw(severityTable(t));
    const list = ordered(findings);
    const byRule = new Map();
    for (const f of list.filter(active)) {
        const e = byRule.get(f.ruleId) ?? { f, n: 0, files: new Set() };
        e.n++;
        e.files.add(f.file);
        byRule.set(f.ruleId, e);
    }
    if (byRule.size) {
        s.heading('By rule', 3);
        s.table(['Rule', 'Severity', 'Findings', 'Files'], [...byRule.values()].map((e) => [e.f.title, e.f.severity, e.n, e.files.size]));
    }
    const byFile = new Map();
    for (const f of list.filter(active)) {
        const e = byFile.get(f.file) ?? { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
        e[f.severity]++;
        byFile.set(f.file, e);
    }
    if (byFile.size) {
        s.heading('By file', 3);
        s.table(['File', ...SEVERITY_ORDER], [...byFile.entries()]
            .sort((a, b) => a[0].localeCompare(b[0]))
            .slice(0, 500)
            .map(([file, n]) => [file, ...SEVERITY_ORDER.map((sev) => n[sev])]));
    }
    if (list.length) {
        s.heading('Findings', 3);
        s.table(['Severity', 'Location', 'Rule', 'Resource', 'Message', 'Status'], list.map((f) => [
            f.kind === 'violation' ? f.severity : `${f.severity} (${f.kind})`,
            `${f.file}:${f.line}:${f.column}`,
            f.ruleId,
            f.resource ?? '',
            f.message,
            f.suppressed === 'metadata' ? 'suppressed' : f.suppressed === 'baseline' ? 'baselined' : 'open',
        ]), {
            reserveBytes: 64 * 1024,
            omittedNote: (n) => `> [!NOTE]\n> ${n} more finding(s) left out to stay within GitHub's 1 MiB job summary limit; the report file (${facts.reportFile ?? 'report-file'}) has every one.`,
        });
    }
    if (facts.skipped.length)
        s.details(`${facts.skipped.length} file(s) skipped`, facts.skipped.map((x) => `- \`${(0,src/* cell */.Hn)(x.file)}\`: ${x.reason}`).join('\n'));
    s.paragraph(`Engine: ${facts.engine}; ${(facts.durationMs / 1000).toFixed(1)}s.`);
    return s;
}
/** The pull-request comment: counts by severity and the top findings as file:line links. */
function commentBody(findings, facts, links, top = 15) {
    const t = totals(findings);
    const list = ordered(findings.filter(active));
    let body = `${COMMENT_MARKER}\n### CloudFormation Guard\n\n${headline(t, facts)}\n\n${severityTable(t)}`;
    if (list.length) {
        body += '| Severity | Location | Rule | Message |\n| --- | --- | --- | --- |\n';
        for (const f of list.slice(0, top))
            body += `| ${f.severity} | ${fileLink(f, links)} | ${(0,src/* cell */.Hn)(f.ruleId)} | ${(0,src/* cell */.Hn)(f.message.slice(0, 300))} |\n`;
        if (list.length > top)
            body += `\n…and ${list.length - top} more`;
        body += links?.runUrl ? ` (all findings in the [job summary](${links.runUrl})).\n` : '\n';
    }
    return body.slice(0, 65000);
}
/** Checks API output summary (at most 65,535 characters). */
function checkSummary(findings, facts) {
    const t = totals(findings);
    return `${headline(t, facts)}\n\n${severityTable(t)}`.slice(0, 65000);
}

;// CONCATENATED MODULE: ./actions/guard-validate/src/publish.ts



const CHECK_NAME = 'guard-validate';
const ANNOTATIONS_PER_REQUEST = 50;
function denied(err) {
    return err instanceof GitHubError && (err.status === 401 || err.status === 403 || err.status === 404);
}
/** Check-run annotation objects for the Checks API. */
function checkAnnotations(findings) {
    return ordered(findings.filter(active)).map((f) => ({
        path: f.file,
        start_line: f.line,
        end_line: f.line,
        start_column: f.column,
        end_column: f.column,
        annotation_level: levelOf(f),
        title: annotationTitle(f),
        message: annotationText(f).slice(0, 64000),
        raw_details: [f.pointer ? `path: ${f.pointer}` : '', `rule: ${f.rule}`, `fingerprint: ${f.fingerprint}`]
            .filter(Boolean)
            .join('\n'),
    }));
}
/**
 * Every finding as a check-run annotation: create the run, then PATCH 50 annotations at a time
 * (each PATCH appends). When the token may not create check runs (fork pull requests get a
 * read-only token), fall back to workflow-command annotations, most severe first.
 */
async function publishChecks(gh, opts) {
    const all = checkAnnotations(opts.findings);
    const title = `${opts.facts.passed ? 'Passed' : 'Failed'}: ${all.length} finding(s)`;
    const summary = checkSummary(opts.findings, opts.facts);
    let id;
    let requests = 0;
    try {
        id = await gh.createCheckRun(opts.repo, {
            name: CHECK_NAME,
            head_sha: opts.sha,
            status: 'in_progress',
            ...(opts.detailsUrl ? { details_url: opts.detailsUrl } : {}),
            output: { title, summary },
        });
        requests++;
    }
    catch (err) {
        if (!denied(err))
            throw err;
        const reason = `the token cannot create check runs (${err.status}; fork pull requests get a read-only token)`;
        src/* log.warning */.Rm.warning(`${CHECK_NAME}: ${reason}; annotating with workflow commands instead`);
        const r = (0,src/* emitAnnotations */.KI)(commandAnnotations(opts.findings));
        return { mode: 'commands', annotations: r.emitted, requests, reason };
    }
    for (let i = 0; i < all.length || i === 0; i += ANNOTATIONS_PER_REQUEST) {
        const batch = all.slice(i, i + ANNOTATIONS_PER_REQUEST);
        const last = i + ANNOTATIONS_PER_REQUEST >= all.length;
        await gh.updateCheckRun(opts.repo, id, {
            ...(last
                ? {
                    status: 'completed',
                    conclusion: opts.facts.passed ? 'success' : 'failure',
                    completed_at: new Date().toISOString(),
                }
                : {}),
            output: { title, summary, ...(batch.length ? { annotations: batch } : {}) },
        });
        requests++;
    }
    return { mode: 'checks', annotations: all.length, requests };
}
/** One comment per pull request, found by its hidden marker and updated in place. */
async function publishComment(gh, opts) {
    try {
        return await gh.upsertComment(opts.repo, opts.pr, COMMENT_MARKER, commentBody(opts.findings, opts.facts, opts.links));
    }
    catch (err) {
        if (!denied(err))
            throw err;
        src/* log.warning */.Rm.warning(`${CHECK_NAME}: cannot comment on pull request #${opts.pr} (${err.status}; fork pull requests get a read-only token); the job summary has the results`);
        return 'denied';
    }
}

;// CONCATENATED MODULE: ./actions/guard-validate/src/suppress.ts


/**
 * Resource-level suppressions (the aws-guard-rules-registry convention):
 *
 *   Metadata:
 *     guard:
 *       SuppressedRules: [S3_BUCKET_LOGGING_ENABLED, CT.S3.PR.2, my_custom_rule]
 *
 * An entry matches a finding's rule name, its control id or its rule id, case-insensitively.
 */
function suppressedRules(f, resource) {
    if (f.kind !== 'template')
        return [];
    const r = f.parsed.data.Resources?.[resource];
    const list = r?.Metadata?.guard?.SuppressedRules;
    return Array.isArray(list) ? list.filter((x) => typeof x === 'string') : [];
}
function matchesSuppression(finding, entries) {
    const names = [finding.rule, finding.ruleId, finding.controlId]
        .filter(Boolean)
        .map((s) => s.toLowerCase());
    return entries.some((e) => names.includes(e.toLowerCase()));
}
/**
 * A baseline is a list of accepted fingerprints. Accepted forms: a report written by this action
 * (its unsuppressed findings become the baseline), a JSON list of fingerprints or of objects with a
 * `fingerprint`, or plain text with one fingerprint per line (`#` comments allowed).
 */
function readBaseline(path) {
    if (!(0,external_node_fs_.existsSync)(path))
        throw new src/* ConfigurationError */.j1(`input "baseline" is "${path}": no such file; write one from a previous run's report-file or leave it empty`, 'baseline');
    const text = (0,external_node_fs_.readFileSync)(path, 'utf8').replace(/^\uFEFF/, '');
    const out = new Set();
    const trimmed = text.trim();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
        let data;
        try {
            data = JSON.parse(trimmed);
        }
        catch (err) {
            throw new src/* ConfigurationError */.j1(`input "baseline" is "${path}": not valid JSON (${err.message})`, 'baseline');
        }
        const list = Array.isArray(data) ? data : (data.findings ?? []);
        for (const x of list) {
            if (typeof x === 'string')
                out.add(x);
            else if (x && typeof x === 'object' && typeof x.fingerprint === 'string')
                out.add(x.fingerprint);
        }
        return out;
    }
    for (const line of text.split(/\r?\n/)) {
        const v = line.replace(/#.*$/, '').trim();
        if (v)
            out.add(v);
    }
    return out;
}
/** Mark suppressed and baselined findings (violations only; parse errors are never hidden). */
function applySuppressions(findings, files, baseline) {
    for (const f of findings) {
        if (f.kind !== 'violation')
            continue;
        const src = files.get(f.file);
        if (src && f.resource && matchesSuppression(f, suppressedRules(src, f.resource)))
            f.suppressed = 'metadata';
        else if (baseline?.has(f.fingerprint))
            f.suppressed = 'baseline';
    }
}

;// CONCATENATED MODULE: ./actions/guard-validate/src/results.ts
/**
 * Reading `cfn-guard validate -o json --structured` output. One entry per data file; each failed
 * top-level rule nests rules, clauses, disjunctions and blocks. We keep every failing leaf that
 * names a place in the document (a resolved value's path, or for a missing property the path Guard
 * got to plus what it looked for), with the nearest custom message above it.
 */
function obj(x) {
    return x && typeof x === 'object' && !Array.isArray(x) ? x : undefined;
}
function messagesOf(x) {
    const m = obj(x?.messages);
    const custom = typeof m?.custom_message === 'string' && m.custom_message.trim() ? m.custom_message.trim() : undefined;
    const error = typeof m?.error_message === 'string' && m.error_message.trim() ? m.error_message.trim() : undefined;
    return { custom, error };
}
/**
 * Guard's message without its 0-based [L:,C:] markers and path noise (the finding's location says
 * where): `Check was not compliant as property value [Path=/R/X Value=false] not equal to value
 * [Path= Value=true].` becomes `property value false not equal to value true`.
 */
function cleanDetail(text) {
    return text
        .replace(/\[L:\d+,C:\d+\]/g, '')
        .replace(/\[Path=[^\s\]]* Value=(.*?)\]/g, '$1')
        .replace(/\[\(resolved, Path=[^\s\]]* Value=(.*?)\)\]/g, '$1')
        .replace(/property \[\/(?:[^\]/]*\/)*([^\]/]*)\]/g, 'property $1')
        .replace(/^Check was not compliant as /, '')
        .replace(/\s+/g, ' ')
        .replace(/\.$/, '')
        .trim();
}
/** The location a check names: a resolved `from` path, or `traversed_to` + `remaining_query`. */
function placeOf(check) {
    const c = obj(check);
    if (!c)
        return undefined;
    for (const v of Object.values(c)) {
        const o = obj(v);
        if (!o)
            continue;
        const from = obj(o.from);
        if (typeof from?.path === 'string')
            return { pointer: from.path };
        const un = obj(o.value) ?? o; // UnResolved: { value: { traversed_to, remaining_query } }
        const t = obj(un.traversed_to);
        if (typeof t?.path === 'string')
            return {
                pointer: t.path,
                missing: typeof un.remaining_query === 'string' ? un.remaining_query : undefined,
            };
    }
    const t = obj(c.traversed_to);
    if (typeof t?.path === 'string')
        return {
            pointer: t.path,
            missing: typeof c.remaining_query === 'string' ? c.remaining_query : undefined,
        };
    return undefined;
}
function fromMessage(text) {
    const m = text ? /Path=(\/[^[\s\]]*)/.exec(text) : null;
    return m?.[1];
}
function walk(node, custom, out) {
    const n = obj(node);
    if (!n)
        return;
    if (n.Rule) {
        const r = obj(n.Rule);
        const m = messagesOf(r);
        for (const c of r.checks ?? [])
            walk(c, m.custom ?? custom, out);
        return;
    }
    if (n.Disjunctions) {
        for (const c of obj(n.Disjunctions)?.checks ?? [])
            walk(c, custom, out);
        return;
    }
    if (n.Block) {
        const b = obj(n.Block);
        const m = messagesOf(b);
        const place = placeOf({ unresolved: b.unresolved }) ?? { pointer: fromMessage(m.error) ?? '' };
        out.push({ ...place, detail: cleanDetail(m.error ?? 'block check failed'), custom: m.custom ?? custom });
        return;
    }
    if (n.Clause) {
        const clause = obj(n.Clause);
        for (const v of Object.values(clause)) {
            const leaf = obj(v);
            if (!leaf)
                continue;
            const m = messagesOf(leaf);
            const place = placeOf(leaf.check) ?? { pointer: fromMessage(m.error) ?? '' };
            const detail = m.error ??
                (typeof leaf.context === 'string' ? `check failed: ${leaf.context.trim()}` : 'check failed');
            out.push({ ...place, detail: cleanDetail(detail), custom: m.custom ?? custom });
        }
    }
}
function ruleName(x) {
    if (typeof x === 'string')
        return x;
    const r = obj(obj(x)?.Rule) ?? obj(x);
    return typeof r?.name === 'string' ? r.name : undefined;
}
function readStructured(output) {
    if (!Array.isArray(output))
        throw new Error('cfn-guard output is not a list of file results');
    return output.map((entry) => {
        const e = obj(entry) ?? {};
        const file = String(e.name ?? '');
        const findings = [];
        const rules = new Set();
        for (const list of ['compliant', 'not_applicable', 'not_compliant'])
            for (const x of e[list] ?? []) {
                const name = ruleName(x);
                if (name)
                    rules.add(name);
            }
        for (const nc of e.not_compliant ?? []) {
            const r = obj(obj(nc)?.Rule);
            if (!r)
                continue;
            const rule = String(r.name);
            const leaves = [];
            walk(nc, undefined, leaves);
            if (leaves.length === 0)
                leaves.push({ pointer: '', detail: `rule ${rule} failed`, custom: messagesOf(r).custom });
            const seen = new Set();
            for (const l of leaves) {
                const key = `${l.pointer}\u0000${l.missing ?? ''}`;
                if (seen.has(key))
                    continue;
                seen.add(key);
                findings.push({ file, rule, ...l });
            }
        }
        return { file, status: String(e.status ?? ''), findings, rules: [...rules] };
    });
}

;// CONCATENATED MODULE: ./actions/guard-validate/src/validate.ts









function fingerprint(...parts) {
    return (0,external_node_crypto_.createHash)('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}
function resourceTypes(f) {
    const out = new Set();
    const res = f.parsed.data?.Resources;
    if (res && typeof res === 'object')
        for (const r of Object.values(res))
            if (r && typeof r.Type === 'string')
                out.add(r.Type);
    return out;
}
/** Split files into at most n shards of similar total size (largest first onto the lightest shard). */
function shard(items, n, size) {
    const k = Math.max(1, Math.min(n, items.length));
    const shards = Array.from({ length: k }, () => ({
        items: [],
        load: 0,
    }));
    for (const it of [...items].sort((a, b) => size(b) - size(a))) {
        const s = shards.reduce((a, b) => (b.load < a.load ? b : a));
        s.items.push(it);
        s.load += size(it) + 2000; // a fixed cost per file as well
    }
    return shards.map((s) => s.items).filter((s) => s.length);
}
function baseArgs(rules, data) {
    return [
        'validate',
        '--output-format',
        'json',
        '--structured',
        '--show-summary',
        'none',
        ...rules.flatMap((r) => ['--rules', r]),
        ...data.flatMap((d) => ['--data', d]),
    ];
}
function parseOutput(r) {
    if (r.code !== EXIT.PASS && r.code !== EXIT.VIOLATIONS && r.code !== EXIT.RULE_PARSE)
        return undefined;
    try {
        return readStructured(JSON.parse(r.stdout));
    }
    catch {
        return undefined;
    }
}
function engineMessage(stderr) {
    const text = stderr
        .replace(/Parsing error handling rule file[\s\S]*?`\n---\n?/g, '')
        .replace(/\s+/g, ' ')
        .trim();
    return text.length > 400 ? `${text.slice(0, 399)}…` : text || 'cfn-guard could not evaluate this file';
}
/**
 * The engine evaluates each data file on its own, so the files are split into shards of similar
 * size, one engine run each, `jobsPerCpu` per CPU. A shard runs the custom rules and only the
 * Control Tower controls whose resource types one of its templates contains (elsewhere they could
 * only SKIP). Together the jobs give the same verdicts as one run of every rule over every file.
 * (Splitting by control group as well was measured: re-reading every file per group costs more
 * than the skipped evaluations save.)
 */
function planJobs(opts) {
    const jobs = [];
    const n = Math.max(1, opts.parallelism) * (opts.jobsPerCpu ?? 2);
    for (const files of shard(opts.names, n, opts.size)) {
        const types = new Set();
        let template = false;
        for (const f of files) {
            if (opts.isTemplate(f))
                template = true;
            for (const t of opts.types(f))
                types.add(t);
        }
        const controls = template
            ? opts.controls.filter((c) => c.resourceTypes.length === 0 || c.resourceTypes.some((t) => types.has(t)))
            : [];
        const rules = [...opts.ruleFiles, ...controls.map((c) => (0,external_node_path_.join)(opts.packDir, c.file))];
        if (!rules.length)
            continue;
        jobs.push({ files, rules, cost: files.reduce((a, f) => a + opts.size(f) + 2000, 0) * rules.length });
    }
    return jobs.sort((a, b) => b.cost - a.cost);
}
/** Run `fn` over the items with at most n at a time, in order. */
async function pool(items, n, fn) {
    const limiter = new src/* Limiter */.jG(Math.max(1, n));
    await Promise.all(items.map((item) => limiter.run(() => fn(item))));
}
/** Parse-checked files in, located findings out: the engine runs as a pool of jobs (planJobs). */
async function validate(input) {
    const log = input.log ?? (() => undefined);
    const findings = [];
    const skipped = [];
    const evaluated = [];
    for (const f of input.files) {
        if (f.kind === 'skipped')
            skipped.push({ file: repoPath(input.workspace, f.file), reason: f.reason });
        else if (f.kind === 'broken') {
            const file = repoPath(input.workspace, f.file);
            findings.push({
                kind: 'template-error',
                file,
                line: f.line,
                column: f.column,
                exact: true,
                rule: 'template-parse-error',
                ruleId: 'guard/template-parse-error',
                severity: 'high',
                title: 'Template does not parse',
                message: `${file} does not parse: ${f.message}`,
                fingerprint: fingerprint(file, 'template-parse-error'),
            });
        }
        else
            evaluated.push(f);
    }
    // Guard reads a UTF-8 BOM as part of the first key and then skips every rule (a silent pass):
    // hand it a copy without the BOM. Lines and columns do not move.
    const engineName = new Map();
    let bomDir;
    const enginePath = (f) => {
        if (f.text.charCodeAt(0) !== 0xfeff)
            return f.file;
        bomDir ??= (0,external_node_fs_.mkdtempSync)((0,external_node_path_.join)(input.tempDir, 'guard-nobom-'));
        const dir = (0,external_node_path_.join)(bomDir, String(engineName.size));
        (0,external_node_fs_.mkdirSync)(dir, { recursive: true });
        const copy = (0,external_node_path_.join)(dir, (0,external_node_path_.basename)(f.file));
        (0,external_node_fs_.writeFileSync)(copy, stripBom(f.text));
        return copy;
    };
    const byName = new Map();
    for (const f of evaluated) {
        const p = enginePath(f);
        engineName.set(p, f);
        byName.set(p, f);
    }
    const names = [...byName.keys()];
    const typesOf = new Map(names.map((n) => [n, resourceTypes(byName.get(n))]));
    const jobs = planJobs({
        names,
        size: (n) => byName.get(n).text.length,
        isTemplate: (n) => byName.get(n).kind === 'template',
        types: (n) => typesOf.get(n),
        ruleFiles: input.ruleFiles,
        controls: input.controls,
        packDir: input.packDir,
        parallelism: input.parallelism,
    });
    const ruleErrors = new Map();
    const rulesSeen = new Set();
    const brokenFiles = new Set();
    let runs = 0;
    // Each job's output is located as soon as it arrives, while the other jobs still run.
    const take = (parsed) => {
        for (const res of parsed) {
            for (const r of res.rules)
                rulesSeen.add(r);
            const f = engineName.get(res.file) ?? byName.get(res.file);
            if (!f)
                continue;
            findings.push(...locatedFindings(res.findings, repoPath(input.workspace, f.file), f, input.catalog));
        }
    };
    const runJob = async (job) => {
        runs++;
        const r = await runEngine(input.engine, baseArgs(job.rules, job.files));
        for (const e of parseRuleErrors(r.stderr))
            ruleErrors.set(`${e.file}:${e.line}:${e.column}`, e);
        const parsed = parseOutput(r);
        if (parsed)
            return take(parsed);
        if (job.files.length > 1) {
            // One file the engine cannot read aborts its whole run: halve the run until it is found.
            log(`cfn-guard stopped on a run over ${job.files.length} files (exit ${r.code}); splitting it to find the file`);
            const mid = Math.ceil(job.files.length / 2);
            await runJob({ ...job, files: job.files.slice(0, mid) });
            await runJob({ ...job, files: job.files.slice(mid) });
            return;
        }
        const f = byName.get(job.files[0]);
        const file = repoPath(input.workspace, f.file);
        if (brokenFiles.has(file))
            return;
        brokenFiles.add(file);
        const msg = engineMessage(r.stderr);
        const at = /line (\d+),? column (\d+)/.exec(msg);
        findings.push({
            kind: 'engine-error',
            file,
            line: at ? Number(at[1]) : 1,
            column: at ? Number(at[2]) : 1,
            exact: !!at,
            rule: 'engine-error',
            ruleId: 'guard/engine-error',
            severity: 'high',
            title: 'cfn-guard could not evaluate this file',
            message: `cfn-guard exit ${r.code} on ${file}: ${msg}`,
            fingerprint: fingerprint(file, 'engine-error'),
        });
    };
    try {
        await pool(jobs, input.parallelism, runJob);
    }
    finally {
        if (bomDir)
            (0,external_node_fs_.rmSync)(bomDir, { recursive: true, force: true });
    }
    // Rule files that failed to parse: Guard names only the file's base name.
    for (const e of ruleErrors.values()) {
        const candidates = input.ruleFiles.filter((r) => (0,external_node_path_.basename)(r) === (0,external_node_path_.basename)(e.file));
        const file = repoPath(input.workspace, candidates[0] ?? e.file);
        findings.push({
            kind: 'rule-error',
            file,
            line: e.line,
            column: e.column,
            exact: true,
            rule: 'rule-parse-error',
            ruleId: 'guard/rule-parse-error',
            severity: 'high',
            title: 'Rule file does not parse',
            message: `${file} does not parse at line ${e.line}, column ${e.column}: ${e.message}`,
            fingerprint: fingerprint(file, 'rule-parse-error'),
        });
    }
    // Controls left out because no file had their resource types were evaluated in effect (SKIP).
    for (const c of input.controls)
        for (const r of c.rules)
            rulesSeen.add(r);
    return {
        findings,
        filesScanned: evaluated.length,
        skipped,
        rulesEvaluated: rulesSeen.size,
        engineRuns: runs,
    };
}
function resourceOf(f, pointer) {
    const segs = pointer.split('/').filter(Boolean);
    if (f.kind === 'template' && segs[0] === 'Resources' && segs[1])
        return segs[1];
    if (f.kind === 'plan' && segs[0] === 'resource_changes' && segs[1] !== undefined) {
        const rc = f.parsed.data.resource_changes;
        return rc?.[Number(segs[1])]?.address;
    }
    return undefined;
}
/**
 * Findings of one file, located. Some clauses report paths relative to a rule variable (`/0`)
 * rather than the document: when the same rule also names real places, those are dropped; when it
 * names none, one finding stays, at the `Resources` key. One finding per rule and place.
 */
function locatedFindings(raws, file, f, catalog) {
    const root = f.parsed.root;
    const byRule = new Map();
    for (const raw of raws) {
        const at = locate(root, raw.pointer);
        const list = byRule.get(raw.rule) ?? [];
        list.push({ raw, at });
        byRule.set(raw.rule, list);
    }
    const out = [];
    for (const list of byRule.values()) {
        const placed = list.filter((x) => x.at.resolved.length > 0 || x.raw.pointer === '');
        let keep = placed;
        if (placed.length === 0) {
            const first = list[0];
            const resources = locate(root, '/Resources');
            keep = [{ raw: { ...first.raw, pointer: resources.exact ? '/Resources' : '' }, at: resources }];
        }
        const seen = new Set();
        for (const { raw, at } of keep) {
            const key = `${at.line}:${at.column}`;
            if (seen.has(key))
                continue;
            seen.add(key);
            out.push(toFinding(raw, file, f, catalog, at));
        }
    }
    return out;
}
function toFinding(raw, file, f, catalog, at) {
    const info = catalog.info(raw.rule, raw.custom);
    const resource = resourceOf(f, raw.pointer);
    const what = raw.missing
        ? `${raw.missing} is missing${raw.pointer ? ` under ${raw.pointer}` : ''}`
        : raw.pointer
            ? `${raw.pointer}: ${raw.detail}`
            : raw.detail;
    const text = info.source === 'control-tower' ? info.title : (messageText(raw.custom) ?? `Rule ${raw.rule} failed`);
    const where = resource ? (f.kind === 'plan' ? ` (${resource})` : ` (resource ${resource})`) : '';
    return {
        kind: 'violation',
        file,
        line: at.line,
        column: at.column,
        exact: at.exact && !raw.missing,
        rule: raw.rule,
        ruleId: info.id,
        controlId: info.controlId,
        severity: info.severity,
        title: info.controlId ? `${info.controlId}: ${info.title}` : info.title,
        message: `${text}${where}. ${raw.missing ? what : raw.detail}`.replace(/\.\./g, '.'),
        remediation: info.remediation,
        helpUri: info.helpUri,
        pointer: raw.pointer,
        missing: raw.missing,
        resource,
        fingerprint: fingerprint(file, info.id, raw.pointer, raw.missing ?? ''),
    };
}

;// CONCATENATED MODULE: ./actions/guard-validate/src/testmode.ts






/** Test files cfn-guard pairs with `<name>.guard`: tests/<name>_tests.{yaml,yml,json}. */
function testFilesFor(ruleFile) {
    const dir = (0,external_node_path_.join)((0,external_node_path_.dirname)(ruleFile), 'tests');
    if (!(0,external_node_fs_.existsSync)(dir))
        return [];
    const base = (0,external_node_path_.basename)(ruleFile).replace(/\.(guard|ruleset)$/, '');
    return (0,external_node_fs_.readdirSync)(dir)
        .filter((f) => f.startsWith(`${base}_tests.`) || f.startsWith(`${base}_tests`))
        .map((f) => (0,external_node_path_.join)(dir, f))
        .filter((f) => (0,external_node_fs_.statSync)(f).isFile());
}
/** Where a test case named `name` starts (its `name:` key), in any of the files. */
function caseLocation(files, name) {
    for (const file of files) {
        try {
            const parsed = parseTemplate((0,external_node_fs_.readFileSync)(file, 'utf8'), file);
            const items = parsed.root.kind === 'seq' ? (parsed.root.items ?? []) : [];
            for (const it of items) {
                const e = it.entries?.get('name');
                if (e && e.value.value === name)
                    return { file, line: e.key.line, column: e.key.column };
            }
        }
        catch {
            // a broken test file: cfn-guard reports it
        }
    }
    return undefined;
}
/**
 * `cfn-guard test` over each rule file that has tests/ cases. Each expectation that did not hold
 * (rule, case, expected vs got) becomes a finding at the case in its test file.
 */
async function runTests(opts) {
    const findings = [];
    let cases = 0;
    let expectations = 0;
    let ruleFiles = 0;
    for (const ruleFile of opts.ruleFiles) {
        const tests = testFilesFor(ruleFile);
        if (tests.length === 0) {
            opts.log?.(`${repoPath(opts.workspace, ruleFile)}: no tests/ cases, skipped`);
            continue;
        }
        ruleFiles++;
        for (const testFile of tests) {
            const r = await runEngine(opts.engine, [
                'test',
                '--rules-file',
                ruleFile,
                '--test-data',
                testFile,
                '--output-format',
                'json',
            ]);
            let parsed;
            try {
                const data = JSON.parse(r.stdout);
                parsed = Array.isArray(data) ? data : [data];
            }
            catch {
                const file = repoPath(opts.workspace, testFile);
                const msg = (r.stderr || r.stdout).replace(/\s+/g, ' ').trim().slice(0, 400);
                const at = /line (\d+)(?:,| at)? column (\d+)/.exec(msg);
                findings.push({
                    kind: 'engine-error',
                    file,
                    line: at ? Number(at[1]) : 1,
                    column: at ? Number(at[2]) : 1,
                    exact: !!at,
                    rule: 'test-error',
                    ruleId: 'guard/test-error',
                    severity: 'high',
                    title: 'cfn-guard test could not run',
                    message: `cfn-guard test exit ${r.code} for ${file}: ${msg || 'no output'}`,
                    fingerprint: fingerprint(file, 'test-error'),
                });
                continue;
            }
            for (const rf of parsed)
                for (const tc of rf.test_cases ?? []) {
                    cases++;
                    expectations += (tc.passed_rules?.length ?? 0) + (tc.failed_rules?.length ?? 0);
                    for (const fr of tc.failed_rules ?? []) {
                        const got = Array.isArray(fr.evaluated) ? fr.evaluated.join(', ') : String(fr.evaluated ?? '?');
                        const where = caseLocation([testFile], tc.name ?? '') ?? { file: testFile, line: 1, column: 1 };
                        const file = repoPath(opts.workspace, where.file);
                        findings.push({
                            kind: 'test-failure',
                            file,
                            line: where.line,
                            column: where.column,
                            exact: where.line > 1,
                            rule: fr.name,
                            ruleId: fr.name,
                            severity: 'high',
                            title: `Test "${tc.name}" failed for rule ${fr.name}`,
                            message: `Test case "${tc.name}": rule ${fr.name} expected ${fr.expected ?? '?'}, got ${got} (${repoPath(opts.workspace, ruleFile)})`,
                            fingerprint: fingerprint(file, fr.name, tc.name ?? ''),
                        });
                    }
                }
        }
    }
    return { findings, ruleFiles, cases, expectations, failed: findings.length };
}

;// CONCATENATED MODULE: ./actions/guard-validate/src/execute.ts













/** Short names people type for the pack's service directories. */
const SERVICE_ALIASES = {
    iam: 'identityandaccessmanagement',
    kms: 'keymanagementservice',
    elb: 'elasticloadbalancing',
    elbv2: 'elasticloadbalancing',
    alb: 'elasticloadbalancing',
    autoscaling: 'ec2autoscaling',
    dms: 'databasemigrationservice',
    acm: 'certificatemanager',
    opensearch: 'opensearchservice',
    sfn: 'stepfunctions',
    docdb: 'documentdb',
    apigw: 'apigateway',
};
function selectControls(all, config) {
    const out = new Map();
    for (const p of config.rulePacks) {
        const pack = { ...p, services: p.services.map((s) => SERVICE_ALIASES[s] ?? s) };
        const services = new Set(all.map((c) => c.service));
        for (const s of pack.services)
            if (!services.has(s))
                throw new src/* ConfigurationError */.j1(`input "rule-packs" names service "${s}", which has no Control Tower controls: use one of ${[...services].sort().join(', ')}`, 'rule-packs');
        for (const c of all)
            if (pack.services.length === 0 || pack.services.includes(c.service))
                out.set(c.file, c);
    }
    return [...out.values()];
}
async function execute(config, hooks = {}) {
    const started = Date.now();
    const ctx = hooks.context ?? runContext();
    const ws = ctx.workspace;
    const packDir = (0,external_node_path_.join)(bundleDir(), 'rules', 'control-tower');
    const allControls = loadControls(packDir);
    if (config.rulePacks.length && allControls.length === 0)
        throw new src/* OperationError */.OK(`the control-tower rule pack is missing from ${packDir}: the action's dist/ is incomplete`);
    const controls = selectControls(allControls, config);
    const ruleFiles = await expand(config.rules, {
        workspace: ws,
        extensions: RULE_EXTENSIONS,
        input: 'rules',
    });
    const baseline = config.baseline ? readBaseline((0,external_node_path_.resolve)(ws, config.baseline)) : undefined;
    const engine = await resolveEngine({
        override: config.cfnGuardPath ? (0,external_node_path_.resolve)(ws, config.cfnGuardPath) : undefined,
    });
    src/* log.info */.Rm.info(`cfn-guard: ${engine.description}`);
    const sarifPath = (0,external_node_path_.resolve)(ws, config.sarifFile);
    const reportPath = (0,external_node_path_.resolve)(ws, config.reportFile);
    const gh = config.token && ctx.repo ? new GitHub({ apiUrl: ctx.apiUrl, token: config.token }) : undefined;
    let findings = [];
    let facts;
    if (config.mode === 'test') {
        const t = await src/* log.group */.Rm.group('cfn-guard test', () => runTests({ engine: engine.path, workspace: ws, ruleFiles, log: src/* log.info */.Rm.info }));
        findings = t.findings;
        src/* log.info */.Rm.info(`${t.ruleFiles} rule file(s) with tests, ${t.cases} case(s), ${t.expectations} expectation(s), ${t.failed} failed`);
        facts = {
            filesScanned: t.cases,
            rulesEvaluated: t.ruleFiles,
            skipped: [],
            passed: !gateFails(findings, config.failOn),
            failOn: config.failOn,
            engine: engine.description,
            durationMs: 0,
            reportFile: config.reportFile,
            mode: config.mode,
        };
    }
    else {
        // Which data files: the given ones, or every template in the repository (by content).
        const explicit = config.data.length > 0;
        let candidates = explicit
            ? await expand(config.data, { workspace: ws, extensions: DATA_EXTENSIONS, input: 'data' })
            : await discoverCandidates(ws);
        if (config.changedFilesOnly) {
            if (!ctx.pullRequest || !gh || !ctx.repo)
                src/* log.info */.Rm.info('changed-files-only: not a pull request (or no token); checking every file');
            else {
                const changed = await gh.pullRequestFiles(ctx.repo, ctx.pullRequest.number);
                if (changed.truncated)
                    src/* log.warning */.Rm.warning('changed-files-only: the pull request changes more than 3,000 files; only the first 3,000 are known');
                const keep = new Set(changed.files);
                const before = candidates.length;
                candidates = candidates.filter((f) => keep.has(repoPath(ws, f)));
                src/* log.info */.Rm.info(`changed-files-only: ${candidates.length} of ${before} candidate file(s) changed in #${ctx.pullRequest.number}`);
            }
        }
        const classified = candidates.map((f) => classify(f, explicit));
        const byRepoPath = new Map(classified.map((c) => [repoPath(ws, c.file), c]));
        const out = await src/* log.group */.Rm.group(`cfn-guard validate (${classified.length} file(s))`, async () => {
            const r = await validate({
                engine: engine.path,
                workspace: ws,
                ruleFiles,
                controls,
                packDir,
                catalog: new RuleCatalog(allControls),
                files: classified,
                parallelism: config.parallelism ?? ctx.cpus,
                tempDir: ctx.tempDir,
                log: src/* log.info */.Rm.info,
            });
            src/* log.info */.Rm.info(`${r.filesScanned} file(s) in ${r.engineRuns} engine run(s); ${r.skipped.length} skipped; ${r.findings.length} finding(s)`);
            return r;
        });
        findings = out.findings;
        applySuppressions(findings, byRepoPath, baseline);
        if (out.filesScanned === 0 && !findings.length)
            src/* log.warning */.Rm.warning('no CloudFormation templates or Terraform plans found to check');
        facts = {
            filesScanned: out.filesScanned,
            rulesEvaluated: out.rulesEvaluated,
            skipped: out.skipped,
            passed: !gateFails(findings, config.failOn),
            failOn: config.failOn,
            engine: engine.description,
            durationMs: 0,
            reportFile: config.reportFile,
            mode: config.mode,
        };
    }
    facts.durationMs = Date.now() - started;
    const t = totals(findings);
    // Files first, so they exist whatever happens to the GitHub calls.
    (0,external_node_fs_.mkdirSync)((0,external_node_path_.dirname)(sarifPath), { recursive: true });
    (0,external_node_fs_.writeFileSync)(sarifPath, JSON.stringify(sarif(findings, { srcRoot: ws }), null, 2));
    if (findings.length > SARIF_MAX_RESULTS)
        src/* log.warning */.Rm.warning(`guard-validate: ${findings.length} findings; the SARIF log keeps the ${SARIF_MAX_RESULTS} most severe (code scanning's limit per run), the report file has all`);
    (0,external_node_fs_.mkdirSync)((0,external_node_path_.dirname)(reportPath), { recursive: true });
    (0,external_node_fs_.writeFileSync)(reportPath, JSON.stringify(jsonReport(findings, facts), null, 2));
    (0,src/* setOutputs */.n0)({
        violations: String(t.violations),
        'files-scanned': String(facts.filesScanned),
        'rules-evaluated': String(facts.rulesEvaluated),
        passed: String(facts.passed),
        'sarif-file': repoPath(ws, sarifPath),
        'report-file': repoPath(ws, reportPath),
    });
    hooks.onOutputs?.();
    jobSummary(findings, facts).write();
    const runUrl = ctx.repo && ctx.runId ? `${ctx.serverUrl}/${ctx.repo}/actions/runs/${ctx.runId}` : undefined;
    const sha = ctx.pullRequest?.headSha || ctx.sha;
    // Reporting problems never hide the result: the gate below still decides the exit.
    if (config.annotations === 'checks' && gh && ctx.repo && sha) {
        try {
            const r = await publishChecks(gh, { repo: ctx.repo, sha, findings, facts, detailsUrl: runUrl });
            src/* log.info */.Rm.info(r.mode === 'checks'
                ? `check run: ${r.annotations} annotation(s) in ${r.requests} request(s)`
                : `annotations: ${r.annotations} workflow-command annotation(s)`);
        }
        catch (err) {
            src/* log.warning */.Rm.warning(`guard-validate: the check run failed (${(0,src/* errorMessage */.gJ)(err)}); annotating with workflow commands instead`);
            (0,src/* emitAnnotations */.KI)(commandAnnotations(findings));
        }
    }
    else if (config.annotations !== 'none') {
        (0,src/* emitAnnotations */.KI)(commandAnnotations(findings));
    }
    const wantComment = config.prComment ?? (ctx.eventName === 'pull_request' || ctx.eventName === 'pull_request_target');
    if (wantComment && ctx.pullRequest && gh && ctx.repo) {
        try {
            const r = await publishComment(gh, {
                repo: ctx.repo,
                pr: ctx.pullRequest.number,
                findings,
                facts,
                links: { server: ctx.serverUrl, repo: ctx.repo, sha: sha ?? '', runUrl },
            });
            src/* log.info */.Rm.info(`pull request comment: ${r}`);
        }
        catch (err) {
            src/* log.warning */.Rm.warning(`guard-validate: could not update the pull request comment (${(0,src/* errorMessage */.gJ)(err)})`);
        }
    }
    const summaryLine = `${t.violations} violation(s) (${Object.entries(t.bySeverity)
        .filter(([, n]) => n)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ') || 'none'})` +
        (t.errors ? `, ${t.errors} error(s)` : '') +
        (t.suppressed ? `, ${t.suppressed} suppressed` : '') +
        (t.baselined ? `, ${t.baselined} baselined` : '');
    if (!facts.passed)
        throw new src/* OperationError */.OK(`${summaryLine}; fail-on is ${config.failOn}`);
    src/* log.info */.Rm.info(`passed: ${summaryLine}`);
}


/***/ })

};
