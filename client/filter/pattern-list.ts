// A pattern list is what one flag family (--exclude, --iexclude, --include, --iinclude) adds up to, with
// restic 0.14's negation: the patterns are read in order, a plain pattern that matches sets "matched" and a
// `!pattern` that matches clears it, so the last matching pattern decides. Negation only re-includes what
// the list would otherwise match at that same path: a walker that never enters an excluded directory never
// asks about the paths below it, so `--exclude /a --exclude '!/a/keep'` still leaves /a/keep out of a
// backup (restic documents this; the directory itself must not be excluded).
import { compilePattern, type Pattern } from './pattern.js';

/** How to build a pattern matcher. */
export interface PatternMatcherOptions {
  /** Lowercase patterns and paths before comparing (--iexclude, --iinclude). */
  readonly caseInsensitive: boolean;
  /** Flag named in the UsageError for a malformed pattern. @default "pattern" */
  readonly flag?: string;
}

/** A compiled pattern list. */
export interface PatternMatcher {
  /** Whether the list selects `path` (the last matching pattern decides; false for an empty list). */
  matches(path: string): boolean;
  /**
   * Whether something below `path` may be selected, for deciding to enter a directory on restore
   * --include. A plain pattern contributes its Pattern.childMayMatch; a `!pattern` that matches `path`
   * itself clears it (restic's ListWithChild). False for an empty list.
   */
  childMayMatch(path: string): boolean;
}

/**
 * createPatternMatcher compiles the patterns once. Empty strings are skipped, as restic skips them.
 * Throws a UsageError naming `options.flag` for a malformed pattern.
 */
export function createPatternMatcher(patterns: readonly string[], options: PatternMatcherOptions): PatternMatcher {
  const flag = options.flag ?? 'pattern';
  const compiled = patterns.filter((p) => p !== '').map((p) => compilePattern(p, { caseInsensitive: options.caseInsensitive, flag }));
  const hasNegated = compiled.some((p) => p.negated);
  return {
    matches: (path) => evaluate(compiled, hasNegated, path, false).matched,
    childMayMatch: (path) => evaluate(compiled, hasNegated, path, true).childMayMatch,
  };
}

function evaluate(patterns: readonly Pattern[], hasNegated: boolean, path: string, withChild: boolean) {
  let matched = false;
  let childMayMatch = false;
  for (const pattern of patterns) {
    const m = pattern.matches(path);
    if (pattern.negated) {
      matched &&= !m;
      childMayMatch &&= !m;
      continue;
    }
    matched ||= m;
    childMayMatch ||= withChild ? pattern.childMayMatch(path) : true;
    // Without negated patterns nothing can turn either answer back to false.
    if (!hasNegated && matched && childMayMatch) break;
  }
  return { matched, childMayMatch };
}
