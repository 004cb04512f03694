import { Limiter } from './limiter.js';

test('never more than max at once, in order, and every task runs', async () => {
  const limiter = new Limiter(3);
  let active = 0;
  let peak = 0;
  const order: number[] = [];
  const tick = () => new Promise((r) => setTimeout(r, 1));
  const results = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      limiter.run(async () => {
        active++;
        peak = Math.max(peak, active);
        order.push(i);
        await tick();
        active--;
        return i * 2;
      }),
    ),
  );
  expect(peak).toBe(3);
  expect(limiter.peak).toBe(3);
  expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  expect(results).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
});

test('a failing task frees its slot', async () => {
  const limiter = new Limiter(1);
  await expect(limiter.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  await expect(limiter.run(async () => 'next')).resolves.toBe('next');
});
