// Chunker throughput: MB/s of chunkBuffer over 256 MiB of pseudo-random data (restic's parameters, a fixed
// polynomial), best of several runs, with the CPU time beside the wall time because the machine may be shared.
// Run: node --import tsx bench/chunker.ts [MiB]
import { createHash } from 'node:crypto';
import { Chunker, chunkBuffer } from '../shared/chunker/index.js';

const POLYNOMIAL = 0x3da3358b4dc173n;
const mib = Number(process.argv[2] ?? 256);
const size = mib * 1024 * 1024;

// xorshift32 fill: fast, reproducible, and as good as random for a rolling hash.
const data = new Uint8Array(size);
const words = new Int32Array(data.buffer, 0, size >> 2);
let s = 0x2545f491;
for (let i = 0; i < words.length; i++) {
  s ^= s << 13;
  s ^= s >>> 17;
  s ^= s << 5;
  words[i] = s;
}

const chunker = new Chunker(POLYNOMIAL);
let best = 0;
let bestCpu = 0;
let summary = '';
for (let run = 0; run < 5; run++) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const chunks = chunkBuffer(data, chunker);
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  best = Math.max(best, size / 1e6 / wall);
  bestCpu = Math.max(bestCpu, size / 1e6 / cpuSeconds);
  const lengths = chunks.map((c) => c.length);
  summary = `${chunks.length} chunks, mean ${(size / chunks.length / 1048576).toFixed(2)} MiB, lengths digest ${createHash('sha256').update(lengths.join(',')).digest('hex').slice(0, 12)}`;
  console.log(`run ${run + 1}: ${(size / 1e6 / wall).toFixed(0)} MB/s wall, ${(size / 1e6 / cpuSeconds).toFixed(0)} MB/s cpu`);
}
console.log(`chunker: ${mib} MiB, ${summary}`);
console.log(`chunker: best ${best.toFixed(0)} MB/s wall, ${bestCpu.toFixed(0)} MB/s per CPU second`);
