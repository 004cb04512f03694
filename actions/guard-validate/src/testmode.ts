import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigurationError } from '@oaktree/action-kit';
import { EXIT, runEngine } from './engine.js';
import { repoPath } from './discover.js';
import { parseTemplate, type PNode } from './positions.js';
import { errorAt, fingerprint, type Finding } from './validate.js';

interface TestCaseResult {
  name?: string;
  passed_rules?: Array<{ name: string }>;
  failed_rules?: Array<{ name: string; expected?: string; evaluated?: unknown }>;
  skipped_rules?: Array<{ name: string }>;
}

interface RuleFileResult {
  rule_file?: string;
  test_cases?: TestCaseResult[];
  /** Set instead of test_cases when the rule file or the test data could not be read. */
  error?: string;
}

export interface TestOutput {
  findings: Finding[];
  ruleFiles: number;
  cases: number;
  expectations: number;
  failed: number;
}

const TEST_FILE_EXTENSIONS = ['.yaml', '.yml', '.json'];

/** Test files cfn-guard pairs with `<name>.guard`: exactly tests/<name>_tests.{yaml,yml,json}. */
function testFilesFor(ruleFile: string): string[] {
  const dir = join(dirname(ruleFile), 'tests');
  if (!existsSync(dir)) return [];
  const base = basename(ruleFile).replace(/\.(guard|ruleset)$/, '');
  return readdirSync(dir)
    .filter((f) => TEST_FILE_EXTENSIONS.some((ext) => f === `${base}_tests${ext}`))
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

/** `line N at column M` / `line N column M` in a cfn-guard message. */
function lineColumn(msg: string): { line: number; column: number } | undefined {
  const at = /line (\d+)(?:,| at)? column (\d+)/.exec(msg);
  return at ? { line: Number(at[1]), column: Number(at[2]) } : undefined;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 400);
}

/**
 * A run's `error` (cfn-guard exits 0 on a rule file that does not parse, 1 on test data that does
 * not): a rule error at the rule file, or a test error at the test file, at its line when given.
 */
function runError(
  error: string,
  opts: { workspace: string; ruleFile: string; testFile: string; code: number },
): Finding {
  const msg = oneLine(error);
  const inRules = /Error parsing file (.+?) at line/.exec(error);
  const dataFile = /Unable to process data in file (.+?), /.exec(error);
  const ruleSide = !dataFile && (!inRules || resolve(inRules[1]!) === resolve(opts.ruleFile));
  const at = lineColumn(msg);
  if (ruleSide) {
    const file = repoPath(opts.workspace, opts.ruleFile);
    const detail = msg
      .replace(/^Parser Error when parsing `(?:Parsing Error )?/, '')
      .replace(/^Error parsing file .+? at line \d+ at column \d+, when handling /, '')
      .replace(/`$/, '');
    return errorAt(file, at, {
      kind: 'rule-error',
      rule: 'rule-parse-error',
      title: 'Rule file does not parse',
      message: at
        ? `${file} does not parse at line ${at.line}, column ${at.column}: ${detail}`
        : `${file} could not be tested: ${detail}`,
    });
  }
  const file = repoPath(opts.workspace, opts.testFile);
  return errorAt(file, at, {
    kind: 'engine-error',
    rule: 'test-error',
    title: 'cfn-guard test could not run',
    message: `cfn-guard test exit ${opts.code} for ${file}: ${msg}`,
  });
}

/**
 * `cfn-guard test` over each rule file that has tests/ cases. Each expectation that did not hold
 * (rule, case, expected vs got) becomes a finding at the case in its test file; a rule file or test
 * file that cfn-guard cannot read is an error at that file. No test files at all is a
 * configuration error (test mode would otherwise pass having tested nothing).
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
  let failed = 0;
  for (const ruleFile of opts.ruleFiles) {
    const tests = testFilesFor(ruleFile);
    if (tests.length === 0) {
      opts.log?.(`${repoPath(opts.workspace, ruleFile)}: no tests/ cases, skipped`);
      continue;
    }
    ruleFiles++;
    let ruleBroken = false;
    for (const testFile of tests) {
      if (ruleBroken) break; // every other test file of a rule file that does not parse fails the same way
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
        const msg = oneLine(r.stderr || r.stdout);
        const at = lineColumn(msg);
        findings.push(
          errorAt(file, at, {
            kind: 'engine-error',
            rule: 'test-error',
            title: 'cfn-guard test could not run',
            message: `cfn-guard test exit ${r.code} for ${file}: ${msg || 'no output'}`,
          }),
        );
        continue;
      }
      const before = findings.length;
      for (const rf of parsed) {
        if (typeof rf.error === 'string' && rf.error.trim()) {
          const e = runError(rf.error, { workspace: opts.workspace, ruleFile, testFile, code: r.code });
          if (e.kind === 'rule-error') ruleBroken = true;
          findings.push(e);
          continue;
        }
        for (const tc of rf.test_cases ?? []) {
          cases++;
          expectations += (tc.passed_rules?.length ?? 0) + (tc.failed_rules?.length ?? 0);
          for (const fr of tc.failed_rules ?? []) {
            const got = Array.isArray(fr.evaluated) ? fr.evaluated.join(', ') : String(fr.evaluated ?? '?');
            const where = caseLocation([testFile], tc.name ?? '') ?? { file: testFile, line: 1, column: 1 };
            const file = repoPath(opts.workspace, where.file);
            failed++;
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
      // The exit code must agree with what was read: 0 for all held, 7 for failed expectations.
      if (findings.length === before && r.code !== EXIT.PASS) {
        const file = repoPath(opts.workspace, testFile);
        const msg = oneLine(r.stderr);
        findings.push(
          errorAt(file, undefined, {
            kind: 'engine-error',
            rule: 'test-error',
            title: 'cfn-guard test could not run',
            message: `cfn-guard test exit ${r.code} for ${file} without a failed expectation${msg ? `: ${msg}` : ''}`,
          }),
        );
      }
    }
  }
  if (ruleFiles === 0)
    throw new ConfigurationError(
      `input "rules" has no rule file with tests: test mode runs each <name>.guard against tests/<name>_tests.yaml (or .yml/.json) in a tests/ directory beside it; none of the ${opts.ruleFiles.length} rule file(s) has one`,
      'rules',
    );
  return { findings, ruleFiles, cases, expectations, failed };
}
