// readSpans: the blobs wanted from one pack become few range reads — neighbours within the gap share one,
// a far blob or a span grown past its cap starts another, and every blob lands in exactly one span.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSpans } from '../../../../shared/maintenance/prune/read-spans.js';

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
