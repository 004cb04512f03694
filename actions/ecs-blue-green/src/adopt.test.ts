import {
  CodeDeployClient,
  CreateDeploymentCommand,
  GetDeploymentCommand,
  ListDeploymentsCommand,
} from '@aws-sdk/client-codedeploy';
import { mockClient } from 'aws-sdk-client-mock';
import { findOwnDeployment, isCreateConflict, isOurs, namedDeployment } from './adopt.js';
import { createOnce } from './create.js';
import { DESCRIPTION_LIMIT, describeWithMarker, runMarker } from './marker.js';
import { fakeClock } from './testing.js';

const cd = mockClient(CodeDeployClient);
const client = new CodeDeployClient({ region: 'eu-west-1' });
beforeEach(() => cd.reset());

const marker = runMarker({ repository: 'o/r', runId: '7100', attempt: '2', job: 'deploy', step: 'ab12cd34' });
const where = { application: 'AppECS-shop-web', deploymentGroup: 'DgpECS-shop-web', marker };
const mine = {
  deploymentId: 'd-MINE00001',
  applicationName: where.application,
  deploymentGroupName: where.deploymentGroup,
  creator: 'user' as const,
  description: `o/r run 7100 ${marker}`,
};
const theirs = {
  ...mine,
  deploymentId: 'd-THEIRS001',
  description: `o/r run 7100 ${runMarker({ repository: 'o/r', runId: '7100', attempt: '1', job: 'deploy', step: 'ab12cd34' })}`,
};

function awsError(name: string, message = `${name} from the mock`, status = 400): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}
const limit = (id: string) =>
  awsError(
    'DeploymentLimitExceededException',
    `The Deployment Group '${where.deploymentGroup}' already has an active Deployment '${id}'`,
  );

test('the marker names repository, run, attempt, job and step; the description always keeps it whole', () => {
  expect(marker).toBe('[oaktree o/r run 7100.2 job deploy step ab12cd34]');
  expect(runMarker({ step: 'x' })).toBe('[oaktree local run step x]');
  const long = describeWithMarker('y'.repeat(1000), marker);
  expect(long).toHaveLength(DESCRIPTION_LIMIT);
  expect(long.endsWith(` ${marker}`)).toBe(true);
  expect(describeWithMarker('o/r run 7100', marker)).toBe(`o/r run 7100 ${marker}`);
  expect(describeWithMarker(undefined, marker)).toBe(marker);
});

test('conflicts: the group-busy refusal and "already exists" answers; the id AWS names is read from the message', () => {
  expect(isCreateConflict(limit('d-ABCDEFGHI'))).toBe(true);
  expect(isCreateConflict(awsError('DeploymentAlreadyExistsException'))).toBe(true);
  expect(isCreateConflict(awsError('InvalidRevisionException'))).toBe(false);
  expect(namedDeployment(limit('d-ABCDEFGHI'))).toBe('d-ABCDEFGHI');
  expect(namedDeployment(awsError('DeploymentLimitExceededException', 'busy'))).toBeUndefined();
});

test('ours only with our exact marker, in our group, and never a rollback CodeDeploy started', () => {
  expect(isOurs(mine, where)).toBe(true);
  expect(isOurs(theirs, where)).toBe(false); // the run's first attempt is another step execution
  expect(isOurs({ ...mine, deploymentGroupName: 'other' }, where)).toBe(false);
  expect(isOurs({ ...mine, creator: 'codeDeployRollback' }, where)).toBe(false);
  expect(isOurs({ ...mine, description: undefined }, where)).toBe(false);
  expect(isOurs(undefined, where)).toBe(false);
});

