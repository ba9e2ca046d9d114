// Host records: the last finished backup of each machine, at `status/hosts/<host>.json` in the control
// bucket. The monitor writes one per `cairn.backup.finished` event and reads them all to find hosts that
// went silent; `cairn status` shows them.
import type { ControlStore } from './object-store.js';
import { checkName } from './status.js';

/** A backup's outcome as the client reports it. */
export type BackupOutcome = 'succeeded' | 'incomplete' | 'failed';

/** What is known about a host. `lastSuccess` survives failed backups, so a failing host still goes silent. */
export interface HostRecord {
  readonly host: string;
  /** The snapshot of the latest reported backup (absent when it failed before writing one). */
  readonly snapshotId: string | null;
  readonly status: BackupOutcome;
  /** When the latest backup finished, RFC 3339. */
  readonly time: string;
  readonly stats: Record<string, unknown>;
  /** When the latest successful (or incomplete but written) backup finished; null if none was seen. */
  readonly lastSuccess: string | null;
  /** When the monitor last alerted that this host went silent; null if it has not. */
  readonly alertedAt?: string | null;
}

const HOSTS_DIR = 'status/hosts/';

/** hostKey is the relative key of a host's record; throws UsageError for an unusable host name. */
export function hostKey(host: string): string {
  return `${HOSTS_DIR}${checkName('host name', host)}.json`;
}

/** readHost returns a host's record, or undefined when it never reported. */
export async function readHost(store: ControlStore, host: string): Promise<HostRecord | undefined> {
  return store.getJson<HostRecord>(hostKey(host));
}

/** writeHost replaces a host's record. */
export async function writeHost(store: ControlStore, record: HostRecord): Promise<void> {
  await store.putJson(hostKey(record.host), record);
}

/** listHosts returns every host record, sorted by host name. */
export async function listHosts(store: ControlStore): Promise<HostRecord[]> {
  const objects = (await store.list(HOSTS_DIR)).filter((o) => o.key.endsWith('.json'));
  const records = await Promise.all(objects.map((o) => store.getJson<HostRecord>(o.key)));
  return records.filter((r): r is HostRecord => r !== undefined).sort((a, b) => a.host.localeCompare(b.host));
}

/**
 * silentHosts returns the hosts whose last successful backup is older than `maxAgeMs` before `now` (or
 * that never had one), oldest first.
 */
export function silentHosts(records: readonly HostRecord[], now: Date, maxAgeMs: number): HostRecord[] {
  const since = (r: HostRecord): number => (r.lastSuccess === null ? -Infinity : Date.parse(r.lastSuccess));
  return records.filter((r) => !(now.getTime() - since(r) <= maxAgeMs)).sort((a, b) => since(a) - since(b));
}
