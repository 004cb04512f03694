import { motoEnv, motoUrl, runAction, useMoto } from '../../harness/index.js';
import {
  CLUSTER,
  SERVICE,
  revisions,
  seedWorld,
  taskDefinitionInput,
  workspaceWith,
  type World,
} from '../../fixtures/ecs-blue-green/world.js';
import { ACTION, useCodeDeployEmulator } from './helpers.js';

useMoto();
const emulator = useCodeDeployEmulator();

const env = () => ({ ...motoEnv(), AWS_ENDPOINT_URL_CODEDEPLOY: emulator().url });
let world: World;

beforeEach(async () => {
  world = await seedWorld({ motoUrl: motoUrl(), emulatorUrl: emulator().url });
  emulator().calls.length = 0; // only what the action does
});

const MUTATIONS = ['CreateDeployment', 'StopDeployment', 'ContinueDeployment', 'RegisterApplicationRevision'];

/** Runs the action and checks: exit 1, exactly one error line, nothing registered or deployed. */
async function rejects(inputs: Record<string, string | number>, files: Record<string, string | object> = {}) {
  const run = await runAction({
    action: ACTION,
    inputs: { cluster: CLUSTER, service: SERVICE, 'poll-interval-seconds': 1, ...inputs },
    env: env(),
    workspace: workspaceWith(files),
  });
  expect(run.main.exitCode).toBe(1);
  const errors = run.main.annotations.filter((a) => a.level === 'error');
  expect(errors).toHaveLength(1);
  expect(emulator().calls.filter((c) => MUTATIONS.includes(c.operation))).toEqual([]);
  expect(await revisions(world.ecs)).toEqual([world.taskDefinitionArn]);
  expect(run.outputs['deployment-id']).toBeUndefined();
  expect(run.post?.log).toContain('main left no deployment in its care');
  return errors[0]!.message;
}

const td = taskDefinitionInput('public.ecr.aws/nginx/nginx:1.28');

test('an unknown container in container-images', async () => {
  expect(
    await rejects({ 'task-definition': 'td.json', 'container-images': 'api=nginx:2' }, { 'td.json': td }),
  ).toBe(
    'ecs-blue-green: input "container-images" names container "api", which is not in task definition web (containers: web, log-router): use one of those names',
  );
}, 60_000);

test('a task definition file that is not valid JSON: file:line', async () => {
  const text = JSON.stringify(td, null, 2).replace('"family": "web",', '"family": "web"');
  expect(await rejects({ 'task-definition': 'td.json' }, { 'td.json': text })).toMatch(
    /^ecs-blue-green: input "task-definition": td\.json:\d+: not valid JSON or YAML/,
  );
}, 60_000);

test('a typo in a task definition field: one line naming the field and its line, nothing registered', async () => {
  const typo = { ...td, containerDefinitions: [{ ...td.containerDefinitions[0]!, enviroment: [] }] };
  expect(
    await rejects({ 'task-definition': 'td.json' }, { 'td.json': JSON.stringify(typo, null, 2) }),
  ).toMatch(
    /^ecs-blue-green: input "task-definition": td\.json:\d+: unknown field "enviroment" in container web: did you mean "environment"\?$/,
  );
}, 60_000);

test('an appspec whose container does not expose the port: file:line', async () => {
  const appspec = [
    'version: 0.0',
    'Resources:',
    '  - TargetService:',
    '      Type: AWS::ECS::Service',
    '      Properties:',
    '        TaskDefinition: x',
    '        LoadBalancerInfo:',
    '          ContainerName: web',
    '          ContainerPort: 8080',
    '',
  ].join('\n');
  expect(
    await rejects(
      { 'task-definition': 'td.json', appspec: 'appspec.yaml' },
      { 'td.json': td, 'appspec.yaml': appspec },
    ),
  ).toBe(
    'ecs-blue-green: input "appspec": appspec.yaml:9: container "web" in task definition web does not expose port 8080 (its ports: 80); use one of its ports',
  );
}, 60_000);

test('a deployment group that does not exist', async () => {
  expect(
    await rejects(
      { 'task-definition': 'td.json', 'codedeploy-deployment-group': 'DgpECS-shop-api' },
      { 'td.json': td },
    ),
  ).toMatch(
    /^ecs-blue-green: input "codedeploy-deployment-group" is "DgpECS-shop-api": no such deployment group in application AppECS-shop-web/,
  );
}, 60_000);

test('a container-name override that is not in the task definition', async () => {
  expect(await rejects({ 'task-definition-arn': 'web:1', 'container-name': 'api' })).toMatch(
    /^ecs-blue-green: input "container-name": container "api" is not in task definition web \(containers: web, log-router\)/,
  );
}, 60_000);

test('a service that does not exist', async () => {
  expect(
    await rejects({
      'task-definition-arn': 'web:1',
      service: 'nope',
      'codedeploy-application': 'AppECS-shop-web',
      'codedeploy-deployment-group': 'DgpECS-shop-web',
    }),
  ).toMatch(/^ecs-blue-green: input "service" is "nope": no such active service in cluster "shop"/);
}, 60_000);

test('a cluster that does not exist', async () => {
  expect(
    await rejects({
      'task-definition-arn': 'web:1',
      cluster: 'nope',
      'codedeploy-application': 'AppECS-shop-web',
      'codedeploy-deployment-group': 'DgpECS-shop-web',
    }),
  ).toMatch(/^ecs-blue-green: input "cluster" is "nope": no such ECS cluster in us-east-1: /);
}, 60_000);

test('both task-definition and task-definition-arn', async () => {
  expect(
    await rejects({ 'task-definition': 'td.json', 'task-definition-arn': 'web:1' }, { 'td.json': td }),
  ).toBe(
    'ecs-blue-green: inputs "task-definition" and "task-definition-arn" are both set: use only one of task-definition, task-definition-arn',
  );
}, 60_000);
