import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDirNames } from '../../../client/backup/dir-names.js';
import { tempDir } from '../../support/tmp.js';

const byUtf8 = (names: string[]): string[] => names.slice().sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

function dirWith(names: (string | Buffer)[]): string {
  const dir = tempDir('cairn-dir-names-');
  for (const name of names) writeFileSync(Buffer.concat([Buffer.from(`${dir}/`), Buffer.from(name)]), '');
  return dir;
}

test('names come in UTF-8 byte order, also where UTF-16 order differs (above U+FFFF against U+E000…U+FFFF)', () => {
  const names = ['b', 'B', 'a', '\u{1F600}smile', '\uE000private', '\uFF21fullwidth', 'é', '10', '9'];
  const got = readDirNames(dirWith(names), () => assert.fail('no name is invalid'));
  assert.deepEqual(got, byUtf8(names));
  assert.ok(got.indexOf('\uFF21fullwidth') < got.indexOf('\u{1F600}smile'));
});

test('a name that is not UTF-8 is reported and left out; a real U+FFFD in a name is kept', () => {
  const bad = Buffer.from([0x62, 0x61, 0x64, 0xff]);
  const invalid: string[] = [];
  const got = readDirNames(dirWith(['ok', bad, 'real\uFFFDchar', '\u{1F600}']), (name) => invalid.push(name));
  assert.deepEqual(got, byUtf8(['ok', 'real\uFFFDchar', '\u{1F600}']));
  assert.deepEqual(invalid, ['bad\uFFFD']);
});

test('an unreadable directory throws, for the walk to report', () => {
  assert.throws(() => readDirNames(join(tempDir('cairn-dir-names-'), 'missing'), () => undefined), { code: 'ENOENT' });
});
