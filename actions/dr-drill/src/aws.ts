import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  type DBCluster,
  type DBInstance,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { isNotFound } from '@oaktree/aws';

export type Rds = Pick<RDSClient, 'send'>;

export function httpStatus(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

export async function describeInstance(rds: Rds, id: string): Promise<DBInstance | undefined> {
  try {
    const r = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
    return r.DBInstances?.[0];
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export async function describeCluster(rds: Rds, id: string): Promise<DBCluster | undefined> {
  try {
    const r = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }));
    return r.DBClusters?.[0];
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export async function listInstances(rds: Rds): Promise<DBInstance[]> {
  const out: DBInstance[] = [];
  let Marker: string | undefined;
  do {
    const r = await rds.send(new DescribeDBInstancesCommand({ Marker, MaxRecords: 100 }));
    out.push(...(r.DBInstances ?? []));
    Marker = r.Marker;
  } while (Marker);
  return out;
}

export async function listClusters(rds: Rds): Promise<DBCluster[]> {
  const out: DBCluster[] = [];
  let Marker: string | undefined;
  do {
    const r = await rds.send(new DescribeDBClustersCommand({ Marker, MaxRecords: 100 }));
    out.push(...(r.DBClusters ?? []));
    Marker = r.Marker;
  } while (Marker);
  return out;
}

export function endpointOf(i: DBInstance | undefined): { host: string; port: number } | undefined {
  return i?.Endpoint?.Address ? { host: i.Endpoint.Address, port: i.Endpoint.Port ?? 5432 } : undefined;
}
