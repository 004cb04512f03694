/**
 * At most `max` tasks at once; the rest wait their turn in order (in-flight AWS copy limits, engine
 * process pools).
 */
export class Limiter {
  private active = 0;
  private readonly queue: Array<() => void> = [];
  /** The most tasks ever seen running at once (for tests and the report). */
  peak = 0;

  constructor(readonly max: number) {
    if (!(max >= 1)) throw new Error(`limiter needs max >= 1 (got ${max})`);
  }

  /** Tasks waiting for a slot right now. */
  get waiting(): number {
    return this.queue.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    // A finishing task hands its slot straight to the next in line, so nobody can jump the queue.
    if (this.active >= this.max) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.active++;
    this.peak = Math.max(this.peak, this.active);
    try {
      return await task();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.active--;
    }
  }
}
