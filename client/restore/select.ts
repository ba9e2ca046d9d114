// restore's --include/--exclude flags turned into a selector, with restic's semantics: an excluded path
// and everything below it is skipped; with includes, only matching paths are restored, and directories are
// entered only if something below them may match.
import { createPatternMatcher } from '../filter/index.js';
import { UsageError } from '../../shared/core/index.js';
import { selectAll, type RestoreSelector } from './plan.js';

export interface RestoreFilterFlags {
  include?: string[];
  exclude?: string[];
  iinclude?: string[];
  iexclude?: string[];
}

export function restoreSelector(flags: RestoreFilterFlags): RestoreSelector {
  const includes = [...(flags.include ?? []), ...(flags.iinclude ?? [])];
  const excludes = [...(flags.exclude ?? []), ...(flags.iexclude ?? [])];
  if (includes.length > 0 && excludes.length > 0) throw new UsageError('restore takes --include or --exclude, not both');
  if (includes.length === 0 && excludes.length === 0) return selectAll;
  const matchers = (plain: string[] | undefined, folded: string[] | undefined) =>
    [createPatternMatcher(plain ?? [], { caseInsensitive: false }), createPatternMatcher(folded ?? [], { caseInsensitive: true })];
  if (excludes.length > 0) {
    const ex = matchers(flags.exclude, flags.iexclude);
    return (path) => {
      const excluded = ex.some((m) => m.matches(path));
      return { restore: !excluded, descend: !excluded };
    };
  }
  const inc = matchers(flags.include, flags.iinclude);
  return (path, isDir) => {
    const matched = inc.some((m) => m.matches(path));
    return { restore: matched, descend: isDir && (matched || inc.some((m) => m.childMayMatch(path))) };
  };
}
