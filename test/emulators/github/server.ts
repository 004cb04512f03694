import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ArtifactStore, type StoredArtifact } from './artifacts.js';

/**
 * A small GitHub REST fake for the calls guard-validate makes: check runs (create, then PATCH to
 * append annotations, at most 50 per request like GitHub), issue comments (list, create, update)
 * and pull-request files (100 per page), and for ecs-blue-green deployments and their statuses (create,
 * list; a success with auto_inactive makes the environment's earlier successful deployments
 * inactive, as GitHub does). It records every call, can answer 403 for check runs and
 * comments (a fork pull request's read-only token), serves workflow artifacts of earlier runs
 * (./artifacts.ts), listens on 127.0.0.1 only and stops itself after `lifetimeMs`.
 */

export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: any;
  status: number;
}

/** A deployment (POST /repos/{owner}/{repo}/deployments) and its statuses, oldest first. */
export interface Deployment {
  id: number;
  ref: string;
  environment: string;
  description?: string;
  payload: unknown;
  statuses: Array<{
    id: number;
    state: string;
    description?: string;
    environment_url?: string;
    log_url?: string;
  }>;
}

/** The states the deployment statuses endpoint accepts. */
const DEPLOYMENT_STATES = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'];

export interface CheckRun {
  id: number;
  name: string;
  head_sha: string;
  external_id?: string;
  status: string;
  conclusion?: string;
  output: { title?: string; summary?: string };
  annotations: any[];
}

/** The author GITHUB_TOKEN writes as. */
export const ACTIONS_BOT = 'github-actions[bot]';

export interface GitHubFakeOptions {
  /** Answer 403 "Resource not accessible by integration" for these. */
  forbid?: Array<'checks' | 'comments' | 'deployments' | 'actions'>;
  /** Files of every pull request. */
  prFiles?: string[];
  /**
   * Existing comments (issue number -> bodies, or bodies with their author; a bare body is by
   * github-actions[bot]).
   */
  comments?: Record<number, Array<string | { body: string; user: string }>>;
  /**
   * Who the token is: a user login answers GET /user (a personal token); undefined makes GET /user
   * answer 403 like GITHUB_TOKEN, and new comments are by github-actions[bot].
   */
  viewer?: string;
  /** Workflow artifacts of earlier runs (list by name, download as zip). */
  artifacts?: StoredArtifact[];
  /** Serve HTTPS with this key and certificate (PEM) instead of HTTP. */
  tls?: { key: string; cert: string };
  lifetimeMs?: number;
}

