// Reading --exclude-file: restic's trimming, comments, blank lines, text encodings and $VAR expansion.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandEnv, readPatternFile } from '../../../client/filter/index.js';
import { UsageError } from '../../../shared/core/errors.js';

let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), 'cairn-exclude-file-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, data: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
};

describe('readPatternFile', () => {
  test('trims lines, skips blanks and # comments, keeps order', () => {
    const f = write('basic', '# comment\n\n  *.tmp  \r\n\t# indented comment\n/var/cache\n!keep.tmp\nfoo # not a comment\n \u00a0\n\u0085x\u0085');
    assert.deepEqual(readPatternFile(f, {}), ['*.tmp', '/var/cache', '!keep.tmp', 'foo # not a comment', 'x']);
  });
  test('expands $VAR and ${VAR}, unset variables to nothing, $$ to $', () => {
    const f = write('env', '$HOME/.cache\n${HOME}/x\n$UNSET/y\ncost$$\n${HOME}_z\n$HOME_z\n');
    assert.deepEqual(readPatternFile(f, { HOME: '/home/al' }), ['/home/al/.cache', '/home/al/x', '/y', 'cost$', '/home/al_z', '']);
  });
  test('drops a UTF-8 BOM and decodes UTF-16 with a BOM', () => {
    assert.deepEqual(readPatternFile(write('bom8', '\ufeff*.o\n'), {}), ['*.o']);
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('*.a\r\n/b\n', 'utf16le')]);
    assert.deepEqual(readPatternFile(write('le', le), {}), ['*.a', '/b']);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('*.ü\n', 'utf16le').swap16()]);
    assert.deepEqual(readPatternFile(write('be', be), {}), ['*.ü']);
  });
  test('an unreadable file is a UsageError naming the flag and the file', () => {
    const missing = join(dir, 'missing');
    assert.throws(() => readPatternFile(missing, {}, '--iexclude-file'), (err: unknown) =>
      err instanceof UsageError && err.message.startsWith('--iexclude-file: ') && err.message.includes(missing) && err.message.includes('ENOENT'),
    );
  });
});

describe('expandEnv follows Go os.Expand', () => {
  const env = { A: 'x', 'a b': 'sp', '1': 'one' };
  const cases: [string, string][] = [
    ['$A', 'x'],
    ['${A}', 'x'],
    ['$A$A', 'xx'],
    ['$', '$'], // a trailing dollar stays
    ['a$/b', 'a$/b'], // nothing nameable: the dollar stays
    ['${}x', 'x'], // bad syntax is eaten
    ['${A', 'A'], // unterminated: "${" is eaten
    ['${a b}', 'sp'],
    ['$1x', 'onex'], // one-character special names
    ['$$A', '$A'],
  ];
  for (const [input, want] of cases) test(`${input} → ${want}`, () => assert.equal(expandEnv(input, env), want));
});
