import { request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface LoopbackServer {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  /** Close the server and every connection; the same promise on every call. */
  stop(): Promise<void>;
}

/**
 * Serve a test server (an emulator, the fault proxy) on 127.0.0.1 at a free port, with the habits
 * every one of them keeps: a connection never holds the test process open, keep-alive is short, and
 * the server stops by itself after `lifetimeMs` however the test ends.
 */
export async function serveOnLoopback(
  server: Server,
  opts: { lifetimeMs?: number; onStop?: () => void } = {},
): Promise<LoopbackServer> {
  const sockets = new Set<Socket>();
  server.keepAliveTimeout = 2000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.unref();
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.unref();
  const port = (server.address() as AddressInfo).port;
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= new Promise<void>((resolve) => {
      clearTimeout(lifetime);
      opts.onStop?.();
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    }));
  const lifetime = setTimeout(() => void stop(), opts.lifetimeMs ?? 30 * 60_000);
  lifetime.unref();
  return { url: `http://127.0.0.1:${port}`, port, stop };
}

export class BodyTooLargeError extends Error {}

/** A request's whole body, refusing (and dropping the connection) past `maxBytes`. */
export function readBody(req: IncomingMessage, maxBytes = 16 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        req.destroy();
        reject(new BodyTooLargeError(`request body over ${maxBytes} bytes`));
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export interface Forwarded {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** Send a request on to a loopback backend (moto) as it came, and read the whole answer. */
export function forward(
  target: URL,
  req: { method: string; path: string; headers: IncomingMessage['headers'] },
  body: Buffer,
  timeoutMs: number,
): Promise<Forwarded> {
  return new Promise((resolve, reject) => {
    const out = request(
      {
        host: target.hostname.replace(/^\[|\]$/g, ''),
        port: target.port,
        method: req.method,
        path: req.path,
        headers: { ...req.headers, 'content-length': String(body.length), connection: 'close' },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    out.on('timeout', () => out.destroy(new Error(`${target.host} did not answer within ${timeoutMs} ms`)));
    out.on('error', reject);
    out.end(body);
  });
}
