import { startGitHubFake, type GitHubFake } from '../../../test/emulators/github/server.js';
import { GitHub } from './github.js';
import { publishChecks } from './publish.js';
import type { RunFacts } from './report.js';
import type { Finding } from './validate.js';

const facts: RunFacts = {
  filesScanned: 1,
  rulesEvaluated: 1,
  skipped: [],
  passed: false,
  failOn: 'any',
  engine: 'test',
  durationMs: 1,
};

function finding(i: number, over: Partial<Finding> = {}): Finding {
  return {
    kind: 'violation',
    file: 'infra/stack.yaml',
    line: i + 1,
    column: 1,
    exact: true,
    rule: 'r',
    ruleId: 'r',
    severity: 'high',
    title: 'R',
    message: `finding ${i}`,
    fingerprint: `fp${i}`,
    ...over,
  };
}

let fake: GitHubFake;
afterEach(async () => {
  await fake.close();
});

test('a failed final PATCH still completes the same check run (no second run is created)', async () => {
  fake = await startGitHubFake();
  const gh = await GitHub.create({ apiUrl: fake.url, token: 't' });
  // 120 findings: three PATCHes; the last finding (least severe) has no path, so GitHub answers
  // 422 to the final, completing PATCH
  const findings = [
    ...Array.from({ length: 119 }, (_, i) => finding(i)),
    finding(119, { file: '', severity: 'low' }),
  ];
  await expect(publishChecks(gh, { repo: 'o/r', sha: 'abc', findings, facts })).rejects.toMatchObject({
    status: 422,
  });
  expect(fake.calls.filter((c) => c.method === 'POST')).toHaveLength(1);
  expect(fake.checkRuns).toHaveLength(1);
  expect(fake.checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
  expect(fake.checkRuns[0]!.annotations).toHaveLength(100);
  expect(fake.checkRuns[0]!.output.summary).toContain('100 of 120 annotation(s) could be added');
});
