export { ConfigurationError, OperationError, errorMessage, quote } from './errors.js';
export { parseDuration, formatDuration } from './duration.js';
export { Inputs, maskSecret, type RawReader } from './inputs.js';
export { runStep, failureMessage, type Explainer, type RunOptions } from './runner.js';
export { stateSlot, type StateSlot } from './state.js';
export { SummaryBuilder, SUMMARY_LIMIT_BYTES, cell } from './summary.js';
export {
  emitAnnotations,
  ANNOTATIONS_PER_LEVEL,
  type Annotation,
  type AnnotationLevel,
} from './annotations.js';
export { setOutputs } from './outputs.js';
export * as log from './commands.js';
export { Limiter } from './limiter.js';
