// Behaviour of single restic patterns, as tables of (pattern, path, expected) restated from restic 0.14's
// internal/filter tests, plus the glob syntax rules of Go's filepath.Match that restic inherits.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  childMayMatch,
  childMayMatchInsensitive,
  compilePattern,
  match,
  matchInsensitive,
} from '../../../client/filter/index.js';
import { UsageError } from '../../../shared/core/errors.js';

type Case = readonly [pattern: string, path: string, expected: boolean];

const matchCases: Case[] = [
  // the empty pattern matches anything
  ['', '', true],
  ['', 'foo', true],
  ['', '/x/y/z/foo', true],
  // a relative pattern matches at any depth
  ['*.go', '/foo/bar/test.go', true],
  ['*.c', '/foo/bar/test.go', false],
  ['*', '/foo/bar/test.go', true],
  ['**', '/foo/bar/test.go', true],
  ['foo*', '/foo/bar/test.go', true],
  ['bar*', '/foo/bar/test.go', true],
  ['/bar*', '/foo/bar/test.go', false],
  ['bar/*', '/foo/bar/test.go', true],
  ['baz/*', '/foo/bar/test.go', false],
  ['bar/test.go', '/foo/bar/test.go', true],
  ['bar/*.go', '/foo/bar/test.go', true],
  ['ba*/*.go', '/foo/bar/test.go', true],
  ['bb*/*.go', '/foo/bar/test.go', false],
  ['test.*', '/foo/bar/test.go', true],
  ['tesT.*', '/foo/bar/test.go', false],
  ['bar/*', '/foo/bar/baz', true],
  ['bar', '/foo/bar', true],
  // absolute patterns are cleaned, and anchored at the root
  ['/foo/bar', '/foo/bar', true],
  ['/foo/bar/', '/foo/bar', true],
  ['/foo/bar', '/foo/baz', false],
  ['/foo/bar', '/foo/baz/', false],
  ['/foo///bar', '/foo/bar', true],
  ['/foo/../bar', '/foo/bar', false],
  ['/foo/../bar', '/bar', true],
  // a pattern that matches a directory matches what is inside it
  ['/foo', '/foo/baz', true],
  ['/foo/', '/foo/baz', true],
  ['/foo/*', '/foo', false],
  ['/foo/*', '/foo/baz', true],
  ['bar', '/foo/bar/baz', true],
  ['bar', '/foo/bar/test.go', true],
  ['/foo/*test.*', '/foo/bar/test.go', false],
  ['/foo/*/test.*', '/foo/bar/test.go', true],
  ['/foo/*/bar/test.*', '/foo/bar/test.go', false],
  ['/*/*/bar/test.*', '/foo/bar/test.go', false],
  ['/*/*/bar/test.*', '/foo/bar/baz/test.go', false],
  ['/*/*/baz/test.*', '/foo/bar/baz/test.go', true],
  ['/*/foo/bar/test.*', '/foo/bar/baz/test.go', false],
  // relative paths: absolute patterns never match them, relative ones may start at the first component
  ['/foo/bar/test.*', 'bar/baz/test.go', false],
  ['/x/y/bar/baz/test.*', 'bar/baz/test.go', false],
  ['/x/y/bar/baz/test.c', 'bar/baz/test.go', false],
  ['baz/test.*', 'bar/baz/test.go', true],
  ['baz/tesT.*', 'bar/baz/test.go', false],
  ['test.go', 'bar/baz/test.go', true],
  ['*.go', 'bar/baz/test.go', true],
  ['*.c', 'bar/baz/test.go', false],
  ['sdk', '/foo/bar/sdk', true],
  ['sdk', '/foo/bar/sdk/test/sdk_foo.go', true],
  ['sdk/*/cpp/*/*vars*.html', '/usr/share/doc/libreoffice/sdk/docs/cpp/ref/a00517.html', false],
  // ** stands for zero or more whole components
  ['foo/**/bar/*.go', '/home/user/foo/work/special/project/bar/test.go', true],
  ['foo/**/bar/*.go', '/home/user/foo/bar/test.go', true],
  ['foo/**/bar/*.go', 'x/foo/bar/test.go', true],
  ['foo/**/bar/*.go', 'foo/bar/test.go', true],
  ['foo/**/bar/*.go', 'foo/bar/baz/bar/test.go', true],
  ['foo/**/bar/*.go', '/home/user/foo/test.c', false],
  ['foo/**/bar/*.go', 'bar/foo/main.go', false],
  ['foo/**/bar/*.go', '/foo/bar/main.go', true],
  ['foo/**/bar/*.go', 'bar/main.go', false],
  ['foo/**/bar', '/home/user/foo/x/y/bar', true],
  ['foo/**/bar', '/home/user/foo/x/y/bar/main.go', true],
  ['foo/**/bar/**/x', '/home/user/foo/bar/x', true],
  ['foo/**/bar/**/x', '/home/user/foo/blaaa/blaz/bar/shared/work/x', true],
  ['user/**/important*', '/home/user/work/x/y/hidden/x', false],
  ['user/**/hidden*/**/c', '/home/user/work/x/y/hidden/z/a/b/c', true],
  // on Linux "c:" is an ordinary first component of a relative pattern
  ['c:/foo/*test.*', 'c:/foo/bar/test.go', false],
  ['c:/foo', 'c:/foo/bar', true],
  ['c:/foo/', 'c:/foo/bar', true],
  ['c:/foo/*/test.*', 'c:/foo/bar/test.go', true],
  ['c:/foo/*/bar/test.*', 'c:/foo/bar/test.go', false],
  // cases of our own: "/" is the whole tree, a lone "!" is a harmless negated ".", ** at the root
  ['/', '/anything/below', true],
  ['/**', '/foo', true],
  ['/**/baz', '/foo/bar/baz', true],
  ['/**/baz', '/foo/bar/bazz', false],
  ['**/baz', '/baz', true],
  ['**/**', '/x', true],
  ['!foo', '/x/foo', true], // negation is the list's business; a single pattern ignores it
  ['*', '/', true], // "/" splits into the root and one empty component, which * matches
  ['./foo', '/x/foo', true],
];

