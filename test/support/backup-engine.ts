// Test support for the backup side of two-phase prune, in one process: a fresh repository, runBackup
// options, a prune's first phase played by hand (every indexed pack marked), and a two-directory source.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeIndexFile, formatGoTime, type IndexFile } from '../../shared/format/index.js';
import { loadIndex, Repository, type StaleWatch } from '../../shared/repository/index.js';
import { LocalBackend } from '../../shared/storage/index.js';
import type { BackupOptions } from '../../client/backup/run-backup.js';
import { cheapenKeys, RESTIC_PASSWORD } from './restic.js';

export const IDENTITY = { hostname: 'revalidate-test', username: 'tester' } as const;

export async function initRepo(dir: string): Promise<Repository> {
  await Repository.init(new LocalBackend(dir), RESTIC_PASSWORD, { ...IDENTITY, created: new Date().toISOString(), version: 2 });
  cheapenKeys(dir, RESTIC_PASSWORD);
  return Repository.open(new LocalBackend(dir), RESTIC_PASSWORD);
}

export function options(paths: string[], lock?: StaleWatch): BackupOptions {
  return {
    paths, hostname: IDENTITY.hostname, username: IDENTITY.username, uid: 0, gid: 0,
    time: formatGoTime(BigInt(Date.now()) * 1_000_000n, 0), tags: [], excludes: [], parent: null, dryRun: false,
    onError: (path, err) => assert.fail(`${path}: ${String(err)}`), onChanged: () => undefined, onWarning: () => undefined,
    lock, deleteWindowMs: 0,
  };
}

/** markAllIndexed plays a prune's first phase: every indexed pack marked, the old index files superseded. */
export async function markAllIndexed(repo: Repository): Promise<string[]> {
  const packs: IndexFile['packs'] = [];
  const loaded = await loadIndex(repo, (_id, f) => packs.push(...f.packs));
  const time = formatGoTime(BigInt(Date.now()) * 1_000_000n, 0);
  const file: IndexFile = { supersedes: loaded.files, packs: [], packs_to_delete: packs.map((p) => ({ ...p, time })) };
  await repo.saveJson('index', encodeIndexFile(file));
  for (const id of loaded.files) await repo.backend.remove('index', id);
  return packs.map((p) => p.id);
}

export async function indexedPacks(repo: Repository): Promise<IndexFile['packs']> {
  const packs: IndexFile['packs'] = [];
  await loadIndex(repo, (_id, f) => packs.push(...f.packs));
  return packs;
}

export function sources(root: string): { shared: string; own: string } {
  const shared = join(root, 'shared');
  const own = join(root, 'own');
  mkdirSync(join(shared, 'sub'), { recursive: true });
  mkdirSync(own);
  writeFileSync(join(shared, 'big.bin'), randomBytes(1500 * 1024));
  writeFileSync(join(shared, 'sub', 'note.txt'), 'shared note\n'.repeat(50));
  writeFileSync(join(own, 'new.bin'), randomBytes(900 * 1024));
  return { shared, own };
}
