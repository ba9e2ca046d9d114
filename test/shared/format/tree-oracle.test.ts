// PROOF that encodeTree reproduces restic 0.14's tree bytes: restic backs up a directory holding every node
// type and awkward names; every tree blob it wrote is decoded with decodeTree and re-encoded with encodeTree,
// and the bytes (hence the tree IDs) must be identical. The backup runs in a half-hour DST time zone so node
// times also pin formatGoTime/localOffsetMinutes against Go.
process.env.TZ = 'America/St_Johns';

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { linkSync, lstatSync, mkdirSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { hashId } from '../../../shared/core/index.js';
import { decodeTree, encodeTree, formatGoTime, localOffsetMinutes, type TreeNode } from '../../../shared/format/index.js';
import { cleanup, OracleRepo, tempDir } from './restic-oracle.js';

const AWKWARD_NAMES = [
  'quote"name', 'back\\slash', 'back\\bslash-b', 'less<than', 'amp&and', 'gt>', 'with space', ' leading space',
  'ünïcødé', '日本語', 'emoji😀', 'melting🫠face', 'newline\nname', 'tab\tname', 'ctrl\x01x', 'bell\x07',
  'del\x7f', 'nbsp\u00a0', 'zero\u200bwidth', 'line\u2028sep', 'para\u2029sep', 'bom\ufeff', 'private\ue000',
  'replacement\ufffd', '\u{10ffff}max', "apostrophe's", 'percent%s', 'json\\u003c', '-dash', 'Z-upper', 'a-lower',
];

function sh(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args).status === 0;
}

