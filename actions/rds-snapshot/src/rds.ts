import {
  CopyDBClusterSnapshotCommand,
  CopyDBSnapshotCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBSnapshotCommand,
  DeleteDBClusterSnapshotCommand,
  DeleteDBSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  ListTagsForResourceCommand,
  type DBClusterSnapshot,
  type DBSnapshot,
  type RDSClient,
} from '@aws-sdk/client-rds';
import type { Tag } from './inputs.js';
import { tagMap, type TagMap } from './naming.js';

export type Kind = 'instance' | 'cluster';

/** The client surface used here (an RDSClient, or a fake in tests). */
export type Rds = Pick<RDSClient, 'send'>;

export interface Database {
  kind: Kind;
  id: string;
  arn: string;
  status: string;
  encrypted: boolean;
  engine?: string;
  tags: Tag[];
  backupRetentionPeriod: number;
  latestRestorableTime?: Date;
  /** For an instance: the Aurora cluster it belongs to (it cannot be snapshotted alone). */
  clusterId?: string;
  /** ARNs of replicated automated backups in other regions. */
  replicationArns: string[];
  sizeGiB?: number;
}

export interface Snapshot {
  kind: Kind;
  id: string;
  arn: string;
  status: string;
  /** When the data was taken; for a copy the original snapshot's time. */
  createdAt?: Date;
  tags: TagMap;
  sizeGiB?: number;
  encrypted: boolean;
  percent?: number;
  database?: string;
}

function fromInstanceSnapshot(s: DBSnapshot): Snapshot {
  return {
    kind: 'instance',
    id: s.DBSnapshotIdentifier ?? '',
    arn: s.DBSnapshotArn ?? '',
    status: s.Status ?? 'unknown',
    createdAt: s.OriginalSnapshotCreateTime ?? s.SnapshotCreateTime,
    tags: tagMap(s.TagList),
    sizeGiB: s.AllocatedStorage,
    encrypted: Boolean(s.Encrypted),
    percent: s.PercentProgress,
    database: s.DBInstanceIdentifier,
  };
}

function fromClusterSnapshot(s: DBClusterSnapshot): Snapshot {
  return {
    kind: 'cluster',
    id: s.DBClusterSnapshotIdentifier ?? '',
    arn: s.DBClusterSnapshotArn ?? '',
    status: s.Status ?? 'unknown',
    createdAt: s.SnapshotCreateTime,
    tags: tagMap(s.TagList),
    sizeGiB: s.AllocatedStorage,
    encrypted: Boolean(s.StorageEncrypted),
    percent: s.PercentProgress,
    database: s.DBClusterIdentifier,
  };
}

const FILTER_CHUNK = 100;

/** The named databases that exist (one filtered call per 100 names; missing ones are simply absent). */
export async function describeDatabases(rds: Rds, kind: Kind, ids: string[]): Promise<Database[]> {
  const out: Database[] = [];
  for (let i = 0; i < ids.length; i += FILTER_CHUNK) {
    const chunk = ids.slice(i, i + FILTER_CHUNK);
    let marker: string | undefined;
    do {
      if (kind === 'instance') {
        const r = await rds.send(
          new DescribeDBInstancesCommand({
            Filters: [{ Name: 'db-instance-id', Values: chunk }],
            Marker: marker,
          }),
        );
        for (const d of r.DBInstances ?? [])
          out.push({
            kind,
            id: d.DBInstanceIdentifier ?? '',
            arn: d.DBInstanceArn ?? '',
            status: d.DBInstanceStatus ?? 'unknown',
            encrypted: Boolean(d.StorageEncrypted),
            engine: d.Engine,
            tags: (d.TagList ?? []).filter((t) => t.Key).map((t) => ({ Key: t.Key!, Value: t.Value ?? '' })),
            backupRetentionPeriod: d.BackupRetentionPeriod ?? 0,
            latestRestorableTime: d.LatestRestorableTime,
            clusterId: d.DBClusterIdentifier,
            replicationArns: (d.DBInstanceAutomatedBackupsReplications ?? [])
              .map((x) => x.DBInstanceAutomatedBackupsArn ?? '')
              .filter(Boolean),
            sizeGiB: d.AllocatedStorage,
          });
        marker = r.Marker;
      } else {
        const r = await rds.send(
          new DescribeDBClustersCommand({
            Filters: [{ Name: 'db-cluster-id', Values: chunk }],
            Marker: marker,
          }),
        );
        for (const c of r.DBClusters ?? [])
          out.push({
            kind,
            id: c.DBClusterIdentifier ?? '',
            arn: c.DBClusterArn ?? '',
            status: c.Status ?? 'unknown',
            encrypted: Boolean(c.StorageEncrypted),
            engine: c.Engine,
            tags: (c.TagList ?? []).filter((t) => t.Key).map((t) => ({ Key: t.Key!, Value: t.Value ?? '' })),
            backupRetentionPeriod: c.BackupRetentionPeriod ?? 0,
            latestRestorableTime: c.LatestRestorableTime,
            replicationArns: [],
            sizeGiB: c.AllocatedStorage,
          });
        marker = r.Marker;
      }
    } while (marker);
  }
  return out;
}

/**
 * Every manual snapshot of the kind in the client's region, with tags. DescribeDB*Snapshots has no
 * tag filter, so the TagList of each answer is used (and ListTagsForResource when it is missing).
 */
