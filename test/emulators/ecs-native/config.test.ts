/** The deployment configuration checks CreateService/UpdateService make, and the traffic plans. */
import { ApiError } from '../codedeploy/errors.js';
import { checkLoadBalancers, parseNativeConfig, productionPlan } from './config.js';

const HOOK = 'arn:aws:lambda:us-east-1:123456789012:function:smoke';
const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/blue/1';

function refused(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an API error');
}

describe('parseNativeConfig', () => {
  it('fills the reference defaults for LINEAR and CANARY and keeps what was given', () => {
    expect(parseNativeConfig({ strategy: 'LINEAR' }).linear).toEqual({
      stepPercent: 10,
      stepBakeTimeInMinutes: 6,
    });
    const canary = parseNativeConfig({ strategy: 'CANARY', bakeTimeInMinutes: 5 });
    expect(canary.canary).toEqual({ canaryPercent: 5, canaryBakeTimeInMinutes: 10 });
    expect(canary.raw).toMatchObject({
      strategy: 'CANARY',
      bakeTimeInMinutes: 5,
      canaryConfiguration: { canaryPercent: 5 },
    });
    const bg = parseNativeConfig({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 0,
      alarms: { alarmNames: ['a'], enable: true, rollback: false },
      lifecycleHooks: [
        {
          hookTargetArn: HOOK,
          roleArn: 'arn:aws:iam::123456789012:role/r',
          lifecycleStages: ['POST_SCALE_UP'],
        },
      ],
    });
    expect(bg.hooks).toEqual([
      {
        targetType: 'AWS_LAMBDA',
        hookTargetArn: HOOK,
        roleArn: 'arn:aws:iam::123456789012:role/r',
        lifecycleStages: ['POST_SCALE_UP'],
        timeoutConfiguration: { timeoutInMinutes: 1440, action: 'ROLLBACK' },
      },
    ]);
    expect(bg.alarms).toEqual({ alarmNames: ['a'], enable: true, rollback: false });
  });

  it.each([
    [{ strategy: 'BLUE_GREEN' }, 'bakeTimeInMinutes is required'],
    [{ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1441 }, 'bakeTimeInMinutes'],
    [{ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1.5 }, 'bakeTimeInMinutes'],
    [
      { strategy: 'SHADOW', bakeTimeInMinutes: 1 },
      'strategy must be one of ROLLING, BLUE_GREEN, LINEAR, CANARY',
    ],
    [
      { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1, linearConfiguration: {} },
      'only valid with the LINEAR strategy',
    ],
    [{ strategy: 'LINEAR', canaryConfiguration: {} }, 'only valid with the CANARY strategy'],
    [
      { strategy: 'LINEAR', linearConfiguration: { stepPercent: 2 } },
      'stepPercent must be a multiple of 0.1 from 3',
    ],
    [{ strategy: 'LINEAR', linearConfiguration: { stepPercent: 10.05 } }, 'stepPercent'],
    [{ strategy: 'CANARY', canaryConfiguration: { canaryBakeTimeInMinutes: -1 } }, 'canaryBakeTimeInMinutes'],
    [
      {
        strategy: 'BLUE_GREEN',
        bakeTimeInMinutes: 1,
        lifecycleHooks: [{ hookTargetArn: HOOK, lifecycleStages: ['BAKE_TIME'] }],
      },
      'BAKE_TIME is not a lifecycle stage a hook can run at',
    ],
    [
      {
        strategy: 'BLUE_GREEN',
        bakeTimeInMinutes: 1,
        lifecycleHooks: [{ hookTargetArn: HOOK, lifecycleStages: [] }],
      },
      'at least one lifecycle stage',
    ],
    [
      {
        strategy: 'BLUE_GREEN',
        bakeTimeInMinutes: 1,
        lifecycleHooks: [{ lifecycleStages: ['PRE_SCALE_UP'] }],
      },
      'hookTargetArn',
    ],
    [
      { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1, alarms: { alarmNames: ['a'], enable: true } },
      'enable and rollback',
    ],
    [
      {
        strategy: 'BLUE_GREEN',
        bakeTimeInMinutes: 1,
        lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['TEST_TRAFFIC_SHIFT'] }],
      },
      'PAUSE hooks cannot be configured at TEST_TRAFFIC_SHIFT',
    ],
    [
      {
        strategy: 'BLUE_GREEN',
        bakeTimeInMinutes: 1,
        lifecycleHooks: [{ targetType: 'PAUSE', hookTargetArn: HOOK, lifecycleStages: ['POST_SCALE_UP'] }],
      },
      'a PAUSE hook takes no hookTargetArn or roleArn',
    ],
    ...[0, 20161, 2.5, '10'].map((timeoutInMinutes): [Record<string, unknown>, string] => [
      {
        strategy: 'BLUE_GREEN',
        bakeTimeInMinutes: 1,
        lifecycleHooks: [
          {
            targetType: 'PAUSE',
            lifecycleStages: ['POST_SCALE_UP'],
            timeoutConfiguration: { timeoutInMinutes },
          },
        ],
      },
      'timeoutInMinutes must be a whole number from 1 to 20160',
    ]),
    [
      {
        strategy: 'BLUE_GREEN',
        bakeTimeInMinutes: 1,
        lifecycleHooks: [
          {
            targetType: 'PAUSE',
            lifecycleStages: ['POST_SCALE_UP'],
            timeoutConfiguration: { action: 'STOP' },
          },
        ],
      },
      'timeoutConfiguration.action must be CONTINUE or ROLLBACK',
    ],
  ])('refuses %j with InvalidParameterException', (dc, message) => {
    const err = refused(() => parseNativeConfig(dc));
    expect(err.type).toBe('InvalidParameterException');
    expect(err.message).toContain(message);
  });

  it('accepts PAUSE hooks with a timeoutConfiguration, filling the reference defaults', () => {
    const cfg = parseNativeConfig({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 1,
      lifecycleHooks: [
        {
          targetType: 'PAUSE',
          lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
          timeoutConfiguration: { timeoutInMinutes: 10, action: 'CONTINUE' },
        },
        { targetType: 'PAUSE', lifecycleStages: ['PRE_SCALE_UP', 'PRE_PRODUCTION_TRAFFIC_SHIFT'] },
        {
          targetType: 'PAUSE',
          lifecycleStages: ['POST_SCALE_UP'],
          timeoutConfiguration: { timeoutInMinutes: 20160 },
        },
      ],
    });
    expect(cfg.hooks).toEqual([
      {
        targetType: 'PAUSE',
        lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
        timeoutConfiguration: { timeoutInMinutes: 10, action: 'CONTINUE' },
      },
      {
        targetType: 'PAUSE',
        lifecycleStages: ['PRE_SCALE_UP', 'PRE_PRODUCTION_TRAFFIC_SHIFT'],
        timeoutConfiguration: { timeoutInMinutes: 1440, action: 'ROLLBACK' },
      },
      {
        targetType: 'PAUSE',
        lifecycleStages: ['POST_SCALE_UP'],
        timeoutConfiguration: { timeoutInMinutes: 20160, action: 'ROLLBACK' },
      },
    ]);
    // answered as given
    expect((cfg.raw.lifecycleHooks as unknown[])[0]).toEqual({
      targetType: 'PAUSE',
      lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
      timeoutConfiguration: { timeoutInMinutes: 10, action: 'CONTINUE' },
    });
  });

  it('says a pause before every LINEAR/CANARY traffic step is not emulated rather than pausing once', () => {
    for (const strategy of ['LINEAR', 'CANARY']) {
      const err = refused(() =>
        parseNativeConfig({
          strategy,
          lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['PRE_PRODUCTION_TRAFFIC_SHIFT'] }],
        }),
      );
      expect(err.type).toBe('UnsupportedFeatureException');
    }
    expect(
      parseNativeConfig({
        strategy: 'LINEAR',
        lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_SCALE_UP'] }],
      }).hooks,
    ).toHaveLength(1);
  });
});

