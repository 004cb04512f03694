import { ConfigurationError, quote } from '@oaktree/action-kit';
import type { StructuredFile } from './files.js';
import { isObject } from './values.js';

/** Fields DescribeTaskDefinition returns that RegisterTaskDefinition rejects. */
export const READ_ONLY_FIELDS = [
  'compatibilities',
  'taskDefinitionArn',
  'requiresAttributes',
  'revision',
  'status',
  'registeredAt',
  'deregisteredAt',
  'registeredBy',
] as const;

export type TaskDef = Record<string, unknown> & {
  family: string;
  containerDefinitions: Array<Record<string, unknown>>;
};

export interface CleanResult {
  taskDefinition: TaskDef;
  /** Read-only fields that were present and dropped. */
  dropped: string[];
}

/** Fields RegisterTaskDefinition accepts (AWS API reference), for the unknown-field check. */
export const TASK_DEFINITION_FIELDS = new Set([
  'family',
  'taskRoleArn',
  'executionRoleArn',
  'networkMode',
  'containerDefinitions',
  'volumes',
  'placementConstraints',
  'requiresCompatibilities',
  'cpu',
  'memory',
  'tags',
  'pidMode',
  'ipcMode',
  'proxyConfiguration',
  'inferenceAccelerators',
  'ephemeralStorage',
  'runtimePlatform',
  'enableFaultInjection',
]);

/** ContainerDefinition fields (AWS API reference). */
export const CONTAINER_FIELDS = new Set([
  'name',
  'image',
  'repositoryCredentials',
  'cpu',
  'memory',
  'memoryReservation',
  'links',
  'portMappings',
  'essential',
  'restartPolicy',
  'entryPoint',
  'command',
  'environment',
  'environmentFiles',
  'mountPoints',
  'volumesFrom',
  'linuxParameters',
  'secrets',
  'dependsOn',
  'startTimeout',
  'stopTimeout',
  'versionConsistency',
  'hostname',
  'user',
  'workingDirectory',
  'disableNetworking',
  'privileged',
  'readonlyRootFilesystem',
  'dnsServers',
  'dnsSearchDomains',
  'extraHosts',
  'dockerSecurityOptions',
  'interactive',
  'pseudoTerminal',
  'dockerLabels',
  'ulimits',
  'logConfiguration',
  'healthCheck',
  'systemControls',
  'resourceRequirements',
  'firelensConfiguration',
  'credentialSpecs',
]);

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** The closest known field, when it is close enough to be the one meant. */
function closest(name: string, known: Set<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = distance(name.toLowerCase(), k.toLowerCase());
    if (d < bestD) [best, bestD] = [k, d];
  }
  return bestD <= Math.max(2, Math.floor(name.length / 4)) ? best : undefined;
}

/** Lists whose empty strings are arguments, kept as they are (`["sh", "-c", ""]`). */
const KEEP_EMPTY_ITEMS = new Set(['command', 'entryPoint']);

/** Remove null, empty strings, empty arrays and empty objects, deeply (env var values may be ''). */
export function dropEmpty(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) {
    const keep = key !== undefined && KEEP_EMPTY_ITEMS.has(key);
    const items = value.map((v) => (keep && v === '' ? v : dropEmpty(v))).filter((v) => v !== undefined);
    return items.length ? items : undefined;
  }
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const cleaned = dropEmpty(v, k);
      if (cleaned !== undefined) out[k] = cleaned;
    }
    return Object.keys(out).length ? out : undefined;
  }
  if (value === null || value === undefined) return undefined;
  if (value === '' && key !== 'value') return undefined;
  return value;
}

/**
 * Turn a task definition file (a RegisterTaskDefinition input, or DescribeTaskDefinition output with
 * or without its `taskDefinition` wrapper) into what RegisterTaskDefinition accepts.
 */
