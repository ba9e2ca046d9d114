// A counting semaphore: at most `limit` holders at once; the rest wait in arrival order. The archiver's walk
// acquires a slot before it starts a file, so the walk itself is held back (at most one waiter) instead of
// queueing every file of the tree here.
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** Index of the next waiter to wake: a moving head instead of shift(), which copies a long queue. */
  private head = 0;

  constructor(private readonly limit: number) {}

  /** acquire resolves once a slot is free; the holder must call release() exactly once. */
  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** release hands the slot straight to the next waiter, so no later acquire can slip in between. */
  release(): void {
    const next = this.waiting[this.head];
    if (next === undefined) {
      this.active--;
      return;
    }
    this.waiting[this.head++] = undefined as never;
    if (this.head === this.waiting.length) {
      this.waiting.length = 0;
      this.head = 0;
    }
    next();
  }

  /** run holds a slot while `task` runs. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await task();
    } finally {
      this.release();
    }
  }
}