export interface GitHubFake {
  url: string;
  calls: RecordedCall[];
  checkRuns: CheckRun[];
  comments: Array<{ id: number; issue: number; body: string; user: string }>;
  deployments: Deployment[];
  artifacts: ArtifactStore;
  /** Change what is forbidden between runs. */
  forbid: Set<'checks' | 'comments' | 'deployments' | 'actions'>;
  /** Answer 500 for these (a GitHub outage). */
  broken: Set<'checks' | 'comments' | 'deployments' | 'actions'>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startGitHubFake(opts: GitHubFakeOptions = {}): Promise<GitHubFake> {
  const calls: RecordedCall[] = [];
  const checkRuns: CheckRun[] = [];
  const forbid = new Set(opts.forbid ?? []);
  const broken = new Set<'checks' | 'comments' | 'deployments' | 'actions'>();
  const deployments: Deployment[] = [];
  const artifacts = new ArtifactStore(opts.artifacts);
  let nextId = 1000;
  const comments: GitHubFake['comments'] = [];
  for (const [issue, bodies] of Object.entries(opts.comments ?? {}))
    for (const c of bodies)
      comments.push({
        id: nextId++,
        issue: Number(issue),
        ...(typeof c === 'string' ? { body: c, user: ACTIONS_BOT } : c),
      });
  const author = opts.viewer ?? ACTIONS_BOT;
  const prFiles = opts.prFiles ?? [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const text = await readBody(req);
    const body = text ? JSON.parse(text) : undefined;
    const query = Object.fromEntries(url.searchParams);
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      calls.push({ method, path: url.pathname, query, body, status });
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(payload === undefined ? '' : JSON.stringify(payload));
    };
    // A list page with GitHub's Link header (next and last), as Octokit's paginate follows it.
    const page = <T>(all: T[], cap = Infinity) => {
      const per = Math.min(100, Number(query.per_page ?? 30));
      const n = Number(query.page ?? 1);
      const last = Math.max(1, Math.min(cap, Math.ceil(all.length / per)));
      const link = (p: number) => {
        const u = new URL(`http://${req.headers.host}${url.pathname}`);
        u.searchParams.set('per_page', String(per));
        u.searchParams.set('page', String(p));
        return `<${u.href}>`;
      };
      const headers: Record<string, string> =
        n < last ? { link: `${link(n + 1)}; rel="next", ${link(last)}; rel="last"` } : {};
      return { items: n > cap ? [] : all.slice((n - 1) * per, n * per), headers };
    };
    if (artifacts.blob(req, res, url)) {
      calls.push({ method, path: url.pathname, query, status: res.statusCode });
      return;
    }
    if (!/^(Bearer|token) \S+/.test(req.headers.authorization ?? ''))
      return send(401, { message: 'Requires authentication' });
    const denied = { message: 'Resource not accessible by integration' };
    if (broken.has('checks') && url.pathname.includes('/check-runs'))
      return send(500, { message: 'Server Error' });
    if (broken.has('comments') && url.pathname.includes('/comments'))
      return send(500, { message: 'Server Error' });
    let m: RegExpExecArray | null;
    if (url.pathname.includes('/actions/artifacts')) {
      if (forbid.has('actions')) return send(403, denied);
      if (artifacts.route(method, url, `${opts.tls ? 'https' : 'http'}://${req.headers.host}`, send)) return;
    }
    if (url.pathname.includes('/deployments')) {
      if (broken.has('deployments')) return send(500, { message: 'Server Error' });
      if (forbid.has('deployments')) return send(403, denied);
    }
    if (method === 'POST' && /^\/repos\/[^/]+\/[^/]+\/deployments$/.test(url.pathname)) {
      if (!body?.ref) return send(422, { message: 'Invalid request.\n\n"ref" wasn\'t supplied.' });
      const d: Deployment = {
        id: nextId++,
        ref: String(body.ref),
        environment: String(body.environment ?? 'production'),
        description: body.description,
        payload: body.payload ?? {},
        statuses: [],
      };
      deployments.push(d);
      const { statuses: _s, ...view } = d;
      return send(201, { ...view, sha: d.ref, task: body.task ?? 'deploy' });
    }
    if (method === 'GET' && /^\/repos\/[^/]+\/[^/]+\/deployments$/.test(url.pathname)) {
      // GitHub filters by sha, ref, task and environment; deployments here are made with ref = sha
      const list = deployments
        .filter((d) => !query.environment || d.environment === query.environment)
        .filter((d) => (!query.sha || d.ref === query.sha) && (!query.ref || d.ref === query.ref))
        .map(({ statuses: _s, ...d }) => ({ ...d, sha: d.ref }))
        .reverse();
      const p = page(list);
      return send(200, p.items, p.headers);
    }
    if ((m = /^\/repos\/[^/]+\/[^/]+\/deployments\/(\d+)\/statuses$/.exec(url.pathname))) {
      const d = deployments.find((x) => x.id === Number(m![1]));
      if (!d) return send(404, { message: 'Not Found' });
      if (method === 'GET') return send(200, [...d.statuses].reverse());
      if (method !== 'POST') return send(404, { message: 'Not Found' });
      if (!DEPLOYMENT_STATES.includes(body?.state))
        return send(422, {
          message: `Validation Failed: state ${String(body?.state)} is not included in the list`,
        });
      const st = {
        id: nextId++,
        state: String(body.state),
        description: body.description,
        environment_url: body.environment_url,
        log_url: body.log_url,
      };
      d.statuses.push(st);
      // auto_inactive (default true): a success makes the earlier deployments of the environment inactive
      if (st.state === 'success' && body.auto_inactive !== false)
        for (const other of deployments)
          if (
            other !== d &&
            other.environment === d.environment &&
            other.statuses.at(-1)?.state === 'success'
          )
            other.statuses.push({ id: nextId++, state: 'inactive' });
      return send(201, st);
    }

    if (method === 'POST' && (m = /^\/repos\/[^/]+\/[^/]+\/check-runs$/.exec(url.pathname))) {
      if (forbid.has('checks')) return send(403, denied);
      if (!body?.name || !body?.head_sha) return send(422, { message: 'name and head_sha are required' });
      const run: CheckRun = {
        id: nextId++,
        name: body.name,
        head_sha: body.head_sha,
        external_id: body.external_id,
        status: body.status ?? 'queued',
        conclusion: body.conclusion,
        output: { title: body.output?.title, summary: body.output?.summary },
        annotations: [],
      };
      const ann = body.output?.annotations ?? [];
      if (ann.length > 50) return send(422, { message: 'at most 50 annotations per request' });
      run.annotations.push(...ann);
      checkRuns.push(run);
      return send(201, { id: run.id });
    }
    // GET /repos/{o}/{r}/commits/{ref}/check-runs: newest first, filtered by check_name
    if (
      method === 'GET' &&
      (m = /^\/repos\/[^/]+\/[^/]+\/commits\/([^/]+)\/check-runs$/.exec(url.pathname))
    ) {
      const runs = checkRuns
        .filter((r) => r.head_sha === m![1] && (!query.check_name || r.name === query.check_name))
        .reverse();
      const p = page(runs);
      return send(
        200,
        {
          total_count: runs.length,
          check_runs: p.items.map(({ annotations: _a, ...r }) => ({
            ...r,
            external_id: r.external_id ?? '',
          })),
        },
        p.headers,
      );
    }
    if (method === 'PATCH' && (m = /^\/repos\/[^/]+\/[^/]+\/check-runs\/(\d+)$/.exec(url.pathname))) {
      if (forbid.has('checks')) return send(403, denied);
      const run = checkRuns.find((r) => r.id === Number(m![1]));
      if (!run) return send(404, { message: 'Not Found' });
      const ann = body?.output?.annotations ?? [];
      if (ann.length > 50) return send(422, { message: 'at most 50 annotations per request' });
      for (const a of ann)
        if (!a.path || !a.start_line || !a.end_line || !a.annotation_level || !a.message)
          return send(422, { message: 'annotation is missing a required field' });
      if ((body?.output?.summary ?? '').length > 65535) return send(422, { message: 'summary too long' });
      run.annotations.push(...ann);
      if (body?.status) run.status = body.status;
      if (body?.conclusion) run.conclusion = body.conclusion;
      if (body?.output?.title) run.output.title = body.output.title;
      if (body?.output?.summary) run.output.summary = body.output.summary;
      return send(200, { id: run.id });
    }
    if (method === 'GET' && url.pathname === '/user') {
      if (!opts.viewer) return send(403, denied);
      return send(200, { login: opts.viewer, type: 'User' });
    }
    if (method === 'GET' && (m = /^\/repos\/[^/]+\/[^/]+\/pulls\/(\d+)\/files$/.exec(url.pathname))) {
      // GitHub lists at most 3,000 files: 30 pages of 100
      const p = page(prFiles, Math.floor(3000 / Math.min(100, Number(query.per_page ?? 30))));
      return send(
        200,
        p.items.map((filename) => ({ filename, status: 'modified', additions: 1, deletions: 0, changes: 1 })),
        p.headers,
      );
    }
    if (method === 'GET' && (m = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(url.pathname))) {
      const p = page(comments.filter((c) => c.issue === Number(m![1])));
      return send(
        200,
        p.items.map((c) => ({ id: c.id, body: c.body, user: { login: c.user } })),
        p.headers,
      );
    }
    if (method === 'POST' && (m = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(url.pathname))) {
      if (forbid.has('comments')) return send(403, denied);
      const c = { id: nextId++, issue: Number(m[1]), body: String(body?.body ?? ''), user: author };
      comments.push(c);
      return send(201, { id: c.id, body: c.body, user: { login: c.user } });
    }
    if (method === 'PATCH' && (m = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(url.pathname))) {
      if (forbid.has('comments')) return send(403, denied);
      const c = comments.find((x) => x.id === Number(m![1]));
      if (!c) return send(404, { message: 'Not Found' });
      // GitHub lets a token edit only its own comments (without admin rights)
      if (c.user !== author) return send(403, { message: 'You must have admin rights to edit this comment' });
      c.body = String(body?.body ?? '');
      return send(200, { id: c.id, body: c.body });
    }
    return send(404, { message: `fake has no route for ${method} ${url.pathname}` });
  };

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: Error) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: err.message }));
    });
  };
  const server = opts.tls ? createTlsServer(opts.tls, listener) : createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const stopTimer = setTimeout(() => server.close(), opts.lifetimeMs ?? 300_000);
  stopTimer.unref();
  return {
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    calls,
    checkRuns,
    comments,
    deployments,
    artifacts,
    forbid,
    broken,
    close: () =>
      new Promise<void>((resolve) => {
        clearTimeout(stopTimer);
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
