import { ConfigurationError, Inputs, quote } from '@oaktree/action-kit';
import { resolveRegion } from '@oaktree/aws';
import { randomUUID } from 'node:crypto';
import { checkDeploymentId } from './deployment-id.js';
import { runMarker } from './marker.js';

export const ACTION = 'ecs-blue-green';

export const HOOK_EVENTS = [
  'BeforeInstall',
  'AfterInstall',
  'AfterAllowTestTraffic',
  'BeforeAllowTraffic',
  'AfterAllowTraffic',
] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

export const ROLLBACK_EVENTS = [
  'DEPLOYMENT_FAILURE',
  'DEPLOYMENT_STOP_ON_ALARM',
  'DEPLOYMENT_STOP_ON_REQUEST',
] as const;
export type RollbackEvent = (typeof ROLLBACK_EVENTS)[number];

/** Inputs that only mean something to CodeDeploy. */
export const CODE_DEPLOY_INPUTS = [
  'codedeploy-application',
  'codedeploy-deployment-group',
  'appspec',
  'container-name',
  'container-port',
  'hooks',
  'deployment-config',
  'auto-rollback-events',
] as const;

export type WaitFor = 'created' | 'ready' | 'succeeded';
export type Command = 'deploy' | 'continue' | 'stop';

export interface SmokeTest {
  url: string;
  /** Accepted statuses: exact codes, or classes like 200 for "2xx". */
  accept: Array<{ code: number } | { klass: number }>;
  acceptText: string;
  timeoutMs: number;
}

/** The one-off task run with the new task definition before any traffic moves (e.g. migrations). */
export interface PreDeploy {
  /** The container's command override; empty strings are kept. */
  command: string[];
  /** Default: the task definition's one essential container. */
  container?: string;
  timeoutMs: number;
}

