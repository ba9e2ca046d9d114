// How the backup excluder combines restic's rules: pattern lists and files, CACHEDIR.TAG, sizes and
// --one-file-system (with made-up device numbers, since a test cannot mount anything).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CACHEDIR_SIGNATURE, createExcluder, hasCacheDirTag, type ExcluderOptions } from '../../../client/filter/index.js';
import { UsageError } from '../../../shared/core/errors.js';

const none: ExcluderOptions = {
  excludes: [],
  iexcludes: [],
  excludeFiles: [],
  iexcludeFiles: [],
  excludeCaches: false,
  oneFileSystem: false,
  env: {},
};

let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), 'cairn-excluder-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('patterns', () => {
  test('--exclude and --iexclude are separate lists: a negation in one does not rescue from the other', () => {
    const ex = createExcluder({ ...none, excludes: ['*.log', '!keep.log'], iexcludes: ['KEEP.LOG'] });
    assert.equal(ex.excludeByPath('/d/a.log'), true);
    assert.equal(ex.excludeByPath('/d/keep.log'), true);
    assert.equal(createExcluder({ ...none, excludes: ['*.log', '!keep.log'] }).excludeByPath('/d/keep.log'), false);
  });
  test('patterns from files follow the command-line ones, so a file can re-include', () => {
    const file = join(dir, 'patterns');
    writeFileSync(file, '# re-include\n!$NAME\n');
    const ex = createExcluder({ ...none, excludes: ['*.log'], excludeFiles: [file], env: { NAME: 'keep.log' } });
    assert.equal(ex.excludeByPath('/d/keep.log'), false);
    assert.equal(ex.excludeByPath('/d/other.log'), true);
  });
  test('--iexclude-file patterns ignore case', () => {
    const file = join(dir, 'ipatterns');
    writeFileSync(file, '*.TMP\n');
    assert.equal(createExcluder({ ...none, iexcludeFiles: [file] }).excludeByPath('/d/x.tmp'), true);
  });
  test('a malformed pattern is blamed on the flag it came from', () => {
    const file = join(dir, 'bad');
    writeFileSync(file, 'ok\nbad[\n');
    const blames = (opts: Partial<ExcluderOptions>, flag: string) =>
      assert.throws(() => createExcluder({ ...none, ...opts }), (err: unknown) => err instanceof UsageError && err.message.startsWith(`${flag}: `));
    blames({ excludes: ['[]'] }, '--exclude');
    blames({ iexcludes: ['[]'] }, '--iexclude');
    blames({ excludeFiles: [file] }, '--exclude-file');
    blames({ iexcludeFiles: [file] }, '--iexclude-file');
    blames({ excludeFiles: [join(dir, 'nope')] }, '--exclude-file');
  });
  test('the repository cache is never backed up', () => {
    const ex = createExcluder({ ...none, cacheDir: '/home/al/.cache/cairn/' });
    assert.equal(ex.excludeByPath('/home/al/.cache/cairn'), true);
    assert.equal(ex.excludeByPath('/home/al/.cache/cairn/abc/index'), true);
    assert.equal(ex.excludeByPath('/home/al/.cache/cairnish'), false);
    assert.equal(ex.excludeByPath('/home/al/.cache'), false);
  });
  test('no rules exclude nothing', () => {
    const ex = createExcluder(none);
    assert.equal(ex.excludeByPath('/x'), false);
    assert.equal(ex.excludeByStat('/x', { isDirectory: false, size: 1e12, dev: 9 }, 1), false);
  });
});

