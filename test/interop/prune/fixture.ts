// A restic-written history for prune tests: several daily snapshots of a tree whose files change, grow,
// disappear and reappear, so that forgetting the old ones leaves unused, partly used and fully used packs.
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResticRepo } from '../../support/restic.js';

export interface History {
  /** Snapshot IDs, oldest first. */
  ids: string[];
  src: string;
}

/**
 * buildHistory backs up `rounds` versions of a tree (about `mib` MiB of file data each, a fifth of it new
 * every round, plus many small files so tree packs change too).
 */
export function buildHistory(restic: ResticRepo, rounds: number, mib: number): History {
  const src = join(restic.dir, 'src');
  mkdirSync(src, { recursive: true });
  const bigFiles = 10;
  for (let round = 0; round < rounds; round++) {
    for (let f = 0; f < bigFiles; f++) {
      // Each round replaces two big files and appends to one, so old chunks fall out of use.
      if (round === 0 || f % 5 === round % 5) writeFileSync(join(src, `big-${f}`), randomBytes(Math.floor((mib * 1024 * 1024) / bigFiles)));
    }
    const dir = join(src, `round-${round}`);
    mkdirSync(dir);
    for (let i = 0; i < 30; i++) writeFileSync(join(dir, `small-${i}.txt`), `round ${round} file ${i} ${randomBytes(8).toString('hex')}\n`);
    if (round >= 2) rmSync(join(src, `round-${round - 2}`), { recursive: true });
    restic.run(['backup', '-q', '--host', 'h', '--time', `2024-01-${String(round + 1).padStart(2, '0')} 10:00:00`, src]);
  }
  const list = JSON.parse(restic.run(['snapshots', '--json'])) as { id: string }[];
  return { ids: list.map((s) => s.id), src };
}

/** copyRepo makes an identical copy of a repository directory (for restic vs cairn, or one kill trial). */
export function copyRepo(from: string, to: string): void {
  cpSync(from, to, { recursive: true, preserveTimestamps: true });
}
