import { startMoto, type MotoServer } from './moto.js';

let current: MotoServer | undefined;

/**
 * For end-to-end test files: start one moto_server before the file's tests, reset it before each
 * test, stop it after the file. Call at the top level of a test file.
 */
export function useMoto(): void {
  beforeAll(async () => {
    current = await startMoto({ maxSeconds: 1800 });
  }, 20 * 60_000); // the first run on a machine without moto installs it (moto-python.ts)
  beforeEach(async () => {
    await current?.reset();
  });
  afterAll(async () => {
    await current?.stop();
    current = undefined;
  });
}

export function motoUrl(): string {
  if (!current) throw new Error('moto is not running: call useMoto() at the top of the test file');
  return current.url;
}

export async function resetMoto(): Promise<void> {
  if (!current) throw new Error('moto is not running: call useMoto() at the top of the test file');
  await current.reset();
}

/** Environment that points every SDK client at moto through the standard variable. */
export function motoEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { AWS_ENDPOINT_URL: motoUrl(), ...extra };
}
