import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { diagnoseService } from './diagnose.js';
import { fakeClock } from './testing.js';

const ecs = mockClient(ECSClient);
const client = new ECSClient({ region: 'eu-west-1' });
beforeEach(() => ecs.reset());

const err = (name: string, status: number) =>
  Object.assign(new Error(`${name} from the mock`), { name, $metadata: { httpStatusCode: status } });

test('ECS reads for events and stopped tasks retry throttling and 5xx until the deadline, with a line each', async () => {
  ecs
    .on(DescribeServicesCommand)
    .rejectsOnce(err('ThrottlingException', 400))
    .rejectsOnce(err('ServerException', 500))
    .resolves({ services: [{ events: [{ createdAt: new Date(), message: 'steady' }] }] });
  ecs.on(ListTasksCommand).resolves({ taskArns: ['arn:aws:ecs:eu-west-1:1:task/shop/abc'] });
  ecs
    .on(DescribeTasksCommand)
    .rejectsOnce(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
    .resolves({ tasks: [{ taskArn: 'arn:aws:ecs:eu-west-1:1:task/shop/abc', stoppedReason: 'OOM' }] });
  const clock = fakeClock();
  const lines: string[] = [];
  const d = await diagnoseService(client, 'shop', 'web', undefined, {
    ...clock,
    random: () => 0,
    deadline: clock.now() + 10 * 60_000,
    log: (l) => lines.push(l),
  });
  expect(d.error).toBeUndefined();
  expect(d.events.map((e) => e.message)).toEqual(['steady']);
  expect(d.stoppedTasks.map((t) => t.reason)).toEqual(['OOM']);
  expect(lines).toEqual([
    expect.stringMatching(
      /^ECS DescribeServices: AWS answered ThrottlingException \(transient\); retrying in/,
    ),
    expect.stringMatching(/^ECS DescribeServices: AWS answered ServerException \(transient\)/),
    expect.stringMatching(/^ECS DescribeTasks: AWS answered ECONNRESET \(transient\)/),
  ]);
});

test("a terminal error is reported as text at once, never hiding the deployment's own failure", async () => {
  ecs.on(DescribeServicesCommand).rejects(err('AccessDeniedException', 400));
  const d = await diagnoseService(client, 'shop', 'web', undefined, { ...fakeClock(), deadline: Date.now() });
  expect(d.error).toMatch(/^could not read ECS service events or stopped tasks: AccessDeniedException/);
  expect(ecs.commandCalls(DescribeServicesCommand)).toHaveLength(1);
});
