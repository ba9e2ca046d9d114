// Whole-chunk helpers over the Chunker: split a buffer held in memory, or an async stream of pieces (a file
// being read), into restic's chunks. The backup pipeline uses chunkStream; chunkBuffer serves small inputs
// and tests.
import { Chunker, type ChunkerOptions } from './chunker.js';

function chunkerFor(pol: bigint | Chunker, options: ChunkerOptions | undefined): Chunker {
  if (typeof pol !== 'bigint') {
    pol.reset();
    return pol;
  }
  return new Chunker(pol, options);
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * chunkBuffer splits one whole file's bytes into chunks, returned as subarrays of data (no copies). `pol`
 * is the repository polynomial, or a Chunker to reuse (it is reset first). Empty data gives no chunks.
 */
export function chunkBuffer(data: Uint8Array, pol: bigint | Chunker, options?: ChunkerOptions): Uint8Array[] {
  const chunker = chunkerFor(pol, options);
  const chunks: Uint8Array[] = [];
  let start = 0;
  while (start < data.length) {
    const n = chunker.next(data.subarray(start));
    const end = n < 0 ? data.length : start + n;
    chunks.push(data.subarray(start, end));
    start = end;
  }
  return chunks;
}

/**
 * chunkStream yields the chunks of one file whose bytes arrive as `source`'s pieces (any sizes, in order).
 * A chunk inside one piece is yielded as a Buffer view of that piece (no copy); a chunk spanning pieces is
 * copied into a new Buffer. So the source must not reuse or modify a piece's memory after yielding it (fs
 * streams and reads into freshly allocated buffers are fine). `pol` is the repository polynomial or a
 * Chunker to reuse (reset first). An empty source yields nothing.
 */
export async function* chunkStream(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  pol: bigint | Chunker,
  options?: ChunkerOptions,
): AsyncGenerator<Buffer, void, undefined> {
  const chunker = chunkerFor(pol, options);
  let pending: Uint8Array[] = [];
  for await (const piece of source) {
    let start = 0;
    while (start < piece.length) {
      const rest = start === 0 ? piece : piece.subarray(start);
      const n = chunker.next(rest);
      if (n < 0) {
        pending.push(rest);
        break;
      }
      const tail = rest.subarray(0, n);
      yield pending.length === 0 ? asBuffer(tail) : Buffer.concat([...pending, tail]);
      pending = [];
      start += n;
    }
  }
  if (pending.length === 1) yield asBuffer(pending[0]!);
  else if (pending.length > 1) yield Buffer.concat(pending);
}
