/**
 * Self-hosted runners behind a proxy: the AWS client factory sends every call through HTTP_PROXY /
 * HTTPS_PROXY unless NO_PROXY exempts the host. A forward proxy on loopback records what it carries.
 */
import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { motoEnv, motoUrl, runAction, useMoto } from '../harness/index.js';

const ACTION = 'test/fixtures/actions/wiring';
useMoto();

interface ForwardProxy {
  url: string;
  seen: string[];
  close(): Promise<void>;
}

/** A forward proxy on 127.0.0.1: absolute-URI requests are relayed, CONNECT is tunnelled (loopback only). */
async function startForwardProxy(): Promise<ForwardProxy> {
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const target = new URL(req.url ?? '');
    seen.push(`${req.method} ${target.host}`);
    if (target.hostname !== '127.0.0.1') {
      res.writeHead(403).end('loopback only');
      return;
    }
    const out = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: target.pathname + target.search,
        headers: req.headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => res.writeHead(502).end());
    req.pipe(out);
  });
  server.on('connect', (req, client: Socket) => {
    seen.push(`CONNECT ${req.url}`);
    const [host, port] = String(req.url).split(':');
    if (host !== '127.0.0.1') return client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    const up = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.pipe(client).pipe(up);
    });
    up.on('error', () => client.destroy());
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  server.unref();
  const timer = setTimeout(() => server.close(), 120_000);
  timer.unref();
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((r) => {
        clearTimeout(timer);
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

let proxy: ForwardProxy;
beforeAll(async () => {
  proxy = await startForwardProxy();
});
afterAll(() => proxy.close());
beforeEach(() => {
  proxy.seen.length = 0;
});

const motoHost = () => new URL(motoUrl()).host;

test('HTTP_PROXY: every AWS call of the bundle goes through the proxy', async () => {
  const run = await runAction({
    action: ACTION,
    inputs: { message: 'via proxy', region: 'us-east-1' },
    env: motoEnv({ HTTP_PROXY: proxy.url }),
  });
  expect(run.main.exitCode).toBe(0);
  expect(run.outputs.account).toBe('123456789012');
  // GetCallerIdentity, DescribeDBInstances twice
  expect(proxy.seen.filter((s) => s === `POST ${motoHost()}`).length).toBeGreaterThanOrEqual(3);
});

test('NO_PROXY exempts the endpoint host (lower-case variables too)', async () => {
  const run = await runAction({
    action: ACTION,
    inputs: { message: 'direct', region: 'us-east-1' },
    env: motoEnv({ http_proxy: proxy.url, no_proxy: 'localhost,127.0.0.1' }),
  });
  expect(run.main.exitCode).toBe(0);
  expect(proxy.seen).toEqual([]);
});

test('a malformed proxy URL fails in one line naming the variable, before any call', async () => {
  const run = await runAction({
    action: ACTION,
    inputs: { message: 'x', region: 'us-east-1' },
    env: motoEnv({ HTTPS_PROXY: 'proxy.internal:3128' }),
  });
  expect(run.main.exitCode).toBe(1);
  expect(run.main.log).toMatch(
    /environment variable HTTPS_PROXY is "proxy.internal:3128": expected a proxy URL/,
  );
});
