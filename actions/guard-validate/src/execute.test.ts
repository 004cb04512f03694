import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { log } from '@oaktree/action-kit';
import { REPO_ROOT } from '../../../test/harness/run-action.js';
import type { RunContext } from './context.js';
import { platformKey } from './engine.js';
import { execute } from './execute.js';
import type { GuardConfig } from './inputs.js';

const ENGINE = join(
  REPO_ROOT,
  'node_modules/@cdklabs/cdk-validator-cfnguard/bin',
  platformKey()!,
  'cfn-guard',
);

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

/** An API that answers every request with `status` and counts the requests. */
async function api(status: number): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: 'Not Found' }));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, requests };
}

function config(over: Partial<GuardConfig> = {}): GuardConfig {
  return {
    mode: 'validate',
    rules: ['rules.guard'],
    rulePacks: [],
    data: [],
    failOn: 'never',
    annotations: 'none',
    prComment: false,
    changedFilesOnly: false,
    sarifFile: 'out.sarif',
    sarifCategory: 'guard-validate/',
    reportFile: 'report.json',
    token: 't',
    cfnGuardPath: ENGINE,
    parallelism: 1,
    ...over,
  };
}

test('changed-files-only: when the pull request files cannot be listed, one warning and every file is checked', async () => {
  const ws = mkdtempSync(join(tmpdir(), 'gv-exec-'));
  writeFileSync(
    join(ws, 'rules.guard'),
    "rule topics_named { Resources.*[ Type == 'AWS::SNS::Topic' ].Properties.TopicName exists }\n",
  );
  writeFileSync(join(ws, 'a.yaml'), 'Resources:\n  T:\n    Type: AWS::SNS::Topic\n');
  writeFileSync(join(ws, 'b.yaml'), 'Resources:\n  T:\n    Type: AWS::SNS::Topic\n');
  const gh = await api(404);
  const ctx: RunContext = {
    workspace: ws,
    tempDir: tmpdir(),
    apiUrl: gh.url,
    serverUrl: 'https://github.com',
    repo: 'o/r',
    sha: 'abc',
    eventName: 'pull_request',
    pullRequest: { number: 7, headSha: 'abc', fork: false },
    cpus: 1,
  };
  const lines: string[] = [];
  const prev = log.setCommandWriter((t) => lines.push(t));
  try {
    await execute(config({ changedFilesOnly: true }), { context: ctx });
  } finally {
    log.setCommandWriter(prev);
  }
  expect(gh.requests).toEqual(['GET /repos/o/r/pulls/7/files?per_page=100']);
  const warnings = lines.filter((l) => l.startsWith('::warning'));
  expect(warnings).toEqual([
    expect.stringMatching(
      /^::warning::changed-files-only: could not list the files of #7 \(.*404.*\); checking every file\r?\n$/,
    ),
  ]);
  const report = JSON.parse(readFileSync(join(ws, 'report.json'), 'utf8'));
  expect(report.filesScanned).toBe(2);
  expect(report.findings.map((f: { file: string }) => f.file).sort()).toEqual(['a.yaml', 'b.yaml']);
});
