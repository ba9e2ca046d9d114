// The benchmark corpus: a directory tree like a real machine's (copies of system folders: many small text
// files, some binaries, symlinks) plus a share of incompressible random files, built once under
// .bench-data/ and reused by every run so cairn and restic always read the same bytes. A marker file
// records what was built; a corpus is rebuilt only when it is missing or was built for other settings.
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CorpusSpec {
  readonly name: string;
  /** Folders copied in order, until the copied total reaches `copyBytes`. */
  readonly sources: readonly string[];
  readonly copyBytes: number;
  /** Bytes of random (incompressible, never deduplicable) files. */
  readonly randomBytes: number;
}

export interface Corpus {
  readonly dir: string;
  readonly files: number;
  readonly bytes: number;
}

const MB = 1024 * 1024;

/** The two sizes of DESIGN §9: the 1.1 GB / ~54k files target and a quick ~100 MB variant. */
export const CORPORA: Record<'large' | 'small', CorpusSpec> = {
  large: { name: 'large', sources: ['/usr/share', '/usr/include'], copyBytes: 800 * MB, randomBytes: 300 * MB },
  small: { name: 'small', sources: ['/usr/include'], copyBytes: 70 * MB, randomBytes: 30 * MB },
};

interface Totals {
  files: number;
  bytes: number;
}

/** copyTree copies regular files, directories and symlinks, skipping what cannot be read, until `cap` bytes. */
function copyTree(src: string, dst: string, totals: Totals, cap: number): void {
  mkdirSync(dst, { recursive: true });
  let names: string[];
  try {
    names = readdirSync(src).sort();
  } catch {
    return;
  }
  for (const name of names) {
    if (totals.bytes >= cap) return;
    const from = join(src, name);
    const to = join(dst, name);
    try {
      const st = lstatSync(from);
      if (st.isDirectory()) copyTree(from, to, totals, cap);
      else if (st.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
      else if (st.isFile()) {
        copyFileSync(from, to);
        totals.files++;
        totals.bytes += st.size;
      }
    } catch {
      // Unreadable system files (permissions, races) are simply not part of the corpus.
    }
  }
}

/** Random files from 1 KiB to 64 MiB, sizes spread log-uniformly as in a home directory's media and archives. */
function writeRandomFiles(dir: string, total: number, totals: Totals): void {
  mkdirSync(dir, { recursive: true });
  let written = 0;
  let seed = 12345;
  const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; written < total; i++) {
    const size = Math.min(total - written, Math.round(1024 * Math.pow(2, next() * 16)));
    writeFileSync(join(dir, `random-${String(i).padStart(4, '0')}.bin`), randomBytes(size));
    written += size;
    totals.files++;
    totals.bytes += size;
  }
}

/** prepareCorpus returns the corpus under `root`, building it first when missing or built differently. */
export function prepareCorpus(root: string, spec: CorpusSpec, log: (msg: string) => void): Corpus {
  const dir = join(root, `corpus-${spec.name}`);
  const marker = join(root, `corpus-${spec.name}.json`);
  const wanted = JSON.stringify(spec);
  if (existsSync(marker)) {
    const saved = JSON.parse(readFileSync(marker, 'utf8')) as { spec: string; files: number; bytes: number };
    if (saved.spec === wanted && existsSync(dir)) return { dir, files: saved.files, bytes: saved.bytes };
  }
  log(`preparing corpus ${spec.name} in ${dir} (once)…`);
  rmSync(dir, { recursive: true, force: true });
  const totals: Totals = { files: 0, bytes: 0 };
  // The cap is on the running total: later sources get what earlier ones left.
  for (const src of spec.sources) copyTree(src, join(dir, src.replace(/^\//, '').replaceAll('/', '_')), totals, spec.copyBytes);
  writeRandomFiles(join(dir, 'random'), spec.randomBytes, totals);
  writeFileSync(marker, JSON.stringify({ spec: wanted, files: totals.files, bytes: totals.bytes }));
  return { dir, files: totals.files, bytes: totals.bytes };
}
