/**
 * How the emulator answers about its services: a ServiceDeployment as DescribeServiceDeployments
 * returns it, and its view laid over moto's DescribeServices answer (deploymentConfiguration,
 * taskDefinition, deployments[], events[], currentServiceDeployment, currentServiceRevisions).
 */
import { isObject, type NativeConfig } from './config.js';
import { ONGOING, type Clock, type Deployment, type Revision } from './deployment.js';
import { greenProduction } from './timeline.js';

export interface ServiceEvent {
  id: string;
  at: number;
  message: string;
}
export interface Service {
  key: string;
  name: string;
  cluster: string;
  arn: string;
  clusterArn: string;
  config: NativeConfig;
  desiredCount: number;
  production?: Revision;
  revisions: Revision[];
  deployments: Deployment[];
  events: ServiceEvent[];
}

export const EVENTS_KEPT = 100;
export const secs = (ms: number | undefined): number | undefined =>
  ms === undefined ? undefined : ms / 1000;

/** drop undefined members, as the JSON protocol leaves them out */
export function strip<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

function summary(r: Revision, svc: Service, prod: number, test: number, running: boolean, pending: boolean) {
  const n = svc.desiredCount;
  return {
    arn: r.arn,
    requestedTaskCount: running || pending ? n : 0,
    runningTaskCount: running ? n : 0,
    pendingTaskCount: pending ? n : 0,
    requestedTestTrafficWeight: test,
    requestedProductionTrafficWeight: prod,
  };
}

export function renderDeployment(
  svc: Service,
  d: Deployment,
  clock: Clock,
  now: number,
): Record<string, unknown> {
  const greenProd = greenProduction(d, clock, now);
  const green = d.testWeight;
  const blueGone = d.status === 'SUCCESSFUL';
  const alarms = d.config.alarms;
  const alarmStatus = !alarms?.enable
    ? 'DISABLED'
    : d.triggeredAlarms.length > 0
      ? 'TRIGGERED'
      : ONGOING.has(d.status)
        ? 'MONITORING'
        : 'MONITORING_COMPLETE';
  return strip({
    serviceDeploymentArn: d.arn,
    serviceArn: svc.arn,
    clusterArn: svc.clusterArn,
    createdAt: secs(d.createdAt),
    startedAt: secs(d.startedAt),
    finishedAt: secs(d.finishedAt),
    stoppedAt: secs(d.stoppedAt),
    updatedAt: secs(d.updatedAt),
    sourceServiceRevisions: d.source.map((r, i) =>
      summary(r, svc, i === 0 ? 100 - greenProd : 0, i === 0 ? 100 - green : 0, i === 0 && !blueGone, false),
    ),
    targetServiceRevision: summary(
      d.target,
      svc,
      greenProd,
      green,
      d.scaled,
      d.status === 'IN_PROGRESS' && d.stage === 'SCALE_UP',
    ),
    status: d.status,
    statusReason: d.statusReason,
    lifecycleStage: d.stage,
    lifecycleHookDetails: d.hookRuns.map((r) => ({
      hookId: r.hookId,
      targetType: 'PAUSE',
      status: r.status,
      expiresAt: secs(r.expiresAt),
      timeoutAction: r.timeoutAction,
    })),
    deploymentConfiguration: d.config.raw,
    rollback: d.rollback
      ? strip({
          reason: d.rollback.reason,
          startedAt: secs(d.rollback.startedAt),
          serviceRevisionArn: d.rollback.serviceRevisionArn,
        })
      : undefined,
    deploymentCircuitBreaker: { status: 'DISABLED' },
    alarms: strip({
      status: alarmStatus,
      alarmNames: alarms?.alarmNames,
      triggeredAlarmNames: d.triggeredAlarms.length > 0 ? d.triggeredAlarms : undefined,
    }),
  });
}

