/**
 * What a service deployment is made of (its statuses, scenario, revisions, clock and the state the
 * timeline moves), shared by the timeline, the PAUSE hooks, the model and the rendering.
 */
import type { NativeConfig, Stage } from './config.js';
import type { HookRun } from './pause.js';

export type DeploymentStatus =
  | 'PENDING'
  | 'IN_PROGRESS'
  | 'SUCCESSFUL'
  | 'STOPPED'
  | 'STOP_REQUESTED'
  | 'ROLLBACK_REQUESTED'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_SUCCESSFUL'
  | 'ROLLBACK_FAILED';
export const ALL_STATUSES: DeploymentStatus[] = [
  'PENDING',
  'IN_PROGRESS',
  'SUCCESSFUL',
  'STOPPED',
  'STOP_REQUESTED',
  'ROLLBACK_REQUESTED',
  'ROLLBACK_IN_PROGRESS',
  'ROLLBACK_SUCCESSFUL',
  'ROLLBACK_FAILED',
];
/** The reference's "Pending" and "Ongoing" states: a deployment that has not completed. */
export const ONGOING = new Set<DeploymentStatus>([
  'PENDING',
  'IN_PROGRESS',
  'STOP_REQUESTED',
  'ROLLBACK_REQUESTED',
  'ROLLBACK_IN_PROGRESS',
]);

export interface Scenario {
  kind: 'success' | 'hook-failure' | 'alarm' | 'slow' | 'hold';
  /** hook-failure: the stage whose hook answers FAILED (default: the first stage with a hook) */
  failAt?: Stage;
  /** hook-failure: what the hook reported; shown in statusReason */
  message?: string;
  /** alarm: the stage during which the alarms go to ALARM (default BAKE_TIME) */
  alarmAt?: Stage;
  /** alarm: which of the configured alarms fire (default all of them) */
  alarmNames?: string[];
  /** hold: the stage the deployment stays in until stopped or superseded (default POST_TEST_TRAFFIC_SHIFT) */
  holdAt?: Stage;
  /** how long each stage takes for this scenario (slow: default max(20 x stepMs, 3 s)) */
  stepMs?: number;
}

export interface Revision {
  arn: string;
  /** `ecs-svc/<19 digits>`: the id of this revision's entry in DescribeServices deployments[] */
  ecsId: string;
  taskDefinition: string;
  createdAt: number;
  fields: Record<string, unknown>;
}

export interface Clock {
  stepMs: number;
  pendingMs: number;
  minuteMs: number;
}

export interface Deployment {
  arn: string;
  id: string;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  stoppedAt?: number;
  updatedAt: number;
  /** the first is production (blue); a superseded deployment's scaled-up target follows */
  source: Revision[];
  target: Revision;
  config: NativeConfig;
  scenario: Scenario;
  stepMs: number;
  /** the service's first deployment (CreateService): no source revision, scenarios do not apply */
  initial: boolean;
  status: DeploymentStatus;
  statusReason?: string;
  stages: readonly Stage[];
  stage?: Stage;
  stageIdx: number;
  /** when the current stage (or status, outside IN_PROGRESS/ROLLBACK_IN_PROGRESS) began */
  since: number;
  rollbackStages: Stage[];
  /** green weights (percent) once settled; PRODUCTION_TRAFFIC_SHIFT computes its own while it runs */
  prodWeight: number;
  testWeight: number;
  scaled: boolean;
  rollback?: { reason: string; startedAt: number; serviceRevisionArn?: string };
  triggeredAlarms: string[];
  supersededBy?: string;
  /** the PAUSE hooks that ran or are awaiting action, in order (lifecycleHookDetails) */
  hookRuns: HookRun[];
}

/** What the timeline tells the service: messages for events[], and a finished deployment. */
export interface TimelineSink {
  event(d: Deployment, at: number, message: string): void;
  succeeded(d: Deployment, at: number): void;
  rolledBack(d: Deployment, at: number): void;
}

/** A service deployment ARN: `arn:aws:ecs:<region>:<account>:service-deployment/<cluster>/<service>/<id>` */
export const DEPLOYMENT_ARN =
  /^arn:aws[a-z-]*:ecs:[^:]+:\d{12}:service-deployment\/[^/]+\/[^/]+\/[A-Za-z0-9_-]+$/;
