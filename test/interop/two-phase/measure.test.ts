// What a concurrent two-phase prune loop costs a backup: the same `cairn backup --force` of ~1,500 files
// timed three times alone and three times while `cairn forget --keep-last 2 --prune --keep-delete 1s` runs
// back to back. The numbers are printed, not asserted (machines differ); the repository must check green.
import { describe, test } from 'node:test';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createResticRepo } from '../../support/restic.js';
import { backupOnce, pruneLoop, writeShared } from './support.js';

describe('backups while prune runs', () => {
  test('measure: the same backup with and without a concurrent prune loop', async () => {
    const r = createResticRepo();
    try {
      const src = join(r.dir, 'src');
      const shared = writeShared(src);
      const many = join(src, 'many');
      mkdirSync(many);
      for (let i = 0; i < 1500; i++) writeFileSync(join(many, `f${i}`), randomBytes(8_000));
      // Garbage for the prunes to mark and delete: a snapshot of other data, forgotten by keep-last.
      const junk = join(src, 'junk');
      mkdirSync(junk);
      writeFileSync(join(junk, 'j.bin'), randomBytes(4_000_000));
      await backupOnce(r.repo, [junk]);
      const timed = async (): Promise<number> => {
        const t0 = performance.now();
        await backupOnce(r.repo, [shared, many], ['--force']);
        return performance.now() - t0;
      };
      const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      const alone: number[] = [];
      for (let i = 0; i < 3; i++) alone.push(await timed());
      let stop = false;
      const loop = pruneLoop(r.repo, () => stop);
      const withPrune: number[] = [];
      try {
        for (let i = 0; i < 3; i++) withPrune.push(await timed());
      } finally {
        stop = true;
      }
      const prunes = await loop;
      console.log(
        `backup of ${readdirSync(many).length + 6} files (--force): alone ${alone.map((x) => x.toFixed(0)).join('/')} ms (median ${median(alone).toFixed(0)}), ` +
          `with a prune loop ${withPrune.map((x) => x.toFixed(0)).join('/')} ms (median ${median(withPrune).toFixed(0)}), ${prunes.runs} prune runs meanwhile`,
      );
      r.run(['check', '--read-data']);
    } finally {
      r.cleanup();
    }
  });
});
