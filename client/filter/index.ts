// client/filter: restic's path patterns and backup's exclusion rules, for the backup walker and restore.
export { compilePattern, match, childMayMatch, matchInsensitive, childMayMatchInsensitive, Pattern } from './pattern.js';
export type { PatternOptions } from './pattern.js';
export { createPatternMatcher } from './pattern-list.js';
export type { PatternMatcher, PatternMatcherOptions } from './pattern-list.js';
export { readPatternFile } from './exclude-file.js';
export { expandEnv } from './expand-env.js';
export type { Env } from './expand-env.js';
export { createExcluder } from './excluder.js';
export type { Excluder, ExcluderOptions, ExcludeStat } from './excluder.js';
export { parseSize } from './size.js';
export { CACHEDIR_TAG, CACHEDIR_SIGNATURE, hasCacheDirTag } from './cache-tag.js';
