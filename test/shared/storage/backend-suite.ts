// The storage conformance suite: one set of behaviours every Backend must show, registered against any
// backend factory (the local folder and S3 on s3rver run the same tests, as restic's backend/test does).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CairnError, StorageError } from '../../../shared/core/index.js';
import type { Backend, FileInfo, FileType } from '../../../shared/storage/index.js';

/** A fresh, empty backend (its layout not yet created) and how to dispose of it. */
export interface BackendUnderTest {
  backend: Backend;
  cleanup(): Promise<void>;
}

const ID_TYPES: readonly Exclude<FileType, 'config'>[] = ['keys', 'locks', 'snapshots', 'index', 'data'];

/** An object whose name is the SHA-256 of its bytes, as in a real repository. */
export function blobOf(size: number): { name: string; data: Buffer } {
  const data = randomBytes(size);
  return { name: createHash('sha256').update(data).digest('hex'), data };
}

export async function listAll(backend: Backend, type: FileType): Promise<FileInfo[]> {
  const out: FileInfo[] = [];
  for await (const info of backend.list(type)) out.push(info);
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

function isNotFound(err: unknown): boolean {
  return err instanceof StorageError && err.code === 'NOT_FOUND' && !err.transient;
}

function isPermanentStorageError(err: unknown): boolean {
  return err instanceof StorageError && !err.transient && err.code !== 'NOT_FOUND';
}

/** registerBackendSuite adds the conformance tests for backends made by `make` under `describe(name)`. */
export function registerBackendSuite(name: string, make: () => Promise<BackendUnderTest>): void {
  const withBackend = (fn: (b: Backend) => Promise<void>) => async () => {
    const { backend, cleanup } = await make();
    try {
      await backend.create();
      await fn(backend);
    } finally {
      await backend.close();
      await cleanup();
    }
  };

  describe(`${name}: backend conformance`, () => {
    test('a new repository lists nothing of any type', withBackend(async (b) => {
      for (const type of ['config', ...ID_TYPES] as const) assert.deepEqual(await listAll(b, type), [], type);
    }));

    test('writes and reads back every type byte for byte, including an empty object', withBackend(async (b) => {
      for (const [i, type] of ID_TYPES.entries()) {
        const obj = blobOf(i === 0 ? 0 : 1000 * i + 7);
        await b.write(type, obj.name, obj.data);
        assert.deepEqual(await b.read(type, obj.name), obj.data, type);
        const { mtime, ...info } = await b.stat(type, obj.name);
        assert.deepEqual(info, { name: obj.name, size: obj.data.length }, type);
        // The storage's clock, for the maintenance lease's skew check: within a few minutes of ours here.
        assert.ok(mtime instanceof Date && Math.abs(mtime.getTime() - Date.now()) < 5 * 60_000, `${type} mtime ${String(mtime)}`);
      }
    }));

    test('reads byte ranges: start, middle, end, and zero bytes', withBackend(async (b) => {
      const obj = blobOf(4096);
      await b.write('data', obj.name, obj.data);
      assert.deepEqual(await b.read('data', obj.name, { offset: 0, length: 10 }), obj.data.subarray(0, 10));
      assert.deepEqual(await b.read('data', obj.name, { offset: 1000, length: 1234 }), obj.data.subarray(1000, 2234));
      assert.deepEqual(await b.read('data', obj.name, { offset: 4000, length: 96 }), obj.data.subarray(4000));
      assert.equal((await b.read('data', obj.name, { offset: 17, length: 0 })).length, 0);
    }));

    test('a range past the end of an object is a permanent error, not a short buffer', withBackend(async (b) => {
      const obj = blobOf(100);
      await b.write('index', obj.name, obj.data);
      await assert.rejects(b.read('index', obj.name, { offset: 50, length: 100 }), isPermanentStorageError);
      await assert.rejects(b.read('index', obj.name, { offset: 500, length: 10 }), isPermanentStorageError);
    }));

    test('missing objects: read and stat throw NotFoundError, remove is a no-op', withBackend(async (b) => {
      const { name } = blobOf(10);
      await assert.rejects(b.read('snapshots', name), isNotFound);
      await assert.rejects(b.read('data', name, { offset: 0, length: 5 }), isNotFound);
      await assert.rejects(b.stat('keys', name), isNotFound);
      await assert.rejects(b.read('config', ''), isNotFound);
      await b.remove('locks', name);
    }));

    test('lists exactly the objects of a type, with their sizes, packs spread over data/XX', withBackend(async (b) => {
      const packs = Array.from({ length: 12 }, (_, i) => blobOf(i + 1));
      const snaps = Array.from({ length: 3 }, () => blobOf(33));
      await Promise.all([...packs.map((p) => b.write('data', p.name, p.data)), ...snaps.map((s) => b.write('snapshots', s.name, s.data))]);
      const expect = (objs: { name: string; data: Buffer }[]) =>
        objs.map((o) => ({ name: o.name, size: o.data.length })).sort((x, y) => x.name.localeCompare(y.name));
      assert.deepEqual(await listAll(b, 'data'), expect(packs));
      assert.deepEqual(await listAll(b, 'snapshots'), expect(snaps));
      assert.deepEqual(await listAll(b, 'index'), []);
    }));

    test('remove deletes an object from reads, stats and listings', withBackend(async (b) => {
      const keep = blobOf(20);
      const gone = blobOf(21);
      await b.write('locks', keep.name, keep.data);
      await b.write('locks', gone.name, gone.data);
      await b.remove('locks', gone.name);
      assert.deepEqual(await listAll(b, 'locks'), [{ name: keep.name, size: 20 }]);
      await assert.rejects(b.read('locks', gone.name), isNotFound);
      await assert.rejects(b.stat('locks', gone.name), isNotFound);
    }));

    test('writing the same object twice is harmless (a retried upload)', withBackend(async (b) => {
      const obj = blobOf(777);
      await b.write('data', obj.name, obj.data);
      await b.write('data', obj.name, obj.data);
      assert.deepEqual(await listAll(b, 'data'), [{ name: obj.name, size: 777 }]);
      assert.deepEqual(await b.read('data', obj.name), obj.data);
    }));

    test('config has the empty name, lists as one entry, and makes create() refuse', withBackend(async (b) => {
      const config = randomBytes(155);
      await b.write('config', '', config);
      assert.deepEqual(await b.read('config', ''), config);
      const { mtime: _configTime, ...configInfo } = await b.stat('config', '');
      assert.deepEqual(configInfo, { name: '', size: 155 });
      assert.deepEqual(await listAll(b, 'config'), [{ name: '', size: 155 }]);
      await assert.rejects(b.create(), (err: unknown) => isPermanentStorageError(err) && /already exists/.test((err as Error).message));
    }));

    test('rejects names that are not IDs before touching storage', withBackend(async (b) => {
      for (const bad of ['../config', 'abc', 'A'.repeat(64), `${'a'.repeat(64)}/x`]) {
        await assert.rejects(b.write('keys', bad, Buffer.from('x')), isPermanentStorageError, bad);
        await assert.rejects(b.read('data', bad), isPermanentStorageError, bad);
      }
      await assert.rejects(b.write('config', 'x', Buffer.from('x')), isPermanentStorageError);
    }));

    test('a 5 MiB pack and 24 concurrent writes arrive intact', withBackend(async (b) => {
      const big = blobOf(5 * 1024 * 1024);
      const small = Array.from({ length: 24 }, (_, i) => blobOf(100 + i));
      await Promise.all([b.write('data', big.name, big.data), ...small.map((s) => b.write('data', s.name, s.data))]);
      const back = await b.read('data', big.name);
      assert.equal(createHash('sha256').update(back).digest('hex'), big.name);
      for (const s of small) assert.deepEqual(await b.read('data', s.name), s.data);
      assert.equal((await listAll(b, 'data')).length, 25);
    }));

    test('stores an object from a file (a pack assembled on disk), leaving the file as it was', withBackend(async (b) => {
      const dir = mkdtempSync(join(tmpdir(), 'cairn-filebody-'));
      try {
        const pack = blobOf(3 * 1024 * 1024 + 5);
        const path = join(dir, 'pack');
        writeFileSync(path, pack.data);
        await b.write('data', pack.name, { path, size: pack.data.length });
        // A retried upload writes the same file again.
        await b.write('data', pack.name, { path, size: pack.data.length });
        assert.deepEqual(await b.read('data', pack.name), pack.data);
        assert.equal(statSync(path).size, pack.data.length, 'the caller still has its file');
        assert.deepEqual((await listAll(b, 'data')).map((i) => i.name), [pack.name]);
        // A file that does not hold what was announced is refused, and nothing appears.
        const short = blobOf(100);
        writeFileSync(path, short.data);
        await assert.rejects(b.write('data', short.name, { path, size: 200 }), (err: unknown) => err instanceof CairnError);
        await assert.rejects(b.read('data', short.name), isNotFound);
        await assert.rejects(b.write('data', short.name, { path: join(dir, 'missing'), size: 1 }), (err: unknown) => err instanceof CairnError);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }));

    test('failures are CairnErrors with a location-bearing message', withBackend(async (b) => {
      const { name } = blobOf(1);
      const err = await b.read('keys', name).catch((e: unknown) => e);
      assert.ok(err instanceof CairnError);
      assert.match(err.message, new RegExp(`keys/${name}`));
    }));
  });
}
