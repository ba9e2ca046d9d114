// The default layout: where each object of a restic repository lives, as a relative slash-separated path.
// Local directories and S3 prefixes use the same paths, so a repository copied object by object from one store
// to the other opens in restic unchanged.
import { isId, StorageError } from '../core/index.js';
import type { FileType } from './backend.js';

/**
 * objectPath returns the path of an object relative to the repository root: `config`, `keys/<id>`, …,
 * `data/<id[0:2]>/<id>`. Throws a permanent StorageError when `name` is not a valid name for `type` (a full
 * 64-hex ID, or the empty string for `config`), so a bad name can never address a file outside the layout.
 */
export function objectPath(type: FileType, name: string): string {
  if (type === 'config') {
    if (name !== '') throw new StorageError(`invalid name ${JSON.stringify(name)} for config: config has no name`, false);
    return 'config';
  }
  if (!isId(name)) throw new StorageError(`invalid ${type} name ${JSON.stringify(name)}: expected a 64-character hex ID`, false);
  return type === 'data' ? `data/${name.slice(0, 2)}/${name}` : `${type}/${name}`;
}

/** DATA_SUBDIRS lists the 256 `data/XX` folder names, `00` to `ff`, that restic's `init` creates. */
export const DATA_SUBDIRS: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
