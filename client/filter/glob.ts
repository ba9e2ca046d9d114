// A glob is one path component of a restic pattern, matched the way Go's filepath.Match matches a single
// name: `*` any run of characters, `?` one character, `[...]` / `[^...]` a class of characters or ranges,
// `\c` the character c. Components never contain `/`, so the separator rules of filepath.Match do not arise.
// Characters are Unicode code points, as Go decodes runes.

/** One compiled component: tests a single path component (no `/`). */
export type ComponentMatcher = (name: string) => boolean;

type Token =
  | { readonly kind: 'literal'; readonly cp: number }
  | { readonly kind: 'any' }
  | { readonly kind: 'star' }
  | { readonly kind: 'class'; readonly negated: boolean; readonly ranges: readonly (readonly [number, number])[] };

/** Thrown by compileGlob for a malformed component; pattern.ts turns it into a UsageError naming the flag. */
export class GlobSyntaxError extends Error {
  constructor(readonly component: string) {
    super(`syntax error in pattern component ${JSON.stringify(component)}`);
    this.name = 'GlobSyntaxError';
  }
}

// The characters that make a component more than a literal; restic compares the others with ===.
const META = /[\\[\]*?]/;

/**
 * compileGlob compiles one component. It rejects exactly what Go's filepath.Match reports as
 * ErrBadPattern (a trailing `\`, an empty or unterminated class, a range end that is `-` or `]`), so a
 * pattern restic would refuse is refused here, at compile time rather than at the first path.
 */
export function compileGlob(component: string): ComponentMatcher {
  if (!META.test(component)) return (name) => name === component;
  const tokens = parse(component);
  return (name) => matchTokens(tokens, Array.from(name, (c) => c.codePointAt(0)!));
}

function parse(component: string): Token[] {
  const cps = Array.from(component, (c) => c.codePointAt(0)!);
  const bad = (): never => {
    throw new GlobSyntaxError(component);
  };
  const tokens: Token[] = [];
  let i = 0;
  // A class endpoint: possibly escaped, never a bare `-` or `]`, and never the last thing in the pattern
  // (an endpoint must be followed at least by the closing `]`).
  const endpoint = (): number => {
    let cp = cps[i];
    if (cp === undefined || cp === 0x2d /* - */ || cp === 0x5d /* ] */) bad();
    if (cp === 0x5c /* \ */) cp = cps[++i] ?? bad();
    i++;
    if (i >= cps.length) bad();
    return cp!;
  };
  while (i < cps.length) {
    const cp = cps[i]!;
    if (cp === 0x2a /* * */) {
      tokens.push({ kind: 'star' });
      i++;
    } else if (cp === 0x3f /* ? */) {
      tokens.push({ kind: 'any' });
      i++;
    } else if (cp === 0x5c /* \ */) {
      const next = cps[i + 1] ?? bad();
      tokens.push({ kind: 'literal', cp: next });
      i += 2;
    } else if (cp === 0x5b /* [ */) {
      i++;
      if (i >= cps.length) bad();
      const negated = cps[i] === 0x5e; /* ^ */
      if (negated) i++;
      const ranges: [number, number][] = [];
      for (;;) {
        if (cps[i] === 0x5d && ranges.length > 0) {
          i++;
          break;
        }
        const lo = endpoint();
        let hi = lo;
        if (cps[i] === 0x2d) {
          i++;
          hi = endpoint();
        }
        ranges.push([lo, hi]);
      }
      tokens.push({ kind: 'class', negated, ranges });
    } else {
      tokens.push({ kind: 'literal', cp });
      i++;
    }
  }
  return tokens;
}

function matchOne(token: Token, cp: number): boolean {
  switch (token.kind) {
    case 'literal':
      return token.cp === cp;
    case 'any':
      return true;
    case 'class':
      return token.ranges.some(([lo, hi]) => lo <= cp && cp <= hi) !== token.negated;
    case 'star':
      return false;
  }
}

// Every token but `*` consumes exactly one character, so remembering only the last star is enough: a
// later star can always absorb what an earlier one would have, which is why Go's chunk scan is also exact.
function matchTokens(tokens: readonly Token[], name: readonly number[]): boolean {
  let t = 0;
  let s = 0;
  let starAt = -1;
  let starResume = 0;
  while (s < name.length) {
    const token = tokens[t];
    if (token?.kind === 'star') {
      starAt = t++;
      starResume = s;
    } else if (token !== undefined && matchOne(token, name[s]!)) {
      t++;
      s++;
    } else if (starAt >= 0) {
      t = starAt + 1;
      s = ++starResume;
    } else {
      return false;
    }
  }
  while (tokens[t]?.kind === 'star') t++;
  return t === tokens.length;
}
