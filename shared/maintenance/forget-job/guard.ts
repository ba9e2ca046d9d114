// The delete-share guard: scheduled forget runs refuse to remove more than a configured share of any group's
// snapshots at once. A compromised backup client can upload many fresh snapshots so that --keep-last and
// friends push the real ones out of their buckets; the guard turns that into an alert instead of data loss.
import { CairnError } from '../../core/index.js';
import type { ForgetGroup } from '../forget/index.js';

/** A forget run would remove more of a group than allowed. */
export class DeleteShareExceededError extends CairnError {
  readonly group: string;
  constructor(group: string, remove: number, total: number, maxShare: number) {
    super(
      'DELETE_SHARE_EXCEEDED',
      `forget refused: it would remove ${remove} of ${total} snapshots of group ${group}, more than the allowed ${formatShare(maxShare)}; ` +
        'check that group\'s recent snapshots (planted ones?) before raising --max-delete-share',
    );
    this.group = group;
  }
}

/** describeGroup names a group as restic prints it: host, paths and tags that define it. */
export function describeGroup(g: Pick<ForgetGroup, 'host' | 'paths' | 'tags'>): string {
  const parts: string[] = [];
  if (g.host !== '') parts.push(`host [${g.host}]`);
  if (g.paths !== null) parts.push(`paths [${g.paths.join(', ')}]`);
  if (g.tags !== null) parts.push(`tags [${g.tags.join(', ')}]`);
  return parts.length === 0 ? '(all snapshots)' : parts.join(' ');
}

/** checkDeleteShare throws DeleteShareExceededError for the first group losing more than `maxShare`. */
export function checkDeleteShare(groups: readonly ForgetGroup[], maxShare: number): void {
  for (const g of groups) {
    const total = g.keep.length + g.remove.length;
    if (total > 0 && g.remove.length / total > maxShare) throw new DeleteShareExceededError(describeGroup(g), g.remove.length, total, maxShare);
  }
}

function formatShare(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}
