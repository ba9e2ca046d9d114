// The target tree's shape, restic 0.14's rules: absolute targets keep their path, relative ones stay
// relative (leading `..` dropped), `.` and `/` become their entries, same names from other roots get `-1`,
// and a target inside a target makes the outer one an intermediate directory listing everything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTargetTree, cleanPath, type TargetNode } from '../../../client/backup/targets.js';
import { tempDir } from '../../support/tmp.js';

/** A readable outline: name → path (leaf) or { info, children } (intermediate). */
function outline(node: TargetNode): unknown {
  const out: Record<string, unknown> = {};
  for (const [name, child] of [...node.children].sort(([a], [b]) => (a < b ? -1 : 1))) {
    out[name] = child.path !== undefined ? child.path : { info: child.fileInfoPath, children: outline(child) };
  }
  return out;
}

test('cleanPath is Go filepath.Clean', () => {
  assert.equal(cleanPath(''), '.');
  assert.equal(cleanPath('a/b/'), 'a/b');
  assert.equal(cleanPath('./a//b/../c'), 'a/c');
  assert.equal(cleanPath('/..'), '/');
  assert.equal(cleanPath('../../x/'), '../../x');
});

test('absolute targets keep their full path; relative ones their relative path without leading ..', () => {
  assert.deepEqual(outline(buildTargetTree(['/usr/share', '/usr/lib'])), {
    usr: { info: '/usr', children: { lib: '/usr/lib', share: '/usr/share' } },
  });
  const dir = tempDir();
  mkdirSync(join(dir, 'a/b'), { recursive: true });
  const cwd = process.cwd();
  process.chdir(join(dir, 'a'));
  try {
    assert.deepEqual(outline(buildTargetTree(['b', '../a'])), { a: '../a', b: 'b' });
    assert.deepEqual(outline(buildTargetTree(['b', '../b'])), { b: 'b', 'b-1': '../b' });
    assert.deepEqual(outline(buildTargetTree(['.'])), { b: 'b' });
    assert.deepEqual(outline(buildTargetTree(['..'])), { a: '../a' });
  } finally {
    process.chdir(cwd);
  }
});

test('a target inside another turns the outer one into a directory of targets', () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'outer/inner'), { recursive: true });
  writeFileSync(join(dir, 'outer/file'), '');
  const tree = buildTargetTree([join(dir, 'outer/inner'), join(dir, 'outer'), join(dir, 'outer/')]);
  let node = tree;
  for (const name of dir.split('/').filter((c) => c !== '')) node = node.children.get(name)!;
  assert.deepEqual(outline(node), {
    outer: { info: join(dir, 'outer'), children: { file: join(dir, 'outer/file'), inner: join(dir, 'outer/inner') } },
  });
});

test('`/` is replaced by its entries, each remembering it came from listing /', () => {
  const tree = buildTargetTree(['/']);
  assert.ok(tree.children.has('tmp'));
  assert.equal(tree.children.get('tmp')!.path, '/tmp');
  assert.equal(tree.children.get('tmp')!.listedIn, '/');
});