test('findOwnDeployment checks the named deployment, or lists the group since the step started', async () => {
  cd.on(GetDeploymentCommand, { deploymentId: 'd-MINE00001' }).resolves({ deploymentInfo: mine });
  cd.on(GetDeploymentCommand, { deploymentId: 'd-THEIRS001' }).resolves({ deploymentInfo: theirs });
  expect((await findOwnDeployment(client, where, { named: 'd-MINE00001' }))?.deploymentId).toBe(
    'd-MINE00001',
  );
  expect(await findOwnDeployment(client, where, { named: 'd-THEIRS001' })).toBeUndefined();
  cd.on(ListDeploymentsCommand).resolves({ deployments: ['d-THEIRS001', 'd-MINE00001'] });
  const since = Date.UTC(2026, 0, 1, 12);
  expect((await findOwnDeployment(client, where, { since }))?.deploymentId).toBe('d-MINE00001');
  expect(cd.commandCalls(ListDeploymentsCommand)[0]!.args[0].input.createTimeRange?.start).toEqual(
    new Date(since - 5 * 60_000),
  );
});

function opts() {
  const clock = fakeClock();
  const lines: string[] = [];
  return {
    lines,
    o: {
      since: clock.now(),
      deadline: clock.now() + 60_000,
      log: (l: string) => lines.push(l),
      ...clock,
      random: () => 0,
    },
  };
}
const request = {
  applicationName: where.application,
  deploymentGroupName: where.deploymentGroup,
  description: 'o/r run 7100',
};

test('created at once: not adopted, the description carries the marker', async () => {
  cd.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-MINE00001' });
  const { o } = opts();
  expect(await createOnce(client, request, where, o)).toEqual({
    deploymentId: 'd-MINE00001',
    adopted: false,
  });
  expect(cd.commandCalls(CreateDeploymentCommand)[0]!.args[0].input.description).toBe(
    `o/r run 7100 ${marker}`,
  );
  // the happy path costs no extra call
  expect(cd.calls()).toHaveLength(1);
});

test('lost reply: the retry meets DeploymentLimitExceeded naming our own deployment, which is adopted', async () => {
  cd.on(CreateDeploymentCommand).rejects(limit('d-MINE00001'));
  cd.on(GetDeploymentCommand, { deploymentId: 'd-MINE00001' }).resolves({ deploymentInfo: mine });
  const { o } = opts();
  expect(await createOnce(client, request, where, o)).toEqual({ deploymentId: 'd-MINE00001', adopted: true });
  expect(cd.commandCalls(CreateDeploymentCommand)).toHaveLength(1);
});

test("someone else's deployment in the way: the refusal is thrown as it came, nothing adopted", async () => {
  cd.on(CreateDeploymentCommand).rejects(limit('d-THEIRS001'));
  cd.on(GetDeploymentCommand, { deploymentId: 'd-THEIRS001' }).resolves({ deploymentInfo: theirs });
  const { o } = opts();
  await expect(createOnce(client, request, where, o)).rejects.toMatchObject({
    name: 'DeploymentLimitExceededException',
  });
});

test('a transient failure beyond the SDK retries: before trying again, our deployment is looked for', async () => {
  cd.on(CreateDeploymentCommand).rejects(awsError('InternalFailure', 'lost', 500));
  cd.on(ListDeploymentsCommand).resolves({ deployments: ['d-MINE00001'] });
  cd.on(GetDeploymentCommand, { deploymentId: 'd-MINE00001' }).resolves({ deploymentInfo: mine });
  const { o, lines } = opts();
  expect(await createOnce(client, request, where, o)).toEqual({ deploymentId: 'd-MINE00001', adopted: true });
  expect(cd.commandCalls(CreateDeploymentCommand)).toHaveLength(1);
  expect(lines[0]).toMatch(
    /^CreateDeployment: AWS answered InternalFailure \(transient\); looking for a deployment of this step/,
  );
});

test('a transient failure where nothing of ours exists: created on the next try', async () => {
  cd.on(CreateDeploymentCommand)
    .rejectsOnce(awsError('ThrottlingException', 'Rate exceeded'))
    .resolves({ deploymentId: 'd-MINE00002' });
  cd.on(ListDeploymentsCommand).resolves({ deployments: [] });
  const { o } = opts();
  expect(await createOnce(client, request, where, o)).toEqual({
    deploymentId: 'd-MINE00002',
    adopted: false,
  });
  expect(cd.commandCalls(CreateDeploymentCommand)).toHaveLength(2);
});
