import { createHash } from 'node:crypto';
import { ConfigurationError } from '@oaktree/action-kit';
import {
  appSpecContent,
  appSpecFromFile,
  checkAppSpecContainer,
  generateAppSpec,
  strategyWarning,
  type ServiceShape,
} from './appspec.js';
import { parseStructured } from './files.js';

const service: ServiceShape = {
  serviceName: 'shop',
  loadBalancers: [{ containerName: 'web', containerPort: 8080 }],
  platformVersion: '1.4.0',
  networkConfiguration: {
    awsvpcConfiguration: {
      subnets: ['subnet-1', 'subnet-2'],
      securityGroups: ['sg-1'],
      assignPublicIp: 'DISABLED',
    },
  },
  capacityProviderStrategy: [
    { capacityProvider: 'FARGATE', base: 1, weight: 1 },
    { capacityProvider: 'FARGATE_SPOT', weight: 3 },
  ],
};
const noHooks = { hooks: new Map() };

test('generated from the service: container, port, platform version, network and capacity providers', () => {
  const { appspec, source } = generateAppSpec(service, {
    hooks: new Map([['AfterAllowTestTraffic', 'check-green']]),
  });
  expect(source.containerFrom).toBe('service');
  expect(appspec).toEqual({
    version: '0.0',
    Resources: [
      {
        TargetService: {
          Type: 'AWS::ECS::Service',
          Properties: {
            TaskDefinition: '<TASK_DEFINITION>',
            LoadBalancerInfo: { ContainerName: 'web', ContainerPort: 8080 },
            PlatformVersion: '1.4.0',
            NetworkConfiguration: {
              AwsvpcConfiguration: {
                Subnets: ['subnet-1', 'subnet-2'],
                SecurityGroups: ['sg-1'],
                AssignPublicIp: 'DISABLED',
              },
            },
            CapacityProviderStrategy: [
              { CapacityProvider: 'FARGATE', Base: 1, Weight: 1 },
              { CapacityProvider: 'FARGATE_SPOT', Weight: 3 },
            ],
          },
        },
      },
    ],
    Hooks: [{ AfterAllowTestTraffic: 'check-green' }],
  });
  expect(strategyWarning(appspec, service)).toBeUndefined();
});

test('container-name / container-port override the service; no load balancer and no override is an error', () => {
  const { appspec, source } = generateAppSpec(service, {
    containerName: 'api',
    containerPort: 9000,
    hooks: new Map(),
  });
  expect(appspec.Resources[0]!.TargetService.Properties.LoadBalancerInfo).toEqual({
    ContainerName: 'api',
    ContainerPort: 9000,
  });
  expect(source.containerFrom).toBe('input');
  expect(() => generateAppSpec({ serviceName: 'shop' }, noHooks)).toThrow(
    /^input "container-name": service shop has no load balancer/,
  );
});

test('content is the JSON string with the task definition filled in, and its sha256', () => {
  const { appspec } = generateAppSpec(service, noHooks);
  const arn = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:8';
  const { content, sha256 } = appSpecContent(appspec, arn);
  expect(JSON.parse(content).Resources[0].TargetService.Properties.TaskDefinition).toBe(arn);
  expect(sha256).toBe(createHash('sha256').update(content).digest('hex'));
  expect(appspec.Resources[0]!.TargetService.Properties.TaskDefinition).toBe('<TASK_DEFINITION>');
});

const fileText = `version: 0.0
Resources:
  - TargetService:
      Type: AWS::ECS::Service
      Properties:
        TaskDefinition: whatever
        LoadBalancerInfo:
          ContainerName: api
          ContainerPort: 80
Hooks:
  - BeforeInstall: before
`;

test('a file appspec: hooks merged with the input, task definition replaced, container checked with file:line', () => {
  const file = parseStructured(fileText, 'appspec.yaml', 'appspec');
  const { appspec, source } = appSpecFromFile(file, { hooks: new Map([['AfterInstall', 'after']]) });
  expect(appspec.Hooks).toEqual([{ BeforeInstall: 'before' }, { AfterInstall: 'after' }]);
  expect(appspec.Resources[0]!.TargetService.Properties.TaskDefinition).toBe('<TASK_DEFINITION>');
  expect(() =>
    checkAppSpecContainer(appspec, source, 'web', [{ name: 'web', portMappings: [{ containerPort: 80 }] }]),
  ).toThrow(
    'input "appspec": appspec.yaml:8: container "api" is not in task definition web (containers: web); use one of web',
  );
  expect(() =>
    checkAppSpecContainer(appspec, source, 'web', [{ name: 'api', portMappings: [{ containerPort: 81 }] }]),
  ).toThrow(
    /^input "appspec": appspec.yaml:9: container "api" in task definition web does not expose port 80 \(its ports: 81\)/,
  );
  expect(() =>
    checkAppSpecContainer(appspec, source, 'web', [{ name: 'api', portMappings: [{ containerPort: 80 }] }]),
  ).not.toThrow();
  expect(strategyWarning(appspec, service)).toMatch(/containers-roadmap#1752/);
});

test('appspec shape errors point at the line', () => {
  const bad = fileText.replace('AWS::ECS::Service', 'AWS::Lambda::Function');
  expect(() => appSpecFromFile(parseStructured(bad, 'a.yml', 'appspec'), noHooks)).toThrow(
    'input "appspec": a.yml:4: Type is "AWS::Lambda::Function": expected AWS::ECS::Service',
  );
  const badHook = fileText.replace('BeforeInstall', 'Install');
  expect(() => appSpecFromFile(parseStructured(badHook, 'a.yml', 'appspec'), noHooks)).toThrow(
    /a\.yml:11: hook event "Install" is not an ECS hook/,
  );
});

test('a generated appspec whose container is missing from the task definition blames the task definition', () => {
  const { appspec, source } = generateAppSpec(service, noHooks);
  let err: unknown;
  try {
    checkAppSpecContainer(appspec, source, 'web', [{ name: 'app', portMappings: [{ containerPort: 8080 }] }]);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConfigurationError);
  expect((err as ConfigurationError).input).toBe('task-definition');
  expect((err as Error).message).toMatch(/the service's load balancer sends traffic to container "web"/);
});
