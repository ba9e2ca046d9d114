// Test support for backup tests: a small source tree with every kind of entry restic records, the
// environment that points cairn at a test repository, and small readers of what a repository holds.
import { chmodSync, linkSync, lutimesSync, mkdirSync, readdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { RESTIC_PASSWORD, runRestic } from '../../support/restic.js';

/** makeCorpus fills `root` with files (empty, small, several MiB), links, a fifo and odd names; returns bytes of file content. */
export function makeCorpus(root: string, opts: { bigMiB?: number } = {}): number {
  let bytes = 0;
  const file = (rel: string, data: Buffer | string, mode = 0o644): void => {
    writeFileSync(join(root, rel), data);
    chmodSync(join(root, rel), mode);
    bytes += Buffer.byteLength(data);
  };
  for (const d of ['docs', 'docs/deep/er', 'bin', 'empty-dir', 'private']) mkdirSync(join(root, d), { recursive: true });
  file('docs/readme.txt', 'hello\n');
  file('docs/empty', '');
  file('docs/deep/er/note.md', '# note\n'.repeat(100));
  file('docs/héllo wörld.txt', 'unicode name\n');
  file('bin/tool', randomBytes(200_000), 0o755);
  file('big.bin', randomBytes((opts.bigMiB ?? 3) * 1024 * 1024));
  file('private/secret', 'x', 0o600);
  chmodSync(join(root, 'private'), 0o750);
  linkSync(join(root, 'docs/readme.txt'), join(root, 'docs/readme-hardlink.txt'));
  symlinkSync('readme.txt', join(root, 'docs/link-relative'));
  symlinkSync('/nonexistent/target', join(root, 'docs/link-dangling'));
  execFileSync('mkfifo', [join(root, 'docs/fifo')]);
  // Times in the past, so a restore that forgets them shows.
  const past = new Date('2021-03-04T05:06:07.123Z');
  for (const rel of ['docs/readme.txt', 'big.bin', 'bin/tool', 'docs/deep/er/note.md']) utimesSync(join(root, rel), past, past);
  lutimesSync(join(root, 'docs/link-relative'), past, past);
  utimesSync(join(root, 'empty-dir'), past, past);
  return bytes;
}

/** cairnEnv points cairn at `repo` with the oracle's password. */
export function cairnEnv(repo: string, extra: Record<string, string> = {}): Record<string, string> {
  return { CAIRN_REPOSITORY: repo, CAIRN_PASSWORD: RESTIC_PASSWORD, TZ: 'UTC', ...extra };
}

export interface SnapshotJson {
  id: string;
  short_id: string;
  tree: string;
  paths: string[];
  parent?: string;
  hostname: string;
  tags?: string[];
  excludes?: string[];
  time: string;
}

/** snapshots lists a repository's snapshots as restic sees them, oldest first. */
export function snapshots(repo: string): SnapshotJson[] {
  return (JSON.parse(runRestic(repo, ['snapshots', '--json'])) as SnapshotJson[]).sort((a, b) => (a.time < b.time ? -1 : 1));
}

/** files lists the object names under one of a repository's folders (data/ is flattened). */
export function files(repo: string, folder: 'data' | 'index' | 'snapshots' | 'locks'): string[] {
  if (folder !== 'data') return readdirSync(join(repo, folder)).sort();
  return readdirSync(join(repo, 'data')).flatMap((sub) => readdirSync(join(repo, 'data', sub))).sort();
}

/** jsonLines parses cairn's or restic's --json output. */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** summary is the backup summary line of --json output. */
export function summary(stdout: string): Record<string, number | string> {
  const line = jsonLines(stdout).find((l) => l.message_type === 'summary');
  if (line === undefined) throw new Error(`no summary line in: ${stdout.slice(-500)}`);
  return line as Record<string, number | string>;
}
