import { ConfigurationError } from '@oaktree/action-kit';
import type { EngineDeps } from './engine.js';
import { probeError, type Endpoint } from './health.js';
import type { DrillConfig } from './inputs.js';
import { describeUrl, fillEndpoint } from './probes.js';

/** Errors that say the source cannot be reached from here, as opposed to a wrong URL or password. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

export function unreachable(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return UNREACHABLE.has(e?.code ?? '') || /timed out/i.test(e?.message ?? '');
}

/**
 * The source's connection URL for the heartbeat and the preflight: source-sql-connection, or
 * sql-connection with the source's endpoint filled in. Undefined when sql-connection needs an endpoint
 * the source does not have.
 */
export function sourceConnection(
  cfg: DrillConfig,
  sourceEndpoint: Endpoint | undefined,
): { url: string; input: string } | undefined {
  if (cfg.sourceSqlConnection) return { url: cfg.sourceSqlConnection, input: 'source-sql-connection' };
  if (!cfg.sqlConnection) return undefined;
  if (/\{host\}|\{port\}/.test(cfg.sqlConnection) && !sourceEndpoint) return undefined;
  return {
    url: fillEndpoint(cfg.sqlConnection, sourceEndpoint ?? { host: '', port: 0 }),
    input: 'sql-connection',
  };
}

/**
 * Before anything is created: run `select 1` on the source through the connection the drill will use
 * (the recovered copy has the source's users and passwords), bounded by probe-timeout. A wrong URL,
 * user, password or database fails here with a ConfigurationError instead of hours later on the
 * recovered copy. The heartbeat must reach the source anyway, so with heartbeat-table any failure is
 * fatal; for a sql health check alone the runner may not reach the source (another region, another
 * network), so a source that cannot be reached is a warning, and the check happens after the restore.
 */
export async function checkSqlConnection(
  cfg: DrillConfig,
  sourceEndpoint: Endpoint | undefined,
  deps: Pick<EngineDeps, 'prober' | 'mask' | 'log'>,
): Promise<void> {
  if (!cfg.heartbeatTable && cfg.healthCheck !== 'sql') return;
  const conn = sourceConnection(cfg, sourceEndpoint);
  if (!conn) {
    deps.log.info(
      `sql-connection not checked before the drill: ${cfg.source.id} has no endpoint to fill it with`,
    );
    return;
  }
  deps.mask(conn.url);
  const where = describeUrl(conn.url);
  try {
    await deps.prober.sql(conn.url, 'select 1', cfg.probeTimeoutMs);
  } catch (err) {
    const why = probeError(err, [conn.url, cfg.sqlConnection ?? '', cfg.sourceSqlConnection ?? '']);
    if (!cfg.heartbeatTable && unreachable(err)) {
      deps.log.warning(
        `could not reach the source at ${where} to check ${conn.input} before the drill (${why}); it is checked on the recovered database`,
      );
      return;
    }
    throw new ConfigurationError(
      `input "${conn.input}" failed on the source (${where}) before anything was created: ${why}`,
      conn.input,
    );
  }
  deps.log.info(`${conn.input} works on the source (${where}): select 1 passed`);
}
