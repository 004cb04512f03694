import { errorMessage } from '@oaktree/action-kit';
import type { HealthCheck } from './inputs.js';
import { describeUrl, fillEndpoint, urlTarget, type Prober } from './probes.js';
import type { Timeline } from './timeline.js';

export interface Endpoint {
  host: string;
  port: number;
}

export interface HealthSpec {
  check: HealthCheck;
  sqlConnection?: string;
  sqlQuery: string;
  httpUrl?: string;
  probeTimeoutMs: number;
}

/** One probe attempt: DNS, then TCP, then the SQL query or HTTP request, each marked on first success. */
export async function probeOnce(
  spec: HealthSpec,
  endpoint: Endpoint,
  prober: Prober,
  timeline: Timeline,
  now: () => number,
  mask: (secret: string) => void,
): Promise<number> {
  if (spec.check === 'none') return now();
  let url: string | undefined;
  let target: Endpoint = endpoint;
  if (spec.check === 'sql') {
    url = fillEndpoint(spec.sqlConnection!, endpoint);
    mask(url);
    target = urlTarget(url);
  } else if (spec.check === 'http') {
    url = fillEndpoint(spec.httpUrl!, endpoint);
    target = urlTarget(url);
  }
  // Each step's instant is read once, so the RTO ends exactly where the last phase is shown.
  let at: number;
  await prober.lookup(target.host, spec.probeTimeoutMs);
  timeline.mark('dns-resolves', (at = now()));
  await prober.tcp(target.host, target.port, spec.probeTimeoutMs);
  timeline.mark('tcp-accepts', (at = now()));
  if (spec.check === 'sql') {
    await prober.sql(url!, spec.sqlQuery, spec.probeTimeoutMs);
    timeline.mark('sql-ok', (at = now()));
  } else if (spec.check === 'http') {
    const status = await prober.http(url!, spec.probeTimeoutMs);
    if (status < 200 || status > 299) throw new Error(`${describeUrl(url!)} answered HTTP ${status}`);
    timeline.mark('http-ok', (at = now()));
  }
  return at;
}

/** What a health check is aimed at, for log lines (no credentials). */
export function healthTargetText(spec: HealthSpec, endpoint: Endpoint): string {
  if (spec.check === 'sql') return `SQL on ${describeUrl(fillEndpoint(spec.sqlConnection!, endpoint))}`;
  if (spec.check === 'http') return `HTTP ${describeUrl(fillEndpoint(spec.httpUrl!, endpoint))}`;
  if (spec.check === 'tcp') return `TCP ${endpoint.host}:${endpoint.port}`;
  return 'none (RDS status only)';
}

/** Make an error message safe for the log: a connection URL never appears in it. */
export function scrub(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('***');
  return out.replace(/\b(postgres(?:ql)?|mysql):\/\/[^\s@/]*@/gi, '$1://***@');
}

export function probeError(err: unknown, secrets: string[]): string {
  return scrub(errorMessage(err), secrets);
}
