// The excluder is everything `backup` uses to leave paths out, assembled from restic's flags: patterns
// (--exclude, --iexclude and the files behind --exclude-file, --iexclude-file), cache directories
// (--exclude-caches), big files (--exclude-larger-than) and other file systems (--one-file-system), plus
// the repository cache. A path is left out as soon as any rule says so. The walker asks in restic's order:
// by path before lstat, by stat after it, and never descends into a directory it left out.
import { basename, dirname } from 'node:path/posix';
import { CACHEDIR_TAG, hasCacheDirTag, hasCacheDirTagSync, type WarningSink } from './cache-tag.js';
import { DeviceRule } from './device-rule.js';
import { readPatternFile } from './exclude-file.js';
import type { Env } from './expand-env.js';
import { cleanPath, splitPath } from './path-parts.js';
import { compilePattern } from './pattern.js';
import { createPatternMatcher, type PatternMatcher } from './pattern-list.js';

/** backup's exclusion flags, already split into lists. */
export interface ExcluderOptions {
  readonly excludes: readonly string[];
  readonly iexcludes: readonly string[];
  /** Pattern files; their patterns follow `excludes`, in order, which matters for `!` patterns. */
  readonly excludeFiles: readonly string[];
  readonly iexcludeFiles: readonly string[];
  readonly excludeCaches: boolean;
  /** Files (never directories) larger than this many bytes are left out; see parseSize. @default no limit */
  readonly excludeLargerThan?: number;
  readonly oneFileSystem: boolean;
  /** Environment for `$VAR` in pattern files. */
  readonly env: Env;
  /** The repository cache directory, which is never backed up (as restic skips its own). @default none */
  readonly cacheDir?: string;
  /** Warnings about CACHEDIR.TAG files that exist but do not count. @default ignored */
  readonly onWarning?: WarningSink;
}

/** The stat fields the excluder needs. */
export interface ExcludeStat {
  readonly isDirectory: boolean;
  readonly size: number;
  readonly dev: number;
}

/** Answers the backup walker's questions; paths are absolute and `/`-separated. */
export interface Excluder {
  /**
   * excludeByPath is asked before lstat. True when a pattern list selects the path, when it lies in the
   * repository cache, or (with --exclude-caches) when its directory is a tagged cache and it is not the
   * tag file itself. The cache check costs one lstat per directory, remembered; none when the walker
   * called excludeDirByContents on the directory first.
   */
  excludeByPath(path: string): boolean;
  /**
   * excludeByStat is asked after lstat. True for a non-directory larger than excludeLargerThan, and with
   * --one-file-system for an entry off its target's device (mount point directories excepted; see
   * device-rule.ts). `parentDev` is the listed directory's device; pass undefined for a backup target,
   * and ask about a target before anything below it.
   */
  excludeByStat(path: string, stat: ExcludeStat, parentDev?: number): boolean;
  /**
   * excludeDirByContents is asked about a directory before listing it; true would drop the directory
   * itself. Under restic 0.14's rules it resolves false: a tagged cache directory is kept with its
   * CACHEDIR.TAG, and only its other entries go (excludeByPath says so). Calling it lets the excluder
   * look for the tag without blocking the event loop. Never rejects.
   */
  excludeDirByContents(dirPath: string): Promise<boolean>;
}

/**
 * createExcluder reads the pattern files and compiles every pattern. Throws a UsageError naming the flag
 * for an unreadable pattern file or a malformed pattern, before any path is walked.
 */
export function createExcluder(opts: ExcluderOptions): Excluder {
  const plain = patternList(opts.excludes, opts.excludeFiles, opts.env, false, '--exclude', '--exclude-file');
  const folded = patternList(opts.iexcludes, opts.iexcludeFiles, opts.env, true, '--iexclude', '--iexclude-file');
  const cacheDir = opts.cacheDir === undefined ? undefined : splitPath(cleanPath(opts.cacheDir));
  const warn = opts.onWarning ?? (() => {});
  const tagged = new Map<string, boolean>();
  const devices = opts.oneFileSystem ? new DeviceRule() : undefined;
  const maxSize = opts.excludeLargerThan;

  const inTaggedDir = (path: string): boolean => {
    if (basename(path) === CACHEDIR_TAG) return false;
    const dir = dirname(path);
    let isCache = tagged.get(dir);
    if (isCache === undefined) tagged.set(dir, (isCache = hasCacheDirTagSync(dir, warn)));
    return isCache;
  };

  return {
    excludeByPath(path) {
      return (
        (folded?.matches(path) ?? false) ||
        (plain?.matches(path) ?? false) ||
        (cacheDir !== undefined && hasPrefix(cacheDir, splitPath(cleanPath(path)))) ||
        (opts.excludeCaches && inTaggedDir(path))
      );
    },
    excludeByStat(path, stat, parentDev) {
      // The device rule goes first because it also records the devices of targets.
      const offDevice = devices?.rejects(path, stat.isDirectory, stat.dev, parentDev) ?? false;
      return offDevice || (maxSize !== undefined && !stat.isDirectory && stat.size > maxSize);
    },
    async excludeDirByContents(dirPath) {
      if (opts.excludeCaches && !tagged.has(dirPath)) tagged.set(dirPath, await hasCacheDirTag(dirPath, warn));
      return false;
    },
  };
}

// One flag family: the command-line patterns, then each file's patterns. Returns undefined when empty.
function patternList(
  patterns: readonly string[],
  files: readonly string[],
  env: Env,
  caseInsensitive: boolean,
  flag: string,
  fileFlag: string,
): PatternMatcher | undefined {
  const fromFiles = files.flatMap((f) => readPatternFile(f, env, fileFlag));
  // Checked on their own first so that a bad pattern from a file is blamed on the file flag, as restic does.
  for (const p of fromFiles) if (p !== '') compilePattern(p, { caseInsensitive, flag: fileFlag });
  const all = [...patterns, ...fromFiles];
  return all.length === 0 ? undefined : createPatternMatcher(all, { caseInsensitive, flag });
}

function hasPrefix(base: readonly string[], path: readonly string[]): boolean {
  return base.length <= path.length && base.every((c, i) => c === path[i]);
}
