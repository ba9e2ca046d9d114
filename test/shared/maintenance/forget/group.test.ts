import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  filterSnapshots, groupKeyOf, groupSnapshots, hasTagList, hasTags, parseForgetOptions,
} from '../../../../shared/maintenance/forget/index.js';
import { compareGoStrings, goJson } from '../../../../shared/maintenance/forget/go-json.js';
import { snap } from './fixtures.js';

const T = '2022-01-01T00:00:00Z';

describe('filtering and grouping', () => {
  test('a tag list needs all its tags; "" matches untagged snapshots only', () => {
    const tagged = snap(T, { tags: ['a', 'b'] });
    const untagged = snap(T);
    assert.ok(hasTags(tagged, ['a', 'b']));
    assert.ok(!hasTags(tagged, ['a', 'c']));
    assert.ok(hasTags(tagged, []));
    assert.ok(hasTags(untagged, ['']));
    assert.ok(!hasTags(tagged, ['']));
    assert.ok(hasTags(untagged, ['', 'x']), 'restic returns early on "" for an untagged snapshot');
    assert.ok(hasTagList(tagged, [['c'], ['b']]), 'repeated lists are OR');
    assert.ok(hasTagList(untagged, []));
  });

  test('filters by any of the hosts, the tag lists and all of the paths', () => {
    const a = snap(T, { hostname: 'a', paths: ['/x', '/y'], tags: ['t'] });
    const b = snap(T, { hostname: 'b', paths: ['/x'] });
    const f = (raw: Record<string, string | string[]>): string[] => filterSnapshots([a, b], parseForgetOptions(raw)).map((e) => e.snapshot.hostname ?? '');
    assert.deepEqual(f({}), ['a', 'b']);
    assert.deepEqual(f({ host: ['b', 'c'] }), ['b']);
    assert.deepEqual(f({ tag: 't' }), ['a']);
    assert.deepEqual(f({ tag: '' }), ['b']);
    assert.deepEqual(f({ path: '/x' }), ['a', 'b']);
    assert.deepEqual(f({ path: ['/x', '/y'] }), ['a']);
  });

  test('the group key is restic\'s JSON with sorted paths and tags and unused parts blank', () => {
    const e = snap(T, { hostname: 'nas', paths: ['/b', '/a'], tags: ['z', 'a'] });
    assert.equal(groupKeyOf(e, { host: true, paths: true, tags: false }).key, '{"hostname":"nas","paths":["/a","/b"],"tags":null}');
    assert.equal(groupKeyOf(e, { host: false, paths: false, tags: true }).key, '{"hostname":"","paths":null,"tags":["a","z"]}');
    assert.equal(groupKeyOf(snap(T), { host: false, paths: false, tags: true }).key, '{"hostname":"","paths":null,"tags":null}');
    assert.deepEqual(e.snapshot.paths, ['/b', '/a'], 'the input is not sorted in place');
  });

  test('groups keep first-appearance order and member order', () => {
    const [a1, b1, a2] = [snap(T, { hostname: 'a' }), snap(T, { hostname: 'b' }), snap(T, { hostname: 'a' })];
    const groups = groupSnapshots([a1, b1, a2], { host: true, paths: true, tags: false });
    assert.deepEqual(groups.map((g) => g.snapshots), [[a1, a2], [b1]]);
    assert.equal(groupSnapshots([a1, b1, a2], { host: false, paths: false, tags: false }).length, 1);
  });

  test('Go conventions: code point order and HTML-safe escaping', () => {
    assert.deepEqual(['\u{1F600}', '\uFF5E', 'b', 'B'].sort(compareGoStrings), ['B', 'b', '\uFF5E', '\u{1F600}']);
    assert.equal(goJson({ h: '<a&b>' }), '{"h":"\\u003ca\\u0026b\\u003e"}');
  });
});