const globCases: Case[] = [
  ['/home/[uU]ser/?.go', '/home/user/F.go', true],
  ['/home/[uU]ser/?.go', '/home/User/Fx.go', false],
  ['[^a-c]x', '/dx', true],
  ['[^a-c]x', '/bx', false],
  ['[!a]x', '/!x', true], // Go classes negate with ^ only; ! is an ordinary member
  ['[!a]x', '/bx', false],
  ['\\*', '/*', true],
  ['\\*', '/a', false],
  ['\\!keep', '/x/!keep', true],
  ['a]b', '/a]b', true],
  ['[\\]]', '/]', true],
  ['?', '/é', true], // ? is one character (code point), not one byte
  ['??', '/é', false],
  ['[à-ü]', '/é', true],
  ['*a*b*c', '/xaybzc', true],
  ['*a*b*c', '/xaybzcd', false],
  ['a*', '/a', true],
  ['*', '/x/', true],
];

describe('match', () => {
  for (const [pattern, path, expected] of [...matchCases, ...globCases]) {
    test(`${JSON.stringify(pattern)} ${expected ? 'matches' : 'does not match'} ${JSON.stringify(path)}`, () => {
      assert.equal(match(pattern, path), expected);
    });
  }
});

const childCases: Case[] = [
  ['', '', true],
  ['', '/foo', true],
  ['', '/x/y/z/foo', true],
  ['foo/bar', '/foo', true],
  ['baz/bar', '/foo', true],
  ['foo', '/foo/bar', true],
  ['bar', '/foo', true],
  ['baz', '/foo/bar', true],
  ['*', '/foo', true],
  ['*', '/foo/bar', true],
  ['/foo/bar', '/foo', true],
  ['/foo/bar/baz', '/foo', true],
  ['/foo/bar/baz', '/foo/bar', true],
  ['/foo/bar/baz', '/foo/baz', false],
  ['/foo/**/baz', '/foo/bar/baz', true],
  ['/foo/**/baz', '/foo/bar/baz/blah', true],
  ['/foo/**/qux', '/foo/bar/baz/qux', true],
  ['/foo/**/qux', '/foo/bar/baz', true],
  ['/foo/**/qux', '/foo/bar/baz/boo', true],
  ['/foo/**', '/foo/bar/baz', true],
  ['/foo/**', '/foo/bar', true],
  ['foo/**/bar/**/x', '/home/user/foo', true],
  ['foo/**/bar/**/x', '/home/user/foo/bar', true],
  ['foo/**/bar/**/x', '/home/user/foo/blaaa/blaz/bar/shared/work/x', true],
  ['/foo/*/qux', '/foo/bar', true],
  ['/foo/*/qux', '/foo/bar/boo', false],
  ['/foo/*/qux', '/foo/bar/boo/xx', false],
  ['/baz/bar', '/foo', false],
  ['/foo', '/foo/bar', true],
  ['/*', '/foo', true],
  ['/*', '/foo/bar', true],
  ['/**', '/foo', true],
  ['/*/**', '/foo', true],
  ['/*/**', '/foo/bar', true],
  ['/*/bar', '/foo', true],
  ['/bar/*', '/foo', false],
  ['/foo/*/baz', '/foo/bar', true],
  ['/foo/*/baz', '/foo/baz', true],
  ['/foo/*/baz', '/bar/baz', false],
  ['/**/*', '/foo', true],
  ['/**/bar', '/foo/bar', true],
  // ours: the components before a ** must still agree
  ['/foo/**/x', '/bar/baz', false],
];