describe('--exclude-caches', () => {
  const tagDir = (name: string, content: string | undefined): string => {
    const d = join(dir, name);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'data'), 'x');
    if (content !== undefined) writeFileSync(join(d, 'CACHEDIR.TAG'), content);
    return d;
  };
  const cases: [string, string | undefined, boolean][] = [
    ['no tag file', undefined, false],
    ['empty tag file', '', false],
    ['wrong signature', CACHEDIR_SIGNATURE.slice(1), false],
    ['valid signature', CACHEDIR_SIGNATURE, true],
    ['valid signature and more', CACHEDIR_SIGNATURE + 'foo', true],
    ['valid signature, newline and more', CACHEDIR_SIGNATURE + '\nbar', true],
  ];
  for (const [name, content, cache] of cases) {
    test(`${name}: the directory's other entries are ${cache ? '' : 'not '}excluded`, async () => {
      const d = tagDir(name.replace(/\W+/g, '-'), content);
      assert.equal(await hasCacheDirTag(d), cache);
      // Sync path (no excludeDirByContents first) and async-primed path give the same answers.
      for (const primed of [false, true]) {
        const ex = createExcluder({ ...none, excludeCaches: true });
        if (primed) assert.equal(await ex.excludeDirByContents(d), false, 'the directory itself is kept');
        assert.equal(ex.excludeByPath(join(d, 'data')), cache);
        assert.equal(ex.excludeByPath(join(d, 'sub', '..', 'data2')), cache);
        assert.equal(ex.excludeByPath(join(d, 'CACHEDIR.TAG')), false, 'the tag file itself is kept');
        assert.equal(ex.excludeByPath(d), false);
      }
    });
  }
  test('a tag file with a bad signature is reported', async () => {
    const d = tagDir('warned', 'Signature: nope, this is not the one we want');
    const warnings: string[] = [];
    const ex = createExcluder({ ...none, excludeCaches: true, onWarning: (m) => warnings.push(m) });
    await ex.excludeDirByContents(d);
    assert.equal(ex.excludeByPath(join(d, 'data')), false);
    assert.match(warnings.join('\n'), /invalid signature in exclusion tagfile .*CACHEDIR\.TAG/);
  });
  test('a symlinked tag file counts, read through the link', async () => {
    const target = join(dir, 'real-tag');
    writeFileSync(target, CACHEDIR_SIGNATURE);
    const d = tagDir('linked', undefined);
    symlinkSync(target, join(d, 'CACHEDIR.TAG'));
    assert.equal(await hasCacheDirTag(d), true);
  });
  test('without the flag tags are ignored', () => {
    const d = tagDir('ignored', CACHEDIR_SIGNATURE);
    assert.equal(createExcluder(none).excludeByPath(join(d, 'data')), false);
  });
});

describe('--exclude-larger-than', () => {
  const ex = createExcluder({ ...none, excludeLargerThan: 1024 });
  test('files above the limit go, at the limit stay, directories always stay', () => {
    assert.equal(ex.excludeByStat('/a', { isDirectory: false, size: 1025, dev: 1 }, 1), true);
    assert.equal(ex.excludeByStat('/a', { isDirectory: false, size: 1024, dev: 1 }, 1), false);
    assert.equal(ex.excludeByStat('/d', { isDirectory: true, size: 1 << 20, dev: 1 }, 1), false);
  });
});

describe('--one-file-system', () => {
  const layout = () => {
    const ex = createExcluder({ ...none, oneFileSystem: true });
    // The target /data is on device 1 and is asked about first, with no parent device.
    assert.equal(ex.excludeByStat('/data', { isDirectory: true, size: 0, dev: 1 }, undefined), false);
    return ex;
  };
  const d = (dev: number) => ({ isDirectory: true, size: 0, dev });
  const f = (dev: number) => ({ isDirectory: false, size: 0, dev });
  test('entries on the target device stay', () => {
    const ex = layout();
    assert.equal(ex.excludeByStat('/data/a', f(1), 1), false);
    assert.equal(ex.excludeByStat('/data/sub', d(1), 1), false);
  });
  test('a mount point directory stays (empty), its entries go', () => {
    const ex = layout();
    assert.equal(ex.excludeByStat('/data/mnt', d(2), 1), false);
    assert.equal(ex.excludeByStat('/data/mnt/file', f(2), 2), true);
    assert.equal(ex.excludeByStat('/data/mnt/dir', d(2), 2), true);
  });
  test('a file on another device goes even directly under the target', () => {
    assert.equal(layout().excludeByStat('/data/odd', f(2), 1), true);
  });
  test("entries are compared with the target's device, not the parent's", () => {
    // A bind mount of the target's file system inside a foreign mount is back on the allowed device.
    assert.equal(layout().excludeByStat('/data/mnt/back', d(1), 2), false);
  });
  test('each target has its own device', () => {
    const ex = layout();
    assert.equal(ex.excludeByStat('/boot', d(7), undefined), false);
    assert.equal(ex.excludeByStat('/boot/vmlinuz', f(7), 7), false);
    assert.equal(ex.excludeByStat('/data/x', f(7), 1), true);
  });
  test('off by default', () => {
    assert.equal(createExcluder(none).excludeByStat('/data/mnt/file', f(2), 2), false);
  });
});
