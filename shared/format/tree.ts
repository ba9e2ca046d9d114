// A tree blob: the JSON listing of one directory, `{"nodes":[…]}` plus a newline, nodes sorted by name. Its
// blob ID is the SHA-256 of these bytes, so encodeTree reproduces restic 0.14's bytes exactly (same directory
// metadata ⇒ same tree ID ⇒ deduplicated against restic's own backups). restic finds names by binary search
// over the raw (unquoted) names compared as UTF-8 bytes, so the order is part of correctness, not only of IDs.
import { CorruptDataError, UsageError } from '../core/index.js';
import { decodeNode, encodeNode, type TreeNode } from './node.js';
import { asArray, asObject, fail, parseJson } from './json-fields.js';

const NODE_WHERE = 'tree.node';

/** Any UTF-16 surrogate: only then does JS string order differ from UTF-8 byte order. */
const HAS_SURROGATE = /[\ud800-\udfff]/;

/**
 * encodeTree returns restic's tree blob bytes for a directory's nodes: compact Go JSON with a trailing
 * newline, nodes sorted by name as UTF-8 bytes (the input array is not modified). Throws UsageError when two
 * nodes share a name, which restic forbids and which would make one of them unreachable.
 */
export function encodeTree(nodes: readonly TreeNode[]): Buffer {
  const sorted = sortByName(nodes);
  for (let i = 1; i < sorted.length; i++) {
    const name = (sorted[i] as TreeNode).name;
    if (name === (sorted[i - 1] as TreeNode).name) throw new UsageError(`tree has two nodes named ${JSON.stringify(name)}`);
  }
  let json = '{"nodes":[';
  for (let i = 0; i < sorted.length; i++) {
    if (i > 0) json += ',';
    json += encodeNode(sorted[i] as TreeNode);
  }
  return Buffer.from(json + ']}\n', 'utf8');
}

/** compareNames orders names as restic does: by their UTF-8 bytes. */
export function compareNames(a: string, b: string): number {
  if (!HAS_SURROGATE.test(a) && !HAS_SURROGATE.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function sortByName(nodes: readonly TreeNode[]): TreeNode[] {
  const copy = nodes.slice();
  // Without surrogates (characters above U+FFFF), UTF-16 code unit order equals code point order equals UTF-8
  // byte order, so the engine's native string comparison is exact and much cheaper than encoding every name.
  if (!copy.some((n) => HAS_SURROGATE.test(n.name))) return copy.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const keyed = copy.map((node) => ({ node, key: Buffer.from(node.name, 'utf8') }));
  keyed.sort((a, b) => Buffer.compare(a.key, b.key));
  return keyed.map((k) => k.node);
}

/**
 * decodeTree parses tree blob bytes (any valid JSON, not only restic's layout) into nodes in stored order,
 * Go-unquoting names and validating every field. Throws CorruptDataError naming the node and the problem.
 * Does not require the nodes to be sorted (restic's check does not either).
 */
export function decodeTree(bytes: Uint8Array): TreeNode[] {
  const doc = asObject(parseJson(bytes, 'tree'), 'tree');
  if (!('nodes' in doc)) fail('tree', 'missing field "nodes"');
  const list = asArray(doc.nodes, 'tree.nodes');
  const nodes = new Array<TreeNode>(list.length);
  for (let i = 0; i < list.length; i++) {
    try {
      nodes[i] = decodeNode(list[i], NODE_WHERE);
    } catch (err) {
      // The node's index goes into the message only on failure, sparing a string per node on the hot path.
      if (err instanceof CorruptDataError) {
        const message = err.message.startsWith(NODE_WHERE) ? err.message.slice(NODE_WHERE.length) : `: ${err.message}`;
        throw new CorruptDataError(`tree.nodes[${i}]${message}`, { cause: err });
      }
      throw err;
    }
  }
  return nodes;
}