export async function listManualSnapshots(rds: Rds, kind: Kind): Promise<Snapshot[]> {
  const out: Snapshot[] = [];
  let marker: string | undefined;
  do {
    if (kind === 'instance') {
      const r = await rds.send(
        new DescribeDBSnapshotsCommand({ SnapshotType: 'manual', MaxRecords: 100, Marker: marker }),
      );
      for (const s of r.DBSnapshots ?? []) {
        const snap = fromInstanceSnapshot(s);
        if (!s.TagList && snap.arn) snap.tags = await listTags(rds, snap.arn);
        out.push(snap);
      }
      marker = r.Marker;
    } else {
      const r = await rds.send(
        new DescribeDBClusterSnapshotsCommand({ SnapshotType: 'manual', MaxRecords: 100, Marker: marker }),
      );
      for (const s of r.DBClusterSnapshots ?? []) {
        const snap = fromClusterSnapshot(s);
        if (!s.TagList && snap.arn) snap.tags = await listTags(rds, snap.arn);
        out.push(snap);
      }
      marker = r.Marker;
    }
  } while (marker);
  return out;
}

async function listTags(rds: Rds, arn: string): Promise<TagMap> {
  const r = await rds.send(new ListTagsForResourceCommand({ ResourceName: arn }));
  return tagMap(r.TagList);
}

/** One snapshot by identifier; a missing one throws the SDK's not-found error (for the waits' grace). */
export async function getSnapshot(rds: Rds, kind: Kind, id: string): Promise<Snapshot> {
  if (kind === 'instance') {
    const r = await rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: id }));
    const s = r.DBSnapshots?.[0];
    if (s) return fromInstanceSnapshot(s);
  } else {
    const r = await rds.send(new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: id }));
    const s = r.DBClusterSnapshots?.[0];
    if (s) return fromClusterSnapshot(s);
  }
  throw notFound(kind, id);
}

/** An empty answer to a describe by identifier, told like the API's own "not found". */
function notFound(kind: Kind, id: string): Error {
  const e = new Error(`${kind === 'instance' ? 'DB snapshot' : 'DB cluster snapshot'} ${id} not found`);
  e.name = kind === 'instance' ? 'DBSnapshotNotFoundFault' : 'DBClusterSnapshotNotFoundFault';
  return e;
}

export async function createSnapshot(
  rds: Rds,
  kind: Kind,
  database: string,
  id: string,
  tags: Tag[],
): Promise<Snapshot> {
  if (kind === 'instance') {
    const r = await rds.send(
      new CreateDBSnapshotCommand({ DBInstanceIdentifier: database, DBSnapshotIdentifier: id, Tags: tags }),
    );
    return fromInstanceSnapshot(r.DBSnapshot ?? { DBSnapshotIdentifier: id, Status: 'creating' });
  }
  const r = await rds.send(
    new CreateDBClusterSnapshotCommand({
      DBClusterIdentifier: database,
      DBClusterSnapshotIdentifier: id,
      Tags: tags,
    }),
  );
  return fromClusterSnapshot(r.DBClusterSnapshot ?? { DBClusterSnapshotIdentifier: id, Status: 'creating' });
}

/**
 * Copy a snapshot into the client's region. The source is given as its ARN, so the SDK adds the
 * presigned URL a cross-region copy needs; CopyTags carries the provenance tags over.
 */
export async function copySnapshot(
  rds: Rds,
  kind: Kind,
  sourceArn: string,
  targetId: string,
  kmsKeyId: string | undefined,
): Promise<Snapshot> {
  if (kind === 'instance') {
    const r = await rds.send(
      new CopyDBSnapshotCommand({
        SourceDBSnapshotIdentifier: sourceArn,
        TargetDBSnapshotIdentifier: targetId,
        KmsKeyId: kmsKeyId,
        CopyTags: true,
      }),
    );
    return fromInstanceSnapshot(r.DBSnapshot ?? { DBSnapshotIdentifier: targetId, Status: 'pending' });
  }
  const r = await rds.send(
    new CopyDBClusterSnapshotCommand({
      SourceDBClusterSnapshotIdentifier: sourceArn,
      TargetDBClusterSnapshotIdentifier: targetId,
      KmsKeyId: kmsKeyId,
      CopyTags: true,
    }),
  );
  return fromClusterSnapshot(
    r.DBClusterSnapshot ?? { DBClusterSnapshotIdentifier: targetId, Status: 'pending' },
  );
}

export async function deleteSnapshot(rds: Rds, kind: Kind, id: string): Promise<void> {
  if (kind === 'instance') await rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: id }));
  else await rds.send(new DeleteDBClusterSnapshotCommand({ DBClusterSnapshotIdentifier: id }));
}

/** The restore window of a replicated automated backup (in the client's region). */
export async function describeReplicatedBackup(
  rds: Rds,
  arn: string,
): Promise<{ latestTime?: Date; earliestTime?: Date; status?: string } | undefined> {
  const r = await rds.send(
    new DescribeDBInstanceAutomatedBackupsCommand({ DBInstanceAutomatedBackupsArn: arn }),
  );
  const b = r.DBInstanceAutomatedBackups?.[0];
  if (!b) return undefined;
  return {
    latestTime: b.RestoreWindow?.LatestTime,
    earliestTime: b.RestoreWindow?.EarliestTime,
    status: b.Status,
  };
}
