/**
 * The "allowed" half of the IAM check, run by runAction for every action that documents an
 * iam-policy.json: each AWS endpoint the step reaches (AWS_ENDPOINT_URL[_<SERVICE>]) gets a recording
 * pass-through proxy in front of it (in front of a test's own fault proxy too), and after the run every
 * recorded call, including calls that failed for other reasons (AWS authorises before it validates), is
 * turned into its authorisation requests (test/iam/operations.ts) and evaluated against the documented
 * policy with the run's placeholder values. A call the policy would deny fails the run, naming the call
 * and a statement to add.
 *
 * Opt out per run with `runAction({ iam: { skip: '<reason>' } })`; the only reason so far is a test
 * that signs with a hand-made role to have moto enforce it (test/e2e/<action>/iam.e2e.test.ts).
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo, Socket } from 'node:net';
import { describeRequest } from './faults.js';
import { authRequests, type RecordedCall } from '../iam/operations.js';
import { evaluate, explainDenied, readPolicy, substitute } from '../iam/policy.js';
import { runValues, type RunFacts } from '../iam/values.js';

export interface IamRecorder {
  calls: RecordedCall[];
  /** Stop recording, then fail (throw) when the documented policy would deny a recorded call. */
  check(run: {
    action: string;
    declared: string[];
    env: Record<string, string>;
    workspace: string;
  }): Promise<void>;
}

const ENDPOINT = /^AWS_ENDPOINT_URL(?:_[A-Z0-9_]+)?$/;

function startRecorder(target: URL, calls: RecordedCall[]): Promise<{ url: string; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const d = describeRequest(req, body);
      if (d.service !== 'github') {
        let json: Record<string, unknown> = {};
        if (d.protocol === 'json')
          try {
            json = JSON.parse(d.body || '{}') as Record<string, unknown>;
          } catch {
            /* not JSON: left empty */
          }
        calls.push({ service: d.service, operation: d.operation, region: d.region, params: d.params, json });
      }
      const out = request(
        {
          host: target.hostname.replace(/^\[|\]$/g, ''),
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, 'content-length': String(body.length) },
          timeout: 150_000,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on('error', () => res.destroy());
        },
      );
      // A reset (or a dead backend) stays a reset: the client must see what it would have seen.
      out.on('timeout', () => out.destroy());
      out.on('error', () => req.socket.destroy());
      out.end(body);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.unref();
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.unref();
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        stop: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const s of sockets) s.destroy();
          }),
      });
    });
  });
}

/**
 * When the action documents an iam-policy.json: put a recorder in front of every loopback AWS endpoint
 * of `env` (changed in place). Undefined when there is no policy to hold the run to.
 */
export async function startIamRecorder(
  actionDir: string,
  env: Record<string, string>,
): Promise<IamRecorder | undefined> {
  if (!existsSync(join(actionDir, 'iam-policy.json'))) return undefined;
  const calls: RecordedCall[] = [];
  const recorders = new Map<string, { url: string; stop(): Promise<void> }>();
  for (const [k, v] of Object.entries(env)) {
    if (!ENDPOINT.test(k)) continue;
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      continue; // the action reports a malformed endpoint itself
    }
    if (url.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) continue;
    let r = recorders.get(url.origin);
    if (!r) {
      r = await startRecorder(url, calls);
      recorders.set(url.origin, r);
    }
    env[k] = r.url + url.pathname.replace(/\/$/, '');
  }
  return {
    calls,
    async check(run) {
      await Promise.all([...recorders.values()].map((r) => r.stop()));
      const inputs: Record<string, string> = {};
      for (const name of run.declared)
        inputs[name] = run.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '';
      const problems = await checkCalls(calls, {
        action: run.action,
        inputs,
        env: run.env,
        workspace: run.workspace,
      });
      if (problems.length)
        throw new Error(
          `IAM: the run made calls its documented policy does not allow:\n  ${problems.join('\n  ')}`,
        );
    },
  };
}

/**
 * Evaluate every recorded call against the action's documented policy; resolves to the list of
 * problems (empty when the policy allows everything the run did).
 */
export async function checkCalls(calls: RecordedCall[], facts: RunFacts): Promise<string[]> {
  const { values, known } = runValues(facts);
  const file = `${facts.action.replace(/\/+$/, '')}/iam-policy.json`;
  const policy = substitute(readPolicy(facts.action), values, file);
  const problems = new Set<string>();
  const seen = new Set<string>();
  for (const call of calls) {
    const key = JSON.stringify(call);
    if (seen.has(key)) continue;
    seen.add(key);
    let requests;
    try {
      requests = authRequests(call, known);
    } catch (err) {
      problems.add((err as Error).message);
      continue;
    }
    for (const r of requests) {
      const v = await evaluate(policy, r, known.account);
      if (!v.allowed)
        problems.add(`${call.service}:${call.operation} in ${call.region}: ${explainDenied(v, file)}`);
    }
  }
  return [...problems];
}
