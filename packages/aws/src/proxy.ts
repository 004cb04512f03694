import type { ClientRequest } from 'node:http';
import * as http from 'node:http';
import * as https from 'node:https';
import { ConfigurationError } from '@oaktree/action-kit';
import { Agent, type AgentConnectOpts } from 'agent-base';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';

/** The proxy settings a self-hosted runner passes in its environment (upper or lower case). */
export interface ProxyEnv {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy: string[];
}

function pick(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name.toLowerCase()] ?? env[name.toUpperCase()];
  return v?.trim() || undefined;
}

export function readProxyEnv(env: NodeJS.ProcessEnv = process.env): ProxyEnv | undefined {
  const httpProxy = pick(env, 'http_proxy');
  const httpsProxy = pick(env, 'https_proxy');
  if (!httpProxy && !httpsProxy) return undefined;
  const noProxy = (pick(env, 'no_proxy') ?? '')
    .split(/[\s,]+/)
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  return { httpProxy, httpsProxy, noProxy };
}

/**
 * Whether NO_PROXY exempts this host: `*` exempts all; `example.com` and `.example.com` (or
 * `*.example.com`) exempt the domain and its subdomains; `host:port` only that port; IP addresses
 * compare as written (no CIDR ranges, like curl).
 */
export function bypassesProxy(host: string, port: number, noProxy: string[]): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  for (const entry of noProxy) {
    if (entry === '*') return true;
    // `[v6]:port`, a bare IPv6 address (more than one colon), or `name[:port]`
    const m = entry.startsWith('[')
      ? /^\[([^\]]*)\](?::(\d+))?$/.exec(entry)
      : entry.split(':').length > 2
        ? [entry, entry, undefined]
        : /^([^:]*)(?::(\d+))?$/.exec(entry);
    if (!m) continue;
    const name = (m[1] ?? '').replace(/^\*?\./, '');
    if (m[2] !== undefined && Number(m[2]) !== port) continue;
    if (h === name || h.endsWith(`.${name}`)) return true;
  }
  return false;
}

/**
 * An agent that sends each request through the proxy for its scheme unless NO_PROXY exempts the host:
 * `https://` endpoints through a CONNECT tunnel (the proxy never sees the signed request), `http://`
 * ones as absolute-URI requests.
 */
class EnvProxyAgent extends Agent {
  private readonly direct: http.Agent;
  private readonly viaProxy?: http.Agent;

  constructor(
    private readonly secure: boolean,
    proxy: string | undefined,
    private readonly noProxy: string[],
  ) {
    super({ keepAlive: true });
    this.direct = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
    if (proxy)
      this.viaProxy = secure
        ? new HttpsProxyAgent(proxy, { keepAlive: true })
        : new HttpProxyAgent(proxy, { keepAlive: true });
  }

  connect(req: ClientRequest, opts: AgentConnectOpts): http.Agent {
    const host = String(opts.host ?? req.host ?? '');
    const port = Number(opts.port ?? (this.secure ? 443 : 80));
    if (!this.viaProxy || bypassesProxy(host, port, this.noProxy)) return this.direct;
    return this.viaProxy;
  }
}

/** Agents for the SDK's request handler when the environment names a proxy, else undefined. */
export function proxyAgents(
  env: NodeJS.ProcessEnv = process.env,
): { httpAgent: http.Agent; httpsAgent: https.Agent } | undefined {
  const p = readProxyEnv(env);
  if (!p) return undefined;
  for (const [name, url] of [
    ['HTTP_PROXY', p.httpProxy],
    ['HTTPS_PROXY', p.httpsProxy],
  ] as const) {
    if (url && !/^https?:\/\/[^/]+/i.test(url))
      throw new ConfigurationError(
        `environment variable ${name} is "${url}": expected a proxy URL such as http://proxy.internal:3128`,
      );
  }
  return {
    httpAgent: new EnvProxyAgent(false, p.httpProxy, p.noProxy),
    httpsAgent: new EnvProxyAgent(true, p.httpsProxy, p.noProxy) as unknown as https.Agent,
  };
}
