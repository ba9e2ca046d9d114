// Smoke test of the backup write path (chunking, the encoder pool's worker threads, packing, uploads,
// index): the cairn CLI from source backs up a few MiB of mixed files into a restic-initialized repository,
// and restic 0.14 itself must find every pack, blob and MAC intact and restore the same bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createResticRepo, RESTIC_PASSWORD } from '../../support/restic.js';
import { cairnOk } from '../../support/cli.js';

test('a cairn backup of small and large, compressible and random files passes restic check --read-data', async () => {
  const repo = createResticRepo();
  try {
    const src = join(repo.dir, 'src');
    mkdirSync(join(src, 'many'), { recursive: true });
    // Many small files (batched through the encoder pool), a few multi-chunk ones, and duplicates.
    for (let i = 0; i < 300; i++) writeFileSync(join(src, 'many', `f${i}.txt`), `file ${i}\n`.repeat(1 + (i % 50)));
    writeFileSync(join(src, 'random.bin'), randomBytes(5 * 1024 * 1024));
    const text = Buffer.from('line of a log file, fairly compressible 0123456789\n'.repeat(80_000));
    writeFileSync(join(src, 'log.txt'), text);
    writeFileSync(join(src, 'log-copy.txt'), text);
    writeFileSync(join(src, 'empty'), '');

    const env = { RESTIC_PASSWORD };
    await cairnOk(['-r', repo.repo, 'backup', '-q', src], { env });
    repo.run(['check', '--read-data']);

    const target = join(repo.dir, 'restored');
    repo.run(['restore', 'latest', '--target', target]);
    for (const name of ['random.bin', 'log.txt', 'log-copy.txt', 'empty', 'many/f7.txt', 'many/f299.txt']) {
      assert.deepEqual(readFileSync(join(target, src, name)), readFileSync(join(src, name)), name);
    }
    // An unchanged second run stores no new data blobs and leaves a repository restic still checks.
    await cairnOk(['-r', repo.repo, 'backup', '-q', src], { env });
    repo.run(['check']);
  } finally {
    repo.cleanup();
  }
});
