// A pattern is one restic exclude/include rule, compiled once and then tested against many paths. It is a
// `/`-separated list of globs (see glob.ts) plus `**`, which stands for any number of whole components. A
// pattern starting with `/` is anchored at the root; any other pattern may match at any depth. A pattern
// matches a path when it matches the path or one of its ancestors, so a pattern naming a directory also
// names everything below it. A leading `!` only marks the pattern as negated: what negation means is the
// business of pattern-list.ts, and a single pattern matches the same with or without it (as restic's
// filter.Match does). `$VAR` expansion belongs to the exclude-file reader, not here.
import { UsageError } from '../../shared/core/errors.js';
import { toLowerGo } from './case-fold.js';
import { compileGlob, GlobSyntaxError, type ComponentMatcher } from './glob.js';
import { cleanPath, ROOT, splitPath } from './path-parts.js';

/** How to compile a pattern. */
export interface PatternOptions {
  /** Compare case-insensitively (--iexclude, --iinclude): pattern and path are both lowercased. @default false */
  readonly caseInsensitive?: boolean;
  /** The flag the pattern came from, named in the UsageError for a malformed pattern. @default "pattern" */
  readonly flag?: string;
}

// "**" is kept apart from the globs: it is the only part that consumes a variable number of components.
const GLOBSTAR = 'globstar';
type Part = ComponentMatcher | typeof GLOBSTAR;

/** A compiled restic pattern. Create with compilePattern. */
export class Pattern {
  /** The pattern as given, `!` included. */
  readonly source: string;
  /** Whether it started with `!` (re-include in a list). */
  readonly negated: boolean;
  readonly caseInsensitive: boolean;
  /** Whether it is anchored at the root (starts with `/` after the `!`). */
  readonly absolute: boolean;
  // undefined for the empty pattern, which matches everything.
  private readonly parts: readonly Part[] | undefined;
  private readonly globstars: number;

  /** @internal use compilePattern */
  constructor(source: string, options: PatternOptions = {}) {
    this.source = source;
    this.caseInsensitive = options.caseInsensitive ?? false;
    let body = this.caseInsensitive ? toLowerGo(source) : source;
    this.negated = body.startsWith('!');
    if (this.negated) body = body.slice(1);
    if (source === '') {
      this.parts = undefined;
      this.absolute = false;
      this.globstars = 0;
      return;
    }
    // restic cleans the pattern, so "/a/", "/a//b" and "/x/../a" are "/a", "/a/b" and "/a". Cleaning "/"
    // yields the components ["/", ""], and the empty component counts as "**": "/" matches every absolute path.
    const components = splitPath(cleanPath(body));
    this.absolute = components[0] === ROOT;
    try {
      this.parts = components.map((c, i) =>
        c === '**' || c === '' ? GLOBSTAR : i === 0 && c === ROOT ? (name: string) => name === ROOT : compileGlob(c),
      );
    } catch (err) {
      if (!(err instanceof GlobSyntaxError)) throw err;
      throw new UsageError(
        `${options.flag ?? 'pattern'}: invalid pattern ${JSON.stringify(source)}: ${err.message}; ` +
          'escape a literal [, ], *, ? or \\ with a backslash',
        { cause: err },
      );
    }
    this.globstars = this.parts.filter((p) => p === GLOBSTAR).length;
  }

  /**
   * matches reports whether the path, or one of its ancestors, matches. The path is `/`-separated and
   * normally absolute; it is not cleaned (a trailing `/` leaves an empty last component). Negation is
   * ignored here. Throws a TypeError for an empty path, which no walker produces.
   */
  matches(path: string): boolean {
    if (this.parts === undefined) return true;
    return matchParts(this.parts, this.components(path), this.globstars, this.absolute);
  }

  /**
   * childMayMatch reports whether some path below `path` could match, so that restore --include knows
   * whether to enter a directory. Always true for a relative pattern (it may match at any depth). For an
   * absolute one, the path must agree with the pattern component by component as far as both go, and
   * anything may follow a `**`.
   */
  childMayMatch(path: string): boolean {
    if (this.parts === undefined) return true;
    const strs = this.components(path);
    if (!this.absolute) return true;
    const globstar = this.parts.indexOf(GLOBSTAR);
    const upTo = Math.min(strs.length, this.parts.length, globstar < 0 ? Infinity : globstar);
    for (let i = 0; i < upTo; i++) if (!(this.parts[i] as ComponentMatcher)(strs[i]!)) return false;
    return true;
  }

  private components(path: string): string[] {
    if (path === '') throw new TypeError('cannot match a pattern against an empty path');
    return splitPath(this.caseInsensitive ? toLowerGo(path) : path);
  }
}

/**
 * compilePattern compiles a restic pattern once for many matches. The empty pattern matches everything.
 * Throws a UsageError naming `options.flag` when a component is malformed (restic rejects the same ones
 * before a backup or restore starts).
 */
export function compilePattern(source: string, options: PatternOptions = {}): Pattern {
  return new Pattern(source, options);
}

/** match reports whether `path` or an ancestor matches the pattern (negation ignored); see Pattern.matches. */
export function match(pattern: string | Pattern, path: string): boolean {
  return (typeof pattern === 'string' ? compilePattern(pattern) : pattern).matches(path);
}

/** childMayMatch reports whether something below `path` could match; see Pattern.childMayMatch. */
export function childMayMatch(pattern: string | Pattern, path: string): boolean {
  return (typeof pattern === 'string' ? compilePattern(pattern) : pattern).childMayMatch(path);
}

/** matchInsensitive is match ignoring case, as --iexclude and --iinclude compare. */
export function matchInsensitive(pattern: string, path: string): boolean {
  return compilePattern(pattern, { caseInsensitive: true }).matches(path);
}

/** childMayMatchInsensitive is childMayMatch ignoring case. */
export function childMayMatchInsensitive(pattern: string, path: string): boolean {
  return compilePattern(pattern, { caseInsensitive: true }).childMayMatch(path);
}

// The pattern matches when it matches a run of consecutive components: at the root for an absolute pattern,
// anywhere after the root marker for a relative one. The run need not reach the end of the path, which is
// what makes a match on a directory cover its contents.
function matchParts(parts: readonly Part[], strs: readonly string[], globstars: number, absolute: boolean): boolean {
  const first = absolute ? 0 : strs[0] === ROOT ? 1 : 0;
  const lastStart = absolute ? 0 : strs.length - 1;
  // A pattern of only "**" must still cover one component: restic expands "**" into 0..n "*" and an
  // expansion to nothing matches no path.
  if (globstars === parts.length) return strs.length > first;
  // With several "**" the same (part, component) pair is reached many ways; remember the failures.
  const failed = globstars > 1 ? new Uint8Array((parts.length + 1) * (strs.length + 1)) : undefined;
  const from = (p: number, s: number): boolean => {
    if (p === parts.length) return true;
    const key = p * (strs.length + 1) + s;
    if (failed?.[key]) return false;
    const part = parts[p]!;
    let ok = false;
    if (part === GLOBSTAR) {
      for (let k = s; k <= strs.length && !ok; k++) ok = from(p + 1, k);
    } else {
      ok = s < strs.length && part(strs[s]!) && from(p + 1, s + 1);
    }
    if (!ok && failed) failed[key] = 1;
    return ok;
  };
  for (let start = first; start <= lastStart; start++) if (from(0, start)) return true;
  return false;
}
