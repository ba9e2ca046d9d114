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
import { zstdCompress, zstdDecompress } from '../../../shared/compression/zstd.js';

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
