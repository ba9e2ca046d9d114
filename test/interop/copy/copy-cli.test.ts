// `cairn copy` end to end through the CLI, with restic 0.14 as the oracle: restic → cairn and cairn → restic
// repositories, restic check --read-data on every target, restores compared, reruns that write nothing,
// and a wrong source password that fails in one line before the target is touched.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cairnOk, runCairn } from '../../support/cli.js';
import { cheapenKeys, createResticRepo, runRestic, RESTIC_PASSWORD, type ResticRepo } from '../../support/restic.js';
import { compareTrees } from '../../support/tree-compare.js';
import { tempDir } from '../../support/tmp.js';
import { listRepoFiles, openRepo, writeTree } from '../../shared/maintenance/copy/fixtures.js';
import { RepositoryLock } from '../../../shared/repository/index.js';

const CAIRN_PASSWORD = 'cairn-side';

interface SnapshotJson {
  id: string;
  original?: string;
}
const snapshotsOf = (repo: string, password: string): SnapshotJson[] => JSON.parse(runRestic(repo, ['snapshots', '--json'], password)) as SnapshotJson[];

function sameRestore(a: { repo: string; id: string; password: string }, b: { repo: string; id: string; password: string }): string[] {
  const base = tempDir();
  runRestic(a.repo, ['restore', a.id, '--target', join(base, 'a')], a.password);
  runRestic(b.repo, ['restore', b.id, '--target', join(base, 'b')], b.password);
  return compareTrees(join(base, 'a'), join(base, 'b'));
}

describe('cairn copy (CLI)', () => {
  let restic: ResticRepo;
  let src: string;

  before(() => {
    restic = createResticRepo();
    src = join(restic.dir, 'src');
    mkdirSync(src);
    writeTree(src, 0);
    restic.run(['backup', '-q', src]);
    writeFileSync(join(src, 'docs', 'new.txt'), 'second backup\n');
    restic.run(['backup', '-q', '--tag', 'x', src]);
  });
  after(() => restic.cleanup());

  it('copies a restic repository into a cairn one; a rerun writes nothing', async () => {
    const target = join(tempDir(), 'cairn');
    await cairnOk(['-r', target, 'init'], { env: { CAIRN_PASSWORD } });
    cheapenKeys(target, CAIRN_PASSWORD);
    const env = { CAIRN_PASSWORD, RESTIC_FROM_PASSWORD: RESTIC_PASSWORD };

    const out = await cairnOk(['-r', target, 'copy', '--from-repo', restic.repo], { env });
    assert.match(out, /copied 2 snapshots/);

    runRestic(target, ['check', '--read-data'], CAIRN_PASSWORD);
    const sources = snapshotsOf(restic.repo, RESTIC_PASSWORD);
    const copies = snapshotsOf(target, CAIRN_PASSWORD);
    assert.deepEqual(copies.map((c) => c.original).sort(), sources.map((s) => s.id).sort());
    const latest = sources[1]!;
    const copy = copies.find((c) => c.original === latest.id)!;
    assert.deepEqual(sameRestore({ repo: restic.repo, id: latest.id, password: RESTIC_PASSWORD }, { repo: target, id: copy.id, password: CAIRN_PASSWORD }), []);

    const files = listRepoFiles(target);
    const again = await cairnOk(['-r', target, 'copy', '--from-repo', restic.repo, '--json'], { env });
    const summary = JSON.parse(again) as { snapshots_copied: unknown[]; snapshots_skipped: unknown[] };
    assert.deepEqual([summary.snapshots_copied.length, summary.snapshots_skipped.length], [0, 2]);
    assert.deepEqual(listRepoFiles(target), files, 'no new files, and both locks removed');
  });

  it('copies a cairn repository into a restic one, selected by `latest` and --tag', async () => {
    const base = tempDir();
    const source = join(base, 'cairn');
    const data = join(base, 'data');
    mkdirSync(data);
    writeTree(data, 1);
    await cairnOk(['-r', source, 'init'], { env: { CAIRN_PASSWORD } });
    cheapenKeys(source, CAIRN_PASSWORD);
    await cairnOk(['-r', source, 'backup', '-q', data], { env: { CAIRN_PASSWORD } });
    await cairnOk(['-r', source, 'backup', '-q', '--tag', 'keep', data], { env: { CAIRN_PASSWORD } });
    const target = createResticRepo();
    after(() => target.cleanup());
    const passwordFile = join(base, 'pw');
    writeFileSync(passwordFile, CAIRN_PASSWORD + '\n', { mode: 0o600 });

    await cairnOk(['-r', target.repo, 'copy', '--from-repo', source, '--from-password-file', passwordFile, '--tag', 'keep', 'latest'], {
      env: { RESTIC_PASSWORD },
    });

    target.run(['check', '--read-data']);
    const [copy, ...more] = snapshotsOf(target.repo, RESTIC_PASSWORD);
    assert.equal(more.length, 0, 'only the snapshot `latest --tag keep` selects');
    const tagged = JSON.parse(await cairnOk(['-r', source, 'snapshots', '--json', '--tag', 'keep'], { env: { CAIRN_PASSWORD } })) as SnapshotJson[];
    assert.equal(copy!.original, tagged[0]!.id);
    assert.deepEqual(sameRestore({ repo: source, id: tagged[0]!.id, password: CAIRN_PASSWORD }, { repo: target.repo, id: copy!.id, password: RESTIC_PASSWORD }), []);
  });

  it('fails in one line on a wrong source password and leaves the target untouched', async () => {
    const target = join(tempDir(), 'cairn');
    await cairnOk(['-r', target, 'init'], { env: { CAIRN_PASSWORD } });
    const files = listRepoFiles(target);

    const r = await runCairn(['-r', target, 'copy', '--from-repo', restic.repo], { env: { CAIRN_PASSWORD, CAIRN_FROM_PASSWORD: 'not-it' } });

    assert.equal(r.code, 1);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /wrong password for the source repository/);
    assert.equal(r.stdout, '');
    assert.deepEqual(listRepoFiles(target), files);
  });

  it('takes a shared lock on the source: an exclusive lock there stops it, unless --no-lock', async () => {
    const target = join(tempDir(), 'cairn');
    await cairnOk(['-r', target, 'init'], { env: { CAIRN_PASSWORD } });
    cheapenKeys(target, CAIRN_PASSWORD);
    const lock = await RepositoryLock.acquire(await openRepo(restic.repo, RESTIC_PASSWORD), { hostname: 'pruner', username: 'x', pid: 1, exclusive: true });
    try {
      const env = { CAIRN_PASSWORD, CAIRN_FROM_PASSWORD: RESTIC_PASSWORD };
      const locked = await runCairn(['-r', target, 'copy', '--from-repo', restic.repo], { env });
      assert.equal(locked.code, 1);
      assert.match(locked.stderr, /locked/i);
      assert.equal(runRestic(target, ['list', 'locks'], CAIRN_PASSWORD).trim(), '', 'the target lock is released on failure');
      assert.match(await cairnOk(['-r', target, '--no-lock', 'copy', '--from-repo', restic.repo], { env }), /copied 2 snapshots/);
    } finally {
      await lock.release();
    }
  });
});
