// localError: which file-system failures are missing objects, which are worth retrying, which are final.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NotFoundError, StorageError } from '../../../shared/core/index.js';
import { localError } from '../../../shared/storage/local-errors.js';

const sysErr = (code: string) => Object.assign(new Error(`${code}: something, open '/r/x'`), { code });

test('ENOENT is NotFoundError naming the path', () => {
  const e = localError(sysErr('ENOENT'), 'read', '/r/keys/ab');
  assert.ok(e instanceof NotFoundError);
  assert.equal(e.message, '/r/keys/ab does not exist');
});

test('I/O hiccups and NFS staleness are transient; permissions and full disks are permanent with a hint', () => {
  for (const code of ['EIO', 'EAGAIN', 'EBUSY', 'ESTALE', 'EMFILE']) {
    const e = localError(sysErr(code), 'write', '/r/data/ab/abc');
    assert.ok(e instanceof StorageError && e.transient, code);
  }
  const denied = localError(sysErr('EACCES'), 'write', '/r/data/ab/abc');
  assert.ok(denied instanceof StorageError && !denied.transient);
  assert.equal(denied.message, 'write /r/data/ab/abc failed: permission denied; check the owner and mode of the repository folder');
  const full = localError(sysErr('ENOSPC'), 'write', '/r/x');
  assert.ok(full instanceof StorageError && !full.transient && /no space left/.test(full.message));
});