/** `["npm", "run", "migrate"]` (a JSON array of strings) or `npm run migrate` (split on spaces). */
export function parseCommand(text: string): string[] {
  const t = text.trim();
  const fail = (why: string): never => {
    throw new ConfigurationError(
      `input "pre-deploy-command" ${why}: write a JSON array such as ["npm", "run", "migrate"], or plain words without quotes`,
      'pre-deploy-command',
    );
  };
  if (t.startsWith('[')) {
    let v: unknown;
    try {
      v = JSON.parse(t);
    } catch (err) {
      return fail(`is not a valid JSON array (${(err as Error).message})`);
    }
    if (!Array.isArray(v) || !v.length || !v.every((x) => typeof x === 'string'))
      return fail('must be a non-empty array of strings');
    return v as string[];
  }
  if (/["'\\]/.test(t)) return fail('has quotes or backslashes, which plain words do not interpret');
  return t.split(/\s+/);
}

export interface Config {
  command: Command;
  cluster: string;
  service: string;
  /** Short names (the last part of an ARN) used in target ids and defaults. */
  clusterName: string;
  serviceName: string;
  taskDefinitionFile?: string;
  taskDefinitionArn?: string;
  containerImages: Map<string, string>;
  application: string;
  deploymentGroup: string;
  appspecFile?: string;
  containerName?: string;
  containerPort?: number;
  hooks: Map<HookEvent, string>;
  deploymentConfig?: string;
  description?: string;
  /** Carried in every CreateDeployment's description, to recognise this step's own deployment. */
  runMarker: string;
  /** CodeDeploy-only inputs that were given (an error for a service ECS deploys itself). */
  codeDeployInputs: string[];
  /** undefined: the group's setting; [] : disabled. */
  autoRollbackEvents?: RollbackEvent[];
  waitFor: WaitFor;
  timeoutMinutes?: number;
  smokeTest?: SmokeTest;
  onCancel: 'rollback' | 'leave';
  ifDeploymentActive: 'fail' | 'wait' | 'stop';
  pollIntervalMs: number;
  preDeploy?: PreDeploy;
  /** `environment`: a GitHub deployment records this deploy (see environment.ts). */
  github?: {
    environment: string;
    environmentUrl?: string;
    token: string;
    apiUrl: string;
    repository: string;
    ref: string;
    logUrl?: string;
  };
  deploymentId?: string;
  region: string;
  /** Directory relative file inputs are read from (GITHUB_WORKSPACE). */
  workspace: string;
}

/** `arn:aws:ecs:r:a:cluster/name` -> `name`; `arn:...:service/cluster/name` -> `name`; names unchanged. */
export function shortName(nameOrArn: string): string {
  if (!nameOrArn.startsWith('arn:')) return nameOrArn;
  const resource = nameOrArn.split(':').slice(5).join(':');
  return resource.split('/').pop() ?? nameOrArn;
}

function parseStatuses(text: string): SmokeTest['accept'] {
  const out: SmokeTest['accept'] = [];
  for (const part of text.split(',').map((s) => s.trim())) {
    if (/^[1-5]xx$/i.test(part)) out.push({ klass: Number(part[0]) });
    else if (/^[1-5]\d\d$/.test(part)) out.push({ code: Number(part) });
    else
      throw new ConfigurationError(
        `input "smoke-test-status" is ${quote(text)}: expected HTTP status codes such as 200, 200,204 or 2xx`,
        'smoke-test-status',
      );
  }
  return out;
}

/**
 * Read and check every input. The only place that reads inputs (and the run's identity from the
 * runner's GITHUB_* variables). `step` is drawn once per step execution.
 */
export function readConfig(
  inputs = new Inputs(),
  env: NodeJS.ProcessEnv = process.env,
  step: string = randomUUID().slice(0, 8),
): Config {
  const command = inputs.enum<Command>('command', ['deploy', 'continue', 'stop'], { default: 'deploy' })!;
  const cluster = inputs.requiredString('cluster', { expected: 'the ECS cluster name or ARN' });
  const service = inputs.requiredString('service', { expected: 'the ECS service name or ARN' });
  const clusterName = shortName(cluster);
  const serviceName = shortName(service);

  let taskDefinitionFile: string | undefined;
  let taskDefinitionArn: string | undefined;
  let deploymentId: string | undefined;
  if (command === 'deploy') {
    const which = inputs.oneOf(['task-definition', 'task-definition-arn'], { required: true });
    if (which === 'task-definition') taskDefinitionFile = inputs.string('task-definition');
    else
      taskDefinitionArn = inputs.string('task-definition-arn', {
        pattern: /^(arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/)?[A-Za-z0-9_-]{1,255}(:\d+)?$/,
        expected: 'a task definition ARN or family:revision',
      });
    if (inputs.has('deployment-id'))
      throw new ConfigurationError(
        `input "deployment-id" is set but command is "deploy": remove it, or set command to continue or stop`,
        'deployment-id',
      );
  } else {
    deploymentId = inputs.requiredString('deployment-id', {
      expected: `the deployment to ${command} (the deployment-id output of an earlier step)`,
    });
  }

  const containerImages = inputs.map('container-images', {
    expected:
      'one container=image pair per line, e.g. web=123456789012.dkr.ecr.us-east-1.amazonaws.com/web:abc',
  });
  if (containerImages.size && !taskDefinitionFile)
    throw new ConfigurationError(
      `input "container-images" needs "task-definition" (a file to register): an existing revision cannot be changed`,
      'container-images',
    );

  const hooksRaw = inputs.map('hooks', { expected: 'one Event=LambdaArnOrName pair per line' });
  const hooks = new Map<HookEvent, string>();
  for (const [event, fn] of hooksRaw) {
    const hit = HOOK_EVENTS.find((e) => e.toLowerCase() === event.toLowerCase());
    if (!hit)
      throw new ConfigurationError(
        `input "hooks" names event ${quote(event)}: expected one of ${HOOK_EVENTS.join(', ')}`,
        'hooks',
      );
    if (!fn)
      throw new ConfigurationError(
        `input "hooks" gives no Lambda function for ${hit}: write ${hit}=my-function`,
        'hooks',
      );
    hooks.set(hit, fn);
  }

  let autoRollbackEvents: RollbackEvent[] | undefined;
  const rollbackItems = inputs.list('auto-rollback-events', { commas: true });
  if (rollbackItems.length === 1 && rollbackItems[0]!.toLowerCase() === 'none') autoRollbackEvents = [];
  else if (rollbackItems.length) {
    autoRollbackEvents = rollbackItems.map((item) => {
      const hit = ROLLBACK_EVENTS.find((e) => e === item.toUpperCase());
      if (!hit)
        throw new ConfigurationError(
          `input "auto-rollback-events" has ${quote(item)}: expected ${ROLLBACK_EVENTS.join(', ')} (comma separated) or none`,
          'auto-rollback-events',
        );
      return hit;
    });
  }

  const smokeUrl = inputs.string('smoke-test-url', {
    pattern: /^https?:\/\/\S+$/,
    expected: 'an http(s) URL on the test listener',
  });
  let smokeTest: SmokeTest | undefined;
  const statusText = inputs.string('smoke-test-status', { default: '200' })!;
  const accept = parseStatuses(statusText);
  const smokeTimeout = inputs.duration('smoke-test-timeout', {
    default: '5m',
    minMs: 1000,
    maxMs: 3_600_000,
  })!;
  if (smokeUrl) smokeTest = { url: smokeUrl, accept, acceptText: statusText, timeoutMs: smokeTimeout };

  const waitFor = inputs.enum<WaitFor>('wait-for', ['created', 'ready', 'succeeded'], {
    default: 'succeeded',
  })!;
  if (smokeTest && waitFor === 'created')
    throw new ConfigurationError(
      `input "smoke-test-url" needs the action to follow the deployment, but wait-for is "created": set wait-for to ready or succeeded`,
      'smoke-test-url',
    );

  const containerPort = inputs.integer('container-port', { min: 1, max: 65535 });

  const preCommand = inputs.string('pre-deploy-command');
  const preContainer = inputs.string('pre-deploy-container');
  const preTimeout = inputs.duration('pre-deploy-timeout', {
    default: '30m',
    minMs: 10_000,
    maxMs: 6 * 3_600_000,
  })!;
  if (preContainer && !preCommand)
    throw new ConfigurationError(
      `input "pre-deploy-container" is set without "pre-deploy-command": add the command to run, or remove it`,
      'pre-deploy-container',
    );
  if (preCommand && command !== 'deploy')
    throw new ConfigurationError(
      `input "pre-deploy-command" runs before a deploy, but command is "${command}": remove it`,
      'pre-deploy-command',
    );
  const environment = inputs.string('environment', {
    pattern: /^[^\n]{1,255}$/,
    expected: 'a GitHub environment name (up to 255 characters)',
  });
  const environmentUrl = inputs.string('environment-url', {
    pattern: /^https?:\/\/\S+$/,
    expected: 'an http(s) URL where the environment is served',
  });
  let github: Config['github'];
  if (environmentUrl && !environment)
    throw new ConfigurationError(
      `input "environment-url" is set without "environment": name the GitHub environment, or remove it`,
      'environment-url',
    );
  if (environment) {
    if (command !== 'deploy')
      throw new ConfigurationError(
        `input "environment" records a deploy, but command is "${command}": remove it (the deploy step records the deployment)`,
        'environment',
      );
    const token = inputs.string('github-token');
    if (!token)
      throw new ConfigurationError(
        `input "environment" needs "github-token" (default: the job's github.token): give a token with deployments: write`,
        'github-token',
      );
    if (!env.GITHUB_REPOSITORY || !env.GITHUB_SHA)
      throw new ConfigurationError(
        `input "environment" needs GITHUB_REPOSITORY and GITHUB_SHA from the runner: run it in a GitHub Actions job`,
        'environment',
      );
    const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
    github = {
      environment,
      environmentUrl,
      token,
      apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
      repository: env.GITHUB_REPOSITORY,
      ref: env.GITHUB_SHA,
      logUrl: env.GITHUB_RUN_ID
        ? `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
        : undefined,
    };
  }
  const preDeploy = preCommand
    ? { command: parseCommand(preCommand), container: preContainer, timeoutMs: preTimeout }
    : undefined;

  const region = resolveRegion(inputs.string('region'), env);
  if (deploymentId) checkDeploymentId(deploymentId, command, { clusterName, serviceName, region });
  return {
    command,
    cluster,
    service,
    clusterName,
    serviceName,
    taskDefinitionFile,
    taskDefinitionArn,
    containerImages,
    application: inputs.string('codedeploy-application', {
      default: `AppECS-${clusterName}-${serviceName}`,
    })!,
    deploymentGroup: inputs.string('codedeploy-deployment-group', {
      default: `DgpECS-${clusterName}-${serviceName}`,
    })!,
    appspecFile: inputs.string('appspec'),
    containerName: inputs.string('container-name'),
    containerPort,
    hooks,
    deploymentConfig: inputs.string('deployment-config', {
      pattern: /^[A-Za-z0-9._-]{1,100}$/,
      expected: 'a deployment configuration name such as CodeDeployDefault.ECSAllAtOnce',
    }),
    description: inputs.string('description'),
    runMarker: runMarker({
      repository: env.GITHUB_REPOSITORY,
      runId: env.GITHUB_RUN_ID,
      attempt: env.GITHUB_RUN_ATTEMPT,
      job: env.GITHUB_JOB,
      step,
    }),
    autoRollbackEvents,
    codeDeployInputs: CODE_DEPLOY_INPUTS.filter((name) => inputs.has(name)),
    waitFor,
    timeoutMinutes: inputs.integer('timeout-minutes', { min: 1, max: 360 }),
    smokeTest,
    onCancel: inputs.enum('on-cancel', ['rollback', 'leave'] as const, { default: 'rollback' })!,
    ifDeploymentActive: inputs.enum('if-deployment-active', ['fail', 'wait', 'stop'] as const, {
      default: 'fail',
    })!,
    pollIntervalMs: inputs.integer('poll-interval-seconds', { min: 1, max: 300, default: 5 })! * 1000,
    preDeploy,
    github,
    deploymentId,
    region,
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
  };
}
