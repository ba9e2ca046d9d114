import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseForgetOptions, planForget } from '../../../../shared/maintenance/forget/index.js';
import { snap } from './fixtures.js';

const NOW = new Date('2026-01-01T00:00:00Z');

describe('planForget', () => {
  test('lists the IDs every group removes, newest first within a group', () => {
    const a = ['2022-01-03', '2022-01-01', '2022-01-02'].map((d) => snap(`${d}T00:00:00Z`, { hostname: 'a' }));
    const b = ['2022-01-01', '2022-01-02'].map((d) => snap(`${d}T00:00:00Z`, { hostname: 'b' }));
    const plan = planForget([...a, ...b], parseForgetOptions({ keepLast: '1' }), NOW);
    assert.equal(plan.policyEmpty, false);
    assert.deepEqual(plan.remove, [a[2]?.id, a[1]?.id, b[0]?.id]);
    assert.equal(plan.groups.length, 2);
  });

  test('an empty policy removes nothing and reports no groups, as restic', () => {
    const plan = planForget([snap('2022-01-01T00:00:00Z')], parseForgetOptions({ groupBy: '' }), NOW);
    assert.deepEqual(plan, { policyEmpty: true, groups: [], remove: [] });
  });

  test('the plan is plain JSON data', () => {
    const plan = planForget([snap('2022-01-01T00:00:00Z')], parseForgetOptions({ keepWithin: '1d' }), NOW);
    assert.deepEqual(JSON.parse(JSON.stringify(plan)), plan);
  });
});
