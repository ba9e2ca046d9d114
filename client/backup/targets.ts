// The backup targets as a tree of path components: restic stores `/home/alice` as root → home → alice, with
// the real metadata of `/home` on the way. A target inside another target is covered by it and dropped.
import { resolve } from 'node:path';

export interface TargetDir {
  /** True when this path itself was named on the command line (everything below it is backed up). */
  target: boolean;
  readonly children: Map<string, TargetDir>;
}

/** normalizeTargets makes paths absolute and clean, sorted, without ones covered by another. */
export function normalizeTargets(paths: readonly string[]): string[] {
  const abs = [...new Set(paths.map((p) => resolve(p)))].sort();
  return abs.filter((p) => !abs.some((other) => other !== p && (other === '/' || p.startsWith(other + '/'))));
}

export function buildTargetTree(paths: readonly string[]): TargetDir {
  const root: TargetDir = { target: false, children: new Map() };
  for (const path of normalizeTargets(paths)) {
    let dir = root;
    const parts = path.split('/').filter((p) => p.length > 0);
    if (parts.length === 0) {
      // Backing up "/" itself: the root's entries are the targets.
      root.target = true;
      continue;
    }
    for (const part of parts) {
      let next = dir.children.get(part);
      if (next === undefined) dir.children.set(part, (next = { target: false, children: new Map() }));
      dir = next;
    }
    dir.target = true;
  }
  return root;
}
