// The backup targets as a tree of names, shaped exactly as restic 0.14 shapes a snapshot:
// - an absolute target keeps its full path: `/home/alice` becomes root → home → alice, and `home` is an
//   intermediate directory (its own metadata, but only the targets below it as entries);
// - a relative target keeps its relative path: `alice/docs` (run in /home) becomes root → alice → docs, and
//   leading `..` components vanish from the tree (`../x` is stored as `x`);
// - a target with no name of its own (`/`, `.`, `..`) is replaced by its entries, so `backup /` stores the
//   root directory's entries at the snapshot's root;
// - two top-level names from different roots (`x` and `../x`) are told apart as `x` and `x-1`;
// - a target inside another (`/a` and `/a/b`) turns the outer one into an intermediate directory whose
//   entries are all targets, which stores the same tree as `/a` alone.
// Matching restic's shape matters beyond looks: a later restic backup finds its parent's files by walking
// the same names, and identical trees deduplicate to the same tree blobs.
import { lstatSync, readdirSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import { UsageError } from '../../shared/core/index.js';

/** One name in the target tree. */
export interface TargetNode {
  /** Set on a leaf: the path (as given, cleaned) whose file or directory is stored here. */
  path?: string;
  /** Set on a leaf that stands for an entry of a nameless target (`/`, `.`): that target. */
  listedIn?: string;
  /** Set on an intermediate directory: the path whose metadata it records. */
  fileInfoPath?: string;
  /** The directory that holds the first component (`/`, `.` or `..`); only used at the top level. */
  root?: string;
  readonly children: Map<string, TargetNode>;
}

/** cleanPath is Go's filepath.Clean on `/` paths: no `.`, no `x/..`, no trailing slash, "" → ".". */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

/** The names a target is stored under: relative targets as if below `/`, so `..` components vanish. */
function components(p: string): string[] {
  return cleanPath(posix.isAbsolute(p) ? p : `/${p}`)
    .split('/')
    .filter((c) => c !== '');
}

/** rootDirectory is the directory holding a target's first stored component: `/`, `.` or `../..`. */
function rootDirectory(target: string): string {
  if (posix.isAbsolute(target)) return '/';
  const ups = cleanPath(target)
    .split('/')
    .filter((c) => c === '..');
  return ups.length === 0 ? '.' : ups.join('/');
}

/**
 * expandTargets replaces each target without a name of its own (`/`, `.`, `..`) by its entries (sorted),
 * and cleans the others. Throws when such a directory cannot be listed.
 */
export function expandTargets(targets: readonly string[]): { path: string; listedIn?: string }[] {
  const out: { path: string; listedIn?: string }[] = [];
  for (const raw of targets) {
    const target = cleanPath(raw);
    if (components(target).length > 0) {
      out.push({ path: target });
      continue;
    }
    for (const name of listDir(target).sort()) out.push({ path: posix.join(target, name), listedIn: target });
  }
  return out;
}

/** buildTargetTree arranges the (expanded) targets by name; duplicates count once. */
export function buildTargetTree(targets: readonly string[]): TargetNode {
  const top: TargetNode = { children: new Map() };
  const seen = new Set<string>();
  for (const { path, listedIn } of expandTargets(targets)) {
    if (seen.has(path)) continue;
    seen.add(path);
    addTop(top, path, listedIn);
  }
  unroll(top);
  return top;
}

function addTop(top: TargetNode, target: string, listedIn: string | undefined): void {
  const pc = components(target);
  const root = rootDirectory(target);
  const first = pc[0]!;
  let name = first;
  let node: TargetNode = { root, children: new Map() };
  for (let i = 1; ; i++) {
    const other = top.children.get(name);
    if (other === undefined) break;
    if (other.root === root) {
      node = other;
      break;
    }
    name = `${first}-${i}`;
  }
  if (pc.length > 1) {
    const subroot = posix.join(root, first);
    addBelow(node, target, subroot, pc.slice(1));
    node.fileInfoPath = subroot;
  } else {
    node.path = target;
    if (listedIn !== undefined) node.listedIn = listedIn;
  }
  top.children.set(name, node);
}

function addBelow(dir: TargetNode, target: string, root: string, pc: string[]): void {
  const name = pc[0]!;
  const existing = dir.children.get(name);
  if (pc.length === 1) {
    if (existing === undefined) dir.children.set(name, { path: target, children: new Map() });
    else if (existing.path !== undefined) throw new UsageError(`backup target ${target} is given twice under different names`);
    else existing.path = target;
    return;
  }
  const node: TargetNode = existing ?? { children: new Map() };
  const subroot = posix.join(root, name);
  node.fileInfoPath = subroot;
  addBelow(node, target, subroot, pc.slice(1));
  dir.children.set(name, node);
}

/** A leaf that also has targets below it becomes an intermediate directory whose every entry is a leaf. */
function unroll(node: TargetNode): void {
  if (node.path !== undefined && node.children.size > 0) {
    for (const entry of listDir(node.path)) {
      const full = posix.join(node.path, entry);
      const child = node.children.get(entry);
      if (child === undefined) node.children.set(entry, { path: full, children: new Map() });
      else if (child.path === undefined) child.path = full;
      else if (child.path !== full) throw new UsageError(`backup targets collide at ${full}`);
    }
    node.fileInfoPath ??= node.path;
    delete node.path;
  }
  for (const child of node.children.values()) unroll(child);
}

function listDir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch (err) {
    throw new UsageError(`cannot list backup target ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/**
 * existingTargets drops targets that do not exist, warning about each (restic does the same and still
 * exits 0); throws when none is left.
 */
export function existingTargets(targets: readonly string[], warn: (message: string) => void): string[] {
  const found = targets.filter((t) => {
    try {
      lstatSync(t);
      return true;
    } catch (err) {
      // Only "no such file" drops a target; anything else (`link/` to a file: ENOTDIR) is met, and
      // reported, when the target is stored — restic's rule.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return true;
      warn(`${t} does not exist, skipping`);
      return false;
    }
  });
  if (found.length === 0) throw new UsageError('none of the backup targets exist');
  return found;
}

/** snapshotPaths are the targets as a snapshot records them: absolute and clean, in the order given. */
export function snapshotPaths(targets: readonly string[]): string[] {
  return targets.map((t) => resolve(t));
}
