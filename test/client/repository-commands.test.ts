// The read-side commands on a repository restic 0.14 wrote, with restic as the oracle: snapshot selection
// (`latest`, short IDs, --host/--tag/--path), `ls` of chosen directories, every `cat` object, and `unlock`
// (a stale lock goes, a live one stays unless --remove-all).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createResticRepo, RESTIC_PASSWORD, type ResticRepo } from '../support/restic.js';
import { cliCommand, runCairn } from '../support/cli.js';
import { LocalBackend } from '../../shared/storage/index.js';
import { Repository } from '../../shared/repository/index.js';
import { encodeLockFile, formatGoTime } from '../../shared/format/index.js';

async function cairn(repo: string, args: string[]): Promise<string> {
  const r = await runCairn(['-r', repo, ...args], { env: { CAIRN_PASSWORD: RESTIC_PASSWORD } });
  assert.equal(r.code, 0, `cairn ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const lines = (text: string): unknown[] => text.trim().split('\n').map((l) => JSON.parse(l) as unknown);
const ids = (json: string): string[] => (JSON.parse(json) as { id: string }[]).map((s) => s.id);

describe('repository commands on a restic repository', () => {
  let restic: ResticRepo;
  let alice: string;
  let bob: string;

  before(() => {
    restic = createResticRepo();
    alice = join(restic.dir, 'home/alice');
    bob = join(restic.dir, 'home/bob');
    mkdirSync(join(alice, 'docs/old'), { recursive: true });
    mkdirSync(bob, { recursive: true });
    writeFileSync(join(alice, 'docs/a.txt'), 'a\n');
    writeFileSync(join(alice, 'docs/old/b.txt'), 'b\n');
    writeFileSync(join(alice, 'top.txt'), 'top\n');
    writeFileSync(join(bob, 'c.txt'), 'c\n');
    restic.run(['backup', '-q', '--host', 'nas', '--tag', 'daily', '--time', '2024-01-01 10:00:00', alice]);
    restic.run(['backup', '-q', '--host', 'nas', '--time', '2024-01-02 10:00:00', bob]);
    restic.run(['backup', '-q', '--host', 'laptop', '--tag', 'daily,manual', '--time', '2024-01-03 10:00:00', alice]);
    restic.run(['backup', '-q', '--host', 'nas', '--time', '2024-01-04 10:00:00', bob]);
  });
  after(() => restic.cleanup());

  test('snapshots --json with --host, --tag and --path selects what restic selects', async () => {
    for (const filter of [[], ['--host', 'nas'], ['--host', 'laptop', '--host', 'nas'], ['--tag', 'daily'], ['--tag', 'manual,daily'], ['--path', alice], ['--host', 'nas', '--path', bob]]) {
      const mine = await cairn(restic.repo, ['snapshots', '--json', ...filter]);
      assert.deepEqual(JSON.parse(mine), JSON.parse(restic.run(['snapshots', '--json', ...filter])), `snapshots ${filter.join(' ')}`);
    }
  });

  test('ls picks `latest` within --host/--path, takes short IDs, and lists only the given directories like restic', async () => {
    const nasAlice = await cairn(restic.repo, ['ls', '--json', 'latest', '--host', 'nas', '--path', alice]);
    assert.deepEqual(lines(nasAlice), lines(restic.run(['ls', '--json', 'latest', '--host', 'nas', '--path', alice])));
    const first = lines(nasAlice)[0] as { id: string; hostname: string; tags: string[] };
    assert.equal(first.hostname, 'nas');
    assert.deepEqual(first.tags, ['daily']);

    const short = first.id.slice(0, 8);
    const dirs = [join(alice, 'docs')];
    const mine = await cairn(restic.repo, ['ls', '--json', short, ...dirs]);
    assert.deepEqual(lines(mine), lines(restic.run(['ls', '--json', short, ...dirs])));
    const plain = await cairn(restic.repo, ['ls', short, ...dirs]);
    assert.deepEqual(plain.split('\n').slice(1), restic.run(['ls', short, ...dirs]).split('\n').slice(1), 'paths in the same order');
    const recursive = await cairn(restic.repo, ['ls', '--json', '--recursive', short, ...dirs]);
    assert.deepEqual(lines(recursive), lines(restic.run(['ls', '--json', '--recursive', short, ...dirs])));
    assert.ok(recursive.includes('old/b.txt'));
  });

  test('cat prints config, masterkey, snapshot, index, key, blob and pack as restic does', async () => {
    const repo = restic.repo;
    for (const what of ['config', 'masterkey']) assert.deepEqual(JSON.parse(await cairn(repo, ['cat', what])), JSON.parse(restic.run(['cat', what])), what);
    const [snapshot] = ids(restic.run(['snapshots', '--json']));
    assert.deepEqual(JSON.parse(await cairn(repo, ['cat', 'snapshot', snapshot!.slice(0, 8)])), JSON.parse(restic.run(['cat', 'snapshot', snapshot!])));
    const [index] = restic.run(['list', 'index']).trim().split('\n');
    assert.deepEqual(JSON.parse(await cairn(repo, ['cat', 'index', index!])), JSON.parse(restic.run(['cat', 'index', index!])));
    const [key] = restic.run(['list', 'keys']).trim().split('\n');
    assert.deepEqual(JSON.parse(await cairn(repo, ['cat', 'key', key!])), JSON.parse(restic.run(['cat', 'key', key!])));
    const tree = (JSON.parse(restic.run(['cat', 'snapshot', snapshot!])) as { tree: string }).tree;
    assert.equal(await cairn(repo, ['cat', 'blob', tree]), restic.run(['cat', 'blob', tree]));
    const [pack] = restic.run(['list', 'packs']).trim().split('\n');
    const [exe, ...pre] = cliCommand();
    const bytes = execFileSync(exe!, [...pre, '-r', repo, 'cat', 'pack', pack!], { env: { ...process.env, CAIRN_PASSWORD: RESTIC_PASSWORD }, maxBuffer: 64 << 20 });
    assert.ok(bytes.equals(readFileSync(join(repo, 'data', pack!.slice(0, 2), pack!))), 'cat pack prints the file byte for byte');
  });

  test('unlock removes a lock older than 30 minutes, keeps a live one, and --remove-all removes that too', async () => {
    const repo = await Repository.open(new LocalBackend(restic.repo), RESTIC_PASSWORD);
    const lockAt = (ms: number): Buffer =>
      encodeLockFile({ time: formatGoTime(BigInt(ms) * 1_000_000n, 0), exclusive: false, hostname: 'elsewhere', username: 'backup', pid: 4242 });
    const stale = await repo.saveJson('locks', lockAt(Date.now() - 45 * 60_000));
    const live = await repo.saveJson('locks', lockAt(Date.now()));
    assert.deepEqual(JSON.parse(await cairn(restic.repo, ['cat', 'lock', live])), JSON.parse(restic.run(['cat', 'lock', live])));

    assert.match(await cairn(restic.repo, ['unlock']), /removed 1 lock/);
    assert.deepEqual(restic.run(['list', 'locks', '--no-lock']).trim().split('\n'), [live]);
    assert.notEqual(stale, live);
    assert.match(await cairn(restic.repo, ['unlock']), /no stale locks/);
    assert.match(await cairn(restic.repo, ['unlock', '--remove-all']), /removed 1 lock/);
    assert.equal(restic.run(['list', 'locks', '--no-lock']).trim(), '');
  });
});
