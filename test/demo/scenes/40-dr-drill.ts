import {
  CopyDBSnapshotCommand,
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
  DescribeDBInstancesCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import type { Scene } from '../run.js';

const scene: Scene = {
  title:
    'dr-drill: a nightly DR drill restores in the DR region, measures RTO/RPO, and leaves nothing behind',
  order: 40,
  async play(ctx) {
    const client = (region: string) =>
      new RDSClient({
        region,
        endpoint: ctx.motoUrl,
        credentials: { accessKeyId: 'demo', secretAccessKey: 'demo' },
      });
    const east = client('us-east-1');
    const west = client('us-west-2');
    await east.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'orders-db',
        Engine: 'postgres',
        DBInstanceClass: 'db.r6g.large',
        AllocatedStorage: 100,
        MasterUsername: 'app',
        MasterUserPassword: 'demo-password',
        BackupRetentionPeriod: 7,
      }),
    );
    await east.send(
      new CreateDBSnapshotCommand({
        DBInstanceIdentifier: 'orders-db',
        DBSnapshotIdentifier: 'orders-db-nightly',
      }),
    );
    await west.send(
      new CopyDBSnapshotCommand({
        SourceDBSnapshotIdentifier: 'arn:aws:rds:us-east-1:123456789012:snapshot:orders-db-nightly',
        TargetDBSnapshotIdentifier: 'orders-db-nightly-dr',
        Tags: [
          { Key: 'oaktree:managed-by', Value: 'rds-snapshot' },
          { Key: 'oaktree:source-db', Value: 'orders-db' },
        ],
      }),
    );
    // Last week's drill was killed before its post step ran: its instance is still there, expired.
    await west.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'drill-20261119020000-6900000001-restore',
        Engine: 'postgres',
        DBInstanceClass: 'db.r6g.large',
        AllocatedStorage: 100,
        Tags: [
          { Key: 'dr-drill-id', Value: 'drill-20261119020000-6900000001' },
          { Key: 'dr-drill-expires', Value: '2026-11-19T05:45:00Z' },
        ],
      }),
    );
    await east.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: 'ledger',
        Engine: 'aurora-postgresql',
        MasterUsername: 'app',
        MasterUserPassword: 'demo-password',
      }),
    );
    for (const m of ['ledger-a', 'ledger-b'])
      await east.send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: m,
          DBClusterIdentifier: 'ledger',
          Engine: 'aurora-postgresql',
          DBInstanceClass: 'db.r6g.large',
        }),
      );
    ctx.say(
      'Seeded orders-db in us-east-1 with a nightly snapshot copied to us-west-2 by rds-snapshot, an Aurora cluster "ledger",\n' +
        'and an expired instance left in us-west-2 by a drill that was killed last week.',
    );

    await ctx.run('snapshot-restore of orders-db into us-west-2 (RTO 45m, RPO 24h)', {
      action: 'actions/dr-drill',
      inputs: {
        scenario: 'snapshot-restore',
        'source-db-instance': 'orders-db',
        'dr-region': 'us-west-2',
        'rto-objective': '45m',
        'rpo-objective': '24h',
        'health-check': 'none',
      },
    });
    const left = await west.send(new DescribeDBInstancesCommand({}));
    ctx.say(
      `Instances in us-west-2 afterwards: ${left.DBInstances?.length ?? 0} (the orphan was swept, the drill's own restore deleted).`,
    );

    await ctx.run('the same drill with an RPO objective the nightly snapshot cannot meet', {
      action: 'actions/dr-drill',
      inputs: {
        scenario: 'snapshot-restore',
        'source-db-instance': 'orders-db',
        'dr-region': 'us-west-2',
        'rto-objective': '45m',
        'rpo-objective': '0s',
        'health-check': 'none',
      },
    });

    await ctx.run('cluster-failover without allow-disruption (refused before anything moves)', {
      action: 'actions/dr-drill',
      inputs: {
        scenario: 'cluster-failover',
        'source-db-cluster': 'ledger',
        'rto-objective': '2m',
        'rpo-objective': '0s',
      },
    });
    await ctx.run('cluster-failover of ledger, confirmed', {
      action: 'actions/dr-drill',
      inputs: {
        scenario: 'cluster-failover',
        'source-db-cluster': 'ledger',
        'allow-disruption': 'true',
        'rto-objective': '2m',
        'rpo-objective': '0s',
        'health-check': 'none',
      },
    });
  },
};
export default scene;
