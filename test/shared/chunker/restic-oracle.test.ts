// Interop: restic 0.14 itself is the oracle. restic backs up files into a repository it created (with its own
// random polynomial); every file's content list (the chunk IDs restic stored) must equal the SHA-256s of the
// chunks cairn's chunker cuts from the same bytes with that polynomial.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_SIZE, chunkBuffer, chunkStream, parsePolynomial } from '../../../shared/chunker/index.js';

const MiB = 1024 * 1024;

interface TreeNode {
  name: string;
  type: string;
  content?: string[] | null;
  subtree?: string;
}

function xorshiftBytes(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  let s = seed | 0 || 1;
  for (let i = 0; i < size; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = s & 0xff;
  }
  return out;
}

/** Log-like text, then a long run of one byte (no fingerprint ever matches: forces MaxSize cuts), then text. */
function lowEntropyBytes(): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < 120_000; i++) lines.push(`2024-05-${String(1 + (i % 28)).padStart(2, '0')} host=nas job=backup seq=${i % 977} status=ok\n`);
  const text = Buffer.from(lines.join(''));
  return Buffer.concat([text, Buffer.alloc(MAX_SIZE + 3 * MiB, 0x61), text.subarray(0, 2 * MiB)]);
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('chunker against restic 0.14', () => {
  let work: string;
  let repo: string;
  let env: NodeJS.ProcessEnv;
  const files = new Map<string, Buffer>();
  const restic = (...args: string[]) => execFileSync('restic', ['-r', repo, '--no-cache', ...args], { env, maxBuffer: 256 * MiB });

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'cairn-chunker-oracle-'));
    repo = join(work, 'repo');
    env = { ...process.env, RESTIC_PASSWORD: 'chunker-oracle' };
    const src = join(work, 'src');
    mkdirSync(join(src, 'sub', 'deeper'), { recursive: true });
    files.set('a.bin', xorshiftBytes(5 * MiB + 123, 11));
    files.set('b.bin', xorshiftBytes(11 * MiB + 7, 22));
    files.set('c.bin', xorshiftBytes(19 * MiB + 5, 33));
    files.set('text.log', lowEntropyBytes());
    files.set('small.txt', Buffer.from('a file below MinSize is a single chunk\n'));
    files.set('zeros.bin', Buffer.alloc(3 * MiB + 1000));
    const where: Record<string, string> = { 'a.bin': '', 'b.bin': 'sub', 'c.bin': join('sub', 'deeper'), 'text.log': 'sub' };
    for (const [name, data] of files) writeFileSync(join(src, where[name] ?? '', name), data);
    restic('init', '-q');
    restic('backup', '-q', src);
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  test('cuts every file exactly where restic did, with the polynomial restic chose', async () => {
    const config = JSON.parse(restic('cat', 'config').toString()) as { chunker_polynomial: string };
    const pol = parsePolynomial(config.chunker_polynomial);

    const snapshots = JSON.parse(restic('snapshots', '--json').toString()) as Array<{ id: string }>;
    assert.equal(snapshots.length, 1);
    const snapshot = JSON.parse(restic('cat', 'snapshot', snapshots[0]!.id).toString()) as { tree: string };
    const contents = new Map<string, string[]>();
    const walk = (treeId: string) => {
      const tree = JSON.parse(restic('cat', 'blob', treeId).toString()) as { nodes: TreeNode[] };
      for (const node of tree.nodes) {
        if (node.type === 'dir' && node.subtree) walk(node.subtree);
        else if (node.type === 'file') contents.set(node.name, node.content ?? []);
      }
    };
    walk(snapshot.tree);
    assert.deepEqual([...contents.keys()].sort(), [...files.keys()].sort());

    let maxSizeChunks = 0;
    for (const [name, data] of files) {
      const chunks = chunkBuffer(data, pol);
      assert.deepEqual(chunks.map(sha256), contents.get(name), name);
      maxSizeChunks += chunks.filter((c) => c.length === MAX_SIZE).length;

      // The streaming API, fed in 1 MiB pieces as the backup pipeline reads, agrees too.
      const pieces = Array.from({ length: Math.ceil(data.length / MiB) }, (_, i) => data.subarray(i * MiB, (i + 1) * MiB));
      const streamed: string[] = [];
      for await (const chunk of chunkStream(pieces, pol)) streamed.push(sha256(chunk));
      assert.deepEqual(streamed, contents.get(name), `${name} (streamed)`);
    }
    assert.ok(maxSizeChunks >= 1, 'a MaxSize cut was compared');
    assert.ok((contents.get('c.bin') ?? []).length >= 8, 'the large random file has many chunks');
  });
});
