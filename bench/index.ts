// Benchmark of the in-memory master index (shared/repository/master-index.ts) on a synthetic repository:
// by default 10,000 packs × 100 blobs = 1,000,000 blobs, as if loaded from restic v2 index files of at most
// 150,000 blobs each. Reports load time (JSON.parse + addPack, as the repository does) and pure insert
// time, bytes per blob (memoryBytes() and process.memoryUsage() deltas after gc), and lookup rates.
//
//   node --expose-gc --import tsx bench/index.ts [--packs 10000] [--per-pack 100] [--baseline]
//
// --baseline also measures a naive Map<string, object[]> index, for comparison.
import { randomBytes } from 'node:crypto';
import { MasterIndex, type IndexedBlob } from '../shared/repository/master-index.js';

interface IndexFileJson {
  packs: Array<{ id: string; blobs: IndexedBlob[] }>;
}

const MAX_BLOBS_PER_INDEX_FILE = 150_000; // restic 0.14, repository v2

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}

const packCount = arg('--packs', 10_000);
const perPack = arg('--per-pack', 100);
const baseline = process.argv.includes('--baseline');
const gc = (globalThis as { gc?: () => void }).gc;

function collect(): void {
  if (gc === undefined) return;
  for (let i = 0; i < 3; i++) gc();
}

function heapBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external; // external includes the typed arrays' backing stores
}

function time<T>(fn: () => T): [T, number] {
  const t = performance.now();
  const result = fn();
  return [result, performance.now() - t];
}

function rate(count: number, ms: number): string {
  return `${((count / ms) * 1000 / 1e6).toFixed(2)} M/s`;
}

/** Synthetic index files: random IDs, 5% tree blobs, data blobs compressed, offsets contiguous per pack. */
function makeIndexFiles(): string[] {
  const files: string[] = [];
  const packsPerFile = Math.max(1, Math.floor(MAX_BLOBS_PER_INDEX_FILE / perPack));
  for (let first = 0; first < packCount; first += packsPerFile) {
    const file: IndexFileJson = { packs: [] };
    for (let p = first; p < Math.min(packCount, first + packsPerFile); p++) {
      const ids = randomBytes(32 * (perPack + 1)).toString('hex');
      const blobs: IndexedBlob[] = [];
      let offset = 0;
      for (let i = 1; i <= perPack; i++) {
        const length = 1000 + ((i * 7919) % 60000);
        const tree = i % 20 === 0;
        const blob: IndexedBlob = { id: ids.slice(64 * i, 64 * i + 64), type: tree ? 'tree' : 'data', offset, length };
        if (!tree) blob.uncompressed_length = length * 2;
        blobs.push(blob);
        offset += length;
      }
      file.packs.push({ id: ids.slice(0, 64), blobs });
    }
    files.push(JSON.stringify(file));
  }
  return files;
}

