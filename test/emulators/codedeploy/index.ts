/**
 * A CodeDeploy emulator for the ECS blue/green end-to-end tests: AWS JSON 1.1 over node:http on
 * 127.0.0.1, lifecycle progress on a scaled clock, scenarios chosen by the test. See README.md.
 */
import { createServer, type ServerResponse } from 'node:http';
import { serveOnLoopback } from '../../harness/loopback.js';
import { randomUUID } from 'node:crypto';
import { ApiError, readText } from './errors.js';
import { CodeDeployModel } from './model.js';

export type LifecycleEventName =
  | 'BeforeInstall'
  | 'Install'
  | 'AfterInstall'
  | 'AllowTestTraffic'
  | 'AfterAllowTestTraffic'
  | 'BeforeAllowTraffic'
  | 'AllowTraffic'
  | 'AfterAllowTraffic';

export interface Scenario {
  kind: 'success' | 'hook-failure' | 'ready-wait' | 'alarm-stop' | 'slow';
  /** hook-failure: the event whose hook fails (default AfterAllowTestTraffic) */
  failAt?: LifecycleEventName;
  /** hook-failure: the hook's own message shown in diagnostics */
  diagnosticsMessage?: string;
  /** alarm-stop: event during which a CloudWatch alarm stops the deployment (default AllowTraffic) */
  alarmAt?: LifecycleEventName;
  /** per-scenario override of the time each lifecycle event takes */
  stepMs?: number;
}

export interface CodeDeployEmulatorOptions {
  /**
   * moto URL: used to check the appspec's TaskDefinition/container/port against ECS task definitions,
   * and on success to point the ECS service at the new task definition (UpdateService).
   */
  ecsEndpoint?: string;
  /** emulator clock: how long each lifecycle event takes (default 150) */
  stepMs?: number;
  /** how long a new deployment stays Created before InProgress (default = stepMs) */
  createdMs?: number;
  /** how long one AWS "minute" (canary/linear intervals, wait times) lasts (default = stepMs) */
  minuteMs?: number;
  /** default us-east-1 */
  region?: string;
  /** default 123456789012 */
  accountId?: string;
  /** server closes itself after this (default 30 min); it never keeps the process alive */
  maxLifetimeMs?: number;
}

export interface RecordedCall {
  operation: string;
  input: Record<string, unknown>;
  at: number;
}

export interface CodeDeployEmulator {
  /** http://127.0.0.1:<port> (set AWS_ENDPOINT_URL_CODEDEPLOY to it) */
  url: string;
  /** every API call in order */
  calls: RecordedCall[];
  /** scenario for the next deployments (of that group, or of all groups) */
  setScenario(scenario: Scenario, deploymentGroupName?: string): void;
  /** forget applications, groups, deployments, calls, scenarios */
  reset(): void;
  stop(): Promise<void>;
}

const TARGET_PREFIX = 'CodeDeploy_20141006.';
const MAX_BODY = 8 * 1024 * 1024;

function send(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...extra,
  });
  res.end(text);
}

function sendError(res: ServerResponse, err: ApiError): void {
  send(res, err.status, { __type: err.type, message: err.message }, { 'x-amzn-errortype': err.type });
}

/**
 * Like a regional endpoint: the request must be SigV4-signed (any keys) for this region and for
 * codedeploy. The signature itself is not verified.
 */
function checkSignature(authorization: string | undefined, region: string): void {
  if (!authorization) {
    throw new ApiError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(authorization);
  if (!scope)
    throw new ApiError('IncompleteSignatureException', 'The request signature has no credential scope.');
  const [, signedRegion, service] = scope;
  if (service !== 'codedeploy') {
    throw new ApiError(
      'InvalidSignatureException',
      `Credential should be scoped to correct service: 'codedeploy', not '${service}'.`,
    );
  }
  if (signedRegion !== region) {
    throw new ApiError(
      'InvalidSignatureException',
      `Credential should be scoped to a valid region: this emulator serves '${region}' (its region option), not '${signedRegion}'.`,
    );
  }
}

/** Start the emulator on a free port of 127.0.0.1. */
export async function startCodeDeployEmulator(
  opts: CodeDeployEmulatorOptions = {},
): Promise<CodeDeployEmulator> {
  const calls: RecordedCall[] = [];
  const region = opts.region ?? 'us-east-1';
  const model = new CodeDeployModel(opts);

  const server = createServer((req, res) => {
    void (async () => {
      try {
        if (req.method !== 'POST')
          throw new ApiError('UnknownOperationException', 'Only POST is supported.', 404);
        const target = String(req.headers['x-amz-target'] ?? '');
        const body = await readText(req, MAX_BODY);
        if (!target.startsWith(TARGET_PREFIX)) {
          throw new ApiError('UnknownOperationException', `Unknown X-Amz-Target '${target}'.`);
        }
        const operation = target.slice(TARGET_PREFIX.length);
        let input: Record<string, unknown>;
        try {
          const parsed: unknown = body.trim() === '' ? {} : JSON.parse(body);
          if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
            throw new Error('not an object');
          input = parsed as Record<string, unknown>;
        } catch {
          calls.push({ operation, input: {}, at: Date.now() });
          throw new ApiError('SerializationException', 'The request body is not a JSON object.');
        }
        calls.push({ operation, input, at: Date.now() });
        checkSignature(req.headers.authorization, region);
        const out = await model.handle(operation, input);
        send(res, 200, out);
      } catch (err) {
        if (err instanceof ApiError) sendError(res, err);
        else sendError(res, new ApiError('InternalFailure', String((err as Error)?.message ?? err), 500));
      }
    })();
  });
  const { url, stop } = await serveOnLoopback(server, {
    lifetimeMs: opts.maxLifetimeMs,
    onStop: () => model.dispose(),
  });

  return {
    url,
    calls,
    setScenario: (scenario, group) => model.setScenario(scenario, group),
    reset: () => {
      calls.length = 0;
      model.reset();
    },
    stop,
  };
}
