/**
 * The documented policies (`actions/<name>/iam-policy.json`) evaluated with @cloud-copilot/iam-simulate,
 * Resource and Condition included. Placeholders such as `${Account}` or `${Prefix}` are replaced with a
 * run's values; a placeholder whose value is a list turns one Resource (or condition value) into one
 * per item. Tests only: iam-simulate is AGPL and must never reach a bundle.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isWildcardOnlyAction, runSimulation } from '@cloud-copilot/iam-simulate';
import type { AuthRequest } from './operations.js';

export type Values = Record<string, string | string[]>;

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}
export interface Policy {
  Version: string;
  Statement: Statement[];
}

/** moto's account, and the one the tests' ARNs use. */
export const ACCOUNT = '123456789012';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** `actions/<name>/iam-policy.json` (the action directory absolute or relative to the repo root). */
export function policyPath(action: string): string {
  return join(resolve(REPO_ROOT, action), 'iam-policy.json');
}

export function readPolicy(action: string): Policy {
  return JSON.parse(readFileSync(policyPath(action), 'utf8')) as Policy;
}

const PLACEHOLDER = /\$\{([A-Z][A-Za-z]*)\}/g;

/** Every `${Name}` the policy uses (IAM's own variables, `${aws:...}`, are lower case and left alone). */
export function placeholders(policy: Policy): string[] {
  return [...new Set([...JSON.stringify(policy).matchAll(PLACEHOLDER)].map((m) => m[1]!))].sort();
}

function expand(value: string, values: Values, where: string): string[] {
  let out = [value];
  for (const name of new Set([...value.matchAll(PLACEHOLDER)].map((m) => m[1]!))) {
    const v = values[name];
    if (v === undefined) throw new Error(`${where}: no value for \${${name}}`);
    const list = Array.isArray(v) ? v : [v];
    out = out.flatMap((s) => list.map((item) => s.split(`\${${name}}`).join(item)));
  }
  return out;
}

function expandField(v: string | string[], values: Values, where: string): string | string[] {
  const list = (Array.isArray(v) ? v : [v]).flatMap((s) => expand(s, values, where));
  return Array.isArray(v) || list.length !== 1 ? [...new Set(list)] : list[0]!;
}

/** The policy with the run's values in place of its placeholders. */
export function substitute(policy: Policy, values: Values, where = 'iam-policy.json'): Policy {
  return {
    ...policy,
    Statement: policy.Statement.map((s) => {
      const at = `${where} ${s.Sid ?? ''}`;
      const out: Statement = {
        ...s,
        Action: s.Action,
        Resource: expandField(s.Resource, values, at),
      };
      if (s.Condition)
        out.Condition = Object.fromEntries(
          Object.entries(s.Condition).map(([op, kv]) => [
            op,
            Object.fromEntries(Object.entries(kv).map(([k, v]) => [k, expandField(v, values, at)])),
          ]),
        );
      return out;
    }),
  };
}

export interface Verdict {
  request: AuthRequest;
  allowed: boolean;
  result: string;
  /** The Sids of the statements that allowed it. */
  by: string[];
  error?: string;
}

const wildcardOnly = new Map<string, Promise<boolean>>();
function isWildcardOnly(action: string): Promise<boolean> {
  const [service, name] = action.split(':') as [string, string];
  let p = wildcardOnly.get(action);
  if (!p) {
    p = isWildcardOnlyAction(service, name);
    wildcardOnly.set(action, p);
  }
  return p;
}

function defaultKeyPolicy(account: string) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'Enable IAM User Permissions',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${account}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
    ],
  };
}

/** iam-policy hands statements back as objects with accessors (`sid()`), or as plain JSON. */
function sidOf(statement: unknown): string {
  const st = statement as { sid?: () => string | undefined; Sid?: string; toJSON?: () => { Sid?: string } };
  if (typeof st.sid === 'function') return st.sid() ?? '(no Sid)';
  return st.Sid ?? st.toJSON?.().Sid ?? '(no Sid)';
}

const verdicts = new Map<string, Promise<Verdict>>();

/** Does `policy` allow the request? Cached per (policy, request): the e2e suites repeat calls a lot. */
export function evaluate(policy: Policy, request: AuthRequest, account = ACCOUNT): Promise<Verdict> {
  const key = JSON.stringify([policy, request.action, request.resource, request.context, account]);
  let v = verdicts.get(key);
  if (!v) {
    v = simulate(policy, request, account);
    verdicts.set(key, v);
  }
  return v;
}

async function simulate(policy: Policy, request: AuthRequest, account: string): Promise<Verdict> {
  // AWS evaluates a wildcard-only action against "*", whatever the request names.
  const resource = (await isWildcardOnly(request.action)) ? '*' : request.resource;
  const r = await runSimulation(
    {
      request: {
        principal: `arn:aws:iam::${account}:role/oaktree-actions`,
        action: request.action,
        resource: { resource, accountId: account },
        contextVariables: request.context,
      },
      identityPolicies: [{ name: 'iam-policy.json', policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      // KMS consults the key policy first; the default one hands the decision to IAM policies.
      ...(request.action.startsWith('kms:') ? { resourcePolicy: defaultKeyPolicy(account) } : {}),
    },
    { simulationMode: 'Strict' },
  );
  if (r.resultType === 'error')
    return { request, allowed: false, result: 'error', by: [], error: JSON.stringify(r.errors) };
  const analyses = r.resultType === 'single' ? [r.result] : r.results;
  const by = analyses.flatMap((a) =>
    (a.analysis.identityAnalysis?.allowStatements ?? []).map((s) => sidOf(s.statement)),
  );
  return { request, allowed: r.overallResult === 'Allowed', result: r.overallResult, by };
}

/** One line for a denied request: what was asked and a statement that would allow it. */
export function explainDenied(v: Verdict, policyFile: string): string {
  const { action, resource, context } = v.request;
  const cond = Object.keys(context).length ? ` with ${JSON.stringify(context)}` : '';
  const why = v.request.why ? ` (${v.request.why})` : '';
  if (v.error) return `${action} on ${resource}${why}: the simulator refused the request: ${v.error}`;
  return (
    `${action} on ${resource}${cond}${why} is not allowed by ${policyFile}: add a statement such as ` +
    JSON.stringify({ Effect: 'Allow', Action: action, Resource: resource })
  );
}

/**
 * The policy as moto can enforce it (the second check, test/e2e/<action>/iam.e2e.test.ts): moto 5.2.1
 * matches actions but not Resource ARNs or Condition keys, so every statement is widened to Resource
 * "*" and its Condition dropped. What such a run proves is that the policy's ACTIONS are enough.
 */
export function actionsOnly(policy: Policy): Policy {
  return {
    ...policy,
    Statement: policy.Statement.map(({ Condition: _dropped, ...s }) => ({ ...s, Resource: '*' })),
  };
}
