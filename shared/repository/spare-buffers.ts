// Spare buffers for the encoder's batches, on both sides of the worker boundary. Sizes are rounded up to
// whole MiB and a request takes the smallest spare that holds it, so a returned buffer nearly always
// serves the next batch: with exact sizes (chunks vary from 512 KiB to 8 MiB) most buffers were freed and
// reallocated, and each thread's malloc arena kept the holes — resident memory far above the bytes in use.

const MiB = 1024 * 1024;

/** SpareBuffers keeps returned ArrayBuffers for reuse, at most `maxBytes` of them. */
export class SpareBuffers {
  private readonly spare: ArrayBuffer[] = [];
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** take returns the smallest spare buffer of at least `size` bytes, else a new one of `size` rounded up to MiB. */
  take(size: number): ArrayBuffer {
    let best = -1;
    this.spare.forEach((b, i) => {
      if (b.byteLength >= size && (best < 0 || b.byteLength < this.spare[best]!.byteLength)) best = i;
    });
    if (best < 0) return new ArrayBuffer(Math.ceil(size / MiB) * MiB);
    const [buffer] = this.spare.splice(best, 1);
    this.bytes -= buffer!.byteLength;
    return buffer!;
  }

  /** keep holds `buffer` for a later take while the spares stay under the limit; else it is left to the GC. */
  keep(buffer: ArrayBuffer): void {
    if (buffer.byteLength === 0 || this.bytes + buffer.byteLength > this.maxBytes) return;
    this.spare.push(buffer);
    this.bytes += buffer.byteLength;
  }
}
