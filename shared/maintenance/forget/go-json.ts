// Two conventions of Go that restic's forget output inherits: encoding/json escapes <, > and & (and U+2028,
// U+2029) inside strings, and sort.Strings orders strings by their UTF-8 bytes, which is code point order,
// not the UTF-16 order of JS's default sort.

/** goJson is JSON.stringify with Go's HTML-safe escaping; same structure, byte-identical to encoding/json. */
export function goJson(value: unknown): string {
  // Outside strings JSON never contains these characters, so replacing them everywhere only touches strings.
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** compareGoStrings orders strings as Go's sort.Strings does: by code point (UTF-8 byte order). */
export function compareGoStrings(a: string, b: string): number {
  const ca = [...a];
  const cb = [...b];
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const d = (ca[i]?.codePointAt(0) ?? 0) - (cb[i]?.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return ca.length - cb.length;
}

/** sortedGo returns a sorted copy (Go's sort.Strings order); the input is left untouched. */
export function sortedGo(list: readonly string[]): string[] {
  return [...list].sort(compareGoStrings);
}
