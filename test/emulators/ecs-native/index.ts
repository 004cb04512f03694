/**
 * An ECS front for the ECS-native blue/green tests: AWS JSON 1.1 over node:http on 127.0.0.1. It
 * serves the service-deployment operations moto lacks, runs the blue/green deployments of services
 * with deployment controller ECS and strategy BLUE_GREEN/LINEAR/CANARY on a scaled clock, and
 * forwards everything else to moto. See README.md.
 */
import { createServer, type ServerResponse } from 'node:http';
import { serveOnLoopback } from '../../harness/loopback.js';
import { randomUUID } from 'node:crypto';
import { ApiError, fail, readText } from '../codedeploy/errors.js';
import {
  checkLoadBalancers,
  isNativeStrategy,
  isObject,
  parseNativeConfig,
  type NativeConfig,
} from './config.js';
import { EcsNativeModel, clusterName, serviceName, type ModelOptions } from './model.js';
import { MotoEcs, TARGET_PREFIX, type MotoReply } from './moto.js';
import type { Scenario } from './deployment.js';
import { OneOffTasks, type TaskScenario } from './tasks.js';

export type { Scenario } from './deployment.js';
export type { TaskScenario } from './tasks.js';
export type { Stage } from './config.js';

export interface EcsNativeEmulatorOptions extends Omit<ModelOptions, 'now'> {
  /** moto URL: every call the emulator does not serve itself goes there */
  ecsEndpoint: string;
  /** server closes itself after this (default 30 min); it never keeps the process alive */
  maxLifetimeMs?: number;
}

export interface RecordedCall {
  operation: string;
  input: Record<string, unknown>;
  at: number;
  /** true when the call went to moto unchanged */
  forwarded: boolean;
}

export interface EcsNativeEmulator {
  /** http://127.0.0.1:<port> (set AWS_ENDPOINT_URL_ECS to it) */
  url: string;
  /** every API call in order */
  calls: RecordedCall[];
  /** scenario for the next deployments (of that service name, or of every service) */
  setScenario(scenario: Scenario, service?: string): void;
  /** what the next one-off tasks (RunTask) do: exit code, run time, log lines (see tasks.ts) */
  setTaskScenario(scenario: TaskScenario): void;
  /** forget services, deployments, calls and scenarios (moto is reset separately) */
  reset(): void;
  stop(): Promise<void>;
}

const MAX_BODY = 8 * 1024 * 1024;

/** Served here; everything else is forwarded to moto. */
const OWN = new Set([
  'CreateService',
  'UpdateService',
  'DescribeServices',
  'DeleteService',
  'ListServiceDeployments',
  'DescribeServiceDeployments',
  'DescribeServiceRevisions',
  'StopServiceDeployment',
  'ContinueServiceDeployment',
  'RunTask',
  'DescribeTasks',
  'ListTasks',
  'StopTask',
]);

type Answer = { json: unknown } | { reply: MotoReply };

function send(
  res: ServerResponse,
  status: number,
  text: string,
  type: string,
  extra: Record<string, string> = {},
) {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...extra,
  });
  res.end(text);
}

function sendError(res: ServerResponse, err: ApiError): void {
  const body = JSON.stringify({ __type: err.type, message: err.message });
  send(res, err.status, body, 'application/x-amz-json-1.1', { 'x-amzn-errortype': err.type });
}

/** Like a regional endpoint: SigV4 (any keys, signature not verified) scoped to this region and ecs. */
function checkSignature(authorization: string | undefined, region: string): void {
  if (!authorization)
    throw new ApiError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(authorization);
  if (!scope)
    throw new ApiError('IncompleteSignatureException', 'The request signature has no credential scope.');
  const [, signedRegion, service] = scope;
  if (service !== 'ecs') {
    throw new ApiError(
      'InvalidSignatureException',
      `Credential should be scoped to correct service: 'ecs', not '${service}'.`,
    );
  }
  if (signedRegion !== region) {
    throw new ApiError(
      'InvalidSignatureException',
      `Credential should be scoped to a valid region: this emulator serves '${region}' (its region option), not '${signedRegion}'.`,
    );
  }
}

