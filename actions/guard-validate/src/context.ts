import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';

/** What the runner tells a step about where it runs (read once, handed to the logic). */
export interface RunContext {
  workspace: string;
  tempDir: string;
  apiUrl: string;
  serverUrl: string;
  repo?: string;
  sha?: string;
  runId?: string;
  eventName?: string;
  pullRequest?: { number: number; headSha: string; fork: boolean };
  cpus: number;
}

export function runContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  let payload: Record<string, unknown> = {};
  if (env.GITHUB_EVENT_PATH && existsSync(env.GITHUB_EVENT_PATH)) {
    try {
      payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as Record<string, unknown>;
    } catch {
      payload = {};
    }
  }
  const pr = payload.pull_request as
    | {
        number?: number;
        head?: { sha?: string; repo?: { full_name?: string } };
        base?: { repo?: { full_name?: string } };
      }
    | undefined;
  return {
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    tempDir: env.RUNNER_TEMP || tmpdir(),
    apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    serverUrl: env.GITHUB_SERVER_URL || 'https://github.com',
    repo: env.GITHUB_REPOSITORY,
    sha: env.GITHUB_SHA,
    runId: env.GITHUB_RUN_ID,
    eventName: env.GITHUB_EVENT_NAME,
    pullRequest:
      pr && typeof pr.number === 'number'
        ? {
            number: pr.number,
            headSha: pr.head?.sha ?? env.GITHUB_SHA ?? '',
            fork: !!pr.head?.repo?.full_name && pr.head.repo.full_name !== pr.base?.repo?.full_name,
          }
        : undefined,
    cpus: availableParallelism(),
  };
}
