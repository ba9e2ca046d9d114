// Pattern lists with restic 0.14's negation: (patterns, path, matches, childMayMatch) rows restated from
// restic's TestList, plus the --exclude / --iexclude examples of cmd/restic's exclude tests.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createPatternMatcher } from '../../../client/filter/index.js';
import { UsageError } from '../../../shared/core/errors.js';

type Row = readonly [patterns: string[], path: string, matches: boolean, childMayMatch: boolean];

const rows: Row[] = [
  [[], '/foo/bar/test.go', false, false],
  [['*.go'], '/foo/bar/test.go', true, true],
  [['*.go'], '/foo/bar', false, true],
  [['*.c'], '/foo/bar/test.go', false, true],
  [['*.go', '*.c'], '/foo/bar/test.go', true, true],
  [['*'], '/foo/bar/test.go', true, true],
  [['x'], '/foo/bar/test.go', false, true],
  [['?'], '/foo/bar/test.go', false, true],
  [['?', 'x'], '/foo/bar/x', true, true],
  [['/*/*/bar/test.*'], '/foo/bar/test.go', false, false],
  [['/*/*/bar/test.*'], '/foo/bar/bar', false, true],
  [['/*/*/bar/test.*', '*.go'], '/foo/bar/test.go', true, true],
  [['', '*.c'], '/foo/bar/test.go', false, true],
  [['!**', '*.go'], '/foo/bar/test.go', true, true],
  [['!**', '*.c'], '/foo/bar/test.go', false, true],
  [['/foo/*/test.*', '!*.c'], '/foo/bar/test.c', false, false],
  [['/foo/*/test.*', '!*.c'], '/foo/bar/test.go', true, true],
  [['/foo/*/*', '!test.*', '*.c'], '/foo/bar/test.go', false, true],
  [['/foo/*/*', '!test.*', '*.c'], '/foo/bar/test.c', true, true],
  [['/foo/*/*', '!test.*', '*.c'], '/foo/bar/file.go', true, true],
  [['/**/*', '!/foo', '/foo/*', '!/foo/bar'], '/foo/other/test.go', true, true],
  [['/**/*', '!/foo', '/foo/*', '!/foo/bar'], '/foo/bar', false, false],
  [['/**/*', '!/foo', '/foo/*', '!/foo/bar'], '/foo/bar/test.go', false, false],
  [['/**/*', '!/foo', '/foo/*', '!/foo/bar'], '/foo/bar/test.go/child', false, false],
  [['/**/*', '!/foo', '/foo/*', '!/foo/bar', '/foo/bar/test*'], '/foo/bar/test.go/child', true, true],
  [['/foo/bar/*'], '/foo', false, true],
  [['/foo/bar/*', '!/foo/bar/[a-m]*'], '/foo', false, true],
  [['/foo/**/test.c'], '/foo/bar/foo/bar/test.c', true, true],
  [['/foo/*/test.c'], '/foo/bar/foo/bar/test.c', false, false],
  // ours: the last matching pattern decides, in both directions
  [['!*.log', '*.log'], '/x/a.log', true, true],
  [['*.log', '!*.log'], '/x/a.log', false, false],
  [['/home/*', '!/home/keep'], '/home/keep/deep/file', false, false],
];

describe('pattern list', () => {
  for (const [patterns, path, matches, child] of rows) {
    test(`${JSON.stringify(patterns)} on ${path}: matches=${matches} childMayMatch=${child}`, () => {
      const m = createPatternMatcher(patterns, { caseInsensitive: false });
      assert.equal(m.matches(path), matches);
      assert.equal(m.childMayMatch(path), child);
    });
  }
});

describe('exclude examples from restic', () => {
  const patterns = ['*.go', 'README.md', '/home/user/foobar/*'];
  const cases: [string, boolean, boolean][] = [
    // path, excluded by --exclude, excluded by --iexclude
    ['/home/user/foo.go', true, true],
    ['/home/user/foo.GO', false, true],
    ['/home/user/foo.c', false, false],
    ['/home/user/foobar', false, false],
    ['/home/user/foobar/x', true, true],
    ['/home/user/FOObar/x', false, true],
    ['/home/user/README', false, false],
    ['/home/user/README.md', true, true],
    ['/home/user/readme.md', false, true],
  ];
  const exact = createPatternMatcher(patterns, { caseInsensitive: false });
  const folded = createPatternMatcher(patterns, { caseInsensitive: true });
  for (const [path, byExclude, byIexclude] of cases) {
    test(`${path}: --exclude ${byExclude}, --iexclude ${byIexclude}`, () => {
      assert.equal(exact.matches(path), byExclude);
      assert.equal(folded.matches(path), byIexclude);
    });
  }
});

test('a malformed pattern in the list is a UsageError naming the flag', () => {
  assert.throws(() => createPatternMatcher(['ok', 'bad/['], { caseInsensitive: false, flag: '--include' }), (err: unknown) =>
    err instanceof UsageError && /^--include: invalid pattern "bad\/\["/.test(err.message),
  );
});
