import { createHash } from 'node:crypto';
import { ConfigurationError, quote } from '@oaktree/action-kit';
import type { StructuredFile } from './files.js';
import { HOOK_EVENTS, type HookEvent } from './inputs.js';
import { isObject } from './values.js';

export interface AppSpecProperties {
  TaskDefinition: string;
  LoadBalancerInfo: { ContainerName: string; ContainerPort: number };
  PlatformVersion?: string;
  NetworkConfiguration?: {
    AwsvpcConfiguration: { Subnets: string[]; SecurityGroups?: string[]; AssignPublicIp?: string };
  };
  CapacityProviderStrategy?: Array<{ CapacityProvider: string; Base?: number; Weight?: number }>;
}

export interface AppSpec {
  version: string | number;
  Resources: Array<{ TargetService: { Type: 'AWS::ECS::Service'; Properties: AppSpecProperties } }>;
  Hooks?: Array<Partial<Record<HookEvent, string>>>;
}

/** Where a piece of the appspec came from, so an error can name the input to fix. */
export interface AppSpecSource {
  kind: 'file' | 'service';
  file?: StructuredFile;
  containerFrom: 'file' | 'service' | 'input';
  portFrom: 'file' | 'service' | 'input';
}

/** The parts of an ECS DescribeServices service the generated appspec uses. */
export interface ServiceShape {
  serviceName?: string;
  loadBalancers?: Array<{ containerName?: string; containerPort?: number }>;
  platformVersion?: string;
  networkConfiguration?: {
    awsvpcConfiguration?: { subnets?: string[]; securityGroups?: string[]; assignPublicIp?: string };
  };
  capacityProviderStrategy?: Array<{ capacityProvider?: string; base?: number; weight?: number }>;
  deploymentController?: { type?: string };
}

export const TASK_DEFINITION_PLACEHOLDER = '<TASK_DEFINITION>';

interface Overrides {
  containerName?: string;
  containerPort?: number;
  hooks: Map<HookEvent, string>;
}

function hooksList(hooks: Map<HookEvent, string>, existing: AppSpec['Hooks'] = []): AppSpec['Hooks'] {
  const merged = new Map<HookEvent, string>();
  for (const h of existing) for (const [k, v] of Object.entries(h)) merged.set(k as HookEvent, String(v));
  for (const [k, v] of hooks) merged.set(k, v);
  const ordered = HOOK_EVENTS.filter((e) => merged.has(e)).map((e) => ({ [e]: merged.get(e)! }));
  return ordered.length ? ordered : undefined;
}

/** The appspec CodeDeploy needs, built from the service as it runs now. */
export function generateAppSpec(
  service: ServiceShape,
  o: Overrides,
): { appspec: AppSpec; source: AppSpecSource } {
  const lb = service.loadBalancers?.[0];
  const containerName = o.containerName ?? lb?.containerName;
  const containerPort = o.containerPort ?? lb?.containerPort;
  if (!containerName || !containerPort)
    throw new ConfigurationError(
      `input "container-name": service ${service.serviceName ?? ''} has no load balancer to take the container ` +
        `name and port from: set container-name and container-port (or give an appspec file)`,
      'container-name',
    );
  const props: AppSpecProperties = {
    TaskDefinition: TASK_DEFINITION_PLACEHOLDER,
    LoadBalancerInfo: { ContainerName: containerName, ContainerPort: containerPort },
  };
  if (service.platformVersion) props.PlatformVersion = service.platformVersion;
  const vpc = service.networkConfiguration?.awsvpcConfiguration;
  if (vpc?.subnets?.length) {
    props.NetworkConfiguration = {
      AwsvpcConfiguration: {
        Subnets: vpc.subnets,
        ...(vpc.securityGroups?.length ? { SecurityGroups: vpc.securityGroups } : {}),
        ...(vpc.assignPublicIp ? { AssignPublicIp: vpc.assignPublicIp } : {}),
      },
    };
  }
  // Keep the service's strategy: an appspec without one removes it (aws/containers-roadmap#1752).
  if (service.capacityProviderStrategy?.length)
    props.CapacityProviderStrategy = service.capacityProviderStrategy.map((s) => ({
      CapacityProvider: s.capacityProvider ?? '',
      ...(s.base !== undefined ? { Base: s.base } : {}),
      ...(s.weight !== undefined ? { Weight: s.weight } : {}),
    }));
  const appspec: AppSpec = {
    version: '0.0',
    Resources: [{ TargetService: { Type: 'AWS::ECS::Service', Properties: props } }],
  };
  const hooks = hooksList(o.hooks);
  if (hooks) appspec.Hooks = hooks;
  return {
    appspec,
    source: {
      kind: 'service',
      containerFrom: o.containerName ? 'input' : 'service',
      portFrom: o.containerPort ? 'input' : 'service',
    },
  };
}

