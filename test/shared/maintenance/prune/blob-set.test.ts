// BlobSet: prune's compact set of used blobs answers exactly as a Set of blobKey strings would — data and
// tree blobs with one ID are different, duplicates are not added twice, iteration gives the keys back —
// through its growth, and at a fraction of the memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CorruptDataError } from '../../../../shared/core/index.js';
import { blobKey } from '../../../../shared/maintenance/prune/index.js';
import { BlobSet } from '../../../../shared/maintenance/prune/blob-set.js';

const randomId = (): string => randomBytes(32).toString('hex');

test('agrees with a Set of blobKey strings through many growths', () => {
  const set = new BlobSet();
  const reference = new Set<string>();
  const ids = Array.from({ length: 20_000 }, randomId);
  for (const [i, id] of ids.entries()) {
    const type = i % 3 === 0 ? 'tree' : 'data';
    assert.equal(set.addBlob(type, id), !reference.has(blobKey(type, id)));
    reference.add(blobKey(type, id));
    if (i % 7 === 0) assert.equal(set.addBlob(type, id), false);
  }
  assert.equal(set.size, reference.size);
  for (const [i, id] of ids.entries()) {
    const type = i % 3 === 0 ? 'tree' : 'data';
    const other = type === 'tree' ? 'data' : 'tree';
    assert.equal(set.hasBlob(type, id), true);
    assert.equal(set.has(blobKey(other, id)), reference.has(blobKey(other, id)));
  }
  assert.deepEqual([...set].sort(), [...reference].sort());
  assert.ok(set.memoryBytes() / set.size < 64, `${(set.memoryBytes() / set.size).toFixed(1)} bytes per blob`);
});

test('a data and a tree blob with the same ID are two blobs; upper-case hex is the same ID', () => {
  const set = new BlobSet();
  const id = randomId();
  set.add(blobKey('data', id));
  assert.equal(set.has(blobKey('tree', id)), false);
  assert.equal(set.addBlob('tree', id.toUpperCase()), true);
  assert.equal(set.hasBlob('tree', id), true);
  assert.equal(set.size, 2);
});

test('keys that are not blob keys are never in the set; a malformed ID is refused', () => {
  const set = new BlobSet();
  set.addBlob('data', 'ab'.repeat(32));
  for (const k of ['', 'x' + 'ab'.repeat(32), 'd' + 'ab'.repeat(31), 'd' + 'ab'.repeat(31) + 'zz']) assert.equal(set.has(k), false);
  assert.throws(() => set.addBlob('data', 'not hex'), CorruptDataError);
});

test('from: a BlobSet is used as it is, a Set of keys is copied', () => {
  const set = new BlobSet();
  assert.equal(BlobSet.from(set), set);
  const keys = new Set([blobKey('tree', randomId()), blobKey('data', randomId())]);
  assert.deepEqual([...BlobSet.from(keys)].sort(), [...keys].sort());
});
