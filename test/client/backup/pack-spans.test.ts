import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planSpans, type PackRange } from '../../../client/backup/pack-spans.js';
import type { Id } from '../../../shared/core/index.js';

const A = 'a'.repeat(64) as Id;
const B = 'b'.repeat(64) as Id;
const blob = (packId: Id, offset: number, length: number): PackRange => ({ packId, offset, length });
const shape = (spans: ReturnType<typeof planSpans>): [string, number, number, number][] =>
  spans.map((s) => [s.packId.slice(0, 1), s.offset, s.length, s.blobs.length]);

test('neighbours in one pack become one read, in offset order whatever order they were asked in', () => {
  const spans = planSpans([blob(A, 300, 50), blob(A, 0, 100), blob(A, 100, 200)], { maxGap: 0, maxSpan: 1 << 20 });
  assert.deepEqual(shape(spans), [['a', 0, 350, 3]]);
  assert.deepEqual(spans[0]!.blobs.map((b) => b.offset), [0, 100, 300]);
});

test('a gap wider than maxGap starts a new read; one within it is read through', () => {
  const limits = { maxGap: 10, maxSpan: 1 << 20 };
  assert.deepEqual(shape(planSpans([blob(A, 0, 100), blob(A, 110, 10)], limits)), [['a', 0, 120, 2]]);
  assert.deepEqual(shape(planSpans([blob(A, 0, 100), blob(A, 111, 10)], limits)), [['a', 0, 100, 1], ['a', 111, 10, 1]]);
});

test('a read never grows past maxSpan, but a blob longer than maxSpan still gets its own read', () => {
  const spans = planSpans([blob(A, 0, 60), blob(A, 60, 60), blob(A, 120, 500)], { maxGap: 1000, maxSpan: 100 });
  assert.deepEqual(shape(spans), [['a', 0, 60, 1], ['a', 60, 60, 1], ['a', 120, 500, 1]]);
});

test('blobs of different packs are never merged; the same range twice is covered once', () => {
  const spans = planSpans([blob(A, 0, 10), blob(B, 10, 10), blob(A, 0, 10)], { maxGap: 1000, maxSpan: 1000 });
  assert.deepEqual(shape(spans), [['a', 0, 10, 2], ['b', 10, 10, 1]]);
});
