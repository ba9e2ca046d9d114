// `restore --verify`: read every restored file back and check each chunk against the blob ID the
// snapshot names, so a bad disk or a bug shows up now rather than on the day the copy is needed.
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { hashId, type Id } from '../../shared/core/index.js';
import type { MasterIndex, Repository } from '../../shared/repository/index.js';
import { planRestore, type RestoreSelector } from './plan.js';

export async function verifyRestore(
  repo: Repository,
  index: MasterIndex,
  tree: Id,
  targetDir: string,
  select: RestoreSelector,
  onError: (path: string, message: string) => void,
): Promise<number> {
  const plan = await planRestore(repo, index, tree, select);
  let errors = 0;
  for (const { path, node } of plan.nodes) {
    if (node.type !== 'file') continue;
    const h = await open(join(targetDir, path), 'r');
    try {
      const { size } = await h.stat();
      if (size !== (node.size ?? 0)) {
        errors++;
        onError(path, `size ${size}, expected ${node.size ?? 0}`);
        continue;
      }
      let offset = 0;
      for (const id of node.content ?? []) {
        const loc = index.lookup('data', id);
        const length = loc === undefined ? 0 : loc.uncompressedLength > 0 ? loc.uncompressedLength : loc.length - 32;
        const buf = Buffer.alloc(length);
        await h.read(buf, 0, length, offset);
        if (hashId(buf) !== id) {
          errors++;
          onError(path, `content at offset ${offset} differs from the snapshot`);
          break;
        }
        offset += length;
      }
    } finally {
      await h.close();
    }
  }
  return errors;
}