function main(): void {
  if (gc === undefined) console.log('note: run with --expose-gc for process.memoryUsage() figures');
  const total = packCount * perPack;
  console.log(`synthetic index: ${packCount} packs × ${perPack} blobs = ${total} blobs`);
  const json = makeIndexFiles();
  console.log(`${json.length} index files, ${(json.reduce((n, s) => n + s.length, 0) / 2 ** 20).toFixed(1)} MiB of JSON`);

  // Load as the repository does: parse each file, add its packs.
  const [, loadMs] = time(() => {
    const index = new MasterIndex();
    for (const text of json) for (const pack of (JSON.parse(text) as IndexFileJson).packs) index.addPack(pack.id, pack.blobs);
    return index;
  });
  const [parsed, parseMs] = time(() => json.map((text) => JSON.parse(text) as IndexFileJson));
  console.log(`load (JSON.parse + addPack): ${loadMs.toFixed(0)} ms (JSON.parse alone ${parseMs.toFixed(0)} ms)`);

  // Pure insert, with the parsed objects alive before and after so the memory delta is the index alone.
  collect();
  const before = heapBytes();
  const rssBefore = process.memoryUsage().rss;
  const [index, insertMs] = time(() => {
    const idx = new MasterIndex();
    for (const file of parsed) for (const pack of file.packs) idx.addPack(pack.id, pack.blobs);
    return idx;
  });
  collect();
  const delta = heapBytes() - before;
  const rssDelta = process.memoryUsage().rss - rssBefore;
  console.log(`insert (addPack only, hex IDs): ${insertMs.toFixed(0)} ms, ${rate(total, insertMs)} blobs`);
  console.log(`entries ${index.entryCount}, blobs ${index.blobCount}, packs ${index.packCount}`);
  console.log(`memoryBytes(): ${(index.memoryBytes() / 2 ** 20).toFixed(1)} MiB = ${(index.memoryBytes() / total).toFixed(1)} bytes/blob`);
  if (gc !== undefined) {
    console.log(`process heap+external delta after gc: ${(delta / total).toFixed(1)} bytes/blob; rss delta ${(rssDelta / total).toFixed(1)} bytes/blob`);
  }

  // Lookups on existing blobs in random order, and on absent ones (a backup's new chunks).
  const n = 1_000_000;
  const hexIds: string[] = [];
  const types: Array<'data' | 'tree'> = [];
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
  for (let i = 0; i < n; i++) {
    // Uniformly random blobs: a fixed stride would revisit a few cache-resident records.
    const blob = pick(pick(pick(parsed).packs).blobs);
    hexIds.push(blob.id);
    types.push(blob.type);
  }
  const rawIds = hexIds.map((h) => Buffer.from(h, 'hex'));
  const absentRaw = Array.from({ length: n }, () => randomBytes(32));
  const absentHex = absentRaw.map((b) => b.toString('hex'));

  const measure = (name: string, fn: (i: number) => unknown, expect: boolean): void => {
    let hits = 0;
    const [, ms] = time(() => {
      for (let i = 0; i < n; i++) if (fn(i)) hits++;
    });
    if ((hits === n) !== expect) throw new Error(`${name}: ${hits} of ${n} found`);
    console.log(`${name.padEnd(30)} ${rate(n, ms)}`);
  };
  measure('has (hex, present)', (i) => index.has(types[i]!, hexIds[i]!), true);
  measure('has (raw, present)', (i) => index.has(types[i]!, rawIds[i]!), true);
  measure('has (raw, absent)', (i) => index.has('data', absentRaw[i]!), false);
  measure('has (hex, absent)', (i) => index.has('data', absentHex[i]!), false);
  measure('lookup (hex, present)', (i) => index.lookup(types[i]!, hexIds[i]!), true);
  measure('lookupAll (hex, present)', (i) => index.lookupAll(types[i]!, hexIds[i]!).length > 0, true);

  // What prune and check do: walk all entries, list every pack, drop 10% of the packs.
  const [count, entriesMs] = time(() => {
    let c = 0;
    for (const _ of index.entries()) c++;
    return c;
  });
  console.log(`entries() over ${count}: ${entriesMs.toFixed(0)} ms`);
  const packIds = [...index.packIds()];
  const [, packBlobsMs] = time(() => {
    for (const p of packIds) index.packBlobs(p);
  });
  console.log(`packBlobs() for all ${packIds.length} packs: ${packBlobsMs.toFixed(0)} ms`);
  const [, removeMs] = time(() => index.removePacks(packIds.filter((_, i) => i % 10 === 0)));
  console.log(`removePacks(10% of packs): ${removeMs.toFixed(0)} ms, ${index.entryCount} entries left`);

  if (baseline) runBaseline(parsed, total);
}

/** The design this replaces: a Map from "type:id" to location objects. */
function runBaseline(parsed: IndexFileJson[], total: number): void {
  collect();
  const before = heapBytes();
  const [map, ms] = time(() => {
    const m = new Map<string, Array<{ packId: string; offset: number; length: number; uncompressedLength: number }>>();
    for (const file of parsed) {
      for (const pack of file.packs) {
        for (const b of pack.blobs) {
          const key = `${b.type}:${b.id}`;
          const loc = { packId: pack.id, offset: b.offset, length: b.length, uncompressedLength: b.uncompressed_length ?? 0 };
          const list = m.get(key);
          if (list === undefined) m.set(key, [loc]);
          else list.push(loc);
        }
      }
    }
    return m;
  });
  collect();
  console.log(`baseline Map: insert ${ms.toFixed(0)} ms, heap+external delta ${((heapBytes() - before) / total).toFixed(1)} bytes/blob (${map.size} keys)`);
}

main();
