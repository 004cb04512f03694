/**
 * A fault-injection proxy for the end-to-end tests: it listens on 127.0.0.1, forwards every request to
 * one backend (moto, the CodeDeploy emulator, the GitHub fake) and, where a rule matches, answers the
 * way an unkind production does: throttling in the protocol's own error shape, 5xx, a reset
 * connection, a delay, a "not found" before a resource is visible, or a reply lost after the backend
 * applied the call. Point a service at it with AWS_ENDPOINT_URL[_<SERVICE>] or GITHUB_API_URL.
 *
 * Rules match by service (the SigV4 signing name, or `github`), operation (`CreateDBSnapshot`,
 * `CreateDeployment`, `POST /repos/o/r/check-runs`), a predicate on the request, the index of the
 * matching call, and a time window measured from the rule's first matching call.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { forward as forwardTo, readBody, serveOnLoopback, type Forwarded } from './loopback.js';
import { randomUUID } from 'node:crypto';
import { errorReply, type Protocol } from './fault-shapes.js';

export type Fault =
  /** `Throttling` / `ThrottlingException` with HTTP 400 (GitHub: 403 secondary rate limit + retry-after). */
  | { kind: 'throttle' }
  /** An error the backend could have given: e.g. 503 ServiceUnavailable, 404 DBSnapshotNotFound. */
  | { kind: 'error'; status: number; code: string; message?: string }
  /** Close the connection before any reply. */
  | { kind: 'reset' }
  /** Forward after a delay. */
  | { kind: 'delay'; ms: number }
  /** Forward, let the backend apply the call, then answer 500 (or reset): the client never sees the reply. */
  | { kind: 'lose-reply'; as?: 'error' | 'reset' }
  /** An account's API rate limit: a token bucket; an empty bucket answers throttling. */
  | { kind: 'rate-limit'; perSecond: number; burst: number }
  /**
   * Forward, then give the client the backend's reply edited: what AWS would answer where the
   * emulator differs (a new snapshot `creating` where moto says `available` at once; a tag listing
   * that does not show a new resource yet).
   */
  | { kind: 'edit-reply'; edit: (body: string, call: Readonly<ProxyCall>) => string };

export interface FaultRule {
  /** For the call log and assertions. */
  name?: string;
  /** SigV4 signing name (`rds`, `ecs`, `codedeploy`, `monitoring`) or `github`. */
  service?: string;
  /** Exact operation name, or a pattern. */
  operation?: string | RegExp;
  /** Further condition on the request (its decoded body, parameters, region). */
  when?: (call: Readonly<ProxyCall>) => boolean;
  /** 0-based indexes among this rule's matching calls that get the fault (default: all). */
  calls?: number[];
  /** Inject at most this many times. */
  times?: number;
  /** Window from the rule's first matching call: inject from `afterMs` (default 0) for `forMs`. */
  window?: { afterMs?: number; forMs: number };
  fault: Fault;
}

export interface ProxyCall {
  service: string;
  operation: string;
  region: string;
  method: string;
  path: string;
  protocol: Protocol;
  /** Request body as text, and for the query protocol its parameters. */
  body: string;
  params: Record<string, string>;
  at: number;
  /** The HTTP status the client saw (0 for a reset connection). */
  status?: number;
  /** The status the backend answered (absent when the call never reached it). */
  backendStatus?: number;
  /** The rule name (or kind) that injected a fault into this call. */
  fault?: string;
}

export interface FaultProxy {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Every call seen, in arrival order. */
  calls: ProxyCall[];
  /** Add a rule; rules are tried in the order added, the first that injects wins. Returns a remover. */
  inject(rule: FaultRule): () => void;
  /** Forget every rule (calls are kept). */
  clear(): void;
  /** Forget rules and calls. */
  reset(): void;
  /** Calls that got a fault (optionally only one rule's). */
  injected(name?: string): ProxyCall[];
  stop(): Promise<void>;
}

