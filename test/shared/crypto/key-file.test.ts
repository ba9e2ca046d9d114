import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CorruptDataError, WrongPasswordError } from '../../../shared/core/errors.js';
import { hashId } from '../../../shared/core/id.js';
import { createKeyFile, openKeyFile, parseKeyFile } from '../../../shared/crypto/key-file.js';
import { generateMasterKey, masterKeyToJson } from '../../../shared/crypto/master-key.js';
import { open } from '../../../shared/crypto/seal.js';
import { initResticRepo } from './restic-repo.js';
import type { ResticRepo } from './restic-repo.js';

// Cheap scrypt for tests that are not about the cost; restic accepts any valid parameters.
const FAST = { N: 1024, r: 8, p: 1 };
const CREATED = '2026-11-26T09:33:18.4390432Z';

describe('key files against restic 0.14', () => {
  let repo: ResticRepo;
  before(() => {
    repo = initResticRepo();
  });
  after(() => repo.cleanup());

  test('opens the key file restic init wrote, giving the key `restic cat masterkey` prints', async () => {
    const [name] = repo.keyFileNames();
    assert.ok(name !== undefined);
    const bytes = repo.readKeyFile(name);
    assert.equal(hashId(bytes), name, 'a key file is named by its hash');
    const key = await openKeyFile(bytes, repo.password);
    assert.deepEqual(masterKeyToJson(key), JSON.parse(repo.run(['cat', 'masterkey'])));
  });

  test('the opened master key decrypts the repository config', async () => {
    const [name] = repo.keyFileNames();
    const key = await openKeyFile(repo.readKeyFile(name ?? ''), repo.password);
    const config = JSON.parse(open(key, readFileSync(join(repo.dir, 'config'))).toString('utf8'));
    assert.deepEqual(config, JSON.parse(repo.run(['cat', 'config'])));
    assert.equal(config.version, 2);
    assert.match(config.id, /^[0-9a-f]{64}$/);
  });

  test('a key file we create with default scrypt cost lets restic open the repository with the new password', async () => {
    const [name] = repo.keyFileNames();
    const master = await openKeyFile(repo.readKeyFile(name ?? ''), repo.password);
    const { bytes, id, keyFile } = await createKeyFile('second password', master, { hostname: 'nas', username: 'alice', created: CREATED });
    assert.deepEqual(Object.keys(keyFile), ['created', 'username', 'hostname', 'kdf', 'N', 'r', 'p', 'salt', 'data']);
    assert.deepEqual([keyFile.N, keyFile.r, keyFile.p], [32768, 8, 4]);
    assert.equal(id, hashId(bytes));
    writeFileSync(join(repo.dir, 'keys', id), bytes, { mode: 0o400 });

    const config = JSON.parse(repo.runWithPassword('second password', ['cat', 'config']));
    assert.equal(config.version, 2);
    const keys = JSON.parse(repo.runWithPassword('second password', ['key', 'list', '--json'])) as { id: string; current: boolean; userName: string; hostName: string }[];
    const ours = keys.find((k) => k.id === id.slice(0, 8)); // 0.14 prints short IDs here
    assert.ok(ours, 'restic lists our key');
    assert.equal(ours.current, true);
    assert.equal(ours.userName, 'alice');
    assert.equal(ours.hostName, 'nas');
    assert.throws(() => repo.runWithPassword('not a password of this repo', ['cat', 'config']));
  });

  test('our key files open with our reader, and restic-style JSON bytes round-trip', async () => {
    const master = generateMasterKey();
    const { bytes } = await createKeyFile('pw', master, { hostname: 'h<&>', username: 'u', created: CREATED, params: FAST });
    assert.ok(bytes.toString().includes('"hostname":"h\\u003c\\u0026\\u003e"'), 'escapes like Go');
    assert.equal(parseKeyFile(bytes).hostname, 'h<&>');
    assert.deepEqual(masterKeyToJson(await openKeyFile(bytes, 'pw')), masterKeyToJson(master));
  });
});

describe('key file failures', () => {
  let good: Buffer;
  before(async () => {
    good = (await createKeyFile('pw', generateMasterKey(), { hostname: 'h', username: 'u', created: CREATED, params: FAST })).bytes;
  });
  const edit = (change: (f: Record<string, unknown>) => void): Buffer => {
    const f = JSON.parse(good.toString()) as Record<string, unknown>;
    change(f);
    return Buffer.from(JSON.stringify(f));
  };
  const corrupt = (pattern: RegExp) => (err: unknown) => err instanceof CorruptDataError && pattern.test(err.message);

  test('a wrong password gives WrongPasswordError', async () => {
    await assert.rejects(openKeyFile(good, 'PW'), WrongPasswordError);
  });

  test('a flipped byte in the sealed data reads as a wrong password (the MAC cannot tell them apart)', async () => {
    const damaged = edit((f) => {
      const data = Buffer.from(f.data as string, 'base64');
      data[20] = (data[20] ?? 0) ^ 0x80;
      f.data = data.toString('base64');
    });
    await assert.rejects(openKeyFile(damaged, 'pw'), WrongPasswordError);
  });

  test('malformed files give CorruptDataError naming the problem', async () => {
    await assert.rejects(openKeyFile(Buffer.from('{"kdf":'), 'pw'), corrupt(/not valid JSON/));
    await assert.rejects(openKeyFile(Buffer.from('[]'), 'pw'), corrupt(/not a JSON object/));
    await assert.rejects(openKeyFile(edit((f) => (f.kdf = 'argon2')), 'pw'), corrupt(/unknown kdf "argon2"/));
    await assert.rejects(openKeyFile(edit((f) => (f.N = 1000)), 'pw'), corrupt(/N=1000/));
    await assert.rejects(openKeyFile(edit((f) => (f.p = 0)), 'pw'), corrupt(/p=0/));
    await assert.rejects(openKeyFile(edit((f) => (f.N = 2 ** 24)), 'pw'), corrupt(/MiB of memory/));
    await assert.rejects(openKeyFile(edit((f) => (f.salt = Buffer.alloc(32, 1).toString('base64'))), 'pw'), corrupt(/salt must be 64 bytes/));
    await assert.rejects(openKeyFile(edit((f) => (f.salt = '!!')), 'pw'), corrupt(/salt/));
    await assert.rejects(openKeyFile(edit((f) => (f.data = 'AAAA')), 'pw'), corrupt(/data/));
  });
});
