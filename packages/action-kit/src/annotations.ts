import * as core from './commands.js';

export type AnnotationLevel = 'error' | 'warning' | 'notice';

export interface Annotation {
  level: AnnotationLevel;
  message: string;
  title?: string;
  file?: string;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  /** Lower is more important; the most important are kept when the limit cuts. */
  rank?: number;
}

/** GitHub shows at most 10 annotations of each level per step (and 50 per job). */
export const ANNOTATIONS_PER_LEVEL = 10;

export interface AnnotationResult {
  emitted: number;
  omitted: Record<AnnotationLevel, number>;
}

type Emit = (level: AnnotationLevel, message: string, props: core.AnnotationProperties) => void;

const defaultEmit: Emit = (level, message, props) => {
  if (level === 'error') core.error(message, props);
  else if (level === 'warning') core.warning(message, props);
  else core.notice(message, props);
};

/**
 * Emit workflow-command annotations within GitHub's per-step limits: the most important of each level
 * first, and one line saying how many were left out (extras would vanish silently otherwise).
 */
export function emitAnnotations(
  annotations: Annotation[],
  opts: { perLevel?: number; emit?: Emit; log?: (line: string) => void } = {},
): AnnotationResult {
  const perLevel = opts.perLevel ?? ANNOTATIONS_PER_LEVEL;
  const emit = opts.emit ?? defaultEmit;
  const log = opts.log ?? core.info;
  const omitted: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 };
  let emitted = 0;
  for (const level of ['error', 'warning', 'notice'] as const) {
    const ofLevel = annotations
      .map((a, i) => ({ a, i }))
      .filter(({ a }) => a.level === level)
      .sort((x, y) => (x.a.rank ?? 0) - (y.a.rank ?? 0) || x.i - y.i);
    for (const { a } of ofLevel.slice(0, perLevel)) {
      const props: core.AnnotationProperties = {};
      if (a.title) props.title = a.title;
      if (a.file) props.file = a.file;
      if (a.line !== undefined) props.startLine = a.line;
      if (a.endLine !== undefined) props.endLine = a.endLine;
      if (a.column !== undefined) props.startColumn = a.column;
      if (a.endColumn !== undefined) props.endColumn = a.endColumn;
      emit(level, a.message, props);
      emitted++;
    }
    omitted[level] = Math.max(0, ofLevel.length - perLevel);
  }
  const cut = (Object.entries(omitted) as Array<[AnnotationLevel, number]>).filter(([, n]) => n > 0);
  if (cut.length) {
    log(
      `${cut.map(([l, n]) => `${n} ${l}${n === 1 ? '' : 's'}`).join(', ')} not shown as annotations ` +
        `(GitHub shows ${perLevel} per level per step); the job summary and report list them all`,
    );
  }
  return { emitted, omitted };
}
