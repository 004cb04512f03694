import { DescribeTaskDefinitionCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import type { Deps, Report } from './deploy.js';
import { InFlight } from './inflight.js';
import { registerTaskDefinition } from './register.js';
import type { TaskDef } from './taskdef.js';
import { fakeClock } from './testing.js';

const ecsMock = mockClient(ECSClient);
const ARN = (n: number) => `arn:aws:ecs:eu-west-1:123456789012:task-definition/web:${n}`;
const desired: TaskDef = {
  family: 'web',
  containerDefinitions: [{ name: 'web', image: 'nginx:2', portMappings: [{ containerPort: 80 }] }],
};
const revision = (n: number, image: string) => ({
  taskDefinition: {
    family: 'web',
    revision: n,
    status: 'ACTIVE' as const,
    taskDefinitionArn: ARN(n),
    containerDefinitions: [{ name: 'web', image, portMappings: [{ containerPort: 80 }] }],
  },
});
const failure = (name: string, status: number) =>
  Object.assign(new Error(`${name} from the mock`), { name, $metadata: { httpStatusCode: status } });

function setup() {
  const clock = fakeClock();
  const lines: string[] = [];
  const outputs: Record<string, string | undefined> = {};
  const deps: Deps = {
    ecs: new ECSClient({ region: 'eu-west-1' }),
    codedeploy: new ECSClient({ region: 'eu-west-1' }),
    log: { info: (l) => lines.push(l), notice: (l) => lines.push(l), warning: (l) => lines.push(l) },
    setOutputs: (o) => Object.assign(outputs, o),
    inflight: new InFlight(() => undefined),
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0,
  };
  const report = { events: [], timeline: [], reasons: [], outcome: 'invalid' } as unknown as Report;
  return { deps, lines, outputs, report };
}

beforeEach(() => ecsMock.reset());

test('a lost RegisterTaskDefinition reply: the revision it made is found by reading the family back, not registered twice', async () => {
  ecsMock
    .on(DescribeTaskDefinitionCommand)
    .resolvesOnce(revision(1, 'nginx:1'))
    .resolves(revision(2, 'nginx:2'));
  ecsMock.on(RegisterTaskDefinitionCommand).rejects(failure('InternalFailure', 500));
  const { deps, lines, outputs, report } = setup();
  const arn = await registerTaskDefinition(deps, report, desired, '');
  expect(arn).toBe(ARN(2));
  expect(outputs['task-definition-arn']).toBe(ARN(2));
  expect(report.registered).toBe(true);
  expect(ecsMock.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(1);
  expect(lines).toContain(
    'RegisterTaskDefinition: AWS answered InternalFailure (transient); reading family web back before trying again',
  );
  expect(lines.at(-1)).toBe(
    `registered task definition ${ARN(2)} (the reply was lost; the revision it made is used, no copy registered)`,
  );
});

test('throttled and not applied: the family still ends at the revision seen before, so it is sent again', async () => {
  ecsMock.on(DescribeTaskDefinitionCommand).resolves(revision(1, 'nginx:1'));
  ecsMock
    .on(RegisterTaskDefinitionCommand)
    .rejectsOnce(failure('ThrottlingException', 400))
    .resolves({ taskDefinition: { taskDefinitionArn: ARN(2) } });
  const { deps, lines, report } = setup();
  expect(await registerTaskDefinition(deps, report, desired, '')).toBe(ARN(2));
  expect(ecsMock.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(2);
  expect(ecsMock.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(2);
  expect(lines.at(-1)).toBe(`registered task definition ${ARN(2)}`);
});

test("a newer revision that differs from the file (someone else's register) is not adopted", async () => {
  ecsMock
    .on(DescribeTaskDefinitionCommand)
    .resolvesOnce(revision(1, 'nginx:1'))
    .resolves(revision(2, 'nginx:9'));
  ecsMock
    .on(RegisterTaskDefinitionCommand)
    .rejectsOnce(failure('ServiceUnavailableException', 503))
    .resolves({ taskDefinition: { taskDefinitionArn: ARN(3) } });
  const { deps, report } = setup();
  expect(await registerTaskDefinition(deps, report, desired, '')).toBe(ARN(3));
  expect(ecsMock.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(2);
});

test('a first family: a lost reply is adopted from revision 1', async () => {
  ecsMock
    .on(DescribeTaskDefinitionCommand)
    .rejectsOnce(failure('ClientException', 400))
    .resolves(revision(1, 'nginx:2'));
  ecsMock.on(RegisterTaskDefinitionCommand).rejects(failure('InternalFailure', 500));
  const { deps, report } = setup();
  expect(await registerTaskDefinition(deps, report, desired, '')).toBe(ARN(1));
  expect(ecsMock.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(1);
});

test('a refusal (ClientException) is thrown at once: no read-back, no second register', async () => {
  ecsMock.on(DescribeTaskDefinitionCommand).resolves(revision(1, 'nginx:1'));
  ecsMock.on(RegisterTaskDefinitionCommand).rejects(failure('ClientException', 400));
  const { deps, report } = setup();
  await expect(registerTaskDefinition(deps, report, desired, '')).rejects.toThrow('ClientException');
  expect(ecsMock.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(1);
  expect(ecsMock.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(1);
});
