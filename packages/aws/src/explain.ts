import { callInfo } from './clients.js';

const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'AuthorizationError',
  'UnauthorizedException',
  'AccessDeniedFault',
]);
const BAD_CREDENTIALS = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
]);
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired']);

/** The IAM service prefix for an SDK client name (`RDS` -> `rds`, `ElasticLoadBalancingV2` -> ...). */
export function iamPrefix(service: string): string {
  const special: Record<string, string> = {
    ElasticLoadBalancingV2: 'elasticloadbalancing',
    CloudWatch: 'cloudwatch',
    CodeDeploy: 'codedeploy',
  };
  return special[service] ?? service.toLowerCase();
}

/**
 * Turn an AWS SDK error into a one-line explanation. Access-denied errors name the IAM action that
 * is missing (from the message when AWS says it, else from the call that failed) and the resource.
 * Returns undefined for things that are not AWS errors.
 */
export function explainAwsError(err: unknown): string | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { name?: string; Code?: string; message?: string };
  const name = e.Code ?? e.name ?? '';
  const message = (e.message ?? '').replace(/\s+/g, ' ').trim();
  const info = callInfo(err);
  const call = info ? `${info.service} ${info.operation}` : undefined;

  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return 'no AWS credentials found: add aws-actions/configure-aws-credentials (with role-to-assume) before this step';
  }
  if (ACCESS_DENIED.has(name) || /not authori[sz]ed to perform/i.test(message)) {
    const m = /not authori[sz]ed to perform:? ?([a-z0-9-]+:[A-Za-z0-9*]+)(?: on resource:? ?(\S+))?/i.exec(
      message,
    );
    const action = m?.[1] ?? (info ? `${iamPrefix(info.service)}:${info.operation}` : undefined);
    const resource = m?.[2]?.replace(/[.,;]+$/, '');
    if (!action) return `access denied: ${message}`;
    return (
      `access denied: the role lacks IAM permission ${action}` +
      (resource ? ` on ${resource}` : '') +
      (info ? ` (region ${info.region})` : '') +
      `; add it to the role's policy (see the action README for the minimal policy)`
    );
  }
  if (BAD_CREDENTIALS.has(name)) {
    return `the AWS credentials were rejected (${name}${call ? ` on ${call}` : ''}): check the role or keys configured before this step`;
  }
  if (EXPIRED.has(name)) {
    return `the AWS credentials expired${call ? ` during ${call}` : ''}: raise role-duration-seconds in configure-aws-credentials`;
  }
  if (info) return `${call} failed in ${info.region}: ${name}: ${message}`;
  return undefined;
}