/** Check a user's appspec file and apply the input overrides. */
export function appSpecFromFile(
  file: StructuredFile,
  o: Overrides,
): { appspec: AppSpec; source: AppSpecSource } {
  const bad = (path: Array<string | number>, what: string): never => {
    throw new ConfigurationError(`input "appspec": ${file.at(path)}: ${what}`, 'appspec');
  };
  const v = file.value;
  if (!isObject(v)) bad([], 'expected an AppSpec mapping with version, Resources and optional Hooks');
  const spec = v as Record<string, unknown>;
  if (spec.version === undefined) bad([], 'no "version": add version: 0.0');
  const resources = spec.Resources;
  if (!Array.isArray(resources) || resources.length !== 1)
    bad(['Resources'], 'Resources must list exactly one TargetService (the ECS service)');
  const target = (resources as unknown[])[0];
  const ts = isObject(target) ? target.TargetService : undefined;
  if (!isObject(ts)) bad(['Resources', 0], 'expected a TargetService entry');
  const service = ts as Record<string, unknown>;
  if (service.Type !== 'AWS::ECS::Service')
    bad(
      ['Resources', 0, 'TargetService', 'Type'],
      `Type is ${quote(String(service.Type))}: expected AWS::ECS::Service`,
    );
  const props = service.Properties;
  if (!isObject(props))
    bad(['Resources', 0, 'TargetService'], 'no Properties: add TaskDefinition and LoadBalancerInfo');
  const p = props as Record<string, unknown>;
  const lbPath = ['Resources', 0, 'TargetService', 'Properties', 'LoadBalancerInfo'];
  const lb = isObject(p.LoadBalancerInfo) ? p.LoadBalancerInfo : {};
  const containerName = o.containerName ?? lb.ContainerName;
  const portRaw = o.containerPort ?? lb.ContainerPort;
  if (typeof containerName !== 'string' || !containerName)
    bad(lbPath, 'LoadBalancerInfo.ContainerName is missing: add it or set the container-name input');
  const port = typeof portRaw === 'string' && /^\d+$/.test(portRaw) ? Number(portRaw) : portRaw;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)
    bad(
      [...lbPath, 'ContainerPort'],
      'LoadBalancerInfo.ContainerPort must be a port number: fix it or set container-port',
    );
  const hooks = spec.Hooks;
  if (hooks !== undefined) {
    if (!Array.isArray(hooks)) bad(['Hooks'], 'Hooks must be a list of Event: LambdaFunction entries');
    (hooks as unknown[]).forEach((h, i) => {
      if (!isObject(h)) bad(['Hooks', i], 'each hook must be Event: LambdaFunction');
      for (const [k, fn] of Object.entries(h as Record<string, unknown>)) {
        if (!(HOOK_EVENTS as readonly string[]).includes(k))
          bad(['Hooks', i], `hook event ${quote(k)} is not an ECS hook: use ${HOOK_EVENTS.join(', ')}`);
        if (typeof fn !== 'string' || !fn) bad(['Hooks', i], `hook ${k} names no Lambda function`);
      }
    });
  }
  const outProps: AppSpecProperties = {
    ...(p as unknown as AppSpecProperties),
    TaskDefinition: TASK_DEFINITION_PLACEHOLDER,
    LoadBalancerInfo: { ContainerName: containerName as string, ContainerPort: port as number },
  };
  const appspec: AppSpec = {
    version: spec.version as string,
    Resources: [{ TargetService: { Type: 'AWS::ECS::Service', Properties: outProps } }],
  };
  const mergedHooks = hooksList(o.hooks, hooks as AppSpec['Hooks']);
  if (mergedHooks) appspec.Hooks = mergedHooks;
  return {
    appspec,
    source: {
      kind: 'file',
      file,
      containerFrom: o.containerName ? 'input' : 'file',
      portFrom: o.containerPort ? 'input' : 'file',
    },
  };
}

