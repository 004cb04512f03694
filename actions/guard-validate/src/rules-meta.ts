import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SEVERITIES, type Severity } from './inputs.js';

/** One Control Tower control as the build hook boiled it down (dist/rules/control-tower/index.json). */
export interface Control {
  file: string;
  service: string;
  rules: string[];
  id: string;
  title: string;
  description?: string;
  severity: string;
  remediation?: string;
  docs?: string;
  resourceTypes: string[];
}

export interface RuleInfo {
  /** Stable id for SARIF and suppressions: the control id (CT.S3.PR.1) or the rule name. */
  id: string;
  rule: string;
  title: string;
  severity: Severity;
  controlId?: string;
  remediation?: string;
  helpUri?: string;
  source: 'control-tower' | 'custom';
}

export function loadControls(packDir: string): Control[] {
  const index = join(packDir, 'index.json');
  if (!existsSync(index)) return [];
  return (JSON.parse(readFileSync(index, 'utf8')) as { controls: Control[] }).controls;
}

const SEVERITY_RE = /\bseverity\s*[:=]\s*(critical|high|medium|moderate|low|info(?:rmational)?)\b/i;

/**
 * Our convention for custom rules: a custom message (`<< ... >>`) may declare its severity on a
 * line such as `severity: medium`; without one, a custom rule is `high`.
 */
export function declaredSeverity(message: string | undefined): Severity | undefined {
  const m = message ? SEVERITY_RE.exec(message) : null;
  if (!m) return undefined;
  const s = m[1]!.toLowerCase();
  if (s === 'moderate') return 'medium';
  if (s.startsWith('info')) return 'info';
  return s as Severity;
}

export function normaliseSeverity(s: string | undefined, fallback: Severity = 'high'): Severity {
  const v = (s ?? '').toLowerCase();
  return (SEVERITIES as readonly string[]).includes(v) ? (v as Severity) : fallback;
}

/** A custom message without the severity line and Control Tower's `[FIX]:` tail, on one line. */
export function messageText(custom: string | undefined): string | undefined {
  if (!custom) return undefined;
  const lines = custom
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !SEVERITY_RE.test(l) && !/^\[FIX\]:/.test(l));
  const text = lines
    .join(' ')
    .replace(/^\[(CT\.[A-Z0-9]+\.PR\.\d+)\]:\s*/, '')
    .trim();
  return text || undefined;
}

export class RuleCatalog {
  private readonly byRule = new Map<string, Control>();

  constructor(controls: Control[]) {
    for (const c of controls) for (const r of c.rules) this.byRule.set(r, c);
  }

  /** The resource types a Control Tower rule filters on (empty for custom rules). */
  resourceTypes(rule: string): string[] {
    return this.byRule.get(rule)?.resourceTypes ?? [];
  }

  info(rule: string, custom: string | undefined): RuleInfo {
    const c = this.byRule.get(rule);
    if (c)
      return {
        id: c.id,
        rule,
        title: c.title,
        severity: normaliseSeverity(c.severity, 'medium'),
        controlId: c.id,
        remediation: c.remediation,
        helpUri: c.docs,
        source: 'control-tower',
      };
    const ct = custom ? /\[(CT\.[A-Z0-9]+\.PR\.\d+)\]/.exec(custom)?.[1] : undefined;
    return {
      id: ct ?? rule,
      rule,
      title: messageText(custom) ?? rule,
      severity: declaredSeverity(custom) ?? 'high',
      controlId: ct,
      source: 'custom',
    };
  }
}

/** Higher is more severe. */
export const SEVERITY_RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

/** SARIF `security-severity` scores as code scanning reads them (critical >= 9, high >= 7, medium >= 4). */
export const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};
