import {
  DescribeDBClusterSnapshotsCommand,
  DescribeDBSnapshotsCommand,
  type DBClusterSnapshot,
  type DBSnapshot,
} from '@aws-sdk/client-rds';
import { ConfigurationError } from '@oaktree/action-kit';
import { isNotFound, SNAPSHOT_TAG } from '@oaktree/aws';
import type { Rds } from './aws.js';
import { tagValue, type Tag } from './tags.js';

/** A snapshot as the picker sees it (instance or cluster). */
export interface SnapshotInfo {
  id: string;
  arn: string;
  kind: 'instance' | 'cluster';
  status: string;
  type: string;
  sourceDb?: string;
  sourceSnapshotArn?: string;
  sourceRegion?: string;
  /** When the data was captured (the original time for copies). */
  takenAt?: Date;
  tags: Tag[];
  engine?: string;
  engineVersion?: string;
}

// rds-snapshot's provenance tags on its snapshots and copies (the shared contract in @oaktree/aws).
const TAG_SOURCE_DB = SNAPSHOT_TAG.sourceDb;
const TAG_SOURCE_REGION = SNAPSHOT_TAG.sourceRegion;

export function fromDbSnapshot(s: DBSnapshot): SnapshotInfo {
  return {
    id: s.DBSnapshotIdentifier ?? '',
    arn: s.DBSnapshotArn ?? '',
    kind: 'instance',
    status: s.Status ?? '',
    type: s.SnapshotType ?? '',
    sourceDb: s.DBInstanceIdentifier,
    sourceSnapshotArn: s.SourceDBSnapshotIdentifier,
    sourceRegion: s.SourceRegion,
    takenAt:
      (s.OriginalSnapshotCreateTime ?? s.SnapshotCreateTime)
        ? new Date((s.OriginalSnapshotCreateTime ?? s.SnapshotCreateTime)!)
        : undefined,
    tags: s.TagList ?? [],
    engine: s.Engine,
    engineVersion: s.EngineVersion,
  };
}

export function fromClusterSnapshot(s: DBClusterSnapshot): SnapshotInfo {
  return {
    id: s.DBClusterSnapshotIdentifier ?? '',
    arn: s.DBClusterSnapshotArn ?? '',
    kind: 'cluster',
    status: s.Status ?? '',
    type: s.SnapshotType ?? '',
    sourceDb: s.DBClusterIdentifier,
    sourceSnapshotArn: s.SourceDBClusterSnapshotArn,
    takenAt: s.SnapshotCreateTime ? new Date(s.SnapshotCreateTime) : undefined,
    tags: s.TagList ?? [],
    engine: s.Engine,
    engineVersion: s.EngineVersion,
  };
}

/**
 * Is this snapshot (found in the DR region) a snapshot of the source? Same region: a manual snapshot
 * whose DB identifier is the source. Another region: a copy, recognised by rds-snapshot's
 * `oaktree:source-db` tag or by a source snapshot ARN in the source region whose DB identifier matches.
 */
export function isSnapshotOf(
  s: SnapshotInfo,
  sourceId: string,
  sourceRegion: string,
  drRegion: string,
): boolean {
  if (s.type !== 'manual') return false;
  // rds-snapshot also records the source region: a same-named database elsewhere is not the source.
  const taggedRegion = tagValue(s.tags, TAG_SOURCE_REGION);
  if (taggedRegion && taggedRegion !== sourceRegion) return false;
  if (sourceRegion === drRegion)
    return s.sourceDb === sourceId || tagValue(s.tags, TAG_SOURCE_DB) === sourceId;
  if (tagValue(s.tags, TAG_SOURCE_DB) === sourceId) return true;
  const copiedFrom = s.sourceSnapshotArn ?? '';
  const fromSourceRegion = copiedFrom.includes(`:${sourceRegion}:`) || s.sourceRegion === sourceRegion;
  return fromSourceRegion && s.sourceDb === sourceId;
}

/** The newest available snapshot among those of the source. */
export function pickNewest(
  snaps: SnapshotInfo[],
  sourceId: string,
  sourceRegion: string,
  drRegion: string,
): SnapshotInfo | undefined {
  return snaps
    .filter((s) => s.status === 'available' && s.takenAt && isSnapshotOf(s, sourceId, sourceRegion, drRegion))
    .sort((a, b) => b.takenAt!.getTime() - a.takenAt!.getTime() || a.id.localeCompare(b.id))[0];
}

async function listSnapshots(
  rds: Rds,
  kind: 'instance' | 'cluster',
  sourceId: string,
  sameRegion: boolean,
): Promise<SnapshotInfo[]> {
  const out: SnapshotInfo[] = [];
  let Marker: string | undefined;
  do {
    if (kind === 'instance') {
      const r = await rds.send(
        new DescribeDBSnapshotsCommand({
          DBInstanceIdentifier: sameRegion ? sourceId : undefined,
          SnapshotType: 'manual',
          Marker,
          MaxRecords: 100,
        }),
      );
      out.push(...(r.DBSnapshots ?? []).map(fromDbSnapshot));
      Marker = r.Marker;
    } else {
      const r = await rds.send(
        new DescribeDBClusterSnapshotsCommand({
          DBClusterIdentifier: sameRegion ? sourceId : undefined,
          SnapshotType: 'manual',
          Marker,
          MaxRecords: 100,
        }),
      );
      out.push(...(r.DBClusterSnapshots ?? []).map(fromClusterSnapshot));
      Marker = r.Marker;
    }
  } while (Marker);
  return out;
}

/** Find the snapshot to restore in the DR region; a ConfigurationError when there is none. */
export async function findSnapshot(
  rds: Rds,
  opts: {
    kind: 'instance' | 'cluster';
    sourceId: string;
    sourceRegion: string;
    drRegion: string;
    explicit?: string;
  },
): Promise<SnapshotInfo> {
  if (opts.explicit) {
    let found: SnapshotInfo | undefined;
    try {
      if (opts.kind === 'instance') {
        const r = await rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: opts.explicit }));
        found = r.DBSnapshots?.[0] && fromDbSnapshot(r.DBSnapshots[0]);
      } else {
        const r = await rds.send(
          new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: opts.explicit }),
        );
        found = r.DBClusterSnapshots?.[0] && fromClusterSnapshot(r.DBClusterSnapshots[0]);
      }
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    if (!found)
      throw new ConfigurationError(
        `input "snapshot-identifier" is "${opts.explicit}": no such ${opts.kind === 'cluster' ? 'cluster ' : ''}snapshot in ${opts.drRegion}`,
        'snapshot-identifier',
      );
    if (found.status !== 'available')
      throw new ConfigurationError(
        `input "snapshot-identifier" is "${opts.explicit}": the snapshot is ${found.status}, not available`,
        'snapshot-identifier',
      );
    return found;
  }
  const same = opts.sourceRegion === opts.drRegion;
  const snap = pickNewest(
    await listSnapshots(rds, opts.kind, opts.sourceId, same),
    opts.sourceId,
    opts.sourceRegion,
    opts.drRegion,
  );
  if (!snap)
    throw new ConfigurationError(
      `input "snapshot-identifier" is empty and ${opts.drRegion} has no available manual snapshot of ${opts.sourceId}` +
        (same ? '' : ` copied from ${opts.sourceRegion}`) +
        ': take one (the rds-snapshot action, with copy-to-regions for another region) or name one in snapshot-identifier',
      'snapshot-identifier',
    );
  return snap;
}
