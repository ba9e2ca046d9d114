// Case folding for --iexclude/--iinclude. restic lowercases both the patterns and the paths with Go's
// strings.ToLower, which maps each code point on its own (unicode.ToLower). JavaScript's toLowerCase
// differs on a few characters (it is context-sensitive for final sigma and expands U+0130 to two code
// points), so fold code point by code point to get the same strings restic compares.

/** toLowerGo returns s lowercased the way Go's strings.ToLower does. */
export function toLowerGo(s: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(s)) return s.toLowerCase();
  let out = '';
  for (const c of s) {
    const lower = c.toLowerCase();
    // A multi-code-point result (only U+0130 İ → i + U+0307) keeps its base letter, as Go maps İ to i.
    out += String.fromCodePoint(lower.codePointAt(0)!);
  }
  return out;
}
