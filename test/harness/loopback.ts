import type { Server } from 'node:http';
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
