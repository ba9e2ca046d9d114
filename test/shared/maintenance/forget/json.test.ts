import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatForgetJson, parseForgetOptions, planForget, snapshotJson, toForgetJson,
} from '../../../../shared/maintenance/forget/index.js';
import { snap } from './fixtures.js';

const NOW = new Date('2026-01-01T00:00:00Z');

describe('forget --json', () => {
  test('snapshots carry restic 0.14\'s fields in Go order, normalized time and sorted paths; others are dropped', () => {
    const e = snap('2022-01-01T10:00:00.500+00:00', {
      original: 'o'.repeat(64), tags: ['z', 'a'], excludes: ['*.tmp'], gid: 0, uid: 1000, username: 'root',
      paths: ['/b', '/a'], parent: 'p'.repeat(64), program_version: 'restic 0.16.0', summary: {},
    });
    assert.equal(
      JSON.stringify(snapshotJson(e, false)),
      `{"time":"2022-01-01T10:00:00.5Z","parent":"${'p'.repeat(64)}","tree":"${'f'.repeat(64)}","paths":["/a","/b"],` +
        `"hostname":"h","username":"root","uid":1000,"excludes":["*.tmp"],"tags":["z","a"],"original":"${'o'.repeat(64)}"}`,
    );
    assert.deepEqual(snapshotJson(e, true).tags, ['a', 'z'], 'grouping by tags sorts them, as restic does in place');
  });

  test('groups: tags, host, paths, keep and remove with ids, reasons without; empty lists are null', () => {
    const kept = snap('2022-01-02T00:00:00Z', { tags: ['t'] });
    const removed = snap('2022-01-01T00:00:00Z', { tags: ['t'] });
    const opts = parseForgetOptions({ keepLast: '1', groupBy: 'tags' });
    const [group] = toForgetJson(planForget([removed, kept], opts, NOW).groups, opts.groupBy);
    assert.deepEqual(Object.keys(group ?? {}), ['tags', 'host', 'paths', 'keep', 'remove', 'reasons']);
    assert.deepEqual([group?.tags, group?.host, group?.paths], [['t'], '', null]);
    assert.deepEqual(group?.keep?.map((s) => [s.id, s.short_id]), [[kept.id, kept.id.slice(0, 8)]]);
    assert.deepEqual(group?.remove?.map((s) => s.id), [removed.id]);
    assert.deepEqual(group?.reasons, [{ snapshot: snapshotJson(kept, true), matches: ['last snapshot'], counters: {} }]);

    const [allKept] = toForgetJson(planForget([kept], opts, NOW).groups, opts.groupBy);
    assert.equal(allKept?.remove, null);
  });

  test('prints one line in Go\'s JSON, or nothing for an empty policy or no snapshots', () => {
    const opts = parseForgetOptions({ keepLast: '1' });
    const text = formatForgetJson(planForget([snap('2022-01-01T00:00:00Z', { hostname: '<&>' })], opts, NOW), opts.groupBy);
    assert.ok(text.endsWith('}]}]\n') && !text.slice(0, -1).includes('\n'));
    assert.ok(text.includes('"host":"\\u003c\\u0026\\u003e"'));
    assert.equal(formatForgetJson(planForget([snap('2022-01-01T00:00:00Z')], parseForgetOptions({}), NOW), opts.groupBy), '');
    assert.equal(formatForgetJson(planForget([], opts, NOW), opts.groupBy), '');
  });
});
