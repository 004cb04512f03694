import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small GitHub REST fake for the calls guard-validate makes: check runs (create, then PATCH to
 * append annotations, at most 50 per request like GitHub), issue comments (list, create, update)
 * and pull-request files (100 per page). It records every call, can answer 403 for check runs and
 * comments (a fork pull request's read-only token), listens on 127.0.0.1 only and stops itself
 * after `lifetimeMs`.
 */

export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: any;
  status: number;
}

export interface CheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion?: string;
  output: { title?: string; summary?: string };
  annotations: any[];
}

export interface GitHubFakeOptions {
  /** Answer 403 "Resource not accessible by integration" for these. */
  forbid?: Array<'checks' | 'comments'>;
  /** Files of every pull request. */
  prFiles?: string[];
  /** Existing comments (issue number -> bodies). */
  comments?: Record<number, string[]>;
  lifetimeMs?: number;
}

export interface GitHubFake {
  url: string;
  calls: RecordedCall[];
  checkRuns: CheckRun[];
  comments: Array<{ id: number; issue: number; body: string }>;
  /** Change what is forbidden between runs. */
  forbid: Set<'checks' | 'comments'>;
  /** Answer 500 for these (a GitHub outage). */
  broken: Set<'checks' | 'comments'>;
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
  const broken = new Set<'checks' | 'comments'>();
  let nextId = 1000;
  const comments: GitHubFake['comments'] = [];
  for (const [issue, bodies] of Object.entries(opts.comments ?? {}))
    for (const body of bodies) comments.push({ id: nextId++, issue: Number(issue), body });
  const prFiles = opts.prFiles ?? [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const text = await readBody(req);
    const body = text ? JSON.parse(text) : undefined;
    const query = Object.fromEntries(url.searchParams);
    const send = (status: number, payload: unknown) => {
      calls.push({ method, path: url.pathname, query, body, status });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(payload === undefined ? '' : JSON.stringify(payload));
    };
    if (!/^Bearer \S+/.test(req.headers.authorization ?? ''))
      return send(401, { message: 'Requires authentication' });
    const denied = { message: 'Resource not accessible by integration' };
    if (broken.has('checks') && url.pathname.includes('/check-runs'))
      return send(500, { message: 'Server Error' });
    if (broken.has('comments') && url.pathname.includes('/comments'))
      return send(500, { message: 'Server Error' });
    let m: RegExpExecArray | null;

    if (method === 'POST' && (m = /^\/repos\/[^/]+\/[^/]+\/check-runs$/.exec(url.pathname))) {
      if (forbid.has('checks')) return send(403, denied);
      if (!body?.name || !body?.head_sha) return send(422, { message: 'name and head_sha are required' });
      const run: CheckRun = {
        id: nextId++,
        name: body.name,
        head_sha: body.head_sha,
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
    if (method === 'GET' && (m = /^\/repos\/[^/]+\/[^/]+\/pulls\/(\d+)\/files$/.exec(url.pathname))) {
      const per = Math.min(100, Number(query.per_page ?? 30));
      const page = Number(query.page ?? 1);
      if (page > 30) return send(200, []);
      const slice = prFiles.slice((page - 1) * per, page * per);
      return send(
        200,
        slice.map((filename) => ({ filename, status: 'modified', additions: 1, deletions: 0, changes: 1 })),
      );
    }
    if (method === 'GET' && (m = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(url.pathname))) {
      const per = Math.min(100, Number(query.per_page ?? 30));
      const page = Number(query.page ?? 1);
      const list = comments.filter((c) => c.issue === Number(m![1]));
      return send(
        200,
        list.slice((page - 1) * per, page * per).map((c) => ({ id: c.id, body: c.body })),
      );
    }
    if (method === 'POST' && (m = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(url.pathname))) {
      if (forbid.has('comments')) return send(403, denied);
      const c = { id: nextId++, issue: Number(m[1]), body: String(body?.body ?? '') };
      comments.push(c);
      return send(201, { id: c.id, body: c.body });
    }
    if (method === 'PATCH' && (m = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(url.pathname))) {
      if (forbid.has('comments')) return send(403, denied);
      const c = comments.find((x) => x.id === Number(m![1]));
      if (!c) return send(404, { message: 'Not Found' });
      c.body = String(body?.body ?? '');
      return send(200, { id: c.id, body: c.body });
    }
    return send(404, { message: `fake has no route for ${method} ${url.pathname}` });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: err.message }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const stopTimer = setTimeout(() => server.close(), opts.lifetimeMs ?? 300_000);
  stopTimer.unref();
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    checkRuns,
    comments,
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
