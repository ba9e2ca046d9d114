// Unit tests of the small documents: config, snapshot, lock, and Go's JSON string escaping.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CorruptDataError } from '../../../shared/core/index.js';
import {
  decodeConfig, decodeLockFile, decodeSnapshot, encodeConfig, encodeLockFile, encodeSnapshot, goJsonString,
  type Snapshot,
} from '../../../shared/format/index.js';

const ID = '4f33'.padEnd(64, '0');

function rejects(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof CorruptDataError && message.test(e.message));
}

describe('goJsonString', () => {
  test('escapes like Go 1.19: HTML characters, line separators, \\u0008 and \\u000c', () => {
    assert.equal(goJsonString('<a & b>'), '"\\u003ca \\u0026 b\\u003e"');
    assert.equal(goJsonString('\u2028\u2029'), '"\\u2028\\u2029"');
    assert.equal(goJsonString('\b\f\n\r\t\x01\x7f"\\'), '"\\u0008\\u000c\\n\\r\\t\\u0001\x7f\\"\\\\"');
    assert.equal(goJsonString('\\b literal'), '"\\\\b literal"');
    assert.equal(goJsonString('plain é 日本'), '"plain é 日本"');
  });
});

describe('config', () => {
  test('encodes compactly in restic’s field order without a newline and decodes back', () => {
    const c = { version: 2 as const, id: ID, chunker_polynomial: '26a6373ad77bd9' };
    assert.equal(encodeConfig(c).toString(), `{"version":2,"id":"${ID}","chunker_polynomial":"26a6373ad77bd9"}`);
    assert.deepEqual(decodeConfig(encodeConfig(c)), c);
  });

  test('rejects other versions, bad IDs and bad polynomials', () => {
    const doc = (o: object): Buffer => Buffer.from(JSON.stringify({ version: 2, id: ID, chunker_polynomial: '26a6373ad77bd9', ...o }));
    rejects(() => decodeConfig(doc({ version: 3 })), /unsupported repository version 3/);
    rejects(() => decodeConfig(doc({ version: '2' })), /version: not an integer/);
    rejects(() => decodeConfig(doc({ id: 'abc' })), /id: not an ID/);
    rejects(() => decodeConfig(doc({ chunker_polynomial: '0x26a6' })), /invalid chunker polynomial/);
    rejects(() => decodeConfig(doc({ chunker_polynomial: '0' })), /invalid chunker polynomial/);
    rejects(() => decodeConfig(Buffer.from('{"version":2}')), /missing field "id"/);
  });
});

describe('snapshot', () => {
  test('writes Go field order, omits empty fields, keeps the time string verbatim, no newline', () => {
    const s: Snapshot = { time: '2026-11-26T09:05:16.549262154Z', tree: ID, paths: ['/tmp/rx/src'], hostname: 'vm', username: 'root', uid: 0, gid: 0, tags: [], excludes: [] };
    assert.equal(encodeSnapshot(s).toString(),
      `{"time":"2026-11-26T09:05:16.549262154Z","tree":"${ID}","paths":["/tmp/rx/src"],"hostname":"vm","username":"root"}`);
    const full: Snapshot = {
      time: '2022-01-01T10:00:00+05:30', parent: 'a'.repeat(64), tree: ID, paths: ['/a', '/b&c'], hostname: 'h', username: 'u',
      uid: 1000, gid: 100, excludes: ['*.tmp'], tags: ['x', 'y'], original: 'b'.repeat(64),
    };
    const text = encodeSnapshot(full).toString();
    assert.equal(text,
      `{"time":"2022-01-01T10:00:00+05:30","parent":"${'a'.repeat(64)}","tree":"${ID}","paths":["/a","/b\\u0026c"],` +
      `"hostname":"h","username":"u","uid":1000,"gid":100,"excludes":["*.tmp"],"tags":["x","y"],"original":"${'b'.repeat(64)}"}`);
    assert.deepEqual(decodeSnapshot(Buffer.from(text)), full);
  });

  test('ignores unknown fields (later restic versions) and reads null paths as empty', () => {
    const s = decodeSnapshot(Buffer.from(`{"time":"2026-01-01T00:00:00Z","tree":"${ID}","paths":null,"program_version":"restic 0.17","summary":{}}`));
    assert.deepEqual(s, { time: '2026-01-01T00:00:00Z', tree: ID, paths: [] });
  });

  test('rejects a missing tree, bad IDs, bad times and wrong types', () => {
    rejects(() => decodeSnapshot(Buffer.from('{"time":"2026-01-01T00:00:00Z","paths":[]}')), /missing field "tree"/);
    rejects(() => decodeSnapshot(Buffer.from(`{"time":"now","tree":"${ID}"}`)), /invalid time/);
    rejects(() => decodeSnapshot(Buffer.from(`{"time":"2026-01-01T00:00:00Z","tree":"${ID}","parent":"x"}`)), /parent: not an ID/);
    rejects(() => decodeSnapshot(Buffer.from(`{"time":"2026-01-01T00:00:00Z","tree":"${ID}","paths":[1]}`)), /paths\[0\]: not a string/);
    rejects(() => decodeSnapshot(Buffer.from(`{"time":"2026-01-01T00:00:00Z","tree":"${ID}","uid":-1}`)), /uid/);
  });
});

describe('lock', () => {
  test('encodes restic’s layout, uid/gid omitted when 0, and decodes back', () => {
    const lock = { time: '2026-11-26T09:05:16.1+01:00', exclusive: true, hostname: 'nas', username: 'root', pid: 4242 };
    assert.equal(encodeLockFile({ ...lock, uid: 0, gid: 0 }).toString(),
      '{"time":"2026-11-26T09:05:16.1+01:00","exclusive":true,"hostname":"nas","username":"root","pid":4242}');
    assert.deepEqual(decodeLockFile(encodeLockFile({ ...lock, uid: 1000, gid: 1000 })), { ...lock, uid: 1000, gid: 1000 });
  });

  test('rejects bad times and wrong types', () => {
    rejects(() => decodeLockFile(Buffer.from('{"time":"x","exclusive":false,"pid":1}')), /invalid time/);
    rejects(() => decodeLockFile(Buffer.from('{"time":"2026-01-01T00:00:00Z","exclusive":"yes","pid":1}')), /exclusive: not a boolean/);
    rejects(() => decodeLockFile(Buffer.from('{"time":"2026-01-01T00:00:00Z","pid":"1"}')), /pid: not an integer/);
  });
});
