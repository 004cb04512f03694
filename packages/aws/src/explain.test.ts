import { CALL_INFO } from './clients.js';
import { explainAwsError, iamPrefix } from './explain.js';

function awsError(
  name: string,
  message: string,
  call?: { service: string; operation: string; region: string },
) {
  const e = Object.assign(new Error(message), { name });
  if (call) Object.defineProperty(e, CALL_INFO, { value: call });
  return e;
}

test('AccessDeniedException from a JSON service names the action from the message', () => {
  const e = awsError(
    'AccessDeniedException',
    'User: arn:aws:sts::1:assumed-role/deploy/gh is not authorized to perform: codedeploy:CreateDeployment on resource: arn:aws:codedeploy:us-east-1:1:deploymentgroup:app/dg',
    { service: 'CodeDeploy', operation: 'CreateDeployment', region: 'us-east-1' },
  );
  expect(explainAwsError(e)).toContain(
    'codedeploy:CreateDeployment on arn:aws:codedeploy:us-east-1:1:deploymentgroup:app/dg',
  );
});

test('explicit deny wording is recognised too', () => {
  const e = awsError(
    'AccessDenied',
    'User: x is not authorized to perform: ecs:RegisterTaskDefinition with an explicit deny in a service control policy',
  );
  expect(explainAwsError(e)).toMatch(
    /^access denied: the role lacks IAM permission ecs:RegisterTaskDefinition;/,
  );
});

test('IAM prefixes for SDK client names', () => {
  expect(iamPrefix('RDS')).toBe('rds');
  expect(iamPrefix('ElasticLoadBalancingV2')).toBe('elasticloadbalancing');
  expect(iamPrefix('KMS')).toBe('kms');
});

test('credentials problems get a fix', () => {
  expect(
    explainAwsError(awsError('CredentialsProviderError', 'Could not load credentials from any providers')),
  ).toMatch(/configure-aws-credentials/);
  expect(
    explainAwsError(awsError('ExpiredToken', 'The security token included in the request is expired')),
  ).toMatch(/expired/);
  expect(explainAwsError(awsError('InvalidClientTokenId', 'bad'))).toMatch(/rejected/);
});

test('other AWS errors say which call failed where; non-AWS errors are left alone', () => {
  const e = awsError('DBInstanceNotFound', 'DBInstance db1 not found.', {
    service: 'RDS',
    operation: 'DescribeDBInstances',
    region: 'eu-west-1',
  });
  expect(explainAwsError(e)).toBe(
    'RDS DescribeDBInstances failed in eu-west-1: DBInstanceNotFound: DBInstance db1 not found.',
  );
  expect(explainAwsError(new TypeError('x is undefined'))).toBeUndefined();
  expect(explainAwsError('string')).toBeUndefined();
});
