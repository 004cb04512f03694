import { ConfigurationError } from '@oaktree/action-kit';
import type { DrillConfig, Scenario as ScenarioName } from './inputs.js';
import { clusterFailover } from './scenarios/cluster-failover.js';
import { globalSwitchover } from './scenarios/global-switchover.js';
import { pitrRestore } from './scenarios/pitr-restore.js';
import { replicaPromote } from './scenarios/replica-promote.js';
import type { Scenario } from './scenarios/scenario.js';
import { snapshotRestore } from './scenarios/snapshot-restore.js';

export type { Checked, Scenario } from './scenarios/scenario.js';

/** Every scenario by its name: a new scenario is one module under scenarios/ and one line here. */
export const SCENARIO_REGISTRY: Record<ScenarioName, Scenario> = {
  'pitr-restore': pitrRestore,
  'snapshot-restore': snapshotRestore,
  'replica-promote': replicaPromote,
  'cluster-failover': clusterFailover,
  'global-switchover': globalSwitchover,
};

/** The scenario the inputs name, for the kind of source they name. */
export function scenarioFor(cfg: DrillConfig): Scenario {
  const s = SCENARIO_REGISTRY[cfg.scenario];
  // inputs.ts checks the same before the drill; this keeps a scenario from ever seeing a wrong source.
  if (!s.sources.includes(cfg.source.kind))
    throw new ConfigurationError(
      `scenario ${s.name} needs ${s.sources.map((k) => `source-db-${k}`).join(' or ')}`,
      `source-db-${cfg.source.kind}`,
    );
  return s;
}
