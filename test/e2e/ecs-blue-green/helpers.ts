import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  startCodeDeployEmulator,
  type CodeDeployEmulator,
  type CodeDeployEmulatorOptions,
} from '../../emulators/codedeploy/index.js';
import { motoUrl } from '../../harness/index.js';

export const ACTION = 'actions/ecs-blue-green';

let emulator: CodeDeployEmulator | undefined;

/** Start the CodeDeploy emulator (after useMoto) for the file, reset it before each test. */
export function useCodeDeployEmulator(
  opts: Omit<CodeDeployEmulatorOptions, 'ecsEndpoint'> = {},
): () => CodeDeployEmulator {
  beforeAll(async () => {
    emulator = await startCodeDeployEmulator({
      ecsEndpoint: motoUrl(),
      stepMs: 100,
      maxLifetimeMs: 10 * 60_000,
      ...opts,
    });
  });
  beforeEach(() => emulator?.reset());
  afterAll(async () => {
    await emulator?.stop();
    emulator = undefined;
  });
  return () => {
    if (!emulator) throw new Error('emulator not started');
    return emulator;
  };
}

/** A tiny HTTP server on 127.0.0.1 standing in for the test listener; closes itself after 2 minutes. */
export async function testListener(
  status: () => number,
): Promise<{ url: string; hits: () => number; close(): Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((_req, res) => {
    hits++;
    res.writeHead(status(), { 'content-type': 'text/plain' });
    res.end('green\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  const timer = setTimeout(() => server.close(), 120_000);
  timer.unref();
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/health`,
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve) => {
        clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function callsOf(em: CodeDeployEmulator, operation: string) {
  return em.calls.filter((c) => c.operation === operation);
}
