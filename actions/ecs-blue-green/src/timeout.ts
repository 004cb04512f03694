/** Minutes the traffic shift of the built-in ECS configurations takes. */
export const BUILT_IN_SHIFT_MINUTES: Record<string, number> = {
  'CodeDeployDefault.ECSAllAtOnce': 0,
  'CodeDeployDefault.ECSLinear10PercentEvery1Minutes': 10,
  'CodeDeployDefault.ECSLinear10PercentEvery3Minutes': 30,
  'CodeDeployDefault.ECSCanary10Percent5Minutes': 5,
  'CodeDeployDefault.ECSCanary10Percent15Minutes': 15,
};

export interface TrafficRouting {
  type?: string;
  timeBasedCanary?: { canaryInterval?: number; canaryPercentage?: number };
  timeBasedLinear?: { linearInterval?: number; linearPercentage?: number };
}

/** How long a custom configuration shifts traffic, in minutes. */
export function shiftMinutes(routing: TrafficRouting | undefined): number {
  if (!routing) return 0;
  if (routing.type === 'TimeBasedCanary') return routing.timeBasedCanary?.canaryInterval ?? 0;
  if (routing.type === 'TimeBasedLinear') {
    const every = routing.timeBasedLinear?.linearInterval ?? 0;
    const pct = routing.timeBasedLinear?.linearPercentage ?? 100;
    return every * Math.max(0, Math.ceil(100 / Math.max(1, pct)) - 1);
  }
  return 0;
}

export interface GroupTimes {
  readyOption?: { actionOnTimeout?: string; waitTimeInMinutes?: number };
  terminationWaitMinutes?: number;
}

export const MAX_TIMEOUT_MINUTES = 360;

/** The default timeout: the group's wait times + the traffic shift + 30 minutes, at most 360. */
export function defaultTimeoutMinutes(group: GroupTimes, shift: number): number {
  const ready =
    group.readyOption?.actionOnTimeout === 'STOP_DEPLOYMENT' ? (group.readyOption.waitTimeInMinutes ?? 0) : 0;
  return Math.min(MAX_TIMEOUT_MINUTES, ready + (group.terminationWaitMinutes ?? 0) + shift + 30);
}
