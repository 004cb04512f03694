import { ConfigurationError, Inputs } from '@oaktree/action-kit';
import { SCENARIOS, readConfig, type DrillConfig } from './inputs.js';
import { SCENARIO_REGISTRY, scenarioFor } from './scenarios.js';
import { config } from './testing.js';

const env = { AWS_REGION: 'us-east-1', GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '7' };

/** The inputs of `scenario` on a source of `kind`, otherwise valid for that scenario. */
function inputsFor(scenario: string, kind: 'instance' | 'cluster'): Record<string, string> {
  const moves = scenario === 'cluster-failover' || scenario === 'global-switchover';
  return {
    scenario,
    [`source-db-${kind}`]: 'orders',
    'rto-objective': '30m',
    'rpo-objective': '15m',
    ...(moves ? { 'allow-disruption': 'true' } : {}),
    ...(scenario === 'global-switchover' ? { 'dr-region': 'us-west-2' } : {}),
  };
}

test('every scenario of the inputs is registered under its own name', () => {
  expect(Object.keys(SCENARIO_REGISTRY).sort()).toEqual([...SCENARIOS].sort());
  for (const [name, s] of Object.entries(SCENARIO_REGISTRY)) expect(s.name).toBe(name);
});

test.each(SCENARIOS.flatMap((s) => (['instance', 'cluster'] as const).map((k) => [s, k] as const)))(
  '%s with source-db-%s: the registry and the inputs agree whether it runs',
  (scenario, kind) => {
    const accepts = SCENARIO_REGISTRY[scenario].sources.includes(kind);
    let cfg: DrillConfig | undefined;
    let error: unknown;
    try {
      cfg = readConfig(new Inputs((n) => inputsFor(scenario, kind)[n] ?? ''), env);
    } catch (err) {
      error = err;
    }
    if (accepts) {
      expect(error).toBeUndefined();
      expect(scenarioFor(cfg!)).toBe(SCENARIO_REGISTRY[scenario]);
    } else {
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toMatch(/does not fit scenario/);
    }
  },
);

test('a source the scenario does not take never reaches its preflight', () => {
  const cfg = config({ scenario: 'replica-promote', source: { kind: 'cluster', id: 'ledger' } });
  expect(() => scenarioFor(cfg)).toThrow(ConfigurationError);
  expect(() => scenarioFor(cfg)).toThrow('scenario replica-promote needs source-db-instance');
});
