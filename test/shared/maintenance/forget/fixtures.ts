// Test support: small hand-made snapshot entries for unit tests of the policy.
import type { SnapshotEntry } from '../../../../shared/maintenance/forget/index.js';

let counter = 0;

/** snap makes an entry with a unique ID; `time` is RFC 3339, the rest defaults to host "h", path /data. */
export function snap(time: string, fields: Partial<SnapshotEntry['snapshot']> = {}): SnapshotEntry {
  counter++;
  const id = counter.toString(16).padStart(64, '0');
  return { id, snapshot: { time, tree: 'f'.repeat(64), paths: ['/data'], hostname: 'h', ...fields } };
}
