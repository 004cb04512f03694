import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeGlobalClustersCommand,
  type DBCluster,
  type DBInstance,
  type GlobalCluster,
  RDSClient,
} from '@aws-sdk/client-rds';
import { createClient, isNotFound } from '@oaktree/aws';

export type Rds = Pick<RDSClient, 'send'>;

/** One RDS client per region, made on first use (main and post each have their own). */
export function rdsFactory(action = 'dr-drill'): (region: string) => Rds {
  const clients = new Map<string, Rds>();
  return (region) => {
    let c = clients.get(region);
    if (!c) {
      c = createClient(RDSClient, { region, action });
      clients.set(region, c);
    }
    return c;
  };
}

export function httpStatus(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

/** The instance, or the "not found" error thrown (for waits that treat it as "not visible yet"). */
export async function mustDescribeInstance(rds: Rds, id: string): Promise<DBInstance> {
  const r = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
  const i = r.DBInstances?.[0];
  if (!i) throw Object.assign(new Error(`DB instance ${id} not found`), { name: 'DBInstanceNotFoundFault' });
  return i;
}

/** The cluster, or the "not found" error thrown. */
export async function mustDescribeCluster(rds: Rds, id: string): Promise<DBCluster> {
  const r = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }));
  const c = r.DBClusters?.[0];
  if (!c) throw Object.assign(new Error(`DB cluster ${id} not found`), { name: 'DBClusterNotFoundFault' });
  return c;
}

export async function describeInstance(rds: Rds, id: string): Promise<DBInstance | undefined> {
  try {
    return await mustDescribeInstance(rds, id);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export async function describeCluster(rds: Rds, id: string): Promise<DBCluster | undefined> {
  try {
    return await mustDescribeCluster(rds, id);
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

/** A cluster's writer endpoint; `port` when RDS names none. */
export function clusterEndpointOf(
  c: DBCluster | undefined,
  port = 5432,
): { host: string; port: number } | undefined {
  return c?.Endpoint ? { host: c.Endpoint, port: c.Port ?? port } : undefined;
}

export async function describeGlobal(rds: Rds, id: string): Promise<GlobalCluster | undefined> {
  return (await rds.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: id })))
    .GlobalClusters?.[0];
}
