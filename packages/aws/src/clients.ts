import { ConfigurationError } from '@oaktree/action-kit';
import { SUITE_VERSION } from './version.js';
import { proxyAgents } from './proxy.js';

/** The per-call facts the explainer needs, attached to every error a client throws. */
export interface CallInfo {
  service: string;
  operation: string;
  region: string;
}
export const CALL_INFO = Symbol.for('oaktree.aws.callInfo');

/** Regions look like `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`, `ap-southeast-7`. */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export interface ClientOptions {
  /** Explicit region (an input); falls back to AWS_REGION, then AWS_DEFAULT_REGION. */
  region?: string;
  /** The action's name, for the user agent. */
  action: string;
  /** Attempts per call including the first (adaptive retry). */
  maxAttempts?: number;
  env?: NodeJS.ProcessEnv;
}

/** The region to use, or a configuration error naming the input to set. */
export function resolveRegion(
  explicit: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  input = 'region',
): string {
  const region = explicit?.trim() || env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (!region)
    throw new ConfigurationError(
      `no AWS region: set the "${input}" input or AWS_REGION (aws-actions/configure-aws-credentials sets it)`,
      input,
    );
  if (!REGION_PATTERN.test(region))
    throw new ConfigurationError(
      `input "${input}" is "${region}": expected an AWS region such as us-east-1`,
      input,
    );
  return region;
}

// The minimal shape of an SDK v3 client we rely on.
interface Stack {
  add(mw: unknown, opts: { step: 'initialize'; name: string; priority?: 'high' | 'low' }): void;
}
interface SdkClientLike {
  middlewareStack: Stack;
}
type ClientCtor<C> = new (config: {
  region: string;
  maxAttempts: number;
  retryMode: string;
  customUserAgent: string;
  requestHandler?: { httpAgent: unknown; httpsAgent: unknown };
}) => C;

/**
 * Build an SDK v3 client the same way everywhere: region from the input or the environment, adaptive
 * retry with a bounded number of attempts, and `oaktree-actions/<version> <action>` in the user agent.
 * Endpoints come only from the SDK's own AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> variables.
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY (self-hosted runners behind a proxy) are honoured per request.
 * Errors carry {service, operation, region} so the explainer can name the missing IAM action.
 */
export function createClient<C extends SdkClientLike>(Ctor: ClientCtor<C>, opts: ClientOptions): C {
  const region = resolveRegion(opts.region, opts.env);
  const agents = proxyAgents(opts.env ?? process.env);
  const client = new Ctor({
    region,
    maxAttempts: opts.maxAttempts ?? 6,
    retryMode: 'adaptive',
    customUserAgent: `oaktree-actions/${SUITE_VERSION} ${opts.action}`,
    ...(agents ? { requestHandler: agents } : {}),
  });
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { clientName?: string; commandName?: string }) =>
      async (args: unknown) => {
        try {
          return await next(args);
        } catch (err) {
          if (err && typeof err === 'object') {
            const info: CallInfo = {
              service: (context.clientName ?? '').replace(/Client$/, ''),
              operation: (context.commandName ?? '').replace(/Command$/, ''),
              region,
            };
            Object.defineProperty(err, CALL_INFO, { value: info, enumerable: false, configurable: true });
          }
          throw err;
        }
      },
    { step: 'initialize', name: 'oaktreeCallInfo', priority: 'high' },
  );
  return client;
}

interface CommandLike {
  middlewareStack: {
    add(
      mw: unknown,
      opts: { step: 'finalizeRequest'; name: string; priority: 'high'; override: true; tags: string[] },
    ): void;
  };
}

/**
 * Send this one command with a single attempt: the SDK's retry step (`retryMiddleware`, which every
 * client puts in its stack) is replaced for this command by a pass-through. For a mutation the
 * caller must read back before resending (see `onceByReadBack`): a blind resend after a lost reply
 * would apply it twice. A unit test against a failing loopback server keeps this honest across SDK
 * upgrades.
 */
export function singleAttempt<C extends CommandLike>(command: C): C {
  command.middlewareStack.add((next: unknown) => next, {
    step: 'finalizeRequest',
    name: 'retryMiddleware',
    priority: 'high',
    override: true,
    tags: ['RETRY'],
  });
  return command;
}

/** The call facts attached to an error by a client from createClient. */
export function callInfo(err: unknown): CallInfo | undefined {
  return err && typeof err === 'object' ? (err as Record<symbol, CallInfo>)[CALL_INFO] : undefined;
}
