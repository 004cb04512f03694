import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { motoPython } from './moto-python.js';
import { freePort, retry } from './net.js';

const LAUNCHER = fileURLToPath(new URL('./moto_launcher.py', import.meta.url));

export interface MotoServer {
  url: string;
  port: number;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

const INSTALL_HINT = 'moto_server is not available: pip install "moto[server]"';

/** Fails with one line when `python` cannot import moto (startMoto installs it instead: see moto-python.ts). */
export function assertMotoInstalled(python = process.env.PYTHON ?? 'python3'): void {
  const r = spawnSync(python, ['-c', 'import moto.server'], { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(INSTALL_HINT);
}

/**
 * Start moto on a free 127.0.0.1 port. The server stops when this process exits or after
 * `maxSeconds`, whichever is first; `stop()` ends it at once. On first use without moto, the pinned
 * moto is installed into the project's venv first (motoPython).
 */
export async function startMoto(
  opts: { maxSeconds?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<MotoServer> {
  const python = await motoPython();
  let lastErr: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child: ChildProcess = spawn(
      python,
      [LAUNCHER, String(port), String(process.pid), String(opts.maxSeconds ?? 3600)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, ...opts.env },
      },
    );
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.stdout?.resume();
    const url = `http://127.0.0.1:${port}`;
    try {
      await retry(
        async () => {
          if (child.exitCode !== null) throw new Error(`moto exited: ${stderr.trim().split('\n').pop()}`);
          const res = await fetch(`${url}/moto-api/data.json`, { signal: AbortSignal.timeout(1000) });
          if (!res.ok) throw new Error(`moto answered ${res.status}`);
        },
        150,
        100,
      );
    } catch (err) {
      lastErr = err;
      child.kill('SIGKILL');
      continue;
    }
    child.unref();
    (child.stdout as unknown as { unref?: () => void })?.unref?.();
    (child.stderr as unknown as { unref?: () => void })?.unref?.();
    return {
      url,
      port,
      async reset() {
        const res = await fetch(`${url}/moto-api/reset`, {
          method: 'POST',
          signal: AbortSignal.timeout(10_000),
        });
        if (!res.ok) throw new Error(`moto reset answered ${res.status}`);
      },
      stop() {
        return new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const t = setTimeout(() => child.kill('SIGKILL'), 5000);
          child.once('exit', () => {
            clearTimeout(t);
            resolve();
          });
          child.kill('SIGTERM');
        });
      },
    };
  }
  throw new Error(`could not start moto_server: ${String(lastErr)}`);
}