export interface ContainerShape {
  name?: string;
  portMappings?: Array<{ containerPort?: number }>;
}

/**
 * The appspec's container must exist in the task definition and expose the port. The error names the
 * input the wrong value came from.
 */
export function checkAppSpecContainer(
  appspec: AppSpec,
  source: AppSpecSource,
  family: string,
  containers: ContainerShape[],
): void {
  const { ContainerName: name, ContainerPort: port } =
    appspec.Resources[0]!.TargetService.Properties.LoadBalancerInfo;
  const lbPath = ['Resources', 0, 'TargetService', 'Properties', 'LoadBalancerInfo'];
  const blame = (from: AppSpecSource['containerFrom'], key: 'ContainerName' | 'ContainerPort') => {
    if (from === 'input')
      return key === 'ContainerName' ? 'input "container-name"' : 'input "container-port"';
    if (from === 'file') return `input "appspec": ${source.file!.at([...lbPath, key])}`;
    return 'input "task-definition"';
  };
  const inputOf = (from: AppSpecSource['containerFrom'], key: 'ContainerName' | 'ContainerPort') =>
    from === 'input'
      ? key === 'ContainerName'
        ? 'container-name'
        : 'container-port'
      : from === 'file'
        ? 'appspec'
        : 'task-definition';
  const names = containers.map((c) => c.name ?? '');
  const container = containers.find((c) => c.name === name);
  if (!container) {
    const fix =
      source.containerFrom === 'service'
        ? `the service's load balancer sends traffic to container ${quote(name)}: add it to the task definition or set container-name`
        : `use one of ${names.join(', ')}`;
    throw new ConfigurationError(
      `${blame(source.containerFrom, 'ContainerName')}: container ${quote(name)} is not in task definition ${family} ` +
        `(containers: ${names.join(', ')}); ${fix}`,
      inputOf(source.containerFrom, 'ContainerName'),
    );
  }
  const ports = (container.portMappings ?? []).map((m) => m.containerPort).filter((x) => x !== undefined);
  if (!ports.includes(port)) {
    throw new ConfigurationError(
      `${blame(source.portFrom, 'ContainerPort')}: container ${quote(name)} in task definition ${family} does not expose port ${port} ` +
        `(${ports.length ? `its ports: ${ports.join(', ')}` : 'it has no portMappings'}); ` +
        (source.portFrom === 'service'
          ? 'add the port mapping or set container-port'
          : 'use one of its ports'),
      inputOf(source.portFrom, 'ContainerPort'),
    );
  }
}

/** Fill in the task definition and serialise for CreateDeployment's AppSpecContent. */
export function appSpecContent(
  appspec: AppSpec,
  taskDefinitionArn: string,
): { content: string; sha256: string } {
  const filled: AppSpec = {
    ...appspec,
    Resources: [
      {
        TargetService: {
          ...appspec.Resources[0]!.TargetService,
          Properties: {
            ...appspec.Resources[0]!.TargetService.Properties,
            TaskDefinition: taskDefinitionArn,
          },
        },
      },
    ],
  };
  const content = JSON.stringify(filled);
  return { content, sha256: createHash('sha256').update(content).digest('hex') };
}

/** A warning when the user's appspec would drop the service's capacity provider strategy. */
export function strategyWarning(appspec: AppSpec, service: ServiceShape): string | undefined {
  const props = appspec.Resources[0]!.TargetService.Properties;
  if (service.capacityProviderStrategy?.length && !props.CapacityProviderStrategy?.length)
    return (
      `the appspec has no CapacityProviderStrategy, so CodeDeploy will remove the service's strategy ` +
      `(${service.capacityProviderStrategy.map((s) => s.capacityProvider).join(', ')}); add it to the appspec to keep it ` +
      `(aws/containers-roadmap#1752)`
    );
  return undefined;
}
