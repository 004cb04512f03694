import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  ConfigurationError,
  OperationError,
  emitAnnotations,
  errorMessage,
  log,
  setOutputs,
} from '@oaktree/action-kit';
import { runContext, type RunContext } from './context.js';
import {
  DATA_EXTENSIONS,
  RULE_EXTENSIONS,
  classify,
  discoverCandidates,
  expand,
  repoPath,
  type Classified,
} from './discover.js';
import { bundleDir, resolveEngine } from './engine.js';
import { WorkBudget } from './limits.js';
import { GitHub } from './github.js';
import type { GuardConfig } from './inputs.js';
import { publishChecks, publishComment } from './publish.js';
import {
  SARIF_MAX_RESULTS,
  commandAnnotations,
  gateFails,
  gateViolations,
  jobSummary,
  jsonReport,
  sarif,
  totals,
  type RunFacts,
} from './report.js';
import { RuleCatalog, loadControls, type Control } from './rules-meta.js';
import { applySuppressions, readBaseline } from './suppress.js';
import { runTests } from './testmode.js';
import { validate, type Finding } from './validate.js';

export interface ExecuteHooks {
  /** Called once outputs are set (main.ts sets fallbacks otherwise). */
  onOutputs?: () => void;
  context?: RunContext;
}

/** Short names people type for the pack's service directories. */
const SERVICE_ALIASES: Record<string, string> = {
  iam: 'identityandaccessmanagement',
  kms: 'keymanagementservice',
  elb: 'elasticloadbalancing',
  elbv2: 'elasticloadbalancing',
  alb: 'elasticloadbalancing',
  autoscaling: 'ec2autoscaling',
  dms: 'databasemigrationservice',
  acm: 'certificatemanager',
  opensearch: 'opensearchservice',
  sfn: 'stepfunctions',
  docdb: 'documentdb',
  apigw: 'apigateway',
};

export function selectControls(all: Control[], config: Pick<GuardConfig, 'rulePacks'>): Control[] {
  const out = new Map<string, Control>();
  for (const p of config.rulePacks) {
    const pack = { ...p, services: p.services.map((s) => SERVICE_ALIASES[s] ?? s) };
    const services = new Set(all.map((c) => c.service));
    for (const s of pack.services)
      if (!services.has(s))
        throw new ConfigurationError(
          `input "rule-packs" names service "${s}", which has no Control Tower controls: use one of ${[...services].sort().join(', ')}`,
          'rule-packs',
        );
    for (const c of all)
      if (pack.services.length === 0 || pack.services.includes(c.service)) out.set(c.file, c);
  }
  return [...out.values()];
}

