import { ConfigurationError, Inputs, quote } from '@oaktree/action-kit';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const FAIL_ON = ['critical', 'high', 'medium', 'low', 'any', 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];

export interface RulePack {
  name: 'control-tower';
  /** Service directories to keep (`s3`, `rds`); empty means all. */
  services: string[];
}

export interface GuardConfig {
  mode: 'validate' | 'test';
  rules: string[];
  rulePacks: RulePack[];
  /** Empty: discover templates in the workspace by content. */
  data: string[];
  failOn: FailOn;
  annotations: 'checks' | 'commands' | 'none';
  prComment: boolean | undefined;
  changedFilesOnly: boolean;
  baseline?: string;
  sarifFile: string;
  /** SARIF `automationDetails.id` (the code scanning category), ending in `/`. */
  sarifCategory: string;
  reportFile: string;
  token?: string;
  cfnGuardPath?: string;
  parallelism?: number;
}

const PACKS = ['control-tower'] as const;

function parsePack(spec: string): RulePack {
  const m = /^([a-z-]+)(?::([a-z0-9, -]*))?$/i.exec(spec.trim());
  const name = m?.[1]?.toLowerCase();
  if (!m || !PACKS.includes(name as RulePack['name']))
    throw new ConfigurationError(
      `input "rule-packs" has ${quote(spec)}: expected control-tower or control-tower:<services> such as control-tower:s3,rds`,
      'rule-packs',
    );
  const services = (m[2] ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  return { name: name as RulePack['name'], services };
}

/** The only place that reads inputs. */
export function readConfig(inputs = new Inputs()): GuardConfig {
  const mode = inputs.enum('mode', ['validate', 'test'] as const, { default: 'validate' })!;
  const rules = inputs.list('rules');
  const rulePacks = inputs.list('rule-packs').map(parsePack);
  if (rules.length === 0 && rulePacks.length === 0)
    throw new ConfigurationError(
      'input "rules" is required: set it to Guard rule files, directories or globs (one per line), or set "rule-packs: control-tower"',
      'rules',
    );
  if (mode === 'test' && rules.length === 0)
    throw new ConfigurationError(
      'input "rules" is required in test mode: set it to rule directories that hold tests/ cases',
      'rules',
    );
  const prComment = inputs.has('pr-comment') ? inputs.boolean('pr-comment', { default: true }) : undefined;
  const sarifFile = inputs.string('sarif-file', { default: 'guard-results.sarif' })!;
  const reportFile = inputs.string('report-file', { default: 'guard-report.json' })!;
  const category = inputs.string('category', {
    default: 'guard-validate',
    pattern: /^[A-Za-z0-9._:/-]{1,200}$/,
    expected: 'letters, digits and . _ : / - (for example guard-validate/network)',
  })!;
  return {
    mode,
    rules,
    rulePacks,
    data: inputs.list('data'),
    failOn: inputs.enum('fail-on', FAIL_ON, { default: 'any' })!,
    annotations: inputs.enum('annotations', ['checks', 'commands', 'none'] as const, { default: 'checks' })!,
    prComment,
    changedFilesOnly: inputs.boolean('changed-files-only', { default: false }),
    baseline: inputs.string('baseline'),
    sarifFile,
    sarifCategory: category.endsWith('/') ? category : `${category}/`,
    reportFile,
    token: inputs.secret('token'),
    cfnGuardPath: inputs.string('cfn-guard-path'),
    parallelism: inputs.integer('parallelism', { min: 1, max: 64 }),
  };
}
