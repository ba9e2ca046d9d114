// Go's encoding/json string form. restic names trees by the SHA-256 of the exact JSON bytes Go wrote, so a
// writer that wants restic's tree IDs must escape strings as Go 1.19 does. That differs from JSON.stringify in
// three ways: `<`, `>`, `&` become \u003c \u003e \u0026 (json.Marshal's HTML-safe mode is always on);
// U+2028 and U+2029 become \u2028 \u2029; backspace and form feed are \u0008 and \u000c (Go added the short
// \b \f forms only in 1.22). The rest (\" \\ \n \r \t, other controls as lowercase \u00XX, raw non-ASCII) is
// what JSON.stringify already writes.

/** Anything that may need rewriting after JSON.stringify (may over-match an escaped backslash before b/f). */
const NEEDS_REWRITE = /[<>&\u2028\u2029]|\\[bf]/;
/** Escaped backslashes are consumed as pairs first, so `\\b` (backslash, letter b) is never taken for `\b`. */
const REWRITE = /\\\\|[<>&\u2028\u2029]|\\[bf]/g;

const REPLACEMENTS: Readonly<Record<string, string>> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
  '\\b': '\\u0008',
  '\\f': '\\u000c',
};

/**
 * goJsonEscape rewrites JSON text produced by JSON.stringify into the bytes Go 1.19's json.Marshal would have
 * produced for the same value. Exact because `<`, `>`, `&`, U+2028/9 and the \b \f escapes can only occur
 * inside string literals. Lone UTF-16 surrogates (impossible in names read from a Linux file system through
 * Node) are left as JSON.stringify writes them; Go would have written U+FFFD.
 */
export function goJsonEscape(json: string): string {
  if (!NEEDS_REWRITE.test(json)) return json;
  return json.replace(REWRITE, (m) => REPLACEMENTS[m] ?? m);
}

/** Printable ASCII that neither JSON nor Go escapes: such a string is its own JSON body. */
const VERBATIM = /^[\x20\x21\x23-\x25\x27-\x3b\x3d\x3f-\x5b\x5d-\x7e]*$/;

/** goJsonString returns `s` as a JSON string literal, quotes included, exactly as Go 1.19 writes it. */
export function goJsonString(s: string): string {
  // Tree encoding calls this ~8 times per node; most strings (times, user names, plain file names) need no
  // escaping, and one regex test is cheaper than JSON.stringify plus the rewrite check.
  if (VERBATIM.test(s)) return `"${s}"`;
  return goJsonEscape(JSON.stringify(s));
}
