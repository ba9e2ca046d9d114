// Environment expansion in exclude files, with the rules of Go's os.Expand as restic calls it: `$NAME` and
// `${NAME}` are replaced by the variable (empty when unset), `$$` is a literal `$`, and the shell's special
// one-character names (`$1`, `$*`, ...) are looked up like any other. A `$` followed by nothing nameable
// stays, and the malformed `${}` / unterminated `${` are dropped, as Go does.

/** The environment a pattern file is expanded against (process.env in the CLI, a fixed map in tests). */
export type Env = Readonly<Record<string, string | undefined>>;

const SPECIAL = '*#$@!?-0123456789';
const isNameChar = (c: string): boolean => /[A-Za-z0-9_]/.test(c);

/** expandEnv replaces `$VAR`, `${VAR}` and `$$` in `s`; unset variables become "". */
export function expandEnv(s: string, env: Env): string {
  const lookup = (name: string): string => (name === '$' ? '$' : (env[name] ?? ''));
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c !== '$' || i + 1 >= s.length) {
      out += c;
      i++;
      continue;
    }
    const rest = s.slice(i + 1);
    const { name, width } = shellName(rest);
    if (name === '' && width === 0) out += '$'; // nothing nameable follows: keep the dollar
    else if (name !== '') out += lookup(name);
    // name === '' && width > 0: bad ${...} syntax, dropped
    i += 1 + width;
  }
  return out;
}

// The variable name at the start of `s` (just after a `$`) and how many characters it spans.
function shellName(s: string): { name: string; width: number } {
  if (s[0] === '{') {
    if (s.length > 2 && SPECIAL.includes(s[1]!) && s[2] === '}') return { name: s[1]!, width: 3 };
    const close = s.indexOf('}', 1);
    if (close === 1) return { name: '', width: 2 };
    if (close < 0) return { name: '', width: 1 };
    return { name: s.slice(1, close), width: close + 1 };
  }
  if (SPECIAL.includes(s[0]!)) return { name: s[0]!, width: 1 };
  let n = 0;
  while (n < s.length && isNameChar(s[n]!)) n++;
  return { name: s.slice(0, n), width: n };
}
