import { isMysql, runQuery } from './probes.js';

/**
 * Data-level RPO. Before the drill the marker row is inserted on the source, stamped by the database
 * clock (`now()`), so client clock skew does not enter the figure. After recovery the newest row on the
 * recovered database tells how much recent data the recovery would have lost.
 */
export interface HeartbeatStore {
  write(url: string, table: string, drillId: string, timeoutMs: number): Promise<number>;
  newest(url: string, table: string, timeoutMs: number): Promise<number | undefined>;
  /** PostgreSQL: the source's current WAL position. */
  walPosition(url: string, timeoutMs: number): Promise<string | undefined>;
  /** PostgreSQL replica: the WAL position replayed and the age of the last replayed transaction (ms). */
  replayPosition(url: string, timeoutMs: number): Promise<{ lsn?: string; sinceLastReplayMs?: number }>;
}

function num(v: unknown): number | undefined {
  if (v === null || v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

export const sqlHeartbeat: HeartbeatStore = {
  async write(url, table, drillId, timeoutMs) {
    if (isMysql(url)) {
      await runQuery(
        url,
        `create table if not exists ${table} (drill_id varchar(128) not null, written_at timestamp(6) not null default current_timestamp(6))`,
        [],
        timeoutMs,
      );
      await runQuery(
        url,
        `insert into ${table} (drill_id, written_at) values (?, current_timestamp(6))`,
        [drillId],
        timeoutMs,
      );
      const rows = await runQuery(
        url,
        `select unix_timestamp(max(written_at)) * 1000 as at from ${table} where drill_id = ?`,
        [drillId],
        timeoutMs,
      );
      const at = num(rows.at(-1)?.at);
      if (at === undefined) throw new Error(`the heartbeat row in ${table} could not be read back`);
      return at;
    }
    await runQuery(
      url,
      `create table if not exists ${table} (drill_id text not null, written_at timestamptz not null default now())`,
      [],
      timeoutMs,
    );
    const rows = await runQuery(
      url,
      `insert into ${table} (drill_id, written_at) values ($1, now()) returning extract(epoch from written_at) * 1000 as at`,
      [drillId],
      timeoutMs,
    );
    const at = num(rows[0]?.at);
    if (at === undefined) throw new Error(`the heartbeat row in ${table} could not be read back`);
    return at;
  },
  async newest(url, table, timeoutMs) {
    const sql = isMysql(url)
      ? `select unix_timestamp(max(written_at)) * 1000 as at from ${table}`
      : `select extract(epoch from max(written_at)) * 1000 as at from ${table}`;
    const rows = await runQuery(url, sql, [], timeoutMs);
    return num(rows[0]?.at);
  },
  async walPosition(url, timeoutMs) {
    const rows = await runQuery(url, 'select pg_current_wal_lsn()::text as lsn', [], timeoutMs);
    return rows[0]?.lsn ? String(rows[0].lsn) : undefined;
  },
  async replayPosition(url, timeoutMs) {
    const rows = await runQuery(
      url,
      'select pg_last_wal_replay_lsn()::text as lsn, extract(epoch from now() - pg_last_xact_replay_timestamp()) * 1000 as lag',
      [],
      timeoutMs,
    );
    return { lsn: rows[0]?.lsn ? String(rows[0].lsn) : undefined, sinceLastReplayMs: num(rows[0]?.lag) };
  },
};
