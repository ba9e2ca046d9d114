// The restorer: recreate a snapshot's tree under a target directory — directories, files with their
// content, symlinks, hard links, fifos — then owners, modes and times. Nothing outside the target is touched.
import { link, mkdir, open, symlink, rm } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import type { Id } from '../../shared/core/index.js';
import type { MasterIndex, Repository } from '../../shared/repository/index.js';
import { planRestore, type RestoreSelector, selectAll, type PlannedNode } from './plan.js';
import { fillFiles, type FileToFill } from './content.js';
import { applyMetadata } from './metadata.js';

export interface RestoreOptions {
  readonly target: string;
  readonly select?: RestoreSelector;
  /** Restore owners (needs root). */
  readonly owners: boolean;
  readonly onProgress?: (filesDone: number, bytesDone: number, totalBytes: number) => void;
  /** Reports a node that could not be restored; the restore goes on. */
  readonly onError: (path: string, err: unknown) => void;
}

export interface RestoreResult {
  readonly files: number;
  readonly bytes: number;
  readonly errors: number;
}

export async function restoreSnapshot(repo: Repository, index: MasterIndex, tree: Id, opts: RestoreOptions): Promise<RestoreResult> {
  const plan = await planRestore(repo, index, tree, opts.select ?? selectAll);
  const target = (p: string): string => join(opts.target, p);
  await mkdir(opts.target, { recursive: true });
  let errors = 0;
  const fail = (path: string, err: unknown): void => {
    errors++;
    opts.onError(path, err);
  };

  const toFill: FileToFill[] = [];
  const created: PlannedNode[] = [];
  for (const item of plan.nodes) {
    const path = target(item.path);
    try {
      await mkdir(dirname(path), { recursive: true });
      await createNode(item, path, target);
      created.push(item);
      if (item.node.type === 'file' && item.linkTo === undefined && (item.node.size ?? 0) > 0) toFill.push({ target: path, content: item.node.content ?? [] });
    } catch (err) {
      fail(item.path, err);
    }
  }

  let bytes = 0;
  await fillFiles(repo, index, toFill, (n) => {
    bytes += n;
    opts.onProgress?.(0, bytes, plan.bytes);
  });

  // Children before parents, so a directory's times are set after its last child changed it.
  for (let i = created.length - 1; i >= 0; i--) {
    const item = created[i]!;
    if (item.linkTo !== undefined) continue;
    try {
      await applyMetadata(target(item.path), item.node, opts.owners);
    } catch (err) {
      fail(item.path, err);
    }
  }
  return { files: plan.files, bytes, errors };
}

async function createNode(item: PlannedNode, path: string, target: (p: string) => string): Promise<void> {
  const node = item.node;
  switch (node.type) {
    case 'dir':
      await mkdir(path, { recursive: true });
      return;
    case 'file': {
      await rm(path, { force: true });
      if (item.linkTo !== undefined) {
        await link(target(item.linkTo), path);
        return;
      }
      const h = await open(path, 'w', 0o600);
      try {
        if ((node.size ?? 0) > 0) await h.truncate(node.size);
      } finally {
        await h.close();
      }
      return;
    }
    case 'symlink':
      await rm(path, { force: true });
      await symlink(node.linktarget ?? '', path);
      return;
    case 'fifo':
      await rm(path, { force: true });
      // Node has no mkfifo(2); coreutils' mkfifo is on every Linux this runs on.
      execFileSync('mkfifo', [path]);
      return;
    case 'dev':
    case 'chardev': {
      await rm(path, { force: true });
      const dev = node.device ?? 0;
      const major = Math.floor(dev / 256) & 0xfff;
      const minor = (dev & 0xff) | (Math.floor(dev / 4096) & 0xfff00);
      execFileSync('mknod', [path, node.type === 'dev' ? 'b' : 'c', String(major), String(minor)]);
      return;
    }
    default:
      throw new Error(`cannot restore a ${node.type}`);
  }
}