/** The blue/green deployment configuration an UpdateService leaves: fields not given keep their values. */
function mergedConfig(current: Record<string, unknown>, given: Record<string, unknown>): NativeConfig {
  const merged: Record<string, unknown> = { ...current, ...given };
  if (merged.strategy !== 'LINEAR' && given.linearConfiguration === undefined)
    delete merged.linearConfiguration;
  if (merged.strategy !== 'CANARY' && given.canaryConfiguration === undefined)
    delete merged.canaryConfiguration;
  return parseNativeConfig(merged);
}

/** Container log lines into moto's CloudWatch Logs (group and stream created when missing). */
async function writeLogs(endpoint: string, region: string, group: string, stream: string, lines: string[]) {
  const date = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const call = async (op: string, input: Record<string, unknown>) => {
    const res = await fetch(endpoint.replace(/\/$/, '') + '/', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `Logs_20140328.${op}`,
        'x-amz-date': date,
        authorization: `AWS4-HMAC-SHA256 Credential=ecs-native-emulator/${date.slice(0, 8)}/${region}/logs/aws4_request, SignedHeaders=host;x-amz-date, Signature=0`,
      },
      body: JSON.stringify(input),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    if (res.status !== 200 && !text.includes('ResourceAlreadyExistsException'))
      throw new Error(`moto logs ${op} answered ${res.status}: ${text.slice(0, 200)}`);
  };
  await call('CreateLogGroup', { logGroupName: group });
  await call('CreateLogStream', { logGroupName: group, logStreamName: stream });
  const now = Date.now();
  await call('PutLogEvents', {
    logGroupName: group,
    logStreamName: stream,
    logEvents: lines.map((message, i) => ({ timestamp: now + i, message })),
  });
}

