import { EventEmitter } from 'node:events';
import { cancelOnSignals } from './cancel.js';

test('SIGINT or SIGTERM aborts the signal with the signal name; dispose removes the handlers', () => {
  const proc = new EventEmitter() as unknown as NodeJS.Process;
  const c = cancelOnSignals(proc);
  expect(c.signal.aborted).toBe(false);
  (proc as unknown as EventEmitter).emit('SIGTERM', 'SIGTERM');
  expect(c.signal.aborted).toBe(true);
  expect(c.signal.reason).toBe('SIGTERM');
  (proc as unknown as EventEmitter).emit('SIGINT', 'SIGINT');
  expect(c.signal.reason).toBe('SIGTERM');
  c.dispose();
  expect((proc as unknown as EventEmitter).listenerCount('SIGTERM')).toBe(0);
  expect((proc as unknown as EventEmitter).listenerCount('SIGINT')).toBe(0);
});