export async function execute(config: GuardConfig, hooks: ExecuteHooks = {}): Promise<void> {
  const started = Date.now();
  const ctx = hooks.context ?? runContext();
  const ws = ctx.workspace;
  const packDir = join(bundleDir(), 'rules', 'control-tower');
  const allControls = loadControls(packDir);
  if (config.rulePacks.length && allControls.length === 0)
    throw new OperationError(
      `the control-tower rule pack is missing from ${packDir}: the action's dist/ is incomplete`,
    );
  const controls = selectControls(allControls, config);
  const ruleFiles = await expand(config.rules, {
    workspace: ws,
    extensions: RULE_EXTENSIONS,
    input: 'rules',
  });
  const baseline = config.baseline ? readBaseline(resolve(ws, config.baseline)) : undefined;
  const engine = await resolveEngine({
    override: config.cfnGuardPath ? resolve(ws, config.cfnGuardPath) : undefined,
  });
  log.info(`cfn-guard: ${engine.description}`);

  const sarifPath = resolve(ws, config.sarifFile);
  const reportPath = resolve(ws, config.reportFile);
  const gh =
    config.token && ctx.repo
      ? await GitHub.create({ apiUrl: ctx.apiUrl, token: config.token, onWait: (l) => log.info(l) })
      : undefined;

  let findings: Finding[] = [];
  let facts: RunFacts;
  if (config.mode === 'test') {
    const t = await log.group('cfn-guard test', () =>
      runTests({ engine: engine.path, workspace: ws, ruleFiles, log: log.info }),
    );
    findings = t.findings;
    log.info(
      `${t.ruleFiles} rule file(s) with tests, ${t.cases} case(s), ${t.expectations} expectation(s), ${t.failed} failed`,
    );
    facts = {
      filesScanned: t.cases,
      rulesEvaluated: t.ruleFiles,
      skipped: [],
      passed: !gateFails(findings, config.failOn),
      failOn: config.failOn,
      engine: engine.description,
      durationMs: 0,
      reportFile: config.reportFile,
      mode: config.mode,
    };
  } else {
    // Which data files: the given ones, or every template in the repository (by content).
    const explicit = config.data.length > 0;
    let candidates = explicit
      ? await expand(config.data, { workspace: ws, extensions: DATA_EXTENSIONS, input: 'data' })
      : await discoverCandidates(ws);
    if (config.changedFilesOnly) {
      if (!ctx.pullRequest || !gh || !ctx.repo)
        log.info('changed-files-only: not a pull request (or no token); checking every file');
      else {
        let changed: { files: string[]; truncated: boolean } | undefined;
        try {
          changed = await gh.pullRequestFiles(ctx.repo, ctx.pullRequest.number);
        } catch (err) {
          log.warning(
            `changed-files-only: could not list the files of #${ctx.pullRequest.number} (${errorMessage(err)}); checking every file`,
          );
        }
        if (changed?.truncated)
          log.warning(
            'changed-files-only: the pull request changes more than 3,000 files; only the first 3,000 are known',
          );
        if (changed) {
          const keep = new Set(changed.files);
          const before = candidates.length;
          candidates = candidates.filter((f) => keep.has(repoPath(ws, f)));
          log.info(
            `changed-files-only: ${candidates.length} of ${before} candidate file(s) changed in #${ctx.pullRequest.number}`,
          );
        }
      }
    }
    const budget = new WorkBudget();
    const classified: Classified[] = candidates.map((f) => classify(f, explicit, { workspace: ws, budget }));
    const byRepoPath = new Map(classified.map((c) => [repoPath(ws, c.file), c]));
    const out = await log.group(`cfn-guard validate (${classified.length} file(s))`, async () => {
      const r = await validate({
        engine: engine.path,
        workspace: ws,
        ruleFiles,
        controls,
        packDir,
        catalog: new RuleCatalog(allControls),
        files: classified,
        parallelism: config.parallelism ?? ctx.cpus,
        tempDir: ctx.tempDir,
        log: log.info,
      });
      log.info(
        `${r.filesScanned} file(s) in ${r.engineRuns} engine run(s); ${r.skipped.length} skipped; ${r.findings.length} finding(s)`,
      );
      return r;
    });
    findings = out.findings;
    applySuppressions(findings, byRepoPath, baseline);
    if (out.filesScanned === 0 && !findings.length)
      log.warning('no CloudFormation templates or Terraform plans found to check');
    facts = {
      filesScanned: out.filesScanned,
      rulesEvaluated: out.rulesEvaluated,
      skipped: out.skipped,
      passed: !gateFails(findings, config.failOn),
      failOn: config.failOn,
      engine: engine.description,
      durationMs: 0,
      reportFile: config.reportFile,
      mode: config.mode,
    };
  }
  facts.durationMs = Date.now() - started;
  const t = totals(findings);

  // Files first, so they exist whatever happens to the GitHub calls.
  mkdirSync(dirname(sarifPath), { recursive: true });
  writeFileSync(
    sarifPath,
    JSON.stringify(sarif(findings, { srcRoot: ws, category: config.sarifCategory }), null, 2),
  );
  if (findings.length > SARIF_MAX_RESULTS)
    log.warning(
      `guard-validate: ${findings.length} findings; the SARIF log keeps the ${SARIF_MAX_RESULTS} most severe (code scanning's limit per run), the report file has all`,
    );
  mkdirSync(dirname(reportPath), { recursive: true });
  writeFileSync(reportPath, JSON.stringify(jsonReport(findings, facts), null, 2));
  setOutputs({
    violations: String(gateViolations(findings, config.failOn)),
    'files-scanned': String(facts.filesScanned),
    'rules-evaluated': String(facts.rulesEvaluated),
    passed: String(facts.passed),
    'sarif-file': repoPath(ws, sarifPath),
    'report-file': repoPath(ws, reportPath),
  });
  hooks.onOutputs?.();
  jobSummary(findings, facts).write();

  const runUrl = ctx.repo && ctx.runId ? `${ctx.serverUrl}/${ctx.repo}/actions/runs/${ctx.runId}` : undefined;
  const sha = ctx.pullRequest?.headSha || ctx.sha;
  // Reporting problems never hide the result: the gate below still decides the exit.
  if (config.annotations === 'checks' && gh && ctx.repo && sha) {
    try {
      const r = await publishChecks(gh, { repo: ctx.repo, sha, findings, facts, detailsUrl: runUrl });
      log.info(
        r.mode === 'checks'
          ? `check run: ${r.annotations} annotation(s) in ${r.requests} request(s)`
          : `annotations: ${r.annotations} workflow-command annotation(s)`,
      );
    } catch (err) {
      log.warning(
        `guard-validate: the check run failed (${errorMessage(err)}); annotating with workflow commands instead`,
      );
      emitAnnotations(commandAnnotations(findings));
    }
  } else if (config.annotations !== 'none') {
    emitAnnotations(commandAnnotations(findings));
  }
  const wantComment =
    config.prComment ?? (ctx.eventName === 'pull_request' || ctx.eventName === 'pull_request_target');
  if (wantComment && ctx.pullRequest && gh && ctx.repo) {
    try {
      const r = await publishComment(gh, {
        repo: ctx.repo,
        pr: ctx.pullRequest.number,
        findings,
        facts,
        links: { server: ctx.serverUrl, repo: ctx.repo, sha: sha ?? '', runUrl },
      });
      log.info(`pull request comment: ${r}`);
    } catch (err) {
      log.warning(`guard-validate: could not update the pull request comment (${errorMessage(err)})`);
    }
  }

  const summaryLine =
    `${t.violations} violation(s) (${
      Object.entries(t.bySeverity)
        .filter(([, n]) => n)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ') || 'none'
    })` +
    (t.errors ? `, ${t.errors} error(s)` : '') +
    (t.suppressed ? `, ${t.suppressed} suppressed` : '') +
    (t.baselined ? `, ${t.baselined} baselined` : '');
  if (!facts.passed) throw new OperationError(`${summaryLine}; fail-on is ${config.failOn}`);
  log.info(`passed: ${summaryLine}`);
}
