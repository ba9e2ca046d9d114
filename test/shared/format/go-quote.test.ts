import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CorruptDataError, UsageError } from '../../../shared/core/index.js';
import { goQuoteName, goUnquoteName } from '../../../shared/format/index.js';
import { cleanup, OracleRepo, tempDir } from './restic-oracle.js';

describe('goQuoteName', () => {
  test('leaves plain printable names alone', () => {
    for (const name of ['a.txt', 'with space', 'x<y>&z', "it's", 'ünïcødé', '日本語', 'emoji😀']) {
      assert.equal(goQuoteName(name), name);
    }
  });

  test('escapes as Go’s strconv.Quote does', () => {
    assert.equal(goQuoteName('we<ird"\\name'), 'we<ird\\"\\\\name');
    assert.equal(goQuoteName('a\x07\b\f\n\r\t\vb'), 'a\\a\\b\\f\\n\\r\\t\\vb');
    assert.equal(goQuoteName('\x00\x01\x1f\x7f'), '\\x00\\x01\\x1f\\x7f');
    assert.equal(goQuoteName('\u0080\u00a0\u00ad\u200b\u2028\ufeff'), '\\u0080\\u00a0\\u00ad\\u200b\\u2028\\ufeff');
    assert.equal(goQuoteName('\ue000\u{f0000}\u{e0001}'), '\\ue000\\U000f0000\\U000e0001');
    // Assigned after Unicode 13 (Go 1.19's tables): escaped by restic 0.14 although Node knows them.
    assert.equal(goQuoteName('\u{1fae0}'), '\\U0001fae0');
  });

  test('refuses a lone surrogate, which no UTF-8 file name can produce', () => {
    assert.throws(() => goQuoteName('bad\ud800'), UsageError);
  });
});

describe('goUnquoteName', () => {
  test('reverses goQuoteName for random strings over awkward code points', () => {
    const pool = ['a', ' ', '"', '\\', '\n', '\x00', '\x7f', '\u00a0', 'é', '\u2028', '日', '😀', '\u{1fae0}', '\u{10ffff}', 'x', 'b'];
    for (let i = 0; i < 3000; i++) {
      let s = '';
      const len = Math.floor(Math.random() * 12);
      for (let j = 0; j < len; j++) s += pool[Math.floor(Math.random() * pool.length)];
      assert.equal(goUnquoteName(goQuoteName(s)), s, JSON.stringify(s));
    }
  });

  test('reads every Go escape form', () => {
    assert.equal(goUnquoteName('\\x41\\101\\u00e9\\U0001F600x'), 'AAé😀x');
    assert.equal(goUnquoteName('\\xc3\\xa9'), 'é');
  });

  test('decodes escaped bytes that are not UTF-8 as U+FFFD (non-UTF-8 names are out of scope)', () => {
    assert.equal(goUnquoteName('a\\xffb'), 'a\ufffdb');
  });

  test('rejects what strconv.Unquote rejects', () => {
    for (const bad of ['a"b', 'a\nb', 'trailing\\', '\\q', "\\'", '\\x4', '\\u12', '\\400', '\\12', '\\ud800', '\\U00110000']) {
      assert.throws(() => goUnquoteName(bad), CorruptDataError, JSON.stringify(bad));
    }
  });
});

// Every non-ASCII code point that Node's ICU knows as assigned (minus surrogates and private use), plus the
// ASCII controls, written as file names and backed up by restic 0.14: each quoted name in its tree must equal
// goQuoteName's. This is what pins Go 1.19's Unicode 13 "printable" set (go-print.ts) to restic's behaviour.
describe('goQuoteName against restic 0.14 on every assigned code point', () => {
  let dir: string;
  const names: string[] = [];
  let quoted: string[] = [];

  before(() => {
    dir = tempDir('quote');
    const src = join(dir, 'src');
    mkdirSync(src);
    const skip = /^[\p{Cs}\p{Co}\p{Cn}]$/u;
    let name = '';
    let bytes = 0;
    const flush = (): void => {
      names.push(`${String(names.length).padStart(5, '0')}_${name}`);
      name = '';
      bytes = 0;
    };
    for (let cp = 1; cp < 0x20; cp++) name += String.fromCodePoint(cp);
    name += '\x7f"\\';
    flush();
    for (let cp = 0x80; cp <= 0x10ffff; cp++) {
      if (cp === 0xd800) cp = 0xe000;
      const ch = String.fromCodePoint(cp);
      if (skip.test(ch)) continue;
      const size = Buffer.byteLength(ch);
      if (bytes + size > 240) flush();
      name += ch;
      bytes += size;
    }
    flush();
    for (const n of names) writeFileSync(join(src, n), '');
    const repo = OracleRepo.init(join(dir, 'repo'));
    repo.run(['backup', '-q', '.'], { cwd: src });
    const snapshot = JSON.parse(repo.plaintext('snapshots', repo.ids('snapshots')[0] as string).toString()) as { tree: string };
    const tree = JSON.parse(repo.blob(snapshot.tree).toString()) as { nodes: { name: string }[] };
    quoted = tree.nodes.map((n) => n.name);
  });

  after(() => cleanup(dir));

  test('quotes each name exactly as restic did and unquotes it back', () => {
    assert.equal(quoted.length, names.length);
    const mismatches: string[] = [];
    names.forEach((name, i) => {
      if (goQuoteName(name) !== quoted[i]) mismatches.push(`${name.slice(0, 5)}: ours ${goQuoteName(name)} restic ${quoted[i]}`);
      else assert.equal(goUnquoteName(quoted[i] as string), name);
    });
    assert.deepEqual(mismatches.slice(0, 5), [], `${mismatches.length} names differ (a newer Unicode in Node's ICU?)`);
  });
});
