import { consoleUrl, parseArn, partitionOf } from './arn.js';

test('parseArn', () => {
  expect(parseArn('arn:aws:rds:eu-west-1:123456789012:db:orders')).toEqual({
    partition: 'aws',
    service: 'rds',
    region: 'eu-west-1',
    account: '123456789012',
    resource: 'db:orders',
  });
  expect(parseArn('arn:aws-cn:ecs:cn-north-1:123456789012:task-definition/web:3')?.partition).toBe('aws-cn');
  expect(parseArn('not-an-arn')).toBeUndefined();
});

test('console links follow the partition', () => {
  expect(partitionOf('us-gov-west-1')).toBe('aws-us-gov');
  expect(consoleUrl('eu-west-1', 'rds', '#database:id=orders')).toBe(
    'https://eu-west-1.console.aws.amazon.com/rds/home?region=eu-west-1#database:id=orders',
  );
  expect(consoleUrl('cn-north-1', 'ecs', '')).toBe(
    'https://cn-north-1.console.amazonaws.cn/ecs/home?region=cn-north-1',
  );
  expect(consoleUrl('us-gov-east-1', 'codesuite', '')).toContain('console.amazonaws-us-gov.com');
});
