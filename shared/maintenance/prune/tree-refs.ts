// What prune reads of a tree blob: the data blobs of its file nodes and the subtrees of its dir nodes. The
// full decoder (decodeTree) also validates and converts every name, mode and timestamp, which prune never
// looks at; on a walk over thousands of trees that was a fifth of the walk's CPU time and most of its
// garbage. The references themselves are checked as strictly: a malformed ID stops prune (BlobSet refuses it).
import { CorruptDataError, type Id } from '../../core/index.js';

/** The references of one tree, as parsed (the caller validates the IDs as it stores them). */
export interface TreeRefs {
  readonly data: Id[];
  readonly subtrees: Id[];
}

/**
 * treeRefs parses tree blob bytes (restic's `{"nodes":[…]}`) and returns the `content` IDs of file nodes and
 * the `subtree` IDs of dir nodes, in node order. A dir without a subtree is skipped, as the full walk did.
 * Throws CorruptDataError when the bytes are not a tree or a reference is not a string.
 */
export function treeRefs(plain: Uint8Array): TreeRefs {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(plain.buffer, plain.byteOffset, plain.byteLength).toString('utf8'));
  } catch (err) {
    throw new CorruptDataError(`tree: invalid JSON: ${(err as Error).message}`, { cause: err });
  }
  const nodes = (doc as { nodes?: unknown } | null)?.nodes;
  if (!Array.isArray(nodes)) throw new CorruptDataError('tree: missing or malformed field "nodes"');
  const refs: TreeRefs = { data: [], subtrees: [] };
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i] as { type?: unknown; content?: unknown; subtree?: unknown } | null;
    if (typeof node !== 'object' || node === null) throw new CorruptDataError(`tree.nodes[${i}]: not an object`);
    if (node.type === 'file') {
      const content = node.content;
      if (content === undefined || content === null) continue;
      if (!Array.isArray(content)) throw new CorruptDataError(`tree.nodes[${i}].content: not a list`);
      for (const id of content) {
        if (typeof id !== 'string') throw new CorruptDataError(`tree.nodes[${i}].content: an ID that is not a string`);
        refs.data.push(id);
      }
    } else if (node.type === 'dir' && node.subtree !== undefined && node.subtree !== null && node.subtree !== '') {
      if (typeof node.subtree !== 'string') throw new CorruptDataError(`tree.nodes[${i}].subtree: not a string`);
      refs.subtrees.push(node.subtree);
    }
  }
  return refs;
}
