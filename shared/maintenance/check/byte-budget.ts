// A bound on the pack bytes that `check --read-data` holds at once (being read, queued for a worker, being
// verified): reading ahead keeps every core busy, the bound keeps memory flat however large the repository.
// First come, first served, so that a large pack is not starved by a stream of small ones.

export class ByteBudget {
  private used = 0;
  private readonly waiting: { bytes: number; grant: () => void }[] = [];

  constructor(readonly limit: number) {}

  /**
   * acquire resolves once `bytes` fit in the budget. A request larger than the whole budget is granted
   * when nothing else is held, so one huge pack still gets read (alone).
   */
  acquire(bytes: number): Promise<void> {
    if (this.waiting.length === 0 && this.fits(bytes)) {
      this.used += bytes;
      return Promise.resolve();
    }
    return new Promise((grant) => this.waiting.push({ bytes, grant }));
  }

  /** release returns bytes an earlier acquire was granted and lets waiting requests in, in order. */
  release(bytes: number): void {
    this.used -= bytes;
    while (this.waiting.length > 0 && this.fits(this.waiting[0]!.bytes)) {
      const next = this.waiting.shift()!;
      this.used += next.bytes;
      next.grant();
    }
  }

  private fits(bytes: number): boolean {
    return this.used === 0 || this.used + bytes <= this.limit;
  }
}
