/**
 * Templates in a pull request from a fork are untrusted input. These bounds keep one hostile file
 * (a YAML alias bomb, a huge or absurdly deep document) from taking the runner down: a file over a
 * limit becomes one `template-error` finding naming the limit, and the run goes on with the others.
 */
export const LIMITS = {
  /** Bytes of one data file (CloudFormation itself takes at most 1 MB; plans get room to spare). */
  fileBytes: 8 * 1024 * 1024,
  /** Nesting depth of maps and lists (real templates and plans stay well under 40). */
  depth: 200,
  /** Nodes of one file. */
  nodes: 1_000_000,
  /** Nodes one file's YAML aliases may add when expanded (an alias bomb is billions). */
  aliasNodes: 100_000,
  /** Nodes of all files of a run together (total work and memory). */
  totalNodes: 6_000_000,
} as const;

export type LimitName = 'file size' | 'nesting depth' | 'alias expansion' | 'nodes per file' | 'total work';

/** A file went over one of LIMITS: nothing more of it is read or evaluated. */
export class TemplateLimitError extends Error {
  constructor(
    readonly limit: LimitName,
    message: string,
    readonly line = 1,
    readonly column = 1,
  ) {
    super(message);
  }
}

/** Counts nodes while a file is converted; shared by a run so the total is bounded too. */
export class WorkBudget {
  used = 0;
  constructor(
    readonly total: number = LIMITS.totalNodes,
    readonly perFile: number = LIMITS.nodes,
    readonly depth: number = LIMITS.depth,
    readonly aliasNodes: number = LIMITS.aliasNodes,
  ) {}
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) ? 1 : 0)} MiB`;
}