/** Start the emulator on a free port of 127.0.0.1. */
export async function startEcsNativeEmulator(opts: EcsNativeEmulatorOptions): Promise<EcsNativeEmulator> {
  const calls: RecordedCall[] = [];
  const region = opts.region ?? 'us-east-1';
  const moto = new MotoEcs(opts.ecsEndpoint, region);
  const model = new EcsNativeModel(opts, async (cluster, service, taskDefinition) => {
    await moto.call('UpdateService', { cluster, service, taskDefinition });
  });
  const tasks = new OneOffTasks(moto, 3 * (opts.stepMs ?? 150), (group, stream, lines) =>
    writeLogs(opts.ecsEndpoint, region, group, stream, lines),
  );

  const motoService = async (
    cluster: unknown,
    service: string,
  ): Promise<Record<string, unknown> | MotoReply> => {
    const reply = await moto.send(
      'DescribeServices',
      JSON.stringify({ cluster: clusterName(cluster), services: [service] }),
    );
    if (reply.status !== 200) return reply;
    const out = JSON.parse(reply.text) as { services?: Array<Record<string, unknown>> };
    const svc = out.services?.find((s) => s.status !== 'INACTIVE');
    if (!svc) fail('ServiceNotFoundException', 'Service not found.');
    return svc!;
  };

  const createService = async (
    input: Record<string, unknown>,
    body: string,
    auth: string,
  ): Promise<Answer> => {
    const controller = isObject(input.deploymentController) ? input.deploymentController.type : undefined;
    const dc = input.deploymentConfiguration;
    if ((controller ?? 'ECS') !== 'ECS' || !isObject(dc) || !isNativeStrategy(dc.strategy)) {
      return { reply: await moto.send('CreateService', body, auth) };
    }
    const config = parseNativeConfig(dc);
    checkLoadBalancers(input.loadBalancers);
    const reply = await moto.send('CreateService', body, auth);
    if (reply.status !== 200) return { reply };
    const out = JSON.parse(reply.text) as { service: Record<string, unknown> };
    if (!model.isNative(out.service.clusterArn, String(out.service.serviceName))) {
      model.registerService(out.service, config, true);
    }
    model.overlayService(out.service);
    return { json: out };
  };

  const updateService = async (
    input: Record<string, unknown>,
    body: string,
    auth: string,
  ): Promise<Answer> => {
    const service = typeof input.service === 'string' ? input.service : '';
    const dc = isObject(input.deploymentConfiguration) ? input.deploymentConfiguration : undefined;
    const native = service !== '' && model.isNative(input.cluster, service);
    if (native && dc?.strategy === 'ROLLING') {
      // handed back to moto's rolling updates once moto accepts the change
      const reply = await moto.send('UpdateService', body, auth);
      if (reply.status === 200) model.forget(input.cluster, service);
      return { reply };
    }
    if (!native && !isNativeStrategy(dc?.strategy))
      return { reply: await moto.send('UpdateService', body, auth) };
    const current = await motoService(input.cluster, serviceName(service));
    if (!('serviceArn' in current)) return { reply: current as MotoReply };
    const type = isObject(current.deploymentController) ? current.deploymentController.type : 'ECS';
    if (type !== 'ECS') {
      fail(
        'InvalidParameterException',
        `The service uses the ${String(type)} deployment controller; deploymentConfiguration.strategy ${String(dc?.strategy)} needs ECS.`,
      );
    }
    const base = native ? (model.configOf(input.cluster, service) ?? {}) : {};
    const config = dc ? mergedConfig(base, dc) : undefined;
    if (input.loadBalancers !== undefined || !native)
      checkLoadBalancers(input.loadBalancers ?? current.loadBalancers);
    let taskDefinition: string | undefined;
    if (typeof input.taskDefinition === 'string') {
      const td = await moto.send(
        'DescribeTaskDefinition',
        JSON.stringify({ taskDefinition: input.taskDefinition }),
        auth,
      );
      if (td.status !== 200) return { reply: td };
      taskDefinition = String(
        (JSON.parse(td.text) as { taskDefinition: { taskDefinitionArn: string } }).taskDefinition
          .taskDefinitionArn,
      );
    }
    const forward: Record<string, unknown> = { ...input };
    delete forward.taskDefinition;
    delete forward.forceNewDeployment;
    const reply = await moto.send('UpdateService', JSON.stringify(forward), auth);
    if (reply.status !== 200) return { reply };
    const out = JSON.parse(reply.text) as { service: Record<string, unknown> };
    if (!native) model.registerService(current, config!, false);
    model.updateService(input.cluster, service, {
      taskDefinition,
      force: input.forceNewDeployment === true,
      config,
      moto: out.service,
    });
    model.overlayService(out.service);
    return { json: out };
  };

  const route = async (
    operation: string,
    input: Record<string, unknown>,
    body: string,
    auth: string,
  ): Promise<Answer> => {
    await model.tick();
    switch (operation) {
      case 'CreateService':
        return createService(input, body, auth);
      case 'UpdateService':
        return updateService(input, body, auth);
      case 'DescribeServices': {
        const reply = await moto.send(operation, body, auth);
        if (reply.status !== 200) return { reply };
        const out = JSON.parse(reply.text) as { services?: Array<Record<string, unknown>> };
        for (const s of out.services ?? []) model.overlayService(s);
        return { json: out };
      }
      case 'DeleteService': {
        const reply = await moto.send(operation, body, auth);
        if (reply.status === 200 && typeof input.service === 'string')
          model.forget(input.cluster, input.service);
        return { reply };
      }
      case 'ListServiceDeployments': {
        const ours = model.listServiceDeployments(input);
        if (ours) return { json: ours };
        const svc = await motoService(input.cluster, serviceName(String(input.service)));
        if (!('serviceArn' in svc)) return { reply: svc as MotoReply };
        return { json: { serviceDeployments: [] } };
      }
      case 'RunTask': {
        const out = await tasks.runTask(input, auth, region, opts.accountId ?? '123456789012');
        return isObject(out) && 'reply' in out ? (out as { reply: MotoReply }) : { json: out };
      }
      case 'StopTask': {
        if (!tasks.owns(input.task)) return { reply: await moto.send(operation, body, auth) };
        tasks.stopTask(input);
        return { json: { task: await tasks.describe(input.task) } };
      }
      case 'ListTasks': {
        const ours = tasks.listTasks(input);
        const reply = await moto.send(operation, body, auth);
        if (reply.status !== 200 || !ours.length) return { reply };
        const out = JSON.parse(reply.text) as { taskArns?: string[] };
        return { json: { ...out, taskArns: [...ours, ...(out.taskArns ?? [])] } };
      }
      case 'DescribeTasks': {
        const wanted = (input.tasks as unknown[] | undefined) ?? [];
        const mine = await Promise.all(wanted.map((t) => tasks.describe(t)));
        const rest = wanted.filter((_, k) => !mine[k]);
        let out: { tasks?: unknown[]; failures?: unknown[] } = { tasks: [], failures: [] };
        if (rest.length) {
          const reply = await moto.send(operation, JSON.stringify({ ...input, tasks: rest }), auth);
          if (reply.status !== 200) return { reply };
          out = JSON.parse(reply.text) as typeof out;
        }
        return { json: { ...out, tasks: [...mine.filter(Boolean), ...(out.tasks ?? [])] } };
      }
      default:
        return { json: await model.handle(operation, input) };
    }
  };

  const server = createServer((req, res) => {
    void (async () => {
      try {
        if (req.method !== 'POST')
          throw new ApiError('UnknownOperationException', 'Only POST is supported.', 404);
        const target = String(req.headers['x-amz-target'] ?? '');
        const body = await readText(req, MAX_BODY);
        if (!target.startsWith(TARGET_PREFIX))
          throw new ApiError('UnknownOperationException', `Unknown X-Amz-Target '${target}'.`);
        const operation = target.slice(TARGET_PREFIX.length);
        let input: Record<string, unknown>;
        try {
          const parsed: unknown = body.trim() === '' ? {} : JSON.parse(body);
          if (!isObject(parsed)) throw new Error('not an object');
          input = parsed;
        } catch {
          calls.push({ operation, input: {}, at: Date.now(), forwarded: false });
          throw new ApiError('SerializationException', 'The request body is not a JSON object.');
        }
        const call: RecordedCall = { operation, input, at: Date.now(), forwarded: !OWN.has(operation) };
        calls.push(call);
        const auth = req.headers.authorization;
        checkSignature(auth, region);
        let answer: Answer;
        if (call.forwarded) {
          await model.tick();
          answer = { reply: await moto.send(operation, body, auth) };
        } else {
          answer = await route(operation, input, body, auth!);
          // a deployment this call saw finish has moto updated before the client hears of it
          await model.flush();
        }
        if ('reply' in answer) {
          const errorType =
            answer.reply.status >= 400
              ? /"__type"\s*:\s*"(?:[^"#]*#)?([^"]+)"/.exec(answer.reply.text)?.[1]
              : undefined;
          send(
            res,
            answer.reply.status,
            answer.reply.text,
            answer.reply.contentType,
            errorType ? { 'x-amzn-errortype': errorType } : {},
          );
        } else {
          send(res, 200, JSON.stringify(answer.json), 'application/x-amz-json-1.1');
        }
      } catch (err) {
        if (err instanceof ApiError) sendError(res, err);
        else sendError(res, new ApiError('ServerException', String((err as Error)?.message ?? err), 500));
      }
    })();
  });
  const { url, stop } = await serveOnLoopback(server, { lifetimeMs: opts.maxLifetimeMs });

  return {
    url,
    calls,
    setScenario: (scenario, service) => model.setScenario(scenario, service),
    setTaskScenario: (scenario) => tasks.setScenario(scenario),
    reset: () => {
      calls.length = 0;
      model.reset();
      tasks.reset();
    },
    stop,
  };
}
