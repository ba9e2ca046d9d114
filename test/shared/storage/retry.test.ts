// withRetry: transient failures retried with capped, jittered backoff; permanent ones at once; exhaustion
// as one line; listings resumed without duplicates. The inner backend is a real LocalBackend whose calls a
// test can make fail on a schedule, so the data path under the wrapper is the real one.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotFoundError, StorageError } from '../../../shared/core/index.js';
import { LocalBackend, UNREACHABLE_CODE, withRetry } from '../../../shared/storage/index.js';
import type { Backend, FileInfo, FileType, RetryInfo } from '../../../shared/storage/index.js';
import { blobOf, listAll } from './backend-suite.js';

/** A LocalBackend whose next calls throw the queued errors; `calls` counts every call that reached it. */
class Flaky extends LocalBackend {
  failures: Error[] = [];
  calls = 0;
  /** After this many list entries, a listing throws the next queued failure (once per queued failure). */
  listFailAfter = Infinity;
  private maybeFail(): void {
    this.calls++;
    const next = this.failures.shift();
    if (next) throw next;
  }
  override async read(type: FileType, name: string, range?: { offset: number; length: number }): Promise<Buffer> {
    this.maybeFail();
    return super.read(type, name, range);
  }
  override async write(type: FileType, name: string, data: Uint8Array): Promise<void> {
    this.maybeFail();
    return super.write(type, name, data);
  }
  override async *list(type: FileType): AsyncIterable<FileInfo> {
    this.calls++;
    let n = 0;
    for await (const info of super.list(type)) {
      if (n++ === this.listFailAfter && this.failures.length > 0) throw this.failures.shift();
      yield info;
    }
  }
}

const transient = (msg = 'blip') => new StorageError(msg, true);

async function withFlaky(fn: (inner: Flaky, dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-retry-'));
  try {
    const inner = new Flaky(dir);
    await inner.create();
    await fn(inner, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function recorder(): { sleeps: number[]; infos: RetryInfo[]; opts: { sleep: (ms: number) => Promise<void>; random: () => number; onRetry: (i: RetryInfo) => void } } {
  const sleeps: number[] = [];
  const infos: RetryInfo[] = [];
  return { sleeps, infos, opts: { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5, onRetry: (i) => void infos.push(i) } };
}

describe('withRetry', () => {
  test('retries transient failures and returns the real result', () =>
    withFlaky(async (inner) => {
      const obj = blobOf(100);
      await inner.write('data', obj.name, obj.data);
      inner.failures.push(transient(), transient());
      const r = recorder();
      const b: Backend = withRetry(inner, r.opts);
      assert.deepEqual(await b.read('data', obj.name), obj.data);
      assert.equal(inner.calls, 4); // the setup write, two failures, one success
      assert.deepEqual(r.infos.map((i) => [i.operation, i.attempt]), [[`read data/${obj.name.slice(0, 8)}`, 1], [`read data/${obj.name.slice(0, 8)}`, 2]]);
    }));

  test('backoff doubles from the base, is capped, and is jittered by random()', () =>
    withFlaky(async (inner) => {
      const obj = blobOf(10);
      for (let i = 0; i < 7; i++) inner.failures.push(transient());
      const r = recorder();
      const b = withRetry(inner, { ...r.opts, baseDelayMs: 100, maxDelayMs: 1000, maxAttempts: 10 });
      await b.write('keys', obj.name, obj.data);
      // random() = 0.5: half of min(1000, 100·2^(n-1))
      assert.deepEqual(r.sleeps, [50, 100, 200, 400, 500, 500, 500]);
      assert.deepEqual(await inner.read('keys', obj.name), obj.data);
    }));

  test('permanent errors and NotFoundError fail at once, without a retry', () =>
    withFlaky(async (inner) => {
      const r = recorder();
      const b = withRetry(inner, r.opts);
      inner.failures.push(new StorageError('access denied', false));
      await assert.rejects(b.read('data', blobOf(1).name), /access denied/);
      await assert.rejects(b.read('data', blobOf(2).name), (e: unknown) => e instanceof NotFoundError);
      inner.failures.push(new TypeError('a bug'));
      await assert.rejects(b.write('data', blobOf(3).name, Buffer.from('x')), TypeError);
      assert.equal(inner.calls, 3);
      assert.deepEqual(r.sleeps, []);
    }));

  test('gives up after maxAttempts with one line naming location, operation, attempts and cause', () =>
    withFlaky(async (inner, dir) => {
      for (let i = 0; i < 5; i++) inner.failures.push(transient('503 SlowDown: reduce your request rate'));
      const r = recorder();
      const name = blobOf(5).name;
      const err = await withRetry(inner, { ...r.opts, maxAttempts: 4 }).write('index', name, Buffer.from('x')).catch((e: unknown) => e);
      assert.ok(err instanceof StorageError && err.transient);
      assert.equal(err.message, `${dir}: write index/${name.slice(0, 8)} failed after 4 attempts (503 SlowDown: reduce your request rate)`);
      assert.ok(!err.message.includes('\n'));
      assert.equal(inner.calls, 4);
      assert.equal(r.sleeps.length, 3);
    }));

  test('an unreachable endpoint is reported as such', () =>
    withFlaky(async (inner, dir) => {
      for (let i = 0; i < 3; i++) inner.failures.push(new StorageError('connect ECONNREFUSED 127.0.0.1:9', true, {}, UNREACHABLE_CODE));
      const err = await withRetry(inner, { ...recorder().opts, maxAttempts: 3 }).read('config', '').catch((e: unknown) => e);
      assert.ok(err instanceof StorageError);
      assert.equal(err.message, `${dir}: endpoint unreachable after 3 attempts (connect ECONNREFUSED 127.0.0.1:9)`);
      assert.equal(err.code, UNREACHABLE_CODE);
    }));

  test('a listing that breaks part-way resumes and yields every name exactly once', () =>
    withFlaky(async (inner) => {
      const objs = Array.from({ length: 40 }, () => blobOf(20));
      for (const o of objs) await inner.write('snapshots', o.name, o.data);
      inner.calls = 0;
      inner.listFailAfter = 15;
      inner.failures.push(transient(), transient());
      const r = recorder();
      const names: string[] = [];
      for await (const info of withRetry(inner, r.opts).list('snapshots')) names.push(info.name);
      assert.equal(names.length, 40);
      assert.equal(new Set(names).size, 40);
      assert.deepEqual(names.sort(), objs.map((o) => o.name).sort());
      assert.equal(inner.calls, 3);
      assert.deepEqual(await listAll(inner, 'snapshots').then((l) => l.length), 40);
    }));

  test('a listing that keeps failing before yielding anything gives up after maxAttempts', () =>
    withFlaky(async (inner) => {
      await inner.write('locks', blobOf(9).name, Buffer.from('l'));
      inner.calls = 0;
      inner.listFailAfter = 0;
      for (let i = 0; i < 10; i++) inner.failures.push(transient('reset'));
      const it = withRetry(inner, { ...recorder().opts, maxAttempts: 3 }).list('locks');
      await assert.rejects(async () => {
        for await (const _ of it) void _;
      }, /list locks failed after 3 attempts \(reset\)/);
      assert.equal(inner.calls, 3);
    }));
});