export function cleanTaskDefinition(file: StructuredFile, input = 'task-definition'): CleanResult {
  let raw = file.value;
  let pathPrefix: string[] = [];
  let wrapperTags: unknown;
  if (isObject(raw) && isObject(raw.taskDefinition)) {
    wrapperTags = raw.tags;
    raw = raw.taskDefinition;
    pathPrefix = ['taskDefinition'];
  }
  if (!isObject(raw))
    throw new ConfigurationError(
      `input "${input}": ${file.at([])}: expected a task definition object (family, containerDefinitions, ...)`,
      input,
    );
  const dropped = READ_ONLY_FIELDS.filter((f) => f in raw);
  const unknown = (
    fields: Record<string, unknown>,
    known: Set<string>,
    path: Array<string | number>,
    what: string,
  ) => {
    for (const k of Object.keys(fields)) {
      if (
        known.has(k) ||
        ((READ_ONLY_FIELDS as readonly string[]).includes(k) && path.length === pathPrefix.length)
      )
        continue;
      const hint = closest(k, known);
      throw new ConfigurationError(
        `input "${input}": ${file.at([...path, k])}: unknown field ${quote(k)} in ${what}` +
          (hint
            ? `: did you mean ${quote(hint)}?`
            : `: remove it (RegisterTaskDefinition does not accept it)`),
        input,
      );
    }
  };
  unknown(raw, TASK_DEFINITION_FIELDS, pathPrefix, 'the task definition');
  if (Array.isArray(raw.containerDefinitions))
    raw.containerDefinitions.forEach((c, i) => {
      if (isObject(c))
        unknown(
          c,
          CONTAINER_FIELDS,
          [...pathPrefix, 'containerDefinitions', i],
          `container ${String(c.name ?? i + 1)}`,
        );
    });
  const copy: Record<string, unknown> = { ...raw };
  for (const f of dropped) delete copy[f];
  if (wrapperTags !== undefined && copy.tags === undefined) copy.tags = wrapperTags;
  // RegisterTaskDefinition wants task-level cpu and memory as strings.
  for (const k of ['cpu', 'memory']) if (typeof copy[k] === 'number') copy[k] = String(copy[k]);
  const cleaned = (dropEmpty(copy) ?? {}) as Record<string, unknown>;

  if (typeof cleaned.family !== 'string' || !/^[A-Za-z0-9_-]{1,255}$/.test(cleaned.family))
    throw new ConfigurationError(
      `input "${input}": ${file.at([...pathPrefix, 'family'])}: "family" is ${
        cleaned.family === undefined ? 'missing' : quote(String(cleaned.family))
      }: set it to the task definition family (letters, digits, - and _)`,
      input,
    );
  const containers = cleaned.containerDefinitions;
  if (!Array.isArray(containers) || containers.length === 0 || !containers.every(isObject))
    throw new ConfigurationError(
      `input "${input}": ${file.at([...pathPrefix, 'containerDefinitions'])}: "containerDefinitions" must be a non-empty list of containers`,
      input,
    );
  containers.forEach((c, i) => {
    if (typeof c.name !== 'string')
      throw new ConfigurationError(
        `input "${input}": ${file.at([...pathPrefix, 'containerDefinitions', i])}: container ${i + 1} has no "name"`,
        input,
      );
  });
  return { taskDefinition: cleaned as TaskDef, dropped };
}

/** Apply `container=image` overrides; an unknown container name is a configuration error. */
export function applyImages(td: TaskDef, images: Map<string, string>, input = 'container-images'): TaskDef {
  if (!images.size) return td;
  const names = td.containerDefinitions.map((c) => String(c.name));
  for (const name of images.keys())
    if (!names.includes(name))
      throw new ConfigurationError(
        `input "${input}" names container ${quote(name)}, which is not in task definition ${td.family} ` +
          `(containers: ${names.join(', ')}): use one of those names`,
        input,
      );
  return {
    ...td,
    containerDefinitions: td.containerDefinitions.map((c) =>
      images.has(String(c.name)) ? { ...c, image: images.get(String(c.name)) } : c,
    ),
  };
}

/** Values ECS fills in on registration; removed from both sides before comparing. */
function stripDefaults(td: Record<string, unknown>): Record<string, unknown> {
  const out = { ...td };
  for (const f of READ_ONLY_FIELDS) delete out[f];
  delete out.tags;
  if (out.networkMode === 'bridge') delete out.networkMode;
  if (out.enableFaultInjection === false) delete out.enableFaultInjection;
  const containers = Array.isArray(out.containerDefinitions) ? out.containerDefinitions : [];
  out.containerDefinitions = containers.map((raw) => {
    const c = { ...(raw as Record<string, unknown>) };
    if (c.cpu === 0) delete c.cpu;
    if (c.essential === true) delete c.essential;
    if (Array.isArray(c.portMappings))
      c.portMappings = c.portMappings.map((pmRaw) => {
        const pm = { ...(pmRaw as Record<string, unknown>) };
        if (pm.protocol === 'tcp') delete pm.protocol;
        if (pm.hostPort === pm.containerPort) delete pm.hostPort;
        return pm;
      });
    return c;
  });
  return out;
}

/** JSON with keys sorted at every level: equal text means equal content. */
export function canonical(value: unknown): string {
  const sortDeep = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortDeep);
    if (isObject(v))
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sortDeep(v[k])]),
      );
    return v;
  };
  return JSON.stringify(sortDeep(value));
}

/**
 * True when the latest registered revision has the same content as the one about to be registered,
 * ignoring read-only fields, empty values and the defaults ECS fills in. When unsure, says false:
 * a needless revision is harmless, deploying the wrong one is not.
 */
export function sameTaskDefinition(desired: TaskDef, existing: Record<string, unknown>): boolean {
  const a = stripDefaults((dropEmpty(desired) ?? {}) as Record<string, unknown>);
  const b = stripDefaults((dropEmpty(existing) ?? {}) as Record<string, unknown>);
  return canonical(a) === canonical(b);
}
