// readSpans: the blobs wanted from one pack become few range reads — neighbours within the gap share one,
// a far blob or a span grown past its cap starts another, and every blob lands in exactly one span.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planSpans, readSpans, type PackPlace } from '../../../shared/repository/read-spans.js';
import type { Id } from '../../../shared/core/index.js';

const blob = (offset: number, length: number) => ({ offset, length, tag: `${offset}` });

test('neighbours within the gap share one read that covers them all, in offset order', () => {
  const spans = readSpans([blob(300, 50), blob(0, 100), blob(120, 80)], 100, 1000);
  assert.deepEqual(spans.map((s) => [s.offset, s.length, s.blobs.map((b) => b.tag)]), [[0, 350, ['0', '120', '300']]]);
});

test('a gap wider than maxGap starts a new read', () => {
  const spans = readSpans([blob(0, 100), blob(151, 10), blob(161, 10)], 50, 1000);
  assert.deepEqual(spans.map((s) => [s.offset, s.length, s.blobs.length]), [[0, 100, 1], [151, 20, 2]]);
});

test('a span never grows past maxSpan; a single larger blob gets a span of its own', () => {
  const spans = readSpans([blob(0, 60), blob(60, 60), blob(120, 300), blob(420, 10)], 1000, 150);
  assert.deepEqual(spans.map((s) => [s.offset, s.length]), [[0, 120], [120, 300], [420, 10]]);
  assert.equal(spans.flatMap((s) => s.blobs).length, 4);
});

test('no blobs, no reads', () => {
  assert.deepEqual(readSpans([]), []);
});

// planSpans: blobs of several packs, grouped by pack first.
const A = 'a'.repeat(64) as Id;
const B = 'b'.repeat(64) as Id;
const placed = (packId: Id, offset: number, length: number): PackPlace => ({ packId, offset, length });
const shape = (spans: ReturnType<typeof planSpans>): [string, number, number, number][] =>
  spans.map((s) => [s.packId.slice(0, 1), s.offset, s.length, s.blobs.length]);

test('neighbours in one pack become one read, in offset order whatever order they were asked in', () => {
  const spans = planSpans([placed(A, 300, 50), placed(A, 0, 100), placed(A, 100, 200)], { maxGap: 0, maxSpan: 1 << 20 });
  assert.deepEqual(shape(spans), [['a', 0, 350, 3]]);
  assert.deepEqual(spans[0]!.blobs.map((b) => b.offset), [0, 100, 300]);
});

test('a gap wider than maxGap starts a new read; one within it is read through', () => {
  const limits = { maxGap: 10, maxSpan: 1 << 20 };
  assert.deepEqual(shape(planSpans([placed(A, 0, 100), placed(A, 110, 10)], limits)), [['a', 0, 120, 2]]);
  assert.deepEqual(shape(planSpans([placed(A, 0, 100), placed(A, 111, 10)], limits)), [['a', 0, 100, 1], ['a', 111, 10, 1]]);
});

test('a read never grows past maxSpan, but a blob longer than maxSpan still gets its own read', () => {
  const spans = planSpans([placed(A, 0, 60), placed(A, 60, 60), placed(A, 120, 500)], { maxGap: 1000, maxSpan: 100 });
  assert.deepEqual(shape(spans), [['a', 0, 60, 1], ['a', 60, 60, 1], ['a', 120, 500, 1]]);
});

test('blobs of different packs are never merged; the same range twice is covered once', () => {
  const spans = planSpans([placed(A, 0, 10), placed(B, 10, 10), placed(A, 0, 10)], { maxGap: 1000, maxSpan: 1000 });
  assert.deepEqual(shape(spans), [['a', 0, 10, 2], ['b', 10, 10, 1]]);
});
