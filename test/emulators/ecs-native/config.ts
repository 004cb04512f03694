/**
 * The ECS-native blue/green deployment configuration as the ECS API reference describes it: the
 * strategies, lifecycle stages, hooks, alarms and linear/canary settings, checked the way
 * CreateService/UpdateService would check them (InvalidParameterException), and the production
 * traffic plan each strategy follows.
 */
import { fail } from '../codedeploy/errors.js';

/** ServiceDeployment.lifecycleStage values, in the order a deployment passes them. */
export const STAGES = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
  'BAKE_TIME',
  'CLEAN_UP',
] as const;
export type Stage = (typeof STAGES)[number];

/** DeploymentLifecycleHook.lifecycleStages values (SCALE_UP, BAKE_TIME and CLEAN_UP take no hook). */
export const HOOK_STAGES = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
] as const;
/** PAUSE hooks cannot be configured at these stages (reference: AWS_LAMBDA only). */
const LAMBDA_ONLY_STAGES = new Set(['TEST_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT']);

/** The strategies this emulator runs; ROLLING services are left to moto. */
export const NATIVE_STRATEGIES = ['BLUE_GREEN', 'LINEAR', 'CANARY'] as const;
export type NativeStrategy = (typeof NATIVE_STRATEGIES)[number];
const ALL_STRATEGIES = ['ROLLING', ...NATIVE_STRATEGIES];

const MAX_MINUTES = 1440;
/** DeploymentLifecycleHookTimeoutConfiguration: timeoutInMinutes 1-20160, default 1440, action default ROLLBACK */
const MAX_HOOK_TIMEOUT_MINUTES = 20160;
const DEFAULT_HOOK_TIMEOUT_MINUTES = 1440;

export type HookAction = 'CONTINUE' | 'ROLLBACK';
export const isHookAction = (v: unknown): v is HookAction => v === 'CONTINUE' || v === 'ROLLBACK';

