// How a prune plan reads for a person: the statistics block restic 0.14 prints before pruning (used, unused,
// to repack, to delete, remaining, unused after prune, pack counts), one line per pack decision for -v, and
// for a two-phase run the packs it marks and the fate of packs marked earlier (with their age).
import type { PackDecision } from './decide.js';
import type { PrunePlan } from './plan.js';
import type { TwoPhasePrunePlan } from './two-phase-plan.js';

/** formatPruneStats returns restic's statistics block for a plan, as lines. */
export function formatPruneStats(plan: PrunePlan): string[] {
  const s = plan.stats;
  const t = plan.totals;
  const row = (label: string, blobs: number, bytes: number): string => `${label.padEnd(14)}${String(blobs).padStart(10)} blobs / ${formatBytes(bytes)}`;
  const lines = [row('used:', s.blobs.used, s.size.used)];
  if (s.blobs.duplicate > 0) lines.push(row('duplicates:', s.blobs.duplicate, s.size.duplicate));
  lines.push(row('unused:', s.blobs.unused, s.size.unused));
  if (s.size.unref > 0) lines.push(`${'unreferenced:'.padEnd(14)}${''.padStart(10)}       ${formatBytes(s.size.unref)}`);
  lines.push(row('total:', t.totalBlobs, t.totalBytes));
  lines.push(`unused size: ${formatPercent(t.unusedBytes, t.totalBytes)} of total size`, '');
  lines.push(row('to repack:', s.blobs.repack, s.size.repack));
  lines.push(row('this removes:', s.blobs.repackrm, s.size.repackrm));
  lines.push(row('to delete:', s.blobs.remove, s.size.remove + s.size.unref));
  lines.push(row('total prune:', t.pruneBlobs, t.pruneBytes));
  lines.push(row('remaining:', t.remainingBlobs, t.remainingBytes));
  lines.push(`unused size after prune: ${formatBytes(t.unusedAfterBytes)} (${formatPercent(t.unusedAfterBytes, t.remainingBytes)} of remaining size)`, '');
  lines.push(`totally used packs: ${String(s.packs.used).padStart(10)}`);
  lines.push(`partly used packs:  ${String(s.packs.partlyUsed).padStart(10)}`);
  lines.push(`unused packs:       ${String(s.packs.unused).padStart(10)}`, '');
  lines.push(`to keep:      ${String(s.packs.keep).padStart(10)} packs`);
  lines.push(`to repack:    ${String(s.packs.repack).padStart(10)} packs`);
  lines.push(`to delete:    ${String(s.packs.remove).padStart(10)} packs`);
  if (s.packs.unref > 0) lines.push(`to delete:    ${String(s.packs.unref).padStart(10)} unreferenced packs`);
  return lines;
}

/** formatDecision is one line per pack: action, ID, type, size, used/unused bytes and the reason. */
export function formatDecision(d: PackDecision): string {
  return `${d.action.padEnd(19)} ${d.packId.slice(0, 8)} ${d.type.padEnd(7)} ${formatBytes(d.size).padStart(12)}  used ${formatBytes(d.usedBytes)}, unused ${formatBytes(d.unusedBytes)}: ${d.reason}`;
}

/** formatBytes prints sizes as restic does: three decimals in binary units. */
export function formatBytes(n: number): string {
  const units: [number, string][] = [[2 ** 40, 'TiB'], [2 ** 30, 'GiB'], [2 ** 20, 'MiB'], [2 ** 10, 'KiB']];
  for (const [size, unit] of units) if (n > size) return `${(n / size).toFixed(3)} ${unit}`;
  return `${n} B`;
}

function formatPercent(part: number, whole: number): string {
  return whole === 0 ? '0.00%' : `${((part / whole) * 100).toFixed(2)}%`;
}

/**
 * formatTwoPhase summarizes a two-phase plan: the packs this run marks instead of deleting, and the packs
 * earlier runs marked, counted by action; with `detailed` (dry run, -v), one line per marked pack with its
 * age and what happens to it.
 */
export function formatTwoPhase(tp: TwoPhasePrunePlan, detailed: boolean): string[] {
  const count = (a: string): number => tp.marked.filter((d) => d.action === a).length;
  const lines = [
    `to mark:      ${String(tp.newMarks.length).padStart(10)} packs (deleted by a run at least ${formatAge(tp.keepDeleteMs)} from now)`,
    `marked:       ${String(tp.marked.length).padStart(10)} packs: ${count('delete')} to delete, ${count('recover')} to recover, ` +
      `${count('keep-marked')} kept marked, ${count('drop-missing')} already gone`,
  ];
  if (detailed) {
    for (const d of tp.marked) lines.push(`${d.action.padEnd(13)} ${d.packId.slice(0, 8)} marked ${formatAge(d.ageMs)} ago: ${d.reason}`);
    for (const m of tp.newMarks) lines.push(`${'mark'.padEnd(13)} ${m.packId.slice(0, 8)} ${m.reason}`);
  }
  return lines;
}

/** formatAge prints a duration as 1d2h, 3h5m, 4m10s or 12s. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const [d, h, m] = [Math.floor(s / 86_400), Math.floor((s % 86_400) / 3600), Math.floor((s % 3600) / 60)];
  if (d > 0) return `${d}d${h}h`;
  if (h > 0) return `${h}h${m}m`;
  if (m > 0) return `${m}m${s % 60}s`;
  return `${s}s`;
}
