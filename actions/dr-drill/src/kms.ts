import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { ConfigurationError, quote } from '@oaktree/action-kit';
import { isNotFound, parseArn } from '@oaktree/aws';
import type { DrillConfig } from './inputs.js';

export { KMSClient };
export type Kms = Pick<KMSClient, 'send'>;

/**
 * kms-key-id must name a usable key in the DR region before the replica is created: an enabled,
 * symmetric encryption key. Throws a ConfigurationError naming the input otherwise.
 */
export async function checkKmsKey(cfg: DrillConfig, key: string, kms: Kms): Promise<void> {
  const bad = (why: string) =>
    new ConfigurationError(`input "kms-key-id" is ${quote(key)}: ${why}`, 'kms-key-id');
  const arn = parseArn(key);
  if (arn && arn.region !== cfg.drRegion)
    throw bad(`the key is in ${arn.region}, but the replica is created in dr-region ${cfg.drRegion}`);
  let meta;
  try {
    meta = (await kms.send(new DescribeKeyCommand({ KeyId: key }))).KeyMetadata;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  if (!meta) throw bad(`no such KMS key in ${cfg.drRegion}`);
  if (meta.KeyState !== 'Enabled') throw bad(`the key is ${meta.KeyState}, not Enabled`);
  if (meta.KeyUsage !== 'ENCRYPT_DECRYPT' || (meta.KeySpec && meta.KeySpec !== 'SYMMETRIC_DEFAULT'))
    throw bad(
      `RDS needs a symmetric encryption key, this one is ${meta.KeySpec ?? 'unknown'} for ${meta.KeyUsage ?? 'unknown'}`,
    );
}