export interface Hook {
  targetType: 'AWS_LAMBDA' | 'PAUSE';
  hookTargetArn?: string;
  roleArn?: string;
  lifecycleStages: string[];
  /** with the defaults filled in (only PAUSE hooks wait for it here: Lambda functions are not invoked) */
  timeoutConfiguration: { timeoutInMinutes: number; action: HookAction };
}
export interface Alarms {
  alarmNames: string[];
  enable: boolean;
  rollback: boolean;
}
export interface NativeConfig {
  strategy: NativeStrategy;
  bakeTimeInMinutes: number;
  alarms?: Alarms;
  hooks: Hook[];
  linear?: { stepPercent: number; stepBakeTimeInMinutes: number };
  canary?: { canaryPercent: number; canaryBakeTimeInMinutes: number };
  /** the deploymentConfiguration as answered (what was given, with the defaults filled in) */
  raw: Record<string, unknown>;
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const invalid = (message: string): never => fail('InvalidParameterException', message);

export function isNativeStrategy(v: unknown): v is NativeStrategy {
  return typeof v === 'string' && (NATIVE_STRATEGIES as readonly string[]).includes(v);
}

function minutes(v: unknown, field: string, dflt?: number): number {
  if (v === undefined || v === null) {
    if (dflt === undefined) return invalid(`${field} is required for this deployment strategy.`);
    return dflt;
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_MINUTES) {
    return invalid(`${field} must be a whole number of minutes from 0 to ${MAX_MINUTES}.`);
  }
  return v;
}

/** a multiple of 0.1 within [min, 100] */
function percent(v: unknown, field: string, min: number, dflt: number): number {
  if (v === undefined || v === null) return dflt;
  const tenths = typeof v === 'number' ? Math.round(v * 10) : NaN;
  if (typeof v !== 'number' || Math.abs(v * 10 - tenths) > 1e-6 || v < min || v > 100) {
    return invalid(`${field} must be a multiple of 0.1 from ${min} to 100.0.`);
  }
  return v;
}

function parseTimeout(v: unknown, at: string): Hook['timeoutConfiguration'] {
  if (v === undefined || v === null) {
    return { timeoutInMinutes: DEFAULT_HOOK_TIMEOUT_MINUTES, action: 'ROLLBACK' };
  }
  if (!isObject(v)) return invalid(`${at}.timeoutConfiguration must be an object.`);
  const minutes = v.timeoutInMinutes ?? DEFAULT_HOOK_TIMEOUT_MINUTES;
  if (
    typeof minutes !== 'number' ||
    !Number.isInteger(minutes) ||
    minutes < 1 ||
    minutes > MAX_HOOK_TIMEOUT_MINUTES
  ) {
    return invalid(
      `${at}.timeoutConfiguration.timeoutInMinutes must be a whole number from 1 to ${MAX_HOOK_TIMEOUT_MINUTES}.`,
    );
  }
  const action = v.action ?? 'ROLLBACK';
  if (!isHookAction(action))
    return invalid(`${at}.timeoutConfiguration.action must be CONTINUE or ROLLBACK.`);
  return { timeoutInMinutes: minutes, action };
}

function parseHooks(v: unknown, strategy: NativeStrategy): Hook[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return invalid('deploymentConfiguration.lifecycleHooks must be a list.');
  return v.map((h, i) => {
    const at = `deploymentConfiguration.lifecycleHooks[${i}]`;
    if (!isObject(h)) return invalid(`${at} must be an object.`);
    const targetType = h.targetType ?? 'AWS_LAMBDA';
    if (targetType !== 'AWS_LAMBDA' && targetType !== 'PAUSE') {
      return invalid(`${at}.targetType must be AWS_LAMBDA or PAUSE.`);
    }
    const stages = h.lifecycleStages;
    if (!Array.isArray(stages) || stages.length === 0) {
      return invalid(`${at}.lifecycleStages must list at least one lifecycle stage.`);
    }
    for (const s of stages) {
      if (!(HOOK_STAGES as readonly unknown[]).includes(s)) {
        return invalid(`${at}.lifecycleStages: ${String(s)} is not a lifecycle stage a hook can run at.`);
      }
      if (targetType === 'PAUSE' && LAMBDA_ONLY_STAGES.has(s as string)) {
        return invalid(`${at}: PAUSE hooks cannot be configured at ${String(s)}.`);
      }
    }
    const timeoutConfiguration = parseTimeout(h.timeoutConfiguration, at);
    if (targetType === 'PAUSE') {
      if (h.hookTargetArn !== undefined || h.roleArn !== undefined) {
        return invalid(`${at}: a PAUSE hook takes no hookTargetArn or roleArn.`);
      }
      if (strategy !== 'BLUE_GREEN' && stages.includes('PRE_PRODUCTION_TRAFFIC_SHIFT')) {
        // ECS pauses before every traffic shift step of a LINEAR/CANARY deployment; we pause only once
        fail(
          'UnsupportedFeatureException',
          `${at}: a PAUSE hook at PRE_PRODUCTION_TRAFFIC_SHIFT of a ${strategy} deployment (a pause before every step) is not emulated (see the emulator README).`,
        );
      }
      return { targetType, lifecycleStages: stages as string[], timeoutConfiguration };
    }
    if (typeof h.hookTargetArn !== 'string' || !h.hookTargetArn.startsWith('arn:')) {
      return invalid(`${at}.hookTargetArn must be the ARN of the Lambda function.`);
    }
    if (h.roleArn !== undefined && (typeof h.roleArn !== 'string' || !h.roleArn.startsWith('arn:'))) {
      return invalid(`${at}.roleArn must be an IAM role ARN.`);
    }
    return {
      targetType,
      hookTargetArn: h.hookTargetArn,
      roleArn: h.roleArn as string | undefined,
      lifecycleStages: stages as string[],
      timeoutConfiguration,
    };
  });
}

function parseAlarms(v: unknown): Alarms | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) return invalid('deploymentConfiguration.alarms must be an object.');
  const { alarmNames, enable, rollback } = v;
  if (!Array.isArray(alarmNames) || alarmNames.some((n) => typeof n !== 'string' || n === '')) {
    return invalid('deploymentConfiguration.alarms.alarmNames must be a list of alarm names.');
  }
  if (typeof enable !== 'boolean' || typeof rollback !== 'boolean') {
    return invalid('deploymentConfiguration.alarms needs enable and rollback (true or false).');
  }
  return { alarmNames: alarmNames as string[], enable, rollback };
}

/**
 * Parse a deploymentConfiguration whose strategy is BLUE_GREEN, LINEAR or CANARY. Throws
 * InvalidParameterException naming the field on anything the API would reject.
 */
