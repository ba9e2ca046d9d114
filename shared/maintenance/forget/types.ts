// The data forget works on and returns. Snapshots come in as a minimal structural shape (ID plus the stored
// snapshot JSON) so the policy depends on no codec; decisions go out as groups of keep/remove lists with
// restic's reasons, ready to print, serialize or hand to the job that deletes snapshot files.

/** A snapshot as read from `snapshots/<id>`: its ID and its JSON, fields named as restic stores them. */
export interface SnapshotEntry {
  id: string;
  snapshot: {
    time: string;
    tree: string;
    paths: string[];
    hostname?: string;
    username?: string;
    tags?: string[];
    parent?: string;
    [k: string]: unknown;
  };
}

/**
 * The remaining counts of restic's six counting rules after a snapshot was kept. Zero counts are left out,
 * as restic's JSON omits them; a negative --keep-* value (accepted, but inert, in 0.14) stays visible.
 */
export interface KeepCounters {
  last?: number;
  hourly?: number;
  daily?: number;
  weekly?: number;
  monthly?: number;
  yearly?: number;
}

/** Why one snapshot is kept: every rule that matched, in restic's order, and the counters after it. */
export interface KeepReason {
  snapshot: SnapshotEntry;
  /** e.g. ["has tags [a, b]", "within 1d", "last snapshot", "daily snapshot", "hourly within 2d"]. */
  matches: string[];
  counters: KeepCounters;
}

/** The outcome of the policy for one group: each input snapshot is in exactly one of keep and remove. */
export interface ExpireResult {
  /** Kept snapshots, newest first. */
  keep: SnapshotEntry[];
  /** Removed snapshots, newest first. */
  remove: SnapshotEntry[];
  /** One reason per kept snapshot, parallel to `keep`. */
  reasons: KeepReason[];
}

/** One group of snapshots (restic's --group-by) with the policy's decisions. */
export interface ForgetGroup extends ExpireResult {
  /** restic's group key: Go JSON of {"hostname","paths","tags"}; identical snapshots' groups share it. */
  key: string;
  /** The group's hostname, "" unless grouped by host. */
  host: string;
  /** The group's sorted paths, null unless grouped by paths (or the snapshots have none). */
  paths: string[] | null;
  /** The group's sorted tags, null unless grouped by tags (or the snapshots have none). */
  tags: string[] | null;
}
