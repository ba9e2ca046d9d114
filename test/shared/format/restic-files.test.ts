// restic 0.14 writes a repository (v2 with compression, and v1); every unpacked file's plaintext (config,
// snapshots, index files, a live lock) must decode with our decoders and re-encode to restic's exact bytes,
// and every pack header must decode to what restic's index says about that pack.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CorruptDataError } from '../../../shared/core/index.js';
import {
  decodeConfig, decodeIndexFile, decodeLockFile, decodePackHeader, decodeSnapshot, encodeConfig, encodeIndexFile,
  encodeLockFile, encodePackHeader, encodeSnapshot, expectedPackSize, HEADER_LENGTH_SIZE,
} from '../../../shared/format/index.js';
import { cleanup, OracleRepo, PASSWORD, tempDir } from './restic-oracle.js';

function makeSource(dir: string): string {
  const src = join(dir, 'src');
  mkdirSync(join(src, 'sub'), { recursive: true });
  writeFileSync(join(src, 'small.txt'), 'small\n');
  writeFileSync(join(src, 'big.bin'), randomBytes(3_000_000));
  writeFileSync(join(src, 'skip.tmp'), 'excluded');
  writeFileSync(join(src, 'sub', 'zeros'), Buffer.alloc(700_000));
  return src;
}

function checkRepository(repo: OracleRepo, version: 1 | 2): void {
  const config = repo.plaintext('config');
  const decoded = decodeConfig(config);
  assert.equal(decoded.version, version);
  assert.equal(encodeConfig(decoded).toString(), config.toString());

  const snapshots = repo.ids('snapshots');
  assert.ok(snapshots.length >= 2);
  for (const id of snapshots) {
    const raw = repo.plaintext('snapshots', id);
    assert.equal(encodeSnapshot(decodeSnapshot(raw)).toString(), raw.toString(), `snapshot ${id}`);
  }

  const indexBlobs = new Map<string, { type: string; offset: number; length: number; uncompressed_length?: number }[]>();
  for (const id of repo.ids('index')) {
    const raw = repo.plaintext('index', id);
    const index = decodeIndexFile(raw, version);
    assert.equal(encodeIndexFile(index).toString(), raw.toString(), `index ${id}`);
    for (const pack of index.packs) indexBlobs.set(pack.id, pack.blobs);
  }

  const packs = repo.ids('data');
  assert.equal(packs.length, indexBlobs.size);
  for (const packId of packs) {
    const file = readFileSync(repo.filePath('data', packId));
    const headerLength = file.readUInt32LE(file.length - HEADER_LENGTH_SIZE);
    const header = repo.open(file.subarray(file.length - HEADER_LENGTH_SIZE - headerLength, file.length - HEADER_LENGTH_SIZE));
    const blobs = decodePackHeader(header);
    assert.equal(expectedPackSize(blobs), file.length, `pack ${packId} size`);
    assert.deepEqual(encodePackHeader(blobs), header);
    const fromIndex = (indexBlobs.get(packId) ?? []).map((b) => ({
      type: b.type, id: (b as { id?: string }).id, offset: b.offset, length: b.length,
      ...(b.uncompressed_length ? { uncompressedLength: b.uncompressed_length } : {}),
    }));
    fromIndex.sort((a, b) => a.offset - b.offset);
    assert.deepEqual(blobs, fromIndex, `pack ${packId} header vs index`);
  }
}

describe('files written by restic 0.14', () => {
  let dir: string;
  let v2: OracleRepo;
  let v1: OracleRepo;

  before(() => {
    dir = tempDir('files');
    const src = makeSource(dir);
    v2 = OracleRepo.init(join(dir, 'v2'), 2);
    v2.run(['backup', '-q', '--host', 'h<o>&st', '--tag', 'daily,a&b', '--exclude', '*.tmp', src]);
    writeFileSync(join(src, 'small.txt'), 'changed\n');
    v2.run(['backup', '-q', '--host', 'h<o>&st', src], { env: { TZ: 'Asia/Kolkata' } });
    // `tag` rewrites a snapshot, which sets `original`.
    v2.run(['tag', '--add', 'kept', '--host', 'h<o>&st']);
    v1 = OracleRepo.init(join(dir, 'v1'), 1);
    v1.run(['backup', '-q', src]);
    v1.run(['backup', '-q', '--pack-size', '4', src]);
  });

  after(() => cleanup(dir));

  test('v2: config, snapshots and index files re-encode byte for byte; pack headers match the index', () => {
    checkRepository(v2, 2);
    const snaps = v2.ids('snapshots').map((id) => decodeSnapshot(v2.plaintext('snapshots', id)));
    assert.ok(snaps.some((s) => s.original !== undefined && s.tags?.includes('kept')), 'a tagged snapshot with original');
    assert.ok(snaps.some((s) => s.parent !== undefined), 'a snapshot with a parent');
    assert.ok(snaps.some((s) => s.excludes?.[0] === '*.tmp'));
    assert.ok(snaps.some((s) => s.time.endsWith('+05:30')));
  });

  test('v1: uncompressed files decode and re-encode too', () => {
    checkRepository(v1, 1);
  });

  test('a v2 index with compressed blobs is refused for a v1 repository with restic’s message', () => {
    const raw = v2.plaintext('index', v2.ids('index')[0] as string);
    assert.throws(() => decodeIndexFile(raw, 1), (err: unknown) =>
      err instanceof CorruptDataError && err.message === 'index uses feature not supported by repository version 1');
  });

  test('a lock held by a running restic re-encodes byte for byte', async () => {
    // `backup --stdin` takes its lock and then waits for input; its lock file is read while it waits.
    const child = spawn('restic', ['-r', v2.path, '--no-cache', 'backup', '--stdin', '-q'], {
      env: { ...process.env, RESTIC_PASSWORD: PASSWORD },
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    try {
      const locks = join(v2.path, 'locks');
      for (let i = 0; i < 200 && (!existsSync(locks) || readdirSync(locks).length === 0); i++) await sleep(50);
      const id = readdirSync(locks)[0];
      assert.ok(id, 'restic wrote a lock');
      const raw = v2.plaintext('locks', id);
      const lock = decodeLockFile(raw);
      assert.equal(lock.exclusive, false);
      assert.equal(lock.pid, child.pid);
      assert.equal(encodeLockFile(lock).toString(), raw.toString());
    } finally {
      child.kill('SIGKILL');
    }
  });
});
