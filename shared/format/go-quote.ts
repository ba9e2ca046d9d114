// Node names in restic trees are Go-quoted: restic runs strconv.Quote on the name, strips the outer quotes,
// and only then JSON-encodes it; on read it JSON-decodes and strconv.Unquotes. So a name `a"b\c` is stored as
// the JSON string "a\\\"b\\\\c". Tree IDs depend on these bytes, so quoting must match Go's exactly: `"` and
// `\` get a backslash, printable characters (Go's strconv.IsPrint: Unicode letters, marks, numbers,
// punctuation, symbols and the ASCII space) stay, \a \b \f \n \r \t \v use their letter escapes, other
// controls and DEL become \xHH, and other non-printable characters \uHHHH or \UHHHHHHHH (lowercase hex).
//
// Names are JS strings, so file names that are not valid UTF-8 (which Go would quote byte-wise as \xHH) are out
// of scope: the backup walker reads names as UTF-8. Reading a restic tree that holds such a name decodes the
// invalid bytes as U+FFFD (lossy, documented on goUnquoteName).
import { CorruptDataError, UsageError } from '../core/index.js';
import { isGoPrint } from './go-print.js';

/** Names made only of printable ASCII other than `"` and `\` are their own quoted form (the common case). */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

const LETTER_ESCAPES: Readonly<Record<number, string>> = {
  0x07: '\\a',
  0x08: '\\b',
  0x0c: '\\f',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  0x0b: '\\v',
  0x22: '\\"',
  0x5c: '\\\\',
};

/**
 * goQuoteName returns Go's strconv.Quote(name) without the surrounding quotes, as restic stores node names.
 * Throws UsageError for a string with a lone UTF-16 surrogate (not representable as UTF-8).
 */
export function goQuoteName(name: string): string {
  if (PLAIN.test(name)) return name;
  let out = '';
  for (const ch of name) {
    const cp = ch.codePointAt(0) as number;
    const letter = LETTER_ESCAPES[cp];
    if (letter !== undefined) out += letter;
    else if (cp >= 0x20 && cp < 0x7f) out += ch;
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + hex(cp, 2);
    else if (cp >= 0xd800 && cp <= 0xdfff) throw new UsageError(`name ${JSON.stringify(name)} is not valid Unicode`);
    else if (isGoPrint(cp)) out += ch;
    else if (cp < 0x10000) out += '\\u' + hex(cp, 4);
    else out += '\\U' + hex(cp, 8);
  }
  return out;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

const SIMPLE_UNESCAPES: Readonly<Record<string, number>> = {
  a: 0x07, b: 0x08, f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09, v: 0x0b, '\\': 0x5c, '"': 0x22,
};

/**
 * goUnquoteName reverses goQuoteName with Go's strconv.Unquote rules for a double-quoted string: the escapes
 * \a \b \f \n \r \t \v \\ \" \xHH \ooo (≤ 377) \uHHHH \UHHHHHHHH (valid code points only); a raw `"` or newline
 * or any other escape is an error (CorruptDataError), as it makes restic's tree decoding fail. \x and octal
 * escapes are bytes; if the bytes they produce are not valid UTF-8 (a non-UTF-8 file name stored by restic)
 * they decode to U+FFFD, so such a name cannot be restored byte-exactly.
 */
export function goUnquoteName(s: string): string {
  if (!s.includes('\\')) {
    if (s.includes('"') || s.includes('\n')) throw badName(s, 'unescaped quote or newline');
    return s;
  }
  const bytes: number[] = [];
  const enc = new TextEncoder();
  let i = 0;
  while (i < s.length) {
    const c = s[i] as string;
    if (c === '"' || c === '\n') throw badName(s, 'unescaped quote or newline');
    if (c !== '\\') {
      const cp = s.codePointAt(i) as number;
      const ch = String.fromCodePoint(cp);
      for (const b of enc.encode(ch)) bytes.push(b);
      i += ch.length;
      continue;
    }
    const e = s[i + 1];
    if (e === undefined) throw badName(s, 'trailing backslash');
    const simple = SIMPLE_UNESCAPES[e];
    if (simple !== undefined) {
      bytes.push(simple);
      i += 2;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const width = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const digits = s.slice(i + 2, i + 2 + width);
      if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== width) throw badName(s, `bad \\${e} escape`);
      const value = parseInt(digits, 16);
      if (e === 'x') bytes.push(value);
      else if (value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) throw badName(s, 'escape is not a valid code point');
      else for (const b of enc.encode(String.fromCodePoint(value))) bytes.push(b);
      i += 2 + width;
    } else if (e >= '0' && e <= '7') {
      const digits = s.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(digits)) throw badName(s, 'bad octal escape');
      const value = parseInt(digits, 8);
      if (value > 0xff) throw badName(s, 'octal escape above \\377');
      bytes.push(value);
      i += 4;
    } else {
      throw badName(s, `unknown escape \\${e}`);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function badName(s: string, problem: string): CorruptDataError {
  return new CorruptDataError(`node name ${JSON.stringify(s)} is not Go-quoted: ${problem}`);
}
