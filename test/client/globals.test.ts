// The global settings every command shares: which password source wins, and --no-lock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { cairnOk, runCairn } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { cheapenKeys } from '../support/restic.js';
import { LocalBackend } from '../../shared/storage/index.js';
import { Repository, RepositoryLock } from '../../shared/repository/index.js';

const PASSWORD = 'right-password';

async function makeRepo(): Promise<string> {
  const dir = tempDir();
  const repo = join(dir, 'repo');
  await cairnOk(['-r', repo, 'init'], { env: { CAIRN_PASSWORD: PASSWORD } });
  cheapenKeys(repo, PASSWORD);
  return repo;
}

test('a password file from the environment wins over a plain password, CAIRN_* over RESTIC_*', async () => {
  const repo = await makeRepo();
  const file = join(tempDir(), 'pw');
  writeFileSync(file, PASSWORD + '\n', { mode: 0o600 });
  // restic's order: command, then file, then the password itself.
  const fileBeatsPlain = await runCairn(['-r', repo, 'snapshots'], { env: { RESTIC_PASSWORD_FILE: file, RESTIC_PASSWORD: 'wrong' } });
  assert.equal(fileBeatsPlain.code, 0, fileBeatsPlain.stderr);
  const cairnBeatsRestic = await runCairn(['-r', repo, 'snapshots'], { env: { CAIRN_PASSWORD: PASSWORD, RESTIC_PASSWORD_FILE: join(tempDir(), 'missing') } });
  assert.equal(cairnBeatsRestic.code, 0, cairnBeatsRestic.stderr);
  const wrong = await runCairn(['-r', repo, 'snapshots'], { env: { CAIRN_PASSWORD: 'wrong', RESTIC_PASSWORD: PASSWORD } });
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /wrong password/);
});

test('--no-lock lets a read-only command run while another process holds an exclusive lock', async () => {
  const repo = await makeRepo();
  const opened = await Repository.open(new LocalBackend(repo), PASSWORD);
  const lock = await RepositoryLock.acquire(opened, { hostname: hostname(), username: 'test', exclusive: true });
  try {
    const locked = await runCairn(['-r', repo, 'snapshots'], { env: { CAIRN_PASSWORD: PASSWORD } });
    assert.equal(locked.code, 1);
    assert.match(locked.stderr, /locked/);
    const unlocked = await runCairn(['-r', repo, '--no-lock', 'snapshots'], { env: { CAIRN_PASSWORD: PASSWORD } });
    assert.equal(unlocked.code, 0, unlocked.stderr);
  } finally {
    await lock.release();
  }
});
