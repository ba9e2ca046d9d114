// Test fixture: a small source tree with everything a restore must get right — a file over 2 MiB of
// random data, an empty file, nested directories, a symlink, a hard-link pair, a fifo, names with spaces,
// unicode, `"` and `\`, non-default modes (0600 file, 0750 directory) and old mtimes.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, lutimesSync, mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Relative paths of the fixture's regular files, for tests that pick some. */
export const FIXTURE_FILES = {
  big: 'big.bin',
  empty: 'empty',
  secret: 'secret.txt',
  deep: 'a/b/c/deep.txt',
  linkA: 'hard link a',
  linkB: 'a/hard link b',
} as const;

/**
 * makeSourceTree writes the fixture into `root` (created). Times are set children first, so each
 * directory's mtime is the old one it was given, not the time its last child was made.
 */
export function makeSourceTree(root: string): void {
  mkdirSync(join(root, 'a/b/c'), { recursive: true });
  mkdirSync(join(root, 'private'));
  writeFileSync(join(root, FIXTURE_FILES.big), randomBytes(2 * 1024 * 1024 + 12345));
  writeFileSync(join(root, FIXTURE_FILES.empty), '');
  writeFileSync(join(root, FIXTURE_FILES.secret), 'only for me\n');
  writeFileSync(join(root, FIXTURE_FILES.deep), 'deep down\n'.repeat(100));
  writeFileSync(join(root, 'with space.txt'), 'spaces\n');
  writeFileSync(join(root, 'ünïcødé 名前.txt'), 'unicode\n');
  writeFileSync(join(root, 'quote".txt'), 'quote\n');
  writeFileSync(join(root, 'back\\slash.txt'), 'backslash\n');
  writeFileSync(join(root, 'private/notes.md'), '# notes\n');
  writeFileSync(join(root, FIXTURE_FILES.linkA), 'linked twice\n');
  linkSync(join(root, FIXTURE_FILES.linkA), join(root, FIXTURE_FILES.linkB));
  symlinkSync('a/b/c/deep.txt', join(root, 'link to deep'));
  symlinkSync('/nonexistent/target', join(root, 'dangling'));
  execFileSync('mkfifo', [join(root, 'a/fifo')]);
  chmodSync(join(root, FIXTURE_FILES.secret), 0o600);
  chmodSync(join(root, 'private'), 0o750);

  const old = (days: number): Date => new Date(Date.UTC(2019, 4, 17, 8, 30, 15, 123) - days * 86_400_000);
  const files = [FIXTURE_FILES.big, FIXTURE_FILES.empty, FIXTURE_FILES.secret, FIXTURE_FILES.deep, 'with space.txt', 'ünïcødé 名前.txt', 'quote".txt', 'back\\slash.txt', 'private/notes.md', FIXTURE_FILES.linkA, 'a/fifo'];
  files.forEach((f, i) => utimesSync(join(root, f), old(i), old(i)));
  lutimesSync(join(root, 'link to deep'), old(20), old(20));
  lutimesSync(join(root, 'dangling'), old(21), old(21));
  for (const [i, dir] of ['a/b/c', 'a/b', 'a', 'private', '.'].entries()) utimesSync(join(root, dir), old(30 + i), old(30 + i));
}
