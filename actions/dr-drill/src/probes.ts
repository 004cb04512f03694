import { lookup as dnsLookup } from 'node:dns/promises';
import { Socket } from 'node:net';

/**
 * The raw probes a health check is made of, each bounded by its own timeout. The real ones use the
 * system resolver, a TCP socket, the `pg` / `mysql2` drivers and the built-in fetch; tests and the
 * benchmark inject their own.
 */
export interface Prober {
  lookup(host: string, timeoutMs: number): Promise<string>;
  tcp(host: string, port: number, timeoutMs: number): Promise<void>;
  sql(url: string, query: string, timeoutMs: number): Promise<void>;
  http(url: string, timeoutMs: number): Promise<number>;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms}ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export function isMysql(url: string): boolean {
  return url.startsWith('mysql:');
}

async function pgClient(url: string, timeoutMs: number) {
  const pg = (await import('pg')).default;
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    statement_timeout: timeoutMs,
    application_name: 'oaktree-dr-drill',
  });
  client.on('error', () => undefined); // a dropped connection must not crash the drill
  await client.connect();
  return client;
}

async function mysqlConnection(url: string, timeoutMs: number) {
  const mysql = (await import('mysql2/promise')).default;
  return mysql.createConnection({ uri: url, connectTimeout: timeoutMs });
}

/** Run a query on a fresh connection and return the rows; the connection is always closed. */
export async function runQuery(
  url: string,
  sql: string,
  params: unknown[],
  timeoutMs: number,
): Promise<Array<Record<string, unknown>>> {
  if (isMysql(url)) {
    const conn = await withTimeout(mysqlConnection(url, timeoutMs), timeoutMs + 500, 'mysql connect');
    try {
      const [rows] = await conn.query({ sql, values: params, timeout: timeoutMs });
      return Array.isArray(rows) ? (rows as Array<Record<string, unknown>>) : [];
    } finally {
      conn.destroy();
    }
  }
  const client = await withTimeout(pgClient(url, timeoutMs), timeoutMs + 500, 'postgres connect');
  try {
    const r = await withTimeout(client.query(sql, params), timeoutMs + 500, 'query');
    return r.rows as Array<Record<string, unknown>>;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const realProber: Prober = {
  async lookup(host, timeoutMs) {
    const r = await withTimeout(dnsLookup(host), timeoutMs, `DNS lookup of ${host}`);
    return r.address;
  },
  tcp(host, port, timeoutMs) {
    return new Promise((resolve, reject) => {
      const s = new Socket();
      const done = (err?: Error) => {
        s.destroy();
        if (err) reject(err);
        else resolve();
      };
      s.setTimeout(timeoutMs, () =>
        done(new Error(`TCP connect to ${host}:${port} timed out after ${timeoutMs}ms`)),
      );
      s.once('error', (e) => done(e));
      s.connect(port, host, () => done());
    });
  },
  async sql(url, query, timeoutMs) {
    await runQuery(url, query, [], timeoutMs);
  },
  async http(url, timeoutMs) {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    await res.body?.cancel().catch(() => undefined);
    return res.status;
  },
};

/** Fill `{host}` and `{port}` of a URL template with the recovered endpoint. */
export function fillEndpoint(template: string, endpoint: { host: string; port: number }): string {
  return template.replace(/\{host\}/g, endpoint.host).replace(/\{port\}/g, String(endpoint.port));
}

/** Host and port a URL connects to. */
export function urlTarget(url: string): { host: string; port: number } {
  const u = new URL(url);
  const defaults: Record<string, number> = {
    'postgres:': 5432,
    'postgresql:': 5432,
    'mysql:': 3306,
    'http:': 80,
    'https:': 443,
  };
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : (defaults[u.protocol] ?? 0),
  };
}

/** A URL for log lines: scheme, host, port and path only, never the credentials or query. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
}