describe('childMayMatch', () => {
  for (const [pattern, path, expected] of childCases) {
    test(`below ${JSON.stringify(path)} ${expected ? 'may' : 'cannot'} match ${JSON.stringify(pattern)}`, () => {
      assert.equal(childMayMatch(pattern, path), expected);
    });
  }
});

describe('case-insensitive patterns', () => {
  test('lowercase both sides, like --iexclude', () => {
    assert.equal(matchInsensitive('*.GO', '/home/user/foo.go'), true);
    assert.equal(matchInsensitive('/home/user/foobar/*', '/home/user/FOObar/x'), true);
    assert.equal(matchInsensitive('README.md', '/home/user/readme.MD'), true);
    assert.equal(matchInsensitive('README.md', '/home/user/README'), false);
    assert.equal(match('*.GO', '/home/user/foo.go'), false);
  });
  test('fold class ranges too, since the pattern text is lowercased', () => {
    assert.equal(matchInsensitive('[A-C]x', '/bX'), true);
  });
  test('fold non-ASCII per code point as Go does (İ to i, final Σ to σ)', () => {
    assert.equal(matchInsensitive('/İ', '/i'), true);
    assert.equal(matchInsensitive('ΟΔΟΣ', '/οδοσ'), true);
  });
  test('childMayMatch folds as well', () => {
    assert.equal(childMayMatchInsensitive('/Foo/bar', '/FOO'), true);
    assert.equal(childMayMatchInsensitive('/Foo/bar', '/baz'), false);
  });
});

describe('malformed patterns', () => {
  const invalid = ['test/[', 'test/**/[', 'a\\', '[]', '[]a]', '[^]', '[a-]', '[-a]', '[a', '[a-b', 'x/[z-'];
  for (const pattern of invalid) {
    test(`${JSON.stringify(pattern)} is a UsageError naming the flag`, () => {
      assert.throws(
        () => compilePattern(pattern, { flag: '--exclude' }),
        (err: unknown) => err instanceof UsageError && err.message.startsWith('--exclude: ') && err.message.includes(JSON.stringify(pattern)),
      );
    });
  }
  test('a path must not be empty', () => {
    assert.throws(() => match('test', ''), TypeError);
    assert.throws(() => childMayMatch('test', ''), TypeError);
  });
});

test('a compiled pattern reports what it is', () => {
  const p = compilePattern('!/home/*/cache', { caseInsensitive: true });
  assert.deepEqual([p.negated, p.absolute, p.caseInsensitive, p.source], [true, true, true, '!/home/*/cache']);
  assert.equal(p.matches('/HOME/alice/Cache/x'), true);
});
