import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { ApiError } from './errors.js';

/** Lifecycle events an ECS appspec may attach a hook (a Lambda function) to. */
export const HOOK_EVENTS = [
  'BeforeInstall',
  'AfterInstall',
  'AfterAllowTestTraffic',
  'BeforeAllowTraffic',
  'AfterAllowTraffic',
] as const;

export interface EcsAppSpec {
  taskDefinition: string;
  containerName: string;
  containerPort: number;
  platformVersion?: string;
  capacityProviderStrategy?: unknown[];
  networkConfiguration?: unknown;
  /** event name -> Lambda function name or ARN */
  hooks: Record<string, string>;
}

const invalid = (message: string): never => {
  throw new ApiError('InvalidRevisionException', message);
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The hex SHA-256 digest CodeDeploy expects in appSpecContent.sha256. */
export function sha256Hex(content: string): string {
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

/**
 * Parse and check an ECS AppSpecContent revision the way CreateDeployment does: the digest must
 * match, the content must be JSON or YAML with one AWS::ECS::Service resource that names a task
 * definition and a load balancer container/port, and hooks must name ECS hook events.
 */
export function parseEcsAppSpec(appSpecContent: unknown): EcsAppSpec {
  if (!isObject(appSpecContent)) return invalid('The revision is missing appSpecContent.');
  const content = appSpecContent.content;
  if (typeof content !== 'string' || content.trim() === '') {
    return invalid('The AppSpec content is empty.');
  }
  const sha = appSpecContent.sha256;
  if (sha !== undefined && sha !== null && sha !== '') {
    if (typeof sha !== 'string' || sha.toLowerCase() !== sha256Hex(content)) {
      invalid('The sha256 of the AppSpec content does not match the sha256 given in the revision.');
    }
  }
  let doc: unknown;
  try {
    doc = parseYaml(content); // YAML 1.2 is a superset of JSON
  } catch (err) {
    return invalid(`The AppSpec content could not be parsed: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!isObject(doc)) return invalid('The AppSpec content must be a JSON or YAML object.');
  const resources = doc.Resources;
  if (!Array.isArray(resources) || resources.length !== 1) {
    return invalid('The AppSpec file must list exactly one resource under Resources for ECS.');
  }
  const entry = resources[0];
  if (!isObject(entry) || Object.keys(entry).length !== 1) {
    return invalid('The AppSpec resource must be a single named ECS service (for example TargetService).');
  }
  const resource = Object.values(entry)[0];
  if (!isObject(resource) || resource.Type !== 'AWS::ECS::Service') {
    return invalid('The AppSpec resource Type must be AWS::ECS::Service.');
  }
  const props = resource.Properties;
  if (!isObject(props)) return invalid('The AppSpec resource has no Properties.');
  const taskDefinition = props.TaskDefinition;
  if (typeof taskDefinition !== 'string' || taskDefinition === '') {
    return invalid('The AppSpec resource Properties must include TaskDefinition.');
  }
  const lb = props.LoadBalancerInfo;
  if (!isObject(lb)) return invalid('The AppSpec resource Properties must include LoadBalancerInfo.');
  const containerName = lb.ContainerName;
  if (typeof containerName !== 'string' || containerName === '') {
    return invalid('LoadBalancerInfo.ContainerName is missing from the AppSpec content.');
  }
  const port = typeof lb.ContainerPort === 'string' ? Number(lb.ContainerPort) : lb.ContainerPort;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    return invalid('LoadBalancerInfo.ContainerPort in the AppSpec content must be a port number.');
  }
  const hooks: Record<string, string> = {};
  if (doc.Hooks !== undefined && doc.Hooks !== null) {
    if (!Array.isArray(doc.Hooks)) return invalid('Hooks in the AppSpec content must be a list.');
    for (const h of doc.Hooks) {
      if (!isObject(h) || Object.keys(h).length !== 1) {
        return invalid('Each AppSpec hook must map one lifecycle event to a Lambda function.');
      }
      const [event, fn] = Object.entries(h)[0]!;
      if (!(HOOK_EVENTS as readonly string[]).includes(event)) {
        return invalid(`The lifecycle event ${event} in the AppSpec Hooks is not valid for ECS.`);
      }
      if (typeof fn !== 'string' || fn === '') return invalid(`The hook for ${event} must name a function.`);
      hooks[event] = fn;
    }
  }
  return {
    taskDefinition,
    containerName,
    containerPort: port,
    platformVersion: typeof props.PlatformVersion === 'string' ? props.PlatformVersion : undefined,
    capacityProviderStrategy: Array.isArray(props.CapacityProviderStrategy)
      ? props.CapacityProviderStrategy
      : undefined,
    networkConfiguration: props.NetworkConfiguration,
    hooks,
  };
}
