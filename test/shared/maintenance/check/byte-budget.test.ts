// The bound on pack bytes check holds at once: requests wait their turn in order, and a pack larger than
// the whole budget is still let in, alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteBudget } from '../../../../shared/maintenance/check/byte-budget.js';

const settled = (): Promise<void> => new Promise((r) => setImmediate(r));

test('requests wait until they fit, first come first served', async () => {
  const budget = new ByteBudget(100);
  const granted: string[] = [];
  const ask = (name: string, bytes: number): Promise<void> => budget.acquire(bytes).then(() => void granted.push(name));
  void ask('a', 60);
  void ask('b', 50); // does not fit beside a
  void ask('c', 10); // would fit, but b came first
  await settled();
  assert.deepEqual(granted, ['a']);
  budget.release(60);
  await settled();
  assert.deepEqual(granted, ['a', 'b', 'c']);
});

test('a request larger than the budget is granted once nothing else is held', async () => {
  const budget = new ByteBudget(100);
  let huge = false;
  await budget.acquire(30);
  void budget.acquire(500).then(() => (huge = true));
  await settled();
  assert.equal(huge, false);
  budget.release(30);
  await settled();
  assert.equal(huge, true);
});