interface LiveRule {
  rule: FaultRule;
  matched: number;
  injected: number;
  firstAt?: number;
  tokens?: number;
  refilledAt?: number;
}

/** What the request is: service, operation, region and protocol, read like AWS's front door reads it. */
export function describeRequest(req: IncomingMessage, body: Buffer): Omit<ProxyCall, 'at'> {
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://proxy.invalid');
  const auth = String(req.headers.authorization ?? '');
  const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(auth);
  const text = body.toString('utf8');
  const params: Record<string, string> = {};
  if (!scope) {
    return {
      service: 'github',
      operation: `${method} ${url.pathname}`,
      region: '',
      method,
      path: url.pathname,
      protocol: 'rest-json',
      body: text,
      params,
    };
  }
  const [, region = '', service = ''] = scope;
  const target = req.headers['x-amz-target'];
  const cbor = /^\/service\/[^/]+\/operation\/([^/?]+)/.exec(url.pathname);
  let operation = '';
  let protocol: Protocol;
  if (typeof target === 'string') {
    protocol = 'json';
    operation = target.slice(target.lastIndexOf('.') + 1);
  } else if (cbor || String(req.headers['smithy-protocol'] ?? '') === 'rpc-v2-cbor') {
    protocol = 'cbor';
    operation = cbor?.[1] ?? '';
  } else {
    protocol = 'query';
    const form = new URLSearchParams(method === 'GET' ? url.search : text);
    for (const [k, v] of form) params[k] = v;
    operation = params.Action ?? '';
  }
  return { service, operation, region, method, path: url.pathname, protocol, body: text, params };
}

function matches(rule: FaultRule, call: ProxyCall): boolean {
  if (rule.service && rule.service !== call.service) return false;
  if (rule.operation !== undefined) {
    const ok =
      typeof rule.operation === 'string'
        ? rule.operation === call.operation
        : rule.operation.test(call.operation);
    if (!ok) return false;
  }
  return rule.when ? rule.when(call) : true;
}

/**
 * Does this live rule inject into its `index`-th matching call? Every matching rule counts every
 * matching call, whether or not an earlier rule injected into it, so `calls: [2]` means the third.
 */
function eligible(live: LiveRule, index: number, now: number): boolean {
  const { rule } = live;
  if (rule.calls && !rule.calls.includes(index)) return false;
  if (rule.times !== undefined && live.injected >= rule.times) return false;
  if (rule.window) {
    const from = (live.firstAt ?? now) + (rule.window.afterMs ?? 0);
    if (now < from || now >= from + rule.window.forMs) return false;
  }
  if (rule.fault.kind === 'rate-limit') {
    const { perSecond, burst } = rule.fault;
    live.tokens ??= burst;
    live.refilledAt ??= now;
    live.tokens = Math.min(burst, live.tokens + ((now - live.refilledAt) / 1000) * perSecond);
    live.refilledAt = now;
    if (live.tokens >= 1) {
      live.tokens -= 1;
      return false;
    }
  }
  return true;
}

/** The first rule that injects into this call, after every matching rule has counted it. */
function choose(rules: LiveRule[], call: ProxyCall, now: number): LiveRule | undefined {
  let chosen: LiveRule | undefined;
  for (const live of rules) {
    if (!matches(live.rule, call)) continue;
    const index = live.matched++;
    live.firstAt ??= now;
    if (!chosen && eligible(live, index, now)) chosen = live;
  }
  if (chosen) chosen.injected++;
  return chosen;
}

