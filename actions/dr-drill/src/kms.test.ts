import { DescribeKeyCommand, KMSClient, type KeyMetadata } from '@aws-sdk/client-kms';
import { RDSClient } from '@aws-sdk/client-rds';
import { ConfigurationError } from '@oaktree/action-kit';
import { mockClient } from 'aws-sdk-client-mock';
import { execute } from './execute.js';
import { checkKmsKey, type Kms } from './kms.js';
import { config } from './testing.js';

const cfg = config({ scenario: 'replica-promote', drRegion: 'us-west-2', kmsKeyId: 'alias/dr' });

function kms(meta: KeyMetadata | Error): Kms & { keys: string[] } {
  const keys: string[] = [];
  return {
    keys,
    send: (async (cmd: DescribeKeyCommand) => {
      keys.push(cmd.input.KeyId!);
      if (meta instanceof Error) throw meta;
      return { KeyMetadata: meta };
    }) as Kms['send'],
  };
}
const usable: KeyMetadata = {
  KeyId: 'k1',
  KeyState: 'Enabled',
  KeyUsage: 'ENCRYPT_DECRYPT',
  KeySpec: 'SYMMETRIC_DEFAULT',
};

test('an enabled symmetric key in the DR region passes', async () => {
  const k = kms(usable);
  await checkKmsKey(cfg, 'alias/dr', k);
  expect(k.keys).toEqual(['alias/dr']);
});

test.each([
  [
    kms(Object.assign(new Error('Alias not found'), { name: 'NotFoundException' })),
    /no such KMS key in us-west-2$/,
  ],
  [kms({ ...usable, KeyState: 'PendingDeletion' }), /the key is PendingDeletion, not Enabled$/],
  [kms({ ...usable, KeySpec: 'RSA_2048' }), /RDS needs a symmetric encryption key, this one is RSA_2048/],
  [kms({ ...usable, KeyUsage: 'SIGN_VERIFY' }), /RDS needs a symmetric encryption key/],
])('an unusable key is a ConfigurationError naming kms-key-id (%#)', async (k, message) => {
  const err = await checkKmsKey(cfg, 'alias/dr', k).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigurationError);
  expect((err as ConfigurationError).input).toBe('kms-key-id');
  expect((err as Error).message).toMatch(/^input "kms-key-id" is "alias\/dr": /);
  expect((err as Error).message).toMatch(message);
});

test('a key ARN in another region is refused without calling KMS', async () => {
  const k = kms(usable);
  const key = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  await expect(checkKmsKey(cfg, key, k)).rejects.toThrow(
    /the key is in us-east-1, but the replica is created in dr-region us-west-2$/,
  );
  expect(k.keys).toEqual([]);
});

test('other KMS errors (access denied) are not dressed up as a bad input', async () => {
  const denied = Object.assign(new Error('not authorized to perform kms:DescribeKey'), {
    name: 'AccessDeniedException',
  });
  await expect(checkKmsKey(cfg, 'alias/dr', kms(denied))).rejects.toBe(denied);
});

describe('execute', () => {
  const mKms = mockClient(KMSClient);
  const mRds = mockClient(RDSClient);
  afterEach(() => {
    mKms.reset();
    mRds.reset();
  });
  afterAll(() => {
    mKms.restore();
    mRds.restore();
  });

  test('checks kms-key-id in the DR region before RDS is touched', async () => {
    mKms
      .on(DescribeKeyCommand)
      .rejects(Object.assign(new Error('Alias alias/dr is not found.'), { name: 'NotFoundException' }));
    await expect(execute(cfg)).rejects.toThrow(
      /^input "kms-key-id" is "alias\/dr": no such KMS key in us-west-2$/,
    );
    expect(mKms.commandCalls(DescribeKeyCommand)[0]!.args[0].input).toEqual({ KeyId: 'alias/dr' });
    expect(mRds.calls()).toHaveLength(0);
  });

  // (kms-key-id with any drill that passes no key to RDS is refused by the inputs: see inputs.test.ts)
  test('does not call KMS without kms-key-id', async () => {
    mRds.rejects(Object.assign(new Error('stop here'), { name: 'Stop' }));
    await expect(execute({ ...cfg, kmsKeyId: undefined })).rejects.toThrow('stop here');
    expect(mKms.calls()).toHaveLength(0);
  });
});
