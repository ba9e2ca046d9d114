// treeRefs: prune's light reading of a tree finds the same references as the full decoder — file contents in
// order, dir subtrees, nothing from other node types — and refuses bytes that are not a tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CorruptDataError } from '../../../../shared/core/index.js';
import { decodeTree, encodeTree, type TreeNode } from '../../../../shared/format/index.js';
import { treeRefs } from '../../../../shared/maintenance/prune/tree-refs.js';

const id = (): string => randomBytes(32).toString('hex');
const T = '2024-01-02T03:04:05.000000006Z';
const node = (name: string, type: TreeNode['type'], extra: Partial<TreeNode> = {}): TreeNode => ({
  name, type, mtime: T, atime: T, ctime: T, uid: 1, gid: 1, content: null, ...extra,
});

test('finds what the full decoder finds: file contents in order and dir subtrees', () => {
  const bytes = encodeTree([
    node('a-file', 'file', { content: [id(), id(), id()], size: 3 }),
    node('b-dir', 'dir', { subtree: id() }),
    node('c-empty', 'file', { content: [] }),
    node('d-link', 'symlink', { linktarget: '/x' }),
    node('e-dir', 'dir', { subtree: id() }),
  ]);
  const full = decodeTree(bytes);
  const refs = treeRefs(bytes);
  assert.deepEqual(refs.data, full.flatMap((n) => (n.type === 'file' ? n.content ?? [] : [])));
  assert.deepEqual(refs.subtrees, full.flatMap((n) => (n.type === 'dir' && n.subtree ? [n.subtree] : [])));
  assert.equal(refs.data.length, 3);
  assert.equal(refs.subtrees.length, 2);
});

test('bytes that are not a tree are CorruptDataError', () => {
  for (const text of ['not json', '{"nodez":[]}', 'null', '{"nodes":[null]}', '{"nodes":[{"type":"file","content":"x"}]}', '{"nodes":[{"type":"dir","subtree":5}]}']) {
    assert.throws(() => treeRefs(Buffer.from(text)), CorruptDataError, text);
  }
});
