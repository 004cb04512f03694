import type { DrillContext, EngineDeps } from '../engine.js';
import type { Endpoint } from '../health.js';
import type { DrillConfig, Scenario as ScenarioName } from '../inputs.js';

export type SourceKind = DrillConfig['source']['kind'];

/** What a scenario's preflight checked and found. Nothing has been created or moved yet. */
export interface Checked<F> {
  /** One line saying what will happen. */
  summary: string;
  /** The source's endpoint, for the SQL preflight and the heartbeat marker. */
  sourceEndpoint?: Endpoint;
  /** Everything `recover` needs (clients, the source as described, parity, snapshot, backup). */
  found: F;
}

/**
 * One drill scenario, one module under src/scenarios/ and one line in the registry (scenarios.ts).
 *
 * The driver (drill.ts) runs it in this order, data flowing one way:
 *  1. `preflight` reads (describe calls only) and fails with a ConfigurationError on anything wrong;
 *  2. the driver writes the heartbeat marker on the source, unless `placesMarker`;
 *  3. `recover(ctx, found)` creates or moves, waits until the recovered database answers its health
 *     check (recoverLeg), and reports into ctx.result as it goes: the legs with their phases, the RPO
 *     figure with its method (ctx.result.rpoBound), notes, the endpoint. Filled in as it goes, a failed
 *     or cancelled drill still reports what happened. It calls ctx.onRecovered(endpoint) once the
 *     copy answers, which reads the heartbeat there;
 *  4. the driver reconciles the RPO with the heartbeat, judges, and cleans up. What a scenario creates
 *     is recorded before the create call (createOnce) and tagged; a writer it moves is owed back
 *     (ctx.inflight.oweFailback). Cleanup, here and in the post step, works from those alone.
 */
export interface Scenario<F = unknown> {
  name: ScenarioName;
  /** The kinds of source it runs on; inputs.ts enforces the same table (registry test). */
  sources: readonly SourceKind[];
  /** `recover` writes the heartbeat marker itself (ctx.writeMarker), just before its move. */
  placesMarker?: boolean;
  preflight(cfg: DrillConfig, deps: EngineDeps): Promise<Checked<F>>;
  recover(ctx: DrillContext, found: F): Promise<void>;
}
