import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorruptDataError } from '../../../shared/core/errors.js';
import { loadNapiEngine, zlibZstd } from '../../../shared/compression/engine.js';
import { createZlibEngine } from '../../../shared/compression/zlib-engine.js';
import { zstdCompress, zstdDecompress, zstdDecompressReusing } from '../../../shared/compression/zstd.js';

const dir = mkdtempSync(join(tmpdir(), 'cairn-zstd-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Text-like data that compresses, with some randomness so frames are not trivial. */
function sampleData(size: number): Buffer {
  const words = ['restic', 'cairn', 'snapshot', 'pack', 'blob', 'tree', 'index', '\n', ' ', '{"a":1}'];
  const picks = randomBytes(size);
  const out: string[] = [];
  let length = 0;
  for (let i = 0; length < size; i++) {
    const w = words[picks[i]! % words.length]!;
    out.push(w);
    length += w.length;
  }
  return Buffer.from(out.join('')).subarray(0, size);
}

function zstdCli(args: string[], input?: Buffer): Buffer {
  return execFileSync('zstd', ['-q', ...args], { input, maxBuffer: 1 << 30 });
}

const isCorrupt = (pattern: RegExp) => (err: unknown) => err instanceof CorruptDataError && pattern.test(err.message);

describe('zstd round trips', () => {
  test('compresses and decompresses empty, tiny, random and compressible data at several levels', () => {
    for (const data of [Buffer.alloc(0), Buffer.from('x'), randomBytes(100_000), sampleData(1 << 20), Buffer.alloc(3 << 20)]) {
      for (const level of data.length > 200_000 ? [1, 3] : [1, 3, 19]) {
        const frame = zstdCompress(data, level);
        assert.deepEqual(zstdDecompress(frame), data);
        assert.deepEqual(zstdDecompress(frame, data.length), data);
      }
    }
    assert.ok(zstdCompress(sampleData(1 << 20)).length < 1 << 19, 'text compresses');
  });
});

describe('zstd against the zstd CLI', () => {
  test('the CLI decompresses our frames, which carry the content size and no checksum (like restic)', () => {
    const data = sampleData(500_000);
    const file = join(dir, 'ours.zst');
    writeFileSync(file, zstdCompress(data));
    assert.deepEqual(zstdCli(['-d', '-c', file]), data);
    const listing = execFileSync('zstd', ['-lv', file], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    assert.match(listing, /Decompressed Size: .* \(500000 B\)/);
    assert.match(listing, /Check: None/);
  });

  test('we decompress CLI frames with and without a content size, and concatenated frames', () => {
    const data = sampleData(300_000);
    const file = join(dir, 'theirs');
    writeFileSync(file, data);
    const withSize = zstdCli(['-c', '-19', file]); // file input: size in the header, xxhash checksum
    const streamed = zstdCli(['-c'], data); // stdin: no content size, so we take the streaming path
    assert.deepEqual(zstdDecompress(withSize), data);
    assert.deepEqual(zstdDecompress(streamed), data);
    assert.deepEqual(zstdDecompress(streamed, data.length), data);
    assert.deepEqual(zstdDecompress(Buffer.concat([withSize, streamed])), Buffer.concat([data, data]));
  });
});

describe('zstd failures', () => {
  const data = sampleData(200_000);
  const frame = zstdCompress(data);

  test('garbage, empty and truncated input throw CorruptDataError', () => {
    assert.throws(() => zstdDecompress(Buffer.from('definitely not zstd')), isCorrupt(/zstd decompression failed/));
    assert.throws(() => zstdDecompress(Buffer.alloc(0)), isCorrupt(/zstd decompression failed/));
    assert.throws(() => zstdDecompress(frame.subarray(0, frame.length - 10)), isCorrupt(/zstd decompression failed/));
    const streamed = zstdCli(['-c'], data);
    assert.throws(() => zstdDecompress(streamed.subarray(0, streamed.length - 10)), isCorrupt(/truncated|failed/));
  });

  test('a damaged byte in the middle of a frame is detected (output differs or decoding fails)', () => {
    const damaged = Buffer.from(frame);
    const middle = Math.floor(damaged.length / 2);
    damaged[middle] = (damaged[middle] ?? 0) ^ 0xff;
    let out: Buffer | undefined;
    try {
      out = zstdDecompress(damaged, data.length);
    } catch (err) {
      assert.ok(err instanceof CorruptDataError);
    }
    if (out !== undefined) assert.notDeepEqual(out, data);
  });

  test('a size other than the expected one throws', () => {
    assert.throws(() => zstdDecompress(frame, data.length - 1), isCorrupt(/zstd/));
    assert.throws(() => zstdDecompress(frame, data.length + 1), isCorrupt(/expected 200001|zstd/));
  });

  test('output beyond the cap throws without decoding it all, also when the header states no size', () => {
    const bomb = zstdCli(['-c', '-1'], Buffer.alloc(80 << 20)); // 80 MiB of zeros in a few KiB
    assert.ok(bomb.length < 64 << 10);
    const started = performance.now();
    assert.throws(() => zstdDecompress(bomb, undefined, 1 << 20), isCorrupt(/exceeds 1048576 bytes/));
    assert.throws(() => zstdDecompress(bomb), isCorrupt(/exceeds/)); // default cap, 64 MiB
    assert.throws(() => zstdDecompress(zstdCompress(Buffer.alloc(2 << 20)), undefined, 1 << 20), isCorrupt(/claims 2097152 bytes/));
    assert.ok(performance.now() - started < 5000);
  });
});

describe('zstd engines agree', () => {
  const z = zlibZstd();
  test('node:zlib and zstd-napi read each other\'s frames', { skip: z === undefined ? 'this Node has no zlib zstd' : false }, () => {
    const napi = loadNapiEngine();
    const zlib = createZlibEngine(z!);
    const data = sampleData(1 << 20);
    assert.deepEqual(napi.decompress(zlib.compress(data, 3), data.length), data);
    assert.deepEqual(zlib.decompress(napi.compress(data, 3), data.length), data);
    assert.throws(() => zlib.decompress(napi.compress(data, 3), 1000));
  });
});

/** What a call returns (as hex) or the error it throws (class and message), to compare two paths. */
function outcome(f: () => Buffer): string {
  try {
    return `ok ${f().toString('hex')}`;
  } catch (err) {
    return `${(err as Error).name}: ${(err as Error).message}`;
  }
}

describe('zstdDecompressReusing (check decodes into a reused buffer)', () => {
  const data = sampleData(200_000);
  const frame = zstdCompress(data);
  const streamed = zstdCli(['-c'], data); // no content size: the streaming path

  test('returns what zstdDecompress returns, and fails where it fails, with the same error', () => {
    const bomb = zstdCli(['-c', '-1'], Buffer.alloc(20 << 20));
    const cases: [string, Buffer, number][] = [
      ['a frame', frame, data.length],
      ['an empty frame', zstdCompress(Buffer.alloc(0)), 0],
      ['a streamed frame', streamed, data.length],
      ['two frames', Buffer.concat([frame, streamed]), 2 * data.length],
      ['a 9 MiB frame (the scratch grows)', zstdCompress(Buffer.alloc(9 << 20, 1)), 9 << 20],
      ['a 20 MiB frame (beyond the scratch)', zstdCompress(Buffer.alloc(20 << 20, 2)), 20 << 20],
      ['expected one byte less', frame, data.length - 1],
      ['expected one byte more', frame, data.length + 1],
      ['streamed, expected one byte less', streamed, data.length - 1],
      ['streamed, expected one byte more', streamed, data.length + 1],
      ['a bomb', bomb, 1 << 20],
      ['garbage', Buffer.from('definitely not zstd'), 100],
      ['empty input', Buffer.alloc(0), 100],
      ['a truncated frame', frame.subarray(0, frame.length - 10), data.length],
      ['a truncated streamed frame', streamed.subarray(0, streamed.length - 10), data.length],
      ['a frame with trailing garbage', Buffer.concat([frame, Buffer.from('xyz')]), data.length],
    ];
    let failures = 0;
    for (const [what, input, expected] of cases) {
      const old = outcome(() => zstdDecompress(input, expected));
      if (!old.startsWith('ok')) failures++;
      assert.equal(outcome(() => zstdDecompressReusing(input, expected)), old, what);
    }
    assert.equal(failures, 10, 'the damaged cases do fail');
  });

  test('each output is only that call\'s: a shorter or failing call after a longer one shows nothing of it', () => {
    const big = zstdDecompressReusing(zstdCompress(Buffer.alloc(1 << 20, 0xaa)), 1 << 20);
    assert.equal(big.length, 1 << 20);
    const small = zstdDecompressReusing(frame, data.length);
    assert.deepEqual(small, data);
    assert.equal(big[0], data[0], 'the same scratch: the earlier output is overwritten (callers must be done with it)');
    // A frame that states and holds half of what the caller expects must fail, not be topped up with old bytes.
    const half = zstdCompress(data.subarray(0, data.length / 2));
    assert.throws(() => zstdDecompressReusing(half, data.length), isCorrupt(/decompressed to 100000 bytes, expected 200000/));
    assert.throws(() => zstdDecompressReusing(zstdCli(['-c'], data.subarray(0, 1000)), data.length), isCorrupt(/decompressed to 1000 bytes/));
  });

  test('outputs beyond the scratch size get their own buffer, which a later call does not overwrite', () => {
    const large = Buffer.alloc(17 << 20, 3);
    const out = zstdDecompressReusing(zstdCompress(large), large.length);
    zstdDecompressReusing(zstdCompress(Buffer.alloc(16 << 20, 4)), 16 << 20);
    assert.ok(out.equals(large));
  });

  test('an invalid expected size is a usage error, as in zstdDecompress', () => {
    assert.throws(() => zstdDecompressReusing(frame, -1), /not a non-negative integer/);
    assert.throws(() => zstdDecompressReusing(frame, 1.5), /not a non-negative integer/);
  });
});

describe('ZstdEngine.decompressInto', () => {
  const data = sampleData(100_000);
  const z = zlibZstd();
  const engines = [['zstd-napi', loadNapiEngine()] as const, ...(z ? [['node:zlib', createZlibEngine(z)] as const] : [])];
  for (const [name, engine] of engines) {
    test(`${name}: decodes into dst when it fits, throws when the output would not`, () => {
      const frame = engine.compress(data, 3);
      const streamed = zstdCli(['-c'], data);
      for (const input of [frame, streamed, Buffer.concat([streamed, zstdCli(['-c'], Buffer.alloc(0))])]) {
        const dst = Buffer.alloc(data.length + 10, 0xee);
        const out = engine.decompressInto(dst.subarray(0, data.length), input);
        assert.ok(out.equals(data));
        if (name === 'zstd-napi') {
          assert.equal(out.buffer, dst.buffer, 'written in place');
          assert.ok(dst.subarray(data.length).every((b) => b === 0xee), 'nothing past the limit');
        }
        assert.throws(() => engine.decompressInto(Buffer.alloc(data.length - 1), input), /claims 100000 bytes|exceeds 99999 bytes|Cannot create a Buffer larger|[Mm]emory limit|output/);
      }
    });
  }
});
