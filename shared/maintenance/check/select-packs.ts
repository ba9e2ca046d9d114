// Which packs `--read-data` and `--read-data-subset` read, and how they are cut into work items. The random
// source is a parameter, so a test (or a replayed plan) chooses the same packs every time.
import type { CheckItem, CheckOptions, PackToRead } from './types.js';

/**
 * About this many pack bytes per work item: at ~60 MB/s per function that is a few seconds of download and
 * verification, far inside a Lambda's 15 minutes, while keeping the number of items (and of invocations)
 * for a 1 TiB repository in the thousands, not the hundreds of thousands.
 */
export const CHECK_ITEM_BYTES = 256 * 1024 * 1024;

/**
 * selectPacks returns the packs to read for the options, in the given order for a group and in random
 * order otherwise; [] when neither readData nor readDataSubset is set. A group `n/t` takes the packs whose
 * first ID byte modulo t is n−1 (restic's rule, so `1/5` … `5/5` cover each pack exactly once). A share
 * takes round(count × x / 100) packs at random, at least one. A size takes random packs while their total
 * stays within the size, at least one. `random` returns numbers in [0, 1), like Math.random.
 */
export function selectPacks(packs: readonly PackToRead[], opts: CheckOptions, random: () => number): PackToRead[] {
  if (opts.readData) return packs.slice();
  const subset = opts.readDataSubset;
  if (subset === undefined || packs.length === 0) return [];
  if (subset.kind === 'group') {
    return packs.filter((p) => parseInt(p.id.slice(0, 2), 16) % subset.t === subset.n - 1);
  }
  const shuffled = shuffle(packs, random);
  if (subset.kind === 'percent') {
    return shuffled.slice(0, Math.max(1, Math.round((packs.length * subset.percent) / 100)));
  }
  const chosen: PackToRead[] = [];
  let total = 0;
  for (const p of shuffled) {
    if (chosen.length > 0 && total + p.size > subset.bytes) continue;
    chosen.push(p);
    total += p.size;
  }
  return chosen;
}

/** batchPacks cuts packs into items of about `itemBytes` each (a pack larger than that is an item alone). */
export function batchPacks(packs: readonly PackToRead[], itemBytes = CHECK_ITEM_BYTES): CheckItem[] {
  const items: CheckItem[] = [];
  let current: PackToRead[] = [];
  let bytes = 0;
  for (const p of packs) {
    if (current.length > 0 && bytes + p.size > itemBytes) {
      items.push({ packs: current });
      current = [];
      bytes = 0;
    }
    current.push(p);
    bytes += p.size;
  }
  if (current.length > 0) items.push({ packs: current });
  return items;
}

/** A Fisher–Yates shuffle of a copy. */
function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
