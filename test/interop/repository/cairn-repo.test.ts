// restic 0.14 reads what cairn wrote: a repository made by `cairn init` + `cairn backup` passes
// `restic check --read-data` and `restic restore` reproduces the source. Keys are interchangeable: one
// added by cairn opens in restic, one added by restic opens in cairn, and cairn removes restic's.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cheapenKeys, runRestic } from '../../support/restic.js';
import { cairnOk, runCairn } from '../../support/cli.js';
import { compareTrees } from '../../support/tree-compare.js';
import { tempDir } from '../../support/tmp.js';
import { makeSourceTree } from './source-tree.js';

const PASSWORD = 'first password';
const work = tempDir('cairn-interop-write-');
const source = join(work, 'home/alice');
const repo = join(work, 'repo');
const env = { CAIRN_PASSWORD: PASSWORD };

describe('a repository written by cairn', () => {
  before(async () => {
    makeSourceTree(source);
    await cairnOk(['-r', repo, 'init'], { env });
    cheapenKeys(repo, PASSWORD);
    await cairnOk(['-r', repo, 'backup', '--host', 'nas', source], { env });
  });

  test('passes restic check --read-data, and restic restore reproduces the source', () => {
    const check = runRestic(repo, ['check', '--read-data'], PASSWORD);
    assert.match(check, /no errors were found/);
    const target = join(work, 'restic-restore');
    runRestic(repo, ['restore', 'latest', '--target', target], PASSWORD);
    assert.deepEqual(compareTrees(source, join(target, source)), []);
  });

  test('a key added by cairn opens in restic, and a key added by restic opens in cairn', async () => {
    const cairnPassword = join(work, 'cairn-password');
    writeFileSync(cairnPassword, 'added by cairn\n', { mode: 0o600 });
    const added = await cairnOk(['-r', repo, '--json', 'key', 'add', '--new-password-file', cairnPassword, '--host', 'laptop'], { env });
    const cairnKey = (JSON.parse(added) as { id: string }).id;
    const listed = runRestic(repo, ['key', 'list', '--json'], 'added by cairn');
    const keys = JSON.parse(listed) as { current: boolean; hostName: string }[];
    assert.equal(keys.length, 2);
    assert.equal(keys.find((k) => k.current)?.hostName, 'laptop', `restic opened with another key: ${listed} (cairn wrote ${cairnKey})`);

    const resticPassword = join(work, 'restic-password');
    writeFileSync(resticPassword, 'added by restic\n', { mode: 0o600 });
    runRestic(repo, ['key', 'add', '--new-password-file', resticPassword, '--host', 'oracle'], PASSWORD);
    const withResticKey = await runCairn(['-r', repo, '--json', 'key', 'list'], { env: { CAIRN_PASSWORD: 'added by restic' } });
    assert.equal(withResticKey.code, 0, withResticKey.stderr);
    type Key = { current: boolean; id: string; hostName: string };
    const byId = (a: Key, b: Key): number => a.id.localeCompare(b.id);
    const cairnView = (JSON.parse(withResticKey.stdout) as Key[]).sort(byId);
    const resticView = (JSON.parse(runRestic(repo, ['key', 'list', '--json'], 'added by restic')) as Key[]).sort(byId);
    assert.deepEqual(cairnView, resticView, 'cairn key list --json prints what restic prints');
    const resticKey = cairnView.find((k) => k.current);
    assert.equal(resticKey?.hostName, 'oracle');

    // cairn removes restic's key (not the one it is using), and restic no longer sees it.
    await cairnOk(['-r', repo, 'key', 'remove', resticKey!.id], { env });
    const after = JSON.parse(runRestic(repo, ['key', 'list', '--json'], PASSWORD)) as { id: string }[];
    assert.deepEqual(after.map((k) => k.id).sort(), cairnView.filter((k) => !k.current).map((k) => k.id).sort());
  });

  test('key remove refuses the key in use, and an unknown key ID, with one line and exit 1', async () => {
    const list = JSON.parse(await cairnOk(['-r', repo, '--json', 'key', 'list'], { env })) as { current: boolean; id: string }[];
    assert.equal(list.length, 2);
    const current = list.find((k) => k.current)!;
    const self = await runCairn(['-r', repo, 'key', 'remove', current.id], { env });
    assert.equal(self.code, 1);
    assert.match(self.stderr, /^cairn: refusing to remove the key currently in use[^\n]*\n$/);
    const unknown = await runCairn(['-r', repo, 'key', 'remove', 'ffffffff'], { env });
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^cairn: no key with ID ffffffff[^\n]*\n$/);
  });
});
