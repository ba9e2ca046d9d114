// Paths and patterns as lists of components, the shape restic's filter compares. An absolute path's first
// component is the root marker "/", so `/a/b` is ["/", "a", "b"] and `a/b` is ["a", "b"].

/** The first component of an absolute path. */
export const ROOT = '/';

/**
 * splitPath splits without cleaning, as restic does for the paths it tests: a trailing slash leaves an
 * empty last component, and "/" itself becomes ["/", ""].
 */
export function splitPath(path: string): string[] {
  const parts = path.split('/');
  if (parts[0] === '') parts[0] = ROOT;
  return parts;
}

/**
 * cleanPath is Go's filepath.Clean on a `/`-separated path, applied to patterns only: repeated and
 * trailing slashes and `.` go, `..` removes the component before it (or is dropped at the root), and an
 * empty result is ".".
 */
export function cleanPath(path: string): string {
  const rooted = path.startsWith('/');
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(segment);
  }
  const body = out.join('/');
  if (rooted) return '/' + body;
  return body === '' ? '.' : body;
}
