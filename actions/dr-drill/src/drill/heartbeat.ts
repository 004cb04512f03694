import type { EngineDeps } from '../engine.js';
import { probeError, type Endpoint } from '../health.js';
import type { DrillConfig } from '../inputs.js';
import { fillEndpoint } from '../probes.js';
import { heartbeatRpo, type HeartbeatReading, type RpoFigure } from '../timeline.js';

/**
 * The heartbeat marker (heartbeat-table): written once on the source, stamped by the database clock,
 * and read back on the recovered copy. Without heartbeat-table both do nothing.
 */
export class HeartbeatMarker {
  /** When the marker was written (database clock). */
  markerAt?: number;
  /** The newest row before the marker: the copy must hold it if its restore point is later. */
  private previousAt?: number;
  /** What the recovered copy holds. */
  reading?: HeartbeatReading;
  /** Reading it on the recovered copy failed: the RPO figure that says so. */
  failure?: RpoFigure;

  constructor(
    private readonly cfg: DrillConfig,
    private readonly deps: EngineDeps,
    private readonly drillId: string,
    private readonly sourceUrl: string | undefined,
    private readonly transitions: Array<{ state: string; at: number }>,
  ) {}

  /** On the source: before the scenario, or where it places the marker (just before its move). */
  async write(): Promise<void> {
    const { cfg, deps } = this;
    if (!cfg.heartbeatTable || !this.sourceUrl || this.markerAt !== undefined) return;
    const url = this.sourceUrl;
    deps.mask(url);
    // None yet, or no table yet, on a first drill.
    this.previousAt = await deps.heartbeat
      .newest(url, cfg.heartbeatTable, cfg.probeTimeoutMs * 2)
      .catch(() => undefined);
    this.markerAt = await deps.heartbeat.write(url, cfg.heartbeatTable, this.drillId, cfg.probeTimeoutMs * 2);
    this.transitions.push({ state: 'heartbeat-marker', at: deps.now() });
    deps.log.info(
      `heartbeat marker written to ${cfg.heartbeatTable} on the source at ${new Date(this.markerAt).toISOString()} (database clock)`,
    );
  }

  /** On the recovered copy, once it answered. */
  async read(ep: Endpoint): Promise<void> {
    const { cfg, deps } = this;
    const markerAt = this.markerAt;
    if (!cfg.heartbeatTable || markerAt === undefined) return;
    const url = fillEndpoint(cfg.sqlConnection!, ep);
    deps.mask(url);
    try {
      const newestAt = await deps.heartbeat.newest(url, cfg.heartbeatTable, cfg.probeTimeoutMs * 2);
      this.reading = { markerAt, previousAt: this.previousAt, newestAt };
      deps.log.info(`  heartbeat: ${heartbeatRpo(markerAt, newestAt).detail}`);
    } catch (err) {
      this.failure = {
        method: 'heartbeat',
        upperBound: false,
        detail: `reading ${cfg.heartbeatTable} on the recovered database failed: ${probeError(err, [cfg.sqlConnection ?? ''])}`,
      };
      deps.log.info(`  heartbeat: ${this.failure.detail}`);
    }
  }
}
