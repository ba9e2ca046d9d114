import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CorruptDataError, UsageError } from '../../../shared/core/index.js';
import {
  decodePackHeader, encodePackHeader, expectedPackSize, MAX_HEADER_SIZE, packHeaderEntrySize, type PackBlob,
} from '../../../shared/format/index.js';

function randomBlobs(n: number): PackBlob[] {
  const blobs: PackBlob[] = [];
  let offset = 0;
  for (let i = 0; i < n; i++) {
    const length = 32 + Math.floor(Math.random() * 2 ** 24);
    const blob: PackBlob = { type: Math.random() < 0.5 ? 'data' : 'tree', id: randomBytes(32).toString('hex'), offset, length };
    if (Math.random() < 0.6) blob.uncompressedLength = 1 + Math.floor(Math.random() * 0xfffffffe);
    blobs.push(blob);
    offset += length;
  }
  return blobs;
}

describe('pack header', () => {
  test('round-trips random headers with cumulative offsets (property)', () => {
    for (let i = 0; i < 300; i++) {
      const blobs = randomBlobs(1 + Math.floor(Math.random() * 50));
      const header = encodePackHeader(blobs);
      assert.equal(header.length, blobs.reduce((sum, b) => sum + packHeaderEntrySize(b), 0));
      assert.deepEqual(decodePackHeader(header), blobs);
    }
  });

  test('lays out entries as restic does: type byte, lengths LE, raw ID', () => {
    const id = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
    const header = encodePackHeader([
      { type: 'data', id, offset: 0, length: 0x01020304 },
      { type: 'tree', id, offset: 0x01020304, length: 48, uncompressedLength: 0x10 },
    ]);
    assert.equal(header.subarray(0, 5).toString('hex'), '0004030201');
    assert.equal(header.subarray(5, 37).toString('hex'), id);
    assert.equal(header.subarray(37, 46).toString('hex'), '033000000010000000');
    assert.equal(header.length, 37 + 41);
  });

  test('expectedPackSize is blobs + entries + 32 bytes of sealing + 4 bytes of length', () => {
    const blobs = [
      { length: 100 }, { length: 200, uncompressedLength: 500 }, { length: 50, uncompressedLength: 0 },
    ];
    assert.equal(expectedPackSize(blobs), 350 + 37 + 41 + 37 + 32 + 4);
  });

  test('decoding rejects unknown types, truncated entries, empty headers and zero plaintext lengths', () => {
    const good = encodePackHeader(randomBlobs(3));
    const cases: [Buffer, RegExp][] = [
      [Buffer.alloc(0), /empty/],
      [Buffer.concat([good, Buffer.from([4])]), /invalid blob type 4/],
      [good.subarray(0, good.length - 1), /truncated/],
      [Buffer.concat([Buffer.from([2, 40, 0, 0, 0, 0, 0, 0, 0]), randomBytes(32)]), /uncompressed length 0/],
    ];
    for (const [bytes, message] of cases) {
      assert.throws(() => decodePackHeader(bytes), (e: unknown) => e instanceof CorruptDataError && message.test(e.message));
    }
    assert.throws(() => decodePackHeader(Buffer.alloc(MAX_HEADER_SIZE + 1)), CorruptDataError);
  });

  test('encoding rejects an empty pack, bad IDs and lengths beyond uint32', () => {
    const id = 'c'.repeat(64);
    assert.throws(() => encodePackHeader([]), UsageError);
    assert.throws(() => encodePackHeader([{ type: 'data', id: 'C'.repeat(64), offset: 0, length: 40 }]), UsageError);
    assert.throws(() => encodePackHeader([{ type: 'data', id: 'cc', offset: 0, length: 40 }]), UsageError);
    assert.throws(() => encodePackHeader([{ type: 'data', id, offset: 0, length: 2 ** 32 }]), UsageError);
    assert.throws(() => encodePackHeader([{ type: 'data', id, offset: 0, length: 40, uncompressedLength: 2 ** 32 }]), UsageError);
  });
});