function deploymentEntries(svc: Service, moto: Record<string, unknown>) {
  const d = svc.deployments[svc.deployments.length - 1];
  if (!d) return [];
  const n = svc.desiredCount;
  const entry = (
    r: Revision,
    status: 'PRIMARY' | 'ACTIVE',
    rollout: string,
    reason: string,
    counts: boolean,
  ) =>
    strip({
      id: r.ecsId,
      status,
      taskDefinition: r.taskDefinition,
      desiredCount: n,
      pendingCount: 0,
      runningCount: counts ? n : 0,
      failedTasks: 0,
      createdAt: secs(r.createdAt),
      updatedAt: secs(d.updatedAt),
      launchType: moto.launchType,
      rolloutState: rollout,
      rolloutStateReason: reason,
    });
  const blue = d.source[0];
  const ecsMsg = (r: Revision, what: string) => `ECS deployment ${r.ecsId} ${what}.`;
  const green = d.target;
  switch (d.status) {
    case 'SUCCESSFUL':
      return [entry(green, 'PRIMARY', 'COMPLETED', ecsMsg(green, 'completed'), true)];
    case 'ROLLBACK_SUCCESSFUL':
      return [entry(blue!, 'PRIMARY', 'COMPLETED', ecsMsg(blue!, 'completed'), true)];
    case 'ROLLBACK_REQUESTED':
    case 'ROLLBACK_IN_PROGRESS':
      return [
        entry(blue!, 'PRIMARY', 'IN_PROGRESS', ecsMsg(blue!, 'in progress'), true),
        entry(green, 'ACTIVE', 'FAILED', d.statusReason ?? ecsMsg(green, 'failed'), d.scaled),
      ];
    case 'STOPPED':
    case 'ROLLBACK_FAILED': {
      const failed = entry(green, 'PRIMARY', 'FAILED', d.statusReason ?? ecsMsg(green, 'failed'), d.scaled);
      return blue ? [failed, entry(blue, 'ACTIVE', 'COMPLETED', ecsMsg(blue, 'completed'), true)] : [failed];
    }
    default: {
      const primary = entry(green, 'PRIMARY', 'IN_PROGRESS', ecsMsg(green, 'in progress'), d.scaled);
      return blue
        ? [primary, entry(blue, 'ACTIVE', 'COMPLETED', ecsMsg(blue, 'completed'), true)]
        : [primary];
    }
  }
}

/** The revisions running for the service now (ServiceCurrentRevisionSummary). */
function currentRevisions(svc: Service, d: Deployment | undefined) {
  const n = svc.desiredCount;
  const item = (r: Revision, running: boolean) => ({
    arn: r.arn,
    requestedTaskCount: running ? n : 0,
    runningTaskCount: running ? n : 0,
    pendingTaskCount: 0,
  });
  if (!d) return svc.production ? [item(svc.production, true)] : [];
  if (d.status === 'SUCCESSFUL') return [item(d.target, true)];
  if (d.status === 'ROLLBACK_SUCCESSFUL') return d.source[0] ? [item(d.source[0], true)] : [];
  return [...d.source.slice(0, 1).map((r) => item(r, true)), item(d.target, d.scaled)];
}

/** Lay the emulator's view of `svc` over moto's answer for it. */
export function overlay(svc: Service, moto: Record<string, unknown>): void {
  svc.desiredCount = Number(moto.desiredCount ?? svc.desiredCount);
  moto.deploymentConfiguration = svc.config.raw;
  const entries = deploymentEntries(svc, moto);
  if (entries.length > 0) {
    moto.deployments = entries;
    moto.taskDefinition = entries[0]!.taskDefinition;
  }
  const latest = svc.deployments[svc.deployments.length - 1];
  if (latest) moto.currentServiceDeployment = latest.arn;
  moto.currentServiceRevisions = currentRevisions(svc, latest);
  const motoEvents = Array.isArray(moto.events) ? (moto.events as Array<Record<string, unknown>>) : [];
  moto.events = [
    ...svc.events.map((e) => ({ id: e.id, createdAt: secs(e.at), message: e.message })),
    ...motoEvents,
  ].slice(0, EVENTS_KEPT);
}

/** The parts of a service a service revision records (DescribeServiceRevisions). */
export function revisionFields(moto: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of [
    'launchType',
    'platformVersion',
    'platformFamily',
    'loadBalancers',
    'serviceRegistries',
    'networkConfiguration',
    'capacityProviderStrategy',
  ]) {
    const v = moto[k];
    if (v !== undefined && v !== null && !(isObject(v) && Object.keys(v).length === 0)) out[k] = v;
  }
  return out;
}
