import { CodeDeployClient, GetDeploymentCommand, StopDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { mockClient } from 'aws-sdk-client-mock';
import { attend, renderAftercare } from './aftercare.js';
import type { SavedDeployment } from './inflight.js';
import { fakeClock } from './testing.js';

const cd = mockClient(CodeDeployClient);
const client = new CodeDeployClient({ region: 'eu-west-1' });
beforeEach(() => cd.reset());

const left: SavedDeployment = {
  deploymentId: 'd-AAAAAAAAA',
  onCancel: 'rollback',
  region: 'eu-west-1',
  finished: false,
  left: 'AccessDeniedException on GetDeployment',
};
const status = (s: 'InProgress' | 'Succeeded') =>
  cd.on(GetDeploymentCommand).resolves({ deploymentInfo: { status: s } });
const seams = () => ({ ...fakeClock(), random: () => 0 });

test('still in flight, on-cancel rollback: stopped with rollback, and the post summary says why', async () => {
  status('InProgress');
  cd.on(StopDeploymentCommand).resolves({ status: 'Pending' });
  const lines: string[] = [];
  const care = await attend(left, client, (l) => lines.push(l), seams());
  expect(care.action).toBe('stopped');
  expect(cd.commandCalls(StopDeploymentCommand)[0]!.args[0].input).toEqual({
    deploymentId: 'd-AAAAAAAAA',
    autoRollbackEnabled: true,
  });
  expect(lines[0]).toBe(
    'post: main did not see deployment d-AAAAAAAAA to its end (AccessDeniedException on GetDeployment)',
  );
  const md = renderAftercare(left, care).toString();
  expect(md).toContain('ECS blue/green (post): deployment d-AAAAAAAAA');
  expect(md).toContain('stopped with rollback (it was InProgress)');
});

test('it ended meanwhile: reported, nothing stopped', async () => {
  status('Succeeded');
  const care = await attend(left, client, () => {}, seams());
  expect(care).toMatchObject({ action: 'already-ended' });
  expect(care.lines.at(-1)).toBe(
    'post: deployment d-AAAAAAAAA ended Succeeded meanwhile; nothing to roll back',
  );
  expect(cd.commandCalls(StopDeploymentCommand)).toHaveLength(0);
});

test('on-cancel leave: reported as left running, nothing stopped', async () => {
  status('InProgress');
  const care = await attend({ ...left, onCancel: 'leave' }, client, () => {}, seams());
  expect(care.action).toBe('left-running');
  expect(cd.commandCalls(StopDeploymentCommand)).toHaveLength(0);
});

test('status unreadable and the stop throttled for a while: still stopped', async () => {
  cd.on(GetDeploymentCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
  cd.on(StopDeploymentCommand)
    .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
    .resolves({ status: 'Pending' });
  const care = await attend({ ...left, left: undefined }, client, () => {}, seams());
  expect(care.action).toBe('stopped');
  expect(care.lines[0]).toMatch(/\(main ended without a word: killed\?\)$/);
  expect(care.lines[1]).toMatch(/^post: could not read d-AAAAAAAAA \(denied\)/);
  expect(cd.commandCalls(StopDeploymentCommand)).toHaveLength(2);
});
