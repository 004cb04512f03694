/**
 * The run marker (no SDK here: inputs.ts builds it before the SDK is loaded). See adopt.ts for how a
 * deployment carrying it is recognised after a lost CreateDeployment reply.
 */

/** CreateDeployment's description limit we keep to (longer ones answer DescriptionTooLongException). */
export const DESCRIPTION_LIMIT = 512;

/** Who is deploying: the workflow run, its attempt, the job, and one value drawn per step execution. */
export interface RunIdentity {
  repository?: string;
  runId?: string;
  attempt?: string;
  job?: string;
  /**
   * Drawn once when the step starts: two matrix legs of one job share run id, attempt and job name,
   * and must not adopt each other's deployments.
   */
  step: string;
}

/** `[oaktree o/r run 123.1 job deploy step 9f3a...]`: what marks a deployment as this step's. */
export function runMarker(id: RunIdentity): string {
  const run = id.runId ? `${id.repository ?? '?'} run ${id.runId}.${id.attempt || '1'}` : 'local run';
  return `[oaktree ${run}${id.job ? ` job ${id.job}` : ''} step ${id.step}]`;
}

/** The description sent: the user's text (shortened when needed) and the marker, which always fits. */
export function describeWithMarker(text: string | undefined, marker: string): string {
  const room = DESCRIPTION_LIMIT - marker.length - 1;
  const t = (text ?? '').trim();
  const head = t.length > room ? `${t.slice(0, Math.max(0, room - 1))}…` : t;
  return head ? `${head} ${marker}` : marker;
}

export function carriesMarker(description: string | undefined, marker: string): boolean {
  return typeof description === 'string' && description.includes(marker);
}
