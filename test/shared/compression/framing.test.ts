import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorruptDataError } from '../../../shared/core/errors.js';
import { hashId } from '../../../shared/core/id.js';
import { decodeUnpacked, encodeUnpacked } from '../../../shared/compression/framing.js';
import { zstdCompress } from '../../../shared/compression/zstd.js';
import { openKeyFile, open, seal } from '../../../shared/crypto/index.js';
import type { MasterKey } from '../../../shared/crypto/index.js';

const notSupported = (err: unknown) => err instanceof CorruptDataError && err.message === 'not supported encoding format';

describe('unpacked file framing', () => {
  const json = Buffer.from(JSON.stringify({ packs: [{ id: 'a'.repeat(64), blobs: [] }] }) + '\n');

  test('version 1 writes the JSON as is; version 2 writes 0x02 and a zstd frame', () => {
    assert.deepEqual(encodeUnpacked(json, 1), json);
    const v2 = encodeUnpacked(json, 2);
    assert.equal(v2[0], 0x02);
    assert.deepEqual(v2.subarray(1, 5), Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), 'zstd magic follows');
    assert.deepEqual(decodeUnpacked(v2), json);
    assert.deepEqual(decodeUnpacked(encodeUnpacked(json, 1)), json);
  });

  test('reads raw JSON objects and arrays (v1 files, old index format) unchanged', () => {
    assert.deepEqual(decodeUnpacked(Buffer.from('[{"id":"x"}]')), Buffer.from('[{"id":"x"}]'));
    assert.deepEqual(decodeUnpacked(Buffer.from('{}')), Buffer.from('{}'));
  });

  test('rejects other first bytes, as restic does', () => {
    assert.throws(() => decodeUnpacked(Buffer.from(' {}')), notSupported);
    assert.throws(() => decodeUnpacked(Buffer.from([0x01, 0x02])), notSupported);
    assert.throws(() => decodeUnpacked(Buffer.alloc(0)), notSupported);
  });

  test('rejects damaged zstd and output beyond the cap with CorruptDataError', () => {
    assert.throws(() => decodeUnpacked(Buffer.from([0x02, 1, 2, 3])), CorruptDataError);
    const big = Buffer.concat([Buffer.from([0x02]), zstdCompress(Buffer.alloc(10_000, 0x7b))]);
    assert.throws(() => decodeUnpacked(big, 1000), CorruptDataError);
    assert.equal(decodeUnpacked(big, 10_000).length, 10_000);
  });
});

describe('unpacked files against restic 0.14', () => {
  const base = mkdtempSync(join(tmpdir(), 'cairn-framing-'));
  const repo = join(base, 'repo');
  const env = { PATH: process.env.PATH, HOME: base, RESTIC_PASSWORD: 'framing test' };
  const restic = (...args: string[]) => execFileSync('restic', ['--no-cache', '-q', '-r', repo, ...args], { env, encoding: 'utf8' });
  let key: MasterKey;

  before(async () => {
    const src = join(base, 'src');
    mkdirSync(src);
    writeFileSync(join(src, 'a.txt'), 'hello from cairn\n');
    writeFileSync(join(src, 'b.bin'), Buffer.alloc(100_000, 1));
    restic('init');
    restic('backup', src);
    const [keyName] = readdirSync(join(repo, 'keys'));
    key = await openKeyFile(readFileSync(join(repo, 'keys', keyName ?? '')), env.RESTIC_PASSWORD);
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  const only = (type: string): string => {
    const [name] = readdirSync(join(repo, type));
    assert.ok(name !== undefined);
    return name;
  };

  test('decodes the compressed index and snapshot restic wrote', () => {
    const indexPlain = open(key, readFileSync(join(repo, 'index', only('index'))));
    assert.equal(indexPlain[0], 0x02, 'restic 0.14 compresses index files in v2');
    const index = JSON.parse(decodeUnpacked(indexPlain).toString());
    assert.deepEqual(index, JSON.parse(restic('cat', 'index', only('index'))));
    const snapshot = JSON.parse(decodeUnpacked(open(key, readFileSync(join(repo, 'snapshots', only('snapshots'))))).toString());
    assert.equal(snapshot.hostname !== undefined, true);
    assert.match(snapshot.tree, /^[0-9a-f]{64}$/);
  });

  test('restic reads an index file we framed and sealed, and the repository still checks', () => {
    const oldName = only('index');
    const blobsBefore = restic('list', 'blobs').split('\n').sort();
    const json = decodeUnpacked(open(key, readFileSync(join(repo, 'index', oldName))));
    const stored = seal(key, encodeUnpacked(json, 2));
    const newName = hashId(stored);
    writeFileSync(join(repo, 'index', newName), stored, { mode: 0o400 });
    unlinkSync(join(repo, 'index', oldName));
    assert.deepEqual(restic('list', 'blobs').split('\n').sort(), blobsBefore);
    restic('check', '--read-data');
  });
});
