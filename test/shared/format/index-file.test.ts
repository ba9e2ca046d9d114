import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CorruptDataError } from '../../../shared/core/index.js';
import { decodeIndexFile, encodeIndexFile, type IndexFile, type IndexPack } from '../../../shared/format/index.js';

const id = (): string => randomBytes(32).toString('hex');

function randomPack(compressed: boolean): IndexPack {
  let offset = 0;
  const blobs = Array.from({ length: 1 + Math.floor(Math.random() * 20) }, () => {
    const length = 33 + Math.floor(Math.random() * 5_000_000);
    const blob = { id: id(), type: Math.random() < 0.5 ? ('data' as const) : ('tree' as const), offset, length };
    offset += length;
    return compressed && Math.random() < 0.8 ? { ...blob, uncompressed_length: 1 + Math.floor(Math.random() * 8_000_000) } : blob;
  });
  return { id: id(), blobs };
}

describe('index files', () => {
  test('round-trip random index files, including packs_to_delete (property)', () => {
    for (let i = 0; i < 200; i++) {
      const file: IndexFile = { packs: Array.from({ length: Math.floor(Math.random() * 10) }, () => randomPack(true)) };
      if (Math.random() < 0.5) file.supersedes = [id(), id()];
      if (Math.random() < 0.5) file.packs_to_delete = [{ ...randomPack(true), time: '2026-11-26T09:05:16.5+01:00' }];
      const bytes = encodeIndexFile(file);
      assert.deepEqual(decodeIndexFile(bytes, 2), file);
      assert.deepEqual(encodeIndexFile(decodeIndexFile(bytes, 2)), bytes);
    }
  });

  test('writes restic’s layout and leaves out empty supersedes, packs_to_delete and zero uncompressed_length', () => {
    const pack = { id: 'a'.repeat(64), blobs: [{ id: 'b'.repeat(64), type: 'data' as const, offset: 0, length: 47, uncompressed_length: 0 }] };
    assert.equal(encodeIndexFile({ supersedes: [], packs: [pack], packs_to_delete: [] }).toString(),
      `{"packs":[{"id":"${'a'.repeat(64)}","blobs":[{"id":"${'b'.repeat(64)}","type":"data","offset":0,"length":47}]}]}\n`);
    const marked = encodeIndexFile({ supersedes: ['c'.repeat(64)], packs: [], packs_to_delete: [{ ...pack, time: '2026-01-01T00:00:00Z' }] }).toString();
    assert.equal(marked,
      `{"supersedes":["${'c'.repeat(64)}"],"packs":[],"packs_to_delete":[{"id":"${'a'.repeat(64)}","blobs":` +
      `[{"id":"${'b'.repeat(64)}","type":"data","offset":0,"length":47}],"time":"2026-01-01T00:00:00Z"}]}\n`);
  });

  test('reads rustic’s optional pack time and size, and the old array format', () => {
    const pack = { id: 'a'.repeat(64), blobs: [{ id: 'b'.repeat(64), type: 'tree', offset: 0, length: 47 }] };
    const rustic = decodeIndexFile(Buffer.from(JSON.stringify({ packs: [{ ...pack, time: '2024-05-01T10:00:00.123+02:00', size: 1234 }] })), 2);
    assert.deepEqual(rustic.packs[0], { ...pack, time: '2024-05-01T10:00:00.123+02:00', size: 1234 });
    assert.deepEqual(decodeIndexFile(Buffer.from(JSON.stringify([pack])), 1), { packs: [pack] });
  });

  test('accepts uncompressed entries in v1 and refuses compressed ones there with restic’s message', () => {
    const plain = randomPack(false);
    assert.deepEqual(decodeIndexFile(encodeIndexFile({ packs: [plain] }), 1).packs[0], plain);
    const compressed = { id: id(), blobs: [{ id: id(), type: 'data' as const, offset: 0, length: 40, uncompressed_length: 9 }] };
    assert.throws(() => decodeIndexFile(encodeIndexFile({ packs: [compressed] }), 1),
      { message: 'index uses feature not supported by repository version 1' });
  });

  test('validates every field', () => {
    const blob = { id: 'b'.repeat(64), type: 'data', offset: 0, length: 47 };
    const doc = (b: unknown, extra: object = {}): Buffer => Buffer.from(JSON.stringify({ packs: [{ id: 'a'.repeat(64), blobs: [b] }], ...extra }));
    const cases: [Buffer, RegExp][] = [
      [Buffer.from('{"packs":'), /invalid JSON/],
      [Buffer.from('"x"'), /not a JSON object/],
      [doc({ ...blob, type: 'snapshot' }), /invalid blob type/],
      [doc({ ...blob, id: 'xyz' }), /blobs\[0\]\.id: not an ID/],
      [doc({ ...blob, offset: -1 }), /offset: not an integer/],
      [doc({ ...blob, length: 1.5 }), /length: not an integer/],
      [doc({ ...blob, length: 2 ** 32 }), /length: not an integer/],
      [doc({ ...blob, uncompressed_length: 'many' }), /uncompressed_length/],
      [doc({ id: blob.id, type: 'data', length: 3 }), /missing field "offset"/],
      [doc(blob, { supersedes: ['nope'] }), /supersedes\[0\]/],
      [doc(blob, { packs_to_delete: [{ id: 'a'.repeat(64), blobs: [] }] }), /has no time/],
      [doc(blob, { packs_to_delete: [{ id: 'a'.repeat(64), blobs: [], time: 'noon' }] }), /invalid time/],
    ];
    for (const [bytes, message] of cases) {
      assert.throws(() => decodeIndexFile(bytes, 2), (e: unknown) => e instanceof CorruptDataError && message.test(e.message), bytes.toString());
    }
  });
});
