import { ConfigurationError } from '@oaktree/action-kit';
import { parseStructured } from './files.js';
import { applyImages, cleanTaskDefinition, dropEmpty, sameTaskDefinition, type TaskDef } from './taskdef.js';

const described = {
  taskDefinition: {
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:7',
    family: 'web',
    revision: 7,
    status: 'ACTIVE',
    compatibilities: ['EC2', 'FARGATE'],
    requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.docker-remote-api.1.18' }],
    registeredAt: '2026-01-01T00:00:00Z',
    registeredBy: 'arn:aws:iam::123456789012:role/ci',
    networkMode: 'awsvpc',
    cpu: 256,
    memory: '512',
    volumes: [],
    placementConstraints: [],
    containerDefinitions: [
      {
        name: 'web',
        image: 'nginx:1',
        cpu: 0,
        essential: true,
        portMappings: [{ containerPort: 80, hostPort: 80, protocol: 'tcp' }],
        environment: [{ name: 'EMPTY', value: '' }],
        mountPoints: [],
        volumesFrom: [],
        logConfiguration: null,
      },
      { name: 'sidecar', image: 'busybox' },
    ],
  },
  tags: [{ key: 'team', value: 'shop' }],
};

test('drops read-only fields (listed once), empty values, unwraps describe output, stringifies cpu', () => {
  const file = parseStructured(JSON.stringify(described, null, 2), 'td.json', 'task-definition');
  const { taskDefinition, dropped } = cleanTaskDefinition(file);
  expect(dropped).toEqual([
    'compatibilities',
    'taskDefinitionArn',
    'requiresAttributes',
    'revision',
    'status',
    'registeredAt',
    'registeredBy',
  ]);
  expect(taskDefinition).not.toHaveProperty('volumes');
  expect(taskDefinition).not.toHaveProperty('placementConstraints');
  expect(taskDefinition.cpu).toBe('256');
  expect(taskDefinition.tags).toEqual([{ key: 'team', value: 'shop' }]);
  const web = taskDefinition.containerDefinitions[0]!;
  expect(web).not.toHaveProperty('mountPoints');
  expect(web).not.toHaveProperty('logConfiguration');
  expect(web.environment).toEqual([{ name: 'EMPTY', value: '' }]);
});

test('YAML works too; a typo of a field is one error naming it and its line, a missing family too', () => {
  const yaml = 'containerDefinitions:\n  - name: web\n    image: nginx\nfamilyy: web\n';
  const file = parseStructured(yaml, 'td.yaml', 'task-definition');
  expect(() => cleanTaskDefinition(file)).toThrow(
    'input "task-definition": td.yaml:4: unknown field "familyy" in the task definition: did you mean "family"?',
  );
  const noFamily = parseStructured('containerDefinitions:\n  - name: web\n', 'td.yaml', 'task-definition');
  expect(() => cleanTaskDefinition(noFamily)).toThrow(
    /^input "task-definition": td.yaml(:\d+)?: "family" is missing/,
  );
  const ok = cleanTaskDefinition(
    parseStructured('family: web\n' + yaml.replace('familyy: web\n', ''), 'td.yaml', 'task-definition'),
  );
  expect(ok.taskDefinition.family).toBe('web');
});

test('an unknown container field names the container and its line; one far from any field says remove it', () => {
  const json = JSON.stringify(
    { family: 'web', containerDefinitions: [{ name: 'web', image: 'nginx', enviroment: [] }] },
    null,
    2,
  );
  expect(() => cleanTaskDefinition(parseStructured(json, 'td.json', 'task-definition'))).toThrow(
    'input "task-definition": td.json:7: unknown field "enviroment" in container web: did you mean "environment"?',
  );
  const far = JSON.stringify({ family: 'web', containerDefinitions: [{ name: 'web' }], zzzzzzzz: 1 });
  expect(() => cleanTaskDefinition(parseStructured(far, 'td.json', 'task-definition'))).toThrow(
    /unknown field "zzzzzzzz" in the task definition: remove it \(RegisterTaskDefinition does not accept it\)$/,
  );
});

test('empty strings inside command and entryPoint are kept; elsewhere they are dropped', () => {
  const json = JSON.stringify({
    family: 'web',
    containerDefinitions: [
      { name: 'web', image: 'nginx', command: ['sh', '-c', ''], entryPoint: ['', 'x'], dnsServers: [''] },
    ],
  });
  const { taskDefinition } = cleanTaskDefinition(parseStructured(json, 'td.json', 'task-definition'));
  const web = taskDefinition.containerDefinitions[0]!;
  expect(web.command).toEqual(['sh', '-c', '']);
  expect(web.entryPoint).toEqual(['', 'x']);
  expect(web).not.toHaveProperty('dnsServers');
});

test('a syntax error names the input and the file:line', () => {
  const text = '{\n  "family": "web",\n  "containerDefinitions": [\n    { "name": "web", }\n  ]\n  oops\n}';
  try {
    parseStructured(text, 'td.json', 'task-definition');
    throw new Error('expected a parse error');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigurationError);
    expect((err as Error).message).toMatch(/^input "task-definition": td\.json:\d+: not valid JSON or YAML/);
    expect((err as ConfigurationError).input).toBe('task-definition');
  }
});

test('container-images replaces images; an unknown container is an error naming the input', () => {
  const td: TaskDef = {
    family: 'web',
    containerDefinitions: [
      { name: 'web', image: 'a' },
      { name: 'log', image: 'b' },
    ],
  };
  const out = applyImages(td, new Map([['web', 'repo/web:2']]));
  expect(out.containerDefinitions.map((c) => c.image)).toEqual(['repo/web:2', 'b']);
  expect(td.containerDefinitions[0]!.image).toBe('a');
  expect(() => applyImages(td, new Map([['api', 'x']]))).toThrow(
    'input "container-images" names container "api", which is not in task definition web (containers: web, log): use one of those names',
  );
});

test('dropEmpty removes null, empty strings, arrays and objects deeply', () => {
  expect(dropEmpty({ a: null, b: '', c: [], d: {}, e: { f: [{}] }, g: 0, h: false, i: 'x' })).toEqual({
    g: 0,
    h: false,
    i: 'x',
  });
});

test('identical content is recognised despite the defaults ECS fills in; a real change is not', () => {
  const desired: TaskDef = {
    family: 'web',
    cpu: '256',
    containerDefinitions: [{ name: 'web', image: 'nginx:1', portMappings: [{ containerPort: 80 }] }],
  };
  const existing = {
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:3',
    family: 'web',
    revision: 3,
    status: 'ACTIVE',
    cpu: '256',
    enableFaultInjection: false,
    volumes: [],
    containerDefinitions: [
      {
        name: 'web',
        image: 'nginx:1',
        cpu: 0,
        essential: true,
        mountPoints: [],
        portMappings: [{ containerPort: 80, hostPort: 80, protocol: 'tcp' }],
      },
    ],
  };
  expect(sameTaskDefinition(desired, existing)).toBe(true);
  const changed = {
    ...desired,
    containerDefinitions: [{ ...desired.containerDefinitions[0]!, image: 'nginx:2' }],
  };
  expect(sameTaskDefinition(changed, existing)).toBe(false);
  expect(sameTaskDefinition(desired, { ...existing, taskRoleArn: 'arn:aws:iam::1:role/x' })).toBe(false);
});