describe('checkLoadBalancers', () => {
  const adv = {
    alternateTargetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/green/2',
    productionListenerRule: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/lb/1/2/3',
    roleArn: 'arn:aws:iam::123456789012:role/ecs-elb',
  };
  it('accepts a headless service and a complete advancedConfiguration', () => {
    expect(() => checkLoadBalancers(undefined)).not.toThrow();
    expect(() =>
      checkLoadBalancers([
        { targetGroupArn: TG, containerName: 'api', containerPort: 80, advancedConfiguration: adv },
      ]),
    ).not.toThrow();
  });
  it('names what is missing', () => {
    expect(refused(() => checkLoadBalancers([{ targetGroupArn: TG }])).message).toContain(
      'advancedConfiguration is required',
    );
    const noRole = { ...adv, roleArn: undefined };
    expect(
      refused(() => checkLoadBalancers([{ targetGroupArn: TG, advancedConfiguration: noRole }])).message,
    ).toContain('roleArn');
    const same = { ...adv, alternateTargetGroupArn: TG };
    expect(
      refused(() => checkLoadBalancers([{ targetGroupArn: TG, advancedConfiguration: same }])).message,
    ).toContain('must differ');
  });
});

describe('productionPlan', () => {
  it('follows the strategy', () => {
    expect(productionPlan(parseNativeConfig({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1 }))).toEqual([
      [0, 100],
    ]);
    expect(
      productionPlan(
        parseNativeConfig({
          strategy: 'CANARY',
          canaryConfiguration: { canaryPercent: 12.5, canaryBakeTimeInMinutes: 3 },
        }),
      ),
    ).toEqual([
      [0, 12.5],
      [3, 100],
    ]);
    expect(
      productionPlan(
        parseNativeConfig({
          strategy: 'LINEAR',
          linearConfiguration: { stepPercent: 30, stepBakeTimeInMinutes: 2 },
        }),
      ),
    ).toEqual([
      [0, 30],
      [2, 60],
      [4, 90],
      [6, 100],
    ]);
  });
});
