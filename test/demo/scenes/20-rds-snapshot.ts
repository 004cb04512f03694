import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import type { Scene } from '../run.js';

const ACTION = 'actions/rds-snapshot';

const scene: Scene = {
  title: 'rds-snapshot: snapshot before a risky deploy, copy to the DR region, prune, prove PITR is ready',
  order: 20,
  async play(ctx) {
    const credentials = { accessKeyId: 'demo', secretAccessKey: 'demo' };
    const rds = new RDSClient({ region: 'us-east-1', endpoint: ctx.motoUrl, credentials });
    const kms = new KMSClient({ region: 'us-west-2', endpoint: ctx.motoUrl, credentials });
    await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'orders-db',
        Engine: 'postgres',
        DBInstanceClass: 'db.t3.micro',
        AllocatedStorage: 50,
        BackupRetentionPeriod: 7,
        StorageEncrypted: true,
        Tags: [
          { Key: 'team', Value: 'shop' },
          { Key: 'env', Value: 'prod' },
        ],
      }),
    );
    await rds.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: 'ledger',
        Engine: 'aurora-postgresql',
        MasterUsername: 'ledger_admin',
        MasterUserPassword: 'demo-password-only-1',
        BackupRetentionPeriod: 3,
        StorageEncrypted: true,
      }),
    );
    await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'scratch-db',
        Engine: 'mysql',
        DBInstanceClass: 'db.t3.micro',
        AllocatedStorage: 20,
        BackupRetentionPeriod: 0,
      }),
    );
    await rds.send(
      new CreateDBSnapshotCommand({
        DBInstanceIdentifier: 'orders-db',
        DBSnapshotIdentifier: 'before-pg16-upgrade',
      }),
    );
    const key = await kms.send(new CreateKeyCommand({ Description: 'DR snapshot copies' }));
    await kms.send(
      new CreateAliasCommand({ AliasName: 'alias/dr-snapshots', TargetKeyId: key.KeyMetadata!.KeyId }),
    );
    ctx.say(
      'Seeded us-east-1: orders-db (PostgreSQL, encrypted), ledger (Aurora, encrypted), scratch-db (backups off), ' +
        'a hand-made snapshot; and a KMS key alias/dr-snapshots in us-west-2.',
    );

    const inputs = {
      'db-instance-identifiers': 'orders-db',
      'db-cluster-identifiers': 'ledger',
      'copy-to-regions': 'us-west-2',
      'copy-kms-keys': 'us-west-2=alias/dr-snapshots',
      tags: 'purpose=pre-deploy',
      region: 'us-east-1',
    };
    await ctx.run('snapshot two databases and copy them to us-west-2', { action: ACTION, inputs });
    ctx.say(
      'The same run attempt again (a retried step): it finds its snapshots and copies instead of making more.',
    );
    await ctx.run('re-run of the same attempt', { action: ACTION, inputs });
    ctx.say('Two later runs with pruning: keep the last 2 per database and region, whatever their age.');
    await ctx.run('next run', { action: ACTION, inputs, env: { GITHUB_RUN_ID: '7100000002' } });
    await ctx.run('a run that prunes (retention-days 0, keep-last 2)', {
      action: ACTION,
      inputs: { ...inputs, 'retention-days': 0, 'keep-last': 2 },
      env: { GITHUB_RUN_ID: '7100000003' },
    });
    ctx.say(
      'A database without automated backups: its snapshot is still made, then the step fails naming it.',
    );
    await ctx.run('backups off', {
      action: ACTION,
      inputs: { 'db-instance-identifiers': 'scratch-db', region: 'us-east-1' },
    });
    ctx.say('A typo in a database name: nothing is made, one line says what to fix.');
    await ctx.run('unknown database', {
      action: ACTION,
      inputs: { 'db-instance-identifiers': 'orders-bd', region: 'us-east-1' },
    });
  },
};
export default scene;
