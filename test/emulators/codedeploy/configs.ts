/**
 * Deployment configurations for the ECS compute platform, and how their traffic shifting maps onto
 * the emulator clock (one AWS minute lasts `minuteMs`).
 */

export interface TrafficRoutingConfig {
  type: 'AllAtOnce' | 'TimeBasedCanary' | 'TimeBasedLinear';
  timeBasedCanary?: { canaryPercentage: number; canaryInterval: number };
  timeBasedLinear?: { linearPercentage: number; linearInterval: number };
}

export interface DeploymentConfig {
  deploymentConfigId: string;
  deploymentConfigName: string;
  computePlatform: 'ECS' | 'Server' | 'Lambda';
  trafficRoutingConfig: TrafficRoutingConfig;
  createTime: number; // ms
  builtIn: boolean;
}

const BUILT_IN_CREATED = Date.UTC(2018, 10, 27) as number;

function builtIn(name: string, id: string, trafficRoutingConfig: TrafficRoutingConfig): DeploymentConfig {
  return {
    deploymentConfigId: id,
    deploymentConfigName: name,
    computePlatform: 'ECS',
    trafficRoutingConfig,
    createTime: BUILT_IN_CREATED,
    builtIn: true,
  };
}

/** The five built-in ECS configurations. */
export function builtInEcsConfigs(): DeploymentConfig[] {
  return [
    builtIn('CodeDeployDefault.ECSAllAtOnce', '00000000-0000-4000-8000-0000000ec500', { type: 'AllAtOnce' }),
    builtIn('CodeDeployDefault.ECSLinear10PercentEvery1Minutes', '00000000-0000-4000-8000-0000000ec501', {
      type: 'TimeBasedLinear',
      timeBasedLinear: { linearPercentage: 10, linearInterval: 1 },
    }),
    builtIn('CodeDeployDefault.ECSLinear10PercentEvery3Minutes', '00000000-0000-4000-8000-0000000ec502', {
      type: 'TimeBasedLinear',
      timeBasedLinear: { linearPercentage: 10, linearInterval: 3 },
    }),
    builtIn('CodeDeployDefault.ECSCanary10Percent5Minutes', '00000000-0000-4000-8000-0000000ec503', {
      type: 'TimeBasedCanary',
      timeBasedCanary: { canaryPercentage: 10, canaryInterval: 5 },
    }),
    builtIn('CodeDeployDefault.ECSCanary10Percent15Minutes', '00000000-0000-4000-8000-0000000ec504', {
      type: 'TimeBasedCanary',
      timeBasedCanary: { canaryPercentage: 10, canaryInterval: 15 },
    }),
  ];
}

export interface TrafficPlan {
  /** How long the AllowTraffic event lasts. */
  durationMs: number;
  /** Green weight (0..100) `t` ms after AllowTraffic started. */
  greenWeightAt(t: number): number;
}

/**
 * AllowTraffic on the emulator clock. The first increment moves at the start of the event; the event
 * ends one step after the last increment (all traffic on green).
 */
export function trafficPlan(cfg: TrafficRoutingConfig, stepMs: number, minuteMs: number): TrafficPlan {
  if (cfg.type === 'TimeBasedCanary' && cfg.timeBasedCanary) {
    const { canaryPercentage: p, canaryInterval: m } = cfg.timeBasedCanary;
    const wait = m * minuteMs;
    return { durationMs: wait + stepMs, greenWeightAt: (t) => (t < wait ? p : 100) };
  }
  if (cfg.type === 'TimeBasedLinear' && cfg.timeBasedLinear) {
    const { linearPercentage: p, linearInterval: m } = cfg.timeBasedLinear;
    const every = m * minuteMs;
    const steps = Math.ceil(100 / p);
    return {
      durationMs: (steps - 1) * every + stepMs,
      greenWeightAt: (t) => Math.min(100, p * (1 + Math.floor(Math.max(0, t) / Math.max(1, every)))),
    };
  }
  return { durationMs: stepMs, greenWeightAt: () => 100 };
}