describe('tree blobs written by restic 0.14', () => {
  let dir: string;
  let repo: OracleRepo;
  const trees = new Map<string, Buffer>();
  const nodes: TreeNode[] = [];
  let src: string;
  let madeDevice = false;

  before(() => {
    dir = tempDir('tree');
    src = join(dir, 'src');
    mkdirSync(src);
    writeFileSync(join(src, 'a.txt'), 'hello\n');
    writeFileSync(join(src, 'empty'), '');
    linkSync(join(src, 'a.txt'), join(src, 'hard'));
    mkdirSync(join(src, 'sub', 'deeper'), { recursive: true });
    writeFileSync(join(src, 'sub', 'nested.bin'), randomBytes(1_500_000));
    writeFileSync(join(src, 'sub', 'deeper', 'leaf'), 'leaf');
    symlinkSync('a.txt', join(src, 'link'));
    symlinkSync('we<ird&>target "x"\\', join(src, 'odd-link'));
    for (const [i, name] of AWKWARD_NAMES.entries()) writeFileSync(join(src, name), `file ${i}`);
    mkdirSync(join(src, 'sticky'));
    chmodSync(join(src, 'sticky'), 0o1777);
    mkdirSync(join(src, 'setgid'));
    chmodSync(join(src, 'setgid'), 0o2750);
    writeFileSync(join(src, 'setuid'), '#!/bin/sh\n');
    chmodSync(join(src, 'setuid'), 0o4755);
    writeFileSync(join(src, 'no-perms'), 'x');
    chmodSync(join(src, 'no-perms'), 0);
    assert.ok(sh('mkfifo', [join(src, 'fifo')]));
    madeDevice = sh('mknod', [join(src, 'null-dev'), 'c', '1', '3']);
    // xattrs and a socket: Node has no API for either, python3 does.
    assert.ok(sh('python3', ['-c', [
      'import os, socket, sys',
      'd = sys.argv[1]',
      'os.setxattr(os.path.join(d, "a.txt"), "user.comment", b"<&> \\x00\\xff")',
      'os.setxattr(os.path.join(d, "a.txt"), "user.empty", b"")',
      'socket.socket(socket.AF_UNIX).bind(os.path.join(d, "sock"))',
    ].join('\n'), src]));
    // Times with nanoseconds, one in standard time (-03:30) and one in daylight time (-02:30).
    assert.ok(sh('touch', ['-h', '-d', '2021-01-04T05:06:07.123456789Z', join(src, 'a.txt')]));
    assert.ok(sh('touch', ['-h', '-d', '2021-07-04T05:06:07.100000000Z', join(src, 'empty')]));
    assert.ok(sh('touch', ['-h', '-d', '1969-12-31T23:59:59.5Z', join(src, 'link')]));

    repo = OracleRepo.init(join(dir, 'repo'));
    repo.run(['backup', '-q', src], { env: { TZ: process.env.TZ as string } });
    const snapshotId = repo.ids('snapshots')[0] as string;
    const snapshot = JSON.parse(repo.plaintext('snapshots', snapshotId).toString()) as { tree: string };
    const queue = [snapshot.tree];
    while (queue.length > 0) {
      const id = queue.pop() as string;
      if (trees.has(id)) continue;
      const raw = repo.blob(id);
      trees.set(id, raw);
      for (const node of decodeTree(raw)) {
        nodes.push(node);
        if (node.subtree) queue.push(node.subtree);
      }
    }
  });

  after(() => cleanup(dir));

  test('re-encoding every tree gives restic’s exact bytes and so its tree IDs', () => {
    assert.ok(trees.size >= 7, `expected the path trees plus src, sub, deeper, sticky, setgid; got ${trees.size}`);
    for (const [id, raw] of trees) {
      const encoded = encodeTree(decodeTree(raw));
      assert.equal(encoded.toString('utf8'), raw.toString('utf8'), `tree ${id}`);
      assert.equal(hashId(encoded), id);
    }
  });

  test('the trees hold every node kind and name the test meant to cover', () => {
    const byName = new Map(nodes.map((n) => [n.name, n]));
    for (const name of AWKWARD_NAMES) assert.equal(byName.get(name)?.type, 'file', `name ${JSON.stringify(name)}`);
    assert.equal(byName.get('fifo')?.type, 'fifo');
    assert.equal(byName.get('sock'), undefined, 'restic 0.14 skips sockets');
    assert.equal(byName.get('link')?.linktarget, 'a.txt');
    assert.equal(byName.get('odd-link')?.linktarget, 'we<ird&>target "x"\\');
    assert.deepEqual(byName.get('empty')?.content, []);
    assert.equal(byName.get('empty')?.size, undefined);
    assert.equal(byName.get('hard')?.links, 2);
    assert.equal(byName.get('hard')?.inode, byName.get('a.txt')?.inode);
    assert.equal(byName.get('sub')?.content, null);
    const xattrs = byName.get('a.txt')?.extended_attributes ?? [];
    const comment = xattrs.find((x) => x.name === 'user.comment');
    assert.deepEqual(Buffer.from(comment?.value ?? []), Buffer.from([0x3c, 0x26, 0x3e, 0x20, 0x00, 0xff]));
    assert.deepEqual(Buffer.from(xattrs.find((x) => x.name === 'user.empty')?.value ?? [1]), Buffer.alloc(0));
    if (madeDevice) {
      assert.equal(byName.get('null-dev')?.type, 'chardev');
      assert.equal(byName.get('null-dev')?.device, (1 << 8) | 3);
    }
  });

  test('node times equal formatGoTime of lstat in the local offset at that instant, as Go writes them', () => {
    const byName = new Map(nodes.map((n) => [n.name, n]));
    for (const [name, expectedMtime] of [
      ['a.txt', '2021-01-04T01:36:07.123456789-03:30'],
      ['empty', '2021-07-04T02:36:07.1-02:30'],
      ['link', '1969-12-31T20:29:59.5-03:30'],
    ] as const) {
      const st = lstatSync(join(src, name), { bigint: true });
      const ours = formatGoTime(st.mtimeNs, localOffsetMinutes(Number(st.mtimeNs / 1_000_000n)));
      assert.equal(byName.get(name)?.mtime, expectedMtime);
      assert.equal(ours, expectedMtime);
      const ctime = formatGoTime(st.ctimeNs, localOffsetMinutes(Number(st.ctimeNs / 1_000_000n)));
      assert.equal(byName.get(name)?.ctime, ctime);
    }
  });
});
