// The restorer: recreate a snapshot's tree under a target directory — directories, files with their
// content, symlinks, hard links, fifos — then owners, modes and times. Nothing outside the target is touched.
// The steps: plan (walk the trees), create (directories, symlinks, special files), fill (regular files,
// created as their content arrives, pack by pack), hard links, metadata (children before parents).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Id } from '../../shared/core/index.js';
import type { MasterIndex, Repository } from '../../shared/repository/index.js';
import { planRestore, type RestoreSelector, selectAll, type PlannedNode } from './plan.js';
import { createNode } from './create.js';
import { fillFiles, type FileToFill } from './content.js';
import { applyMetadata } from './metadata.js';

/** Symlinks and special files created between two turns of the event loop. */
const OTHERS_PER_TURN = 64;

export interface RestoreOptions {
  readonly target: string;
  readonly select?: RestoreSelector;
  /** Restore owners (needs root). */
  readonly owners: boolean;
  /** Packs read at once. @default 4 */
  readonly parallel?: number;
  readonly onProgress?: (bytesDone: number, totalBytes: number) => void;
  /** Reports a node (or, for a damaged pack, each file it leaves incomplete) that could not be restored; the restore goes on. */
  readonly onError: (path: string, err: unknown) => void;
}

export interface RestoreResult {
  readonly files: number;
  readonly bytes: number;
  /** Nodes that failed plus packs that could not be read. */
  readonly errors: number;
}

/**
 * restoreSnapshot restores the tree `tree` under `opts.target` (created if missing). Failures of single
 * nodes and damaged packs are reported through `onError` and counted; only failures that would repeat for
 * every node (a missing index entry, a full disk) throw.
 */
export async function restoreSnapshot(repo: Repository, index: MasterIndex, tree: Id, opts: RestoreOptions): Promise<RestoreResult> {
  const plan = await planRestore(repo, index, tree, opts.select ?? selectAll);
  const target = (p: string): string => join(opts.target, p);
  // As restic: a target that has to be made is private until the snapshot's own modes are applied below it.
  mkdirSync(opts.target, { recursive: true, mode: 0o700 });
  let errors = 0;
  const fail = (path: string, err: unknown): void => {
    errors++;
    opts.onError(path, err);
  };

  // Directories now, in tree order (parents first). Regular files are created by fillFiles as their content
  // arrives; symlinks and special files while it reads its first packs (below); hard links after it, once
  // the file they point to exists. `created` keeps parents before children for the metadata pass.
  const toFill: FileToFill[] = [];
  const links: PlannedNode[] = [];
  const others: PlannedNode[] = [];
  const created: PlannedNode[] = [];
  const createOrFail = (item: PlannedNode): void => {
    try {
      createNode(item, target(item.path), target);
      created.push(item);
    } catch (err) {
      fail(item.path, err);
    }
  };
  for (const item of plan.nodes) {
    if (item.node.type === 'file') {
      if (item.linkTo !== undefined) links.push(item);
      else toFill.push({ path: item.path, target: target(item.path), size: item.node.size ?? 0, content: item.node.content ?? [] });
      created.push(item);
    } else if (item.node.type === 'dir') {
      createOrFail(item);
    } else {
      others.push(item);
    }
  }

  let bytes = 0;
  const filling = fillFiles(repo, index, toFill, {
    ...(opts.parallel !== undefined ? { parallel: opts.parallel } : {}),
    onBytes: (n) => {
      bytes += n;
      opts.onProgress?.(bytes, plan.bytes);
    },
    onPackError: (err, files) => {
      errors++;
      opts.onError(files.length === 1 ? files[0]! : `${files[0]} and ${files.length - 1} more files`, err);
    },
    onFileError: fail,
  });
  // Awaited below; handled here too, so that a failure while the loop below runs is not an unhandled rejection.
  filling.catch(() => undefined);
  // Symlinks and special files (thousands in a system's /usr) while the first packs are read and decoded on
  // the worker threads, a batch at a time so that the filling gets its turns: created first, they kept the
  // decoding threads idle for about a second of a 1 GB restore. Appended after every directory in `created`,
  // so the metadata pass still reaches them before their parents.
  for (let i = 0; i < others.length; i++) {
    createOrFail(others[i]!);
    if (i % OTHERS_PER_TURN === OTHERS_PER_TURN - 1) await new Promise((resolve) => setImmediate(resolve));
  }
  const filled = await filling;
  for (const item of links) {
    try {
      createNode(item, target(item.path), target);
    } catch (err) {
      fail(item.path, err);
    }
  }

  // Children before parents, so a directory's times are set after its last child changed it.
  for (let i = created.length - 1; i >= 0; i--) {
    const item = created[i]!;
    if (item.linkTo !== undefined || filled.failedFiles.has(item.path)) continue;
    try {
      applyMetadata(target(item.path), item.node, opts.owners);
    } catch (err) {
      fail(item.path, err);
    }
  }
  return { files: plan.files, bytes, errors };
}
