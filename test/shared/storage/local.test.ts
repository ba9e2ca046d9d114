// LocalBackend: the conformance suite on a temp folder, plus what only a folder can show — restic's
// folders and modes, no temp files left behind (even when a write fails), and strays ignored by listings.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StorageError } from '../../../shared/core/index.js';
import { LocalBackend } from '../../../shared/storage/index.js';
import { blobOf, listAll, registerBackendSuite } from './backend-suite.js';

async function freshDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'cairn-local-'));
}

registerBackendSuite('LocalBackend', async () => {
  const dir = await freshDir();
  return { backend: new LocalBackend(join(dir, 'repo')), cleanup: () => rm(dir, { recursive: true, force: true }) };
});

/** Every file under `dir`, relative, depth-first. */
async function walk(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await walk(dir, p)));
    else out.push(p);
  }
  return out;
}

describe('LocalBackend', () => {
  test('create() makes restic’s folders, all 256 data/XX, with mode 0700', async () => {
    const dir = await freshDir();
    try {
      const b = new LocalBackend(join(dir, 'repo'));
      await b.create();
      const top = (await readdir(join(dir, 'repo'))).sort();
      assert.deepEqual(top, ['data', 'index', 'keys', 'locks', 'snapshots']);
      const subs = await readdir(join(dir, 'repo', 'data'));
      assert.equal(subs.length, 256);
      assert.ok(subs.includes('00') && subs.includes('ff') && subs.includes('7a'));
      for (const d of ['keys', 'data', 'data/c3']) assert.equal((await stat(join(dir, 'repo', d))).mode & 0o777, 0o700, d);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('objects land at restic’s paths, read-only, and no temp file remains', async () => {
    const dir = await freshDir();
    try {
      const b = new LocalBackend(dir);
      await b.create();
      const pack = blobOf(3000);
      const key = blobOf(300);
      await Promise.all([b.write('data', pack.name, pack.data), b.write('keys', key.name, key.data), b.write('config', '', Buffer.from('cfg'))]);
      await b.write('data', pack.name, pack.data); // the rewrite goes over a read-only file
      const files = (await walk(dir)).sort();
      assert.deepEqual(files, ['config', `data/${pack.name.slice(0, 2)}/${pack.name}`, `keys/${key.name}`].sort());
      assert.equal((await stat(join(dir, 'data', pack.name.slice(0, 2), pack.name))).mode & 0o777, 0o400);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a write that fails at the rename leaves no stray file and reports the path', async () => {
    const dir = await freshDir();
    try {
      const b = new LocalBackend(dir);
      await b.create();
      const obj = blobOf(50);
      // A folder where the object should go makes rename() fail after the temp file was written.
      await mkdir(join(dir, 'snapshots', obj.name));
      const err = await b.write('snapshots', obj.name, obj.data).catch((e: unknown) => e);
      assert.ok(err instanceof StorageError && !err.transient, String(err));
      assert.match(err.message, new RegExp(`snapshots/${obj.name}`));
      assert.deepEqual(await readdir(join(dir, 'snapshots')), [obj.name]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a path blocked by a file is a permanent error naming the path, not NotFound', async () => {
    const dir = await freshDir();
    try {
      await writeFile(join(dir, 'keys'), 'not a folder');
      const b = new LocalBackend(dir);
      const obj = blobOf(10);
      const err = await b.write('keys', obj.name, obj.data).catch((e: unknown) => e);
      assert.ok(err instanceof StorageError && !err.transient && err.code === 'STORAGE', String(err));
      assert.match(err.message, /keys/);
      await assert.rejects(b.create(), (e: unknown) => e instanceof StorageError && !e.transient);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('listings skip temp files, foreign names and folders; a missing data/XX is recreated on write', async () => {
    const dir = await freshDir();
    try {
      const b = new LocalBackend(dir);
      await b.create();
      const obj = blobOf(64);
      const sub = obj.name.slice(0, 2);
      await rm(join(dir, 'data', sub), { recursive: true });
      await b.write('data', obj.name, obj.data);
      await writeFile(join(dir, 'data', sub, `${obj.name}-tmp-123456`), 'half');
      await writeFile(join(dir, 'data', sub, 'README'), 'x');
      await mkdir(join(dir, 'data', sub, 'f'.repeat(64)));
      await writeFile(join(dir, 'keys', `${obj.name}.bak`), 'x');
      assert.deepEqual(await listAll(b, 'data'), [{ name: obj.name, size: 64 }]);
      assert.deepEqual(await listAll(b, 'keys'), []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('listing data/ yields every pack of every folder once (folders are read ahead)', async () => {
    const dir = await freshDir();
    try {
      const b = new LocalBackend(dir);
      await b.create();
      const objs = Array.from({ length: 300 }, (_, i) => blobOf(10 + i));
      for (const o of objs) await b.write('data', o.name, o.data);
      const expected = objs.map((o) => ({ name: o.name, size: o.data.length })).sort((x, y) => x.name.localeCompare(y.name));
      assert.ok(new Set(objs.map((o) => o.name.slice(0, 2))).size > 100, 'spread over many folders');
      assert.deepEqual((await listAll(b, 'data')).sort((x, y) => x.name.localeCompare(y.name)), expected);
      // A caller that stops early leaves nothing behind (no unhandled rejection from folders read ahead).
      await rm(join(dir, 'data', 'ff'), { recursive: true, force: true });
      for await (const f of b.list('data')) {
        assert.ok(f.size > 0);
        break;
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a read with an allocator lands in the caller\'s memory; too little memory is a permanent error', async () => {
    const dir = await freshDir();
    try {
      const b = new LocalBackend(dir);
      await b.create();
      const obj = blobOf(5000);
      await b.write('data', obj.name, obj.data);
      const memory = new ArrayBuffer(8192);
      const asked: number[] = [];
      const whole = await b.read('data', obj.name, undefined, (n) => (asked.push(n), memory));
      assert.equal(whole.buffer, memory);
      assert.equal(whole.byteOffset, 0);
      assert.deepEqual(whole, obj.data);
      const part = await b.read('data', obj.name, { offset: 100, length: 50 }, (n) => (asked.push(n), memory));
      assert.equal(part.buffer, memory);
      assert.deepEqual(part, obj.data.subarray(100, 150));
      assert.deepEqual(asked, [5000, 50]);
      await assert.rejects(b.read('data', obj.name, undefined, () => new ArrayBuffer(10)), (e: unknown) => e instanceof StorageError && !e.transient);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('listing a folder that does not exist yields nothing', async () => {
    const dir = await freshDir();
    try {
      assert.deepEqual(await listAll(new LocalBackend(join(dir, 'nothing-here')), 'snapshots'), []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
