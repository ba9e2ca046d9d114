import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CorruptDataError, hashId, UsageError } from '../../../shared/core/index.js';
import { compareNames, decodeTree, encodeTree, ZERO_GO_TIME, type TreeNode } from '../../../shared/format/index.js';

const ID_A = 'a'.repeat(64);
const ID_B = 'b'.repeat(64);

function file(name: string, extra: Partial<TreeNode> = {}): TreeNode {
  return {
    name, type: 'file', mode: 0o644, mtime: '2026-11-26T09:05:16.549262154Z', atime: '2026-11-26T09:05:16.549262154Z',
    ctime: '2026-11-26T09:05:16.549262154Z', uid: 0, gid: 0, user: 'root', group: 'root', inode: 2359651,
    device_id: 65024, size: 6, links: 1, content: [ID_A], ...extra,
  };
}

describe('encodeTree', () => {
  test('writes restic’s layout: compact, field order, omitempty, content always present, trailing newline', () => {
    const dir: TreeNode = {
      name: 'd', type: 'dir', mode: 2147484141, mtime: ZERO_GO_TIME, atime: ZERO_GO_TIME, ctime: ZERO_GO_TIME,
      uid: 1000, gid: 1000, content: null, subtree: ID_B,
    };
    const empty = file('e', { size: 0, content: [] });
    const out = encodeTree([file('f'), dir, empty]).toString();
    assert.equal(out,
      '{"nodes":[' +
      '{"name":"d","type":"dir","mode":2147484141,"mtime":"0001-01-01T00:00:00Z","atime":"0001-01-01T00:00:00Z",' +
      '"ctime":"0001-01-01T00:00:00Z","uid":1000,"gid":1000,"content":null,"subtree":"' + ID_B + '"},' +
      '{"name":"e","type":"file","mode":420,"mtime":"2026-11-26T09:05:16.549262154Z","atime":"2026-11-26T09:05:16.549262154Z",' +
      '"ctime":"2026-11-26T09:05:16.549262154Z","uid":0,"gid":0,"user":"root","group":"root","inode":2359651,' +
      '"device_id":65024,"links":1,"content":[]},' +
      '{"name":"f","type":"file","mode":420,"mtime":"2026-11-26T09:05:16.549262154Z","atime":"2026-11-26T09:05:16.549262154Z",' +
      '"ctime":"2026-11-26T09:05:16.549262154Z","uid":0,"gid":0,"user":"root","group":"root","inode":2359651,' +
      '"device_id":65024,"size":6,"links":1,"content":["' + ID_A + '"]}' +
      ']}\n');
  });

  test('an empty directory is {"nodes":[]}', () => {
    assert.equal(encodeTree([]).toString(), '{"nodes":[]}\n');
  });

  test('Go-quotes names and HTML-escapes every string as Go does', () => {
    const out = encodeTree([file('we<ird"\\name', { linktarget: 'a&b>c', error: 'x\u2028y\bz', extended_attributes: [{ name: 'user.<', value: Buffer.from('hi') }] })]).toString();
    assert.ok(out.includes('"name":"we\\u003cird\\\\\\"\\\\\\\\name"'), out);
    assert.ok(out.includes('"linktarget":"a\\u0026b\\u003ec"'));
    assert.ok(out.includes('"extended_attributes":[{"name":"user.\\u003c","value":"aGk="}]'));
    assert.ok(out.includes('"error":"x\\u2028y\\u0008z"'));
  });

  test('sorts by UTF-8 bytes, not UTF-16 code units, and does not reorder its input', () => {
    const names = ['\ufffd', '😀', 'b', 'B', 'a', 'é', '\u00ff'];
    const input = names.map((n) => file(n));
    const decoded = decodeTree(encodeTree(input)).map((n) => n.name);
    assert.deepEqual(decoded, ['B', 'a', 'b', 'é', '\u00ff', '\ufffd', '😀']);
    assert.deepEqual(input.map((n) => n.name), names);
    assert.ok(compareNames('\ufffd', '😀') < 0);
    assert.ok('\ufffd' > '😀', 'JS string order would have put the emoji first');
  });

  test('refuses two nodes with the same name', () => {
    assert.throws(() => encodeTree([file('x'), file('y'), file('x')]), UsageError);
  });

  test('round-trips random trees through decodeTree with identical bytes and IDs', () => {
    const alphabet = ['a', 'Z', ' ', '"', '\\', '<', '&', '\n', 'é', '日', '😀', '\u2028', '.'];
    for (let t = 0; t < 200; t++) {
      const seen = new Set<string>();
      const nodes: TreeNode[] = [];
      for (let i = 0; i < 1 + Math.floor(Math.random() * 8); i++) {
        let name = '';
        for (let j = 0; j < 1 + Math.floor(Math.random() * 6); j++) name += alphabet[Math.floor(Math.random() * alphabet.length)];
        if (seen.has(name)) continue;
        seen.add(name);
        nodes.push(file(name, { size: Math.floor(Math.random() * 2 ** 40), inode: Math.floor(Math.random() * 2 ** 50), uid: i }));
      }
      const bytes = encodeTree(nodes);
      const again = encodeTree(decodeTree(bytes));
      assert.equal(hashId(again), hashId(bytes));
    }
  });
});

describe('decodeTree', () => {
  test('unquotes names and reads absent/null fields as Go’s zero values', () => {
    const nodes = decodeTree(Buffer.from('{"nodes":[{"name":"a\\\\\\"b","type":"fifo","content":null,"uid":null}]}'));
    assert.deepEqual(nodes, [{
      name: 'a"b', type: 'fifo', mtime: ZERO_GO_TIME, atime: ZERO_GO_TIME, ctime: ZERO_GO_TIME,
      uid: 0, gid: 0, content: null,
    }]);
  });

  test('accepts any valid JSON layout, e.g. pretty-printed', () => {
    const pretty = JSON.stringify({ nodes: [{ name: 'x', type: 'file', content: [ID_A], size: 3 }] }, null, 2);
    assert.deepEqual(decodeTree(Buffer.from(pretty))[0]?.content, [ID_A]);
  });

  test('rejects malformed trees with a CorruptDataError that names the problem', () => {
    const cases: [string, RegExp][] = [
      ['not json', /invalid JSON/],
      ['[]', /not a JSON object/],
      ['{}', /missing field "nodes"/],
      ['{"nodes":{}}', /not a JSON array/],
      ['{"nodes":[{"type":"file"}]}', /no name/],
      ['{"nodes":[{"name":"x","type":"weird"}]}', /invalid type/],
      ['{"nodes":[{"name":"x","type":"file","content":["abc"]}]}', /content\[0\]: not an ID/],
      ['{"nodes":[{"name":"x","type":"dir","subtree":7}]}', /subtree: not an ID/],
      ['{"nodes":[{"name":"x","type":"file","mtime":"yesterday"}]}', /mtime: invalid time/],
      ['{"nodes":[{"name":"x","type":"file","size":-1}]}', /size: not an integer/],
      ['{"nodes":[{"name":"x","type":"file","uid":4294967296}]}', /uid: not an integer/],
      ['{"nodes":[{"name":"a\\"b","type":"file"}]}', /not Go-quoted/],
      ['{"nodes":[{"name":"x","type":"file","extended_attributes":[{"name":"n","value":"!!"}]}]}', /base64/],
    ];
    for (const [text, message] of cases) {
      assert.throws(() => decodeTree(Buffer.from(text)), (err: unknown) => err instanceof CorruptDataError && message.test(err.message), text);
    }
  });
});
