// Selecting snapshots to copy: restic 0.14's "already copied" rule (persistent ID + similar fields), explicit
// references, and the option parser shared by the CLI and Lambda events.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCopyOptions, selectSnapshots, similarSnapshots, copiedSnapshot, groupIntoItems } from '../../../../shared/maintenance/index.js';
import type { Snapshot } from '../../../../shared/format/index.js';
import type { SnapshotEntry } from '../../../../shared/repository/index.js';

const id = (c: string): string => c.repeat(64).slice(0, 64);
const base: Snapshot = { time: '2024-05-01T10:00:00.123456789+02:00', tree: id('7'), paths: ['/a', '/b'], hostname: 'nas', username: 'al', tags: ['x', 'y'] };
const entry = (c: string, over: Partial<Snapshot> = {}): SnapshotEntry => ({ id: id(c), snapshot: { ...base, ...over } });

describe('similarSnapshots', () => {
  it('ignores parent, original, and the order of paths and tags; compares times as instants', () => {
    assert.ok(similarSnapshots(base, { ...base, parent: id('1'), original: id('2'), paths: ['/b', '/a'], tags: ['y', 'x'], time: '2024-05-01T08:00:00.123456789Z' }));
  });
  it('differs on any other field', () => {
    for (const change of [{ tree: id('8') }, { hostname: 'other' }, { username: 'bo' }, { uid: 1 }, { gid: 2 }, { tags: ['x'] }, { paths: ['/a', '/c'] }, { excludes: ['*.tmp'] }, { time: '2024-05-01T10:00:00.123456788+02:00' }]) {
      assert.equal(similarSnapshots(base, { ...base, ...change }), false, JSON.stringify(change));
    }
    assert.equal(similarSnapshots({ ...base, excludes: ['a', 'b'] }, { ...base, excludes: ['b', 'a'] }), false, 'excludes in order');
  });
});

describe('selectSnapshots', () => {
  it('skips a source snapshot whose ID or original a similar target snapshot carries', () => {
    const source = [entry('a'), entry('b', { original: id('0') }), entry('c', { time: '2025-01-01T00:00:00Z' })];
    const target = [entry('d', { original: id('a') }), entry('b', { original: id('0') })];
    const s = selectSnapshots(source, target, { snapshots: [], filter: {} });
    assert.deepEqual(s.skipped, [{ source: id('a'), copy: id('d') }, { source: id('b'), copy: id('b') }]);
    assert.deepEqual(s.toCopy.map((e) => e.id), [id('c')]);
  });
  it('copies again when the copy is no longer similar (re-tagged since)', () => {
    const s = selectSnapshots([entry('a', { tags: ['new'] })], [entry('d', { original: id('a') })], { snapshots: [], filter: {} });
    assert.deepEqual(s.toCopy.map((e) => e.id), [id('a')]);
  });
  it('selects source snapshots by host, tag and path when no IDs are given', () => {
    const source = [entry('a'), entry('b', { hostname: 'pc' }), entry('c', { tags: ['z'] }), entry('e', { paths: ['/a'] })];
    const pick = (filter: object): string[] => selectSnapshots(source, [], { snapshots: [], filter }).toCopy.map((e) => e.id[0]!);
    assert.deepEqual(pick({ hosts: ['nas'] }), ['a', 'c', 'e']);
    assert.deepEqual(pick({ tags: [['x', 'y'], ['z']] }), ['a', 'b', 'c', 'e']);
    assert.deepEqual(pick({ paths: ['/a', '/b'] }), ['a', 'b', 'c']);
  });
  it('resolves short IDs and `latest` (with the filter); warns about and ignores what matches nothing', () => {
    const source = [entry('a'), entry('b', { time: '2024-06-01T00:00:00Z', hostname: 'pc' }), entry('c', { time: '2024-07-01T00:00:00Z' })];
    const warnings: string[] = [];
    const s = selectSnapshots(source, [], { snapshots: ['latest', 'bbbb', 'ffff', 'a'], filter: { hosts: ['nas'] } }, (m) => warnings.push(m));
    assert.deepEqual(s.toCopy.map((e) => e.id), [id('a'), id('b'), id('c')]);
    assert.deepEqual(s.ignored, ['ffff']);
    assert.equal(warnings.length, 1);
  });
});

describe('parseCopyOptions', () => {
  it('reads CLI flags and event options alike', () => {
    const fromCli = parseCopyOptions({ snapshots: ['latest', 'abc123'], host: ['nas'], tag: ['a,b', 'c'], path: ['/home'] });
    const fromEvent = parseCopyOptions({ snapshotIds: ['latest', 'abc123'], hosts: 'nas', tags: ['a,b', 'c'], paths: '/home' });
    assert.deepEqual(fromCli, fromEvent);
    assert.deepEqual(fromCli.filter, { hosts: ['nas'], tags: [['a', 'b'], ['c']], paths: ['/home'] });
    assert.equal(parseCopyOptions({}).itemBytes, 256 * 1024 * 1024);
  });
  it('names the offending option', () => {
    assert.throws(() => parseCopyOptions({ keepLast: '3' }), /unknown copy option "keepLast"/);
    assert.throws(() => parseCopyOptions({ snapshots: 'not-an-id' }), /"not-an-id" is not a snapshot ID/);
    assert.throws(() => parseCopyOptions({ itemBytes: '-5' }), /itemBytes/);
  });
});

describe('copiedSnapshot and groupIntoItems', () => {
  it('drops the parent and keeps the first original', () => {
    assert.deepEqual(copiedSnapshot(id('a'), { ...base, parent: id('p') }), { ...base, original: id('a') });
    assert.equal(copiedSnapshot(id('a'), { ...base, original: id('0') }).original, id('0'));
  });
  it('cuts packs into items by bytes, a big pack alone, blobs by offset', () => {
    const pack = (c: string, sizes: number[]) => ({ id: id(c), blobs: sizes.map((length, i) => ({ id: id(String(i)), type: 'data' as const, offset: 1000 - i * 100, length })) });
    const items = groupIntoItems([pack('b', [40, 40]), pack('a', [50]), pack('c', [500])], 100);
    assert.deepEqual(items.map((it) => it.packs.map((p) => p.id[0])), [['a'], ['b'], ['c']]);
    assert.deepEqual(items[1]!.packs[0]!.blobs.map((b) => b.offset), [900, 1000]);
  });
});
