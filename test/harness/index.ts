export {
  runAction,
  renderLog,
  parseFileCommands,
  parseAnnotations,
  REPO_ROOT,
  type ActionRun,
  type StepResult,
  type RunActionOptions,
} from './run-action.js';
export { startMoto, assertMotoInstalled, type MotoServer } from './moto.js';
export { freePort, retry } from './net.js';
export { useMoto, motoUrl, resetMoto, motoEnv } from './moto-client.js';
export {
  startFaultProxy,
  useFaultProxy,
  describeRequest,
  type Fault,
  type FaultRule,
  type FaultProxy,
  type ProxyCall,
} from './faults.js';