/** Start a proxy on a free 127.0.0.1 port in front of `target`; it closes itself after `maxLifetimeMs`. */
export async function startFaultProxy(opts: { target: string; maxLifetimeMs?: number }): Promise<FaultProxy> {
  const target = new URL(opts.target);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname))
    throw new Error(`the fault proxy only forwards to loopback, not ${target.hostname}`);
  const calls: ProxyCall[] = [];
  let rules: LiveRule[] = [];

  const forward = (req: IncomingMessage, body: Buffer): Promise<Forwarded> =>
    forwardTo(
      target,
      { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers },
      body,
      120_000,
    );

  const reply = (
    res: ServerResponse,
    call: ProxyCall,
    status: number,
    headers: Record<string, string | string[] | number | undefined>,
    body: Buffer | string,
  ) => {
    call.status = status;
    const clean = Object.fromEntries(
      Object.entries(headers).filter(
        ([k, v]) => v !== undefined && !['transfer-encoding', 'connection', 'content-length'].includes(k),
      ),
    ) as Record<string, string | string[] | number>;
    res.writeHead(status, { ...clean, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  const replyError = (
    res: ServerResponse,
    call: ProxyCall,
    status: number,
    code: string,
    message: string,
  ) => {
    const e = errorReply(call.protocol, status, code, message, randomUUID());
    reply(res, call, e.status, e.headers, e.body);
  };
  const resetSocket = (req: IncomingMessage, call: ProxyCall) => {
    call.status = 0;
    req.socket.destroy();
  };

  const server = createServer((req, res) => {
    void (async () => {
      let call: ProxyCall | undefined;
      try {
        const body = await readBody(req);
        call = { ...describeRequest(req, body), at: Date.now() };
        calls.push(call);
        const now = Date.now();
        const chosen = choose(rules, call, now);
        const fault: Fault | undefined = chosen?.rule.fault;
        if (chosen) call.fault = chosen.rule.name ?? chosen.rule.fault.kind;
        switch (fault?.kind) {
          case 'throttle':
          case 'rate-limit':
            return replyError(res, call, 400, 'Throttling', 'Rate exceeded');
          case 'error':
            return replyError(res, call, fault.status, fault.code, fault.message ?? fault.code);
          case 'reset':
            return resetSocket(req, call);
          case 'delay':
            await new Promise((r) => setTimeout(r, fault.ms));
            break;
        }
        const answer = await forward(req, body);
        call.backendStatus = answer.status;
        if (fault?.kind === 'edit-reply')
          return reply(
            res,
            call,
            answer.status,
            answer.headers,
            fault.edit(answer.body.toString('utf8'), call),
          );
        if (fault?.kind === 'lose-reply') {
          if (fault.as === 'reset') return resetSocket(req, call);
          return replyError(
            res,
            call,
            500,
            'InternalFailure',
            'We encountered an internal error. Please try again.',
          );
        }
        reply(res, call, answer.status, answer.headers, answer.body);
      } catch (err) {
        if (res.headersSent) return void res.destroy();
        const text = `fault proxy: ${String((err as Error)?.message ?? err)}`;
        if (call) reply(res, call, 502, { 'content-type': 'text/plain' }, text);
        else {
          res.writeHead(502, { 'content-type': 'text/plain' });
          res.end(text);
        }
      }
    })();
  });
  const { url, stop } = await serveOnLoopback(server, { lifetimeMs: opts.maxLifetimeMs });

  return {
    url,
    calls,
    inject(rule) {
      const live: LiveRule = { rule, matched: 0, injected: 0 };
      rules.push(live);
      return () => {
        rules = rules.filter((r) => r !== live);
      };
    },
    clear() {
      rules = [];
    },
    reset() {
      rules = [];
      calls.length = 0;
    },
    injected: (name) =>
      calls.filter((c) => c.fault !== undefined && (name === undefined || c.fault === name)),
    stop,
  };
}

/** For e2e files: one proxy in front of `target()` per file, rules and calls forgotten before each test. */
export function useFaultProxy(target: () => string): () => FaultProxy {
  let proxy: FaultProxy | undefined;
  beforeAll(async () => {
    proxy = await startFaultProxy({ target: target(), maxLifetimeMs: 30 * 60_000 });
  });
  beforeEach(() => proxy?.reset());
  afterAll(async () => {
    await proxy?.stop();
    proxy = undefined;
  });
  return () => {
    if (!proxy) throw new Error('fault proxy not started: call useFaultProxy() at the top of the file');
    return proxy;
  };
}
