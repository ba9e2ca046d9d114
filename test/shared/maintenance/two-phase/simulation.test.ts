import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runModel, type Sabotage } from './model.js';

const SCHEDULES = 3000;
const STEPS = 400;

/** firstViolation runs seeds until one breaks the invariant; undefined when none does. */
function firstViolation(count: number, sabotage?: Sabotage): string | undefined {
  for (let seed = 1; seed <= count; seed++) {
    const r = runModel({ seed, steps: STEPS, ...(sabotage ? { sabotage } : {}) });
    if (r.violation !== undefined) return r.violation;
  }
  return undefined;
}

describe('two-phase prune protocol (model)', () => {
  test(`no snapshot ever references a deleted blob over ${SCHEDULES} random schedules`, () => {
    const totals = { snapshots: 0, deleted: 0, recovered: 0, marked: 0, revalidations: 0, reuploads: 0, aborted: 0 };
    for (let seed = 1; seed <= SCHEDULES; seed++) {
      const r = runModel({ seed, steps: STEPS });
      assert.equal(r.violation, undefined, r.violation);
      for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += r.stats[k];
    }
    // The schedules must exercise every part of the protocol, or the assertion above proves little.
    for (const [k, v] of Object.entries(totals)) assert.ok(v > 0, `no schedule exercised ${k}: ${JSON.stringify(totals)}`);
  });

  test('finds the race when prune ignores live sessions', () => {
    assert.notEqual(firstViolation(SCHEDULES, { noSessionRule: true }), undefined);
  });

  test('finds the race when a backup whose lock went stale does not re-validate', () => {
    assert.notEqual(firstViolation(SCHEDULES, { noRevalidation: true }), undefined);
  });

  test('finds the race when a backup skips index files that vanished instead of listing again', () => {
    assert.notEqual(firstViolation(SCHEDULES, { noRelist: true }), undefined);
  });
});