export function parseNativeConfig(raw: Record<string, unknown>): NativeConfig {
  const strategy = raw.strategy;
  if (!isNativeStrategy(strategy)) {
    return invalid(`deploymentConfiguration.strategy must be one of ${ALL_STRATEGIES.join(', ')}.`);
  }
  if (raw.linearConfiguration !== undefined && strategy !== 'LINEAR') {
    invalid('deploymentConfiguration.linearConfiguration is only valid with the LINEAR strategy.');
  }
  if (raw.canaryConfiguration !== undefined && strategy !== 'CANARY') {
    invalid('deploymentConfiguration.canaryConfiguration is only valid with the CANARY strategy.');
  }
  const bakeTimeInMinutes = minutes(
    raw.bakeTimeInMinutes,
    'deploymentConfiguration.bakeTimeInMinutes',
    strategy === 'BLUE_GREEN' ? undefined : 0,
  );
  const cfg: NativeConfig = {
    strategy,
    bakeTimeInMinutes,
    alarms: parseAlarms(raw.alarms),
    hooks: parseHooks(raw.lifecycleHooks, strategy),
    raw: { ...raw, bakeTimeInMinutes },
  };
  if (strategy === 'LINEAR') {
    const l = raw.linearConfiguration ?? {};
    if (!isObject(l)) return invalid('deploymentConfiguration.linearConfiguration must be an object.');
    cfg.linear = {
      stepPercent: percent(l.stepPercent, 'linearConfiguration.stepPercent', 3, 10),
      stepBakeTimeInMinutes: minutes(l.stepBakeTimeInMinutes, 'linearConfiguration.stepBakeTimeInMinutes', 6),
    };
    cfg.raw.linearConfiguration = cfg.linear;
  }
  if (strategy === 'CANARY') {
    const c = raw.canaryConfiguration ?? {};
    if (!isObject(c)) return invalid('deploymentConfiguration.canaryConfiguration must be an object.');
    cfg.canary = {
      canaryPercent: percent(c.canaryPercent, 'canaryConfiguration.canaryPercent', 0.1, 5),
      canaryBakeTimeInMinutes: minutes(
        c.canaryBakeTimeInMinutes,
        'canaryConfiguration.canaryBakeTimeInMinutes',
        10,
      ),
    };
    cfg.raw.canaryConfiguration = cfg.canary;
  }
  return cfg;
}

/**
 * A blue/green service behind a load balancer names, per entry, the alternate target group, the
 * production listener rule and the role ECS uses to change them (the test listener rule is
 * optional). A service without load balancers is headless and shifts no traffic.
 */
export function checkLoadBalancers(v: unknown): void {
  if (v === undefined || v === null) return;
  if (!Array.isArray(v)) invalid('loadBalancers must be a list.');
  (v as unknown[]).forEach((lb, i) => {
    if (!isObject(lb)) return invalid(`loadBalancers[${i}] must be an object.`);
    if (lb.targetGroupArn === undefined) return;
    const adv = lb.advancedConfiguration;
    const at = `loadBalancers[${i}].advancedConfiguration`;
    if (!isObject(adv)) {
      return invalid(
        `${at} is required for a blue/green deployment (alternate target group, listener rule, role).`,
      );
    }
    for (const field of ['alternateTargetGroupArn', 'productionListenerRule', 'roleArn']) {
      if (typeof adv[field] !== 'string' || !(adv[field] as string).startsWith('arn:')) {
        invalid(`${at}.${field} must be an ARN.`);
      }
    }
    if (adv.alternateTargetGroupArn === lb.targetGroupArn) {
      invalid(`${at}.alternateTargetGroupArn must differ from loadBalancers[${i}].targetGroupArn.`);
    }
  });
}

/**
 * Production traffic increments: `[minute offset within PRODUCTION_TRAFFIC_SHIFT, green weight]`.
 * BLUE_GREEN moves everything at once; CANARY moves canaryPercent, then the rest after
 * canaryBakeTimeInMinutes; LINEAR moves stepPercent every stepBakeTimeInMinutes (no wait after 100).
 */
export function productionPlan(cfg: NativeConfig): Array<[number, number]> {
  if (cfg.canary) {
    return [
      [0, cfg.canary.canaryPercent],
      [cfg.canary.canaryBakeTimeInMinutes, 100],
    ];
  }
  if (cfg.linear) {
    const plan: Array<[number, number]> = [];
    const { stepPercent, stepBakeTimeInMinutes } = cfg.linear;
    for (let i = 1; ; i++) {
      const w = Math.min(100, Math.round(stepPercent * i * 10) / 10);
      plan.push([(i - 1) * stepBakeTimeInMinutes, w]);
      if (w >= 100) break;
    }
    return plan;
  }
  return [[0, 100]];
}
