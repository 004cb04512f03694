import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { runEngine } from './engine.js';
import { repoPath } from './discover.js';
import { parseTemplate, type PNode } from './positions.js';
import { fingerprint, type Finding } from './validate.js';

interface TestCaseResult {
  name?: string;
  passed_rules?: Array<{ name: string }>;
  failed_rules?: Array<{ name: string; expected?: string; evaluated?: unknown }>;
  skipped_rules?: Array<{ name: string }>;
}

interface RuleFileResult {
  rule_file?: string;
  test_cases?: TestCaseResult[];
}

export interface TestOutput {
  findings: Finding[];
  ruleFiles: number;
  cases: number;
  expectations: number;
  failed: number;
}

/** Test files cfn-guard pairs with `<name>.guard`: tests/<name>_tests.{yaml,yml,json}. */
function testFilesFor(ruleFile: string): string[] {
  const dir = join(dirname(ruleFile), 'tests');
  if (!existsSync(dir)) return [];
  const base = basename(ruleFile).replace(/\.(guard|ruleset)$/, '');
  return readdirSync(dir)
    .filter((f) => f.startsWith(`${base}_tests.`) || f.startsWith(`${base}_tests`))
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

/** Where a test case named `name` starts (its `name:` key), in any of the files. */
function caseLocation(
  files: string[],
  name: string,
): { file: string; line: number; column: number } | undefined {
  for (const file of files) {
    try {
      const parsed = parseTemplate(readFileSync(file, 'utf8'), file);
      const items: PNode[] = parsed.root.kind === 'seq' ? (parsed.root.items ?? []) : [];
      for (const it of items) {
        const e = it.entries?.get('name');
        if (e && e.value.value === name) return { file, line: e.key.line, column: e.key.column };
      }
    } catch {
      // a broken test file: cfn-guard reports it
    }
  }
  return undefined;
}

/**
 * `cfn-guard test` over each rule file that has tests/ cases. Each expectation that did not hold
 * (rule, case, expected vs got) becomes a finding at the case in its test file.
 */
export async function runTests(opts: {
  engine: string;
  workspace: string;
  ruleFiles: string[];
  log?: (line: string) => void;
}): Promise<TestOutput> {
  const findings: Finding[] = [];
  let cases = 0;
  let expectations = 0;
  let ruleFiles = 0;
  for (const ruleFile of opts.ruleFiles) {
    const tests = testFilesFor(ruleFile);
    if (tests.length === 0) {
      opts.log?.(`${repoPath(opts.workspace, ruleFile)}: no tests/ cases, skipped`);
      continue;
    }
    ruleFiles++;
    for (const testFile of tests) {
      const r = await runEngine(opts.engine, [
        'test',
        '--rules-file',
        ruleFile,
        '--test-data',
        testFile,
        '--output-format',
        'json',
      ]);
      let parsed: RuleFileResult[];
      try {
        const data = JSON.parse(r.stdout) as RuleFileResult | RuleFileResult[];
        parsed = Array.isArray(data) ? data : [data];
      } catch {
        const file = repoPath(opts.workspace, testFile);
        const msg = (r.stderr || r.stdout).replace(/\s+/g, ' ').trim().slice(0, 400);
        const at = /line (\d+)(?:,| at)? column (\d+)/.exec(msg);
        findings.push({
          kind: 'engine-error',
          file,
          line: at ? Number(at[1]) : 1,
          column: at ? Number(at[2]) : 1,
          exact: !!at,
          rule: 'test-error',
          ruleId: 'guard/test-error',
          severity: 'high',
          title: 'cfn-guard test could not run',
          message: `cfn-guard test exit ${r.code} for ${file}: ${msg || 'no output'}`,
          fingerprint: fingerprint(file, 'test-error'),
        });
        continue;
      }
      for (const rf of parsed)
        for (const tc of rf.test_cases ?? []) {
          cases++;
          expectations += (tc.passed_rules?.length ?? 0) + (tc.failed_rules?.length ?? 0);
          for (const fr of tc.failed_rules ?? []) {
            const got = Array.isArray(fr.evaluated) ? fr.evaluated.join(', ') : String(fr.evaluated ?? '?');
            const where = caseLocation([testFile], tc.name ?? '') ?? { file: testFile, line: 1, column: 1 };
            const file = repoPath(opts.workspace, where.file);
            findings.push({
              kind: 'test-failure',
              file,
              line: where.line,
              column: where.column,
              exact: where.line > 1,
              rule: fr.name,
              ruleId: fr.name,
              severity: 'high',
              title: `Test "${tc.name}" failed for rule ${fr.name}`,
              message: `Test case "${tc.name}": rule ${fr.name} expected ${fr.expected ?? '?'}, got ${got} (${repoPath(opts.workspace, ruleFile)})`,
              fingerprint: fingerprint(file, fr.name, tc.name ?? ''),
            });
          }
        }
    }
  }
  return { findings, ruleFiles, cases, expectations, failed: findings.length };
}
