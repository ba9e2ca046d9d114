// --one-file-system: a backup stays on the file system (device) of the target it started from. restic
// compares every entry with the device of its nearest backup target, not of its parent directory. An entry
// on another device is left out, except a directory whose parent is still on the target's device: that is
// a mount point, kept as an empty directory so the snapshot shows where the other file system was mounted
// (its entries are then on the other device and left out in turn).
import { dirname } from 'node:path/posix';
import { cleanPath } from './path-parts.js';

/** The device rule; it learns each target's device from the walker's first question about the target. */
export class DeviceRule {
  private readonly targets = new Map<string, number>();

  /**
   * rejects reports whether the entry is left out. `parentDev` is the device of the directory being
   * listed; the walker passes undefined for a backup target, whose device then becomes the allowed device
   * for everything below it. A path below no known target is compared with its parent's device.
   */
  rejects(path: string, isDirectory: boolean, dev: number, parentDev: number | undefined): boolean {
    const clean = cleanPath(path);
    if (parentDev === undefined) {
      this.targets.set(clean, dev);
      return false;
    }
    const allowed = this.targetDevice(clean) ?? parentDev;
    if (dev === allowed) return false;
    if (!isDirectory) return true;
    return parentDev !== allowed;
  }

  private targetDevice(path: string): number | undefined {
    for (let dir = path; ; dir = dirname(dir)) {
      const dev = this.targets.get(dir);
      if (dev !== undefined) return dev;
      if (dir === dirname(dir)) return undefined;
    }
  }
}
