import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CorruptDataError } from '../../../shared/core/errors.js';
import { generateMasterKey, masterKeyFromJson, masterKeyToJson } from '../../../shared/crypto/master-key.js';

const CLAMP = Buffer.from('ffffff0ffcffff0ffcffff0ffcffff0f', 'hex');

describe('master key', () => {
  test('generates distinct keys of the right sizes with r clamped', () => {
    const a = generateMasterKey();
    const b = generateMasterKey();
    assert.equal(a.encrypt.length, 32);
    assert.equal(a.macK.length, 16);
    assert.equal(a.macR.length, 16);
    assert.notDeepEqual(a.encrypt, b.encrypt);
    for (let i = 0; i < 16; i++) assert.equal((a.macR[i] ?? 0) & ~(CLAMP[i] ?? 0), 0, `r byte ${i} is clamped`);
  });

  test('round-trips through restic JSON in restic field order', () => {
    const key = generateMasterKey();
    const json = masterKeyToJson(key);
    assert.deepEqual(Object.keys(json), ['mac', 'encrypt']);
    assert.deepEqual(Object.keys(json.mac), ['k', 'r']);
    const back = masterKeyFromJson(JSON.parse(JSON.stringify(json)));
    assert.deepEqual(back.encrypt, key.encrypt);
    assert.deepEqual(back.macK, key.macK);
    assert.deepEqual(back.macR, key.macR);
  });

  test('reads the shape restic prints for `cat masterkey`', () => {
    const key = masterKeyFromJson({
      mac: { k: 'FA4aVNY52w2Y85sZ1VMQJw==', r: 'OsmMAhxPegCozTcNEIoTAA==' },
      encrypt: 'wJHlh3eaeLKDN4dLSUG3hrbp+KvOQ74pfRLme/Pr/I0=',
    });
    assert.equal(key.macK.toString('hex'), '140e1a54d639db0d98f39b19d5531027');
    assert.equal(key.encrypt.length, 32);
  });

  test('rejects malformed keys with CorruptDataError naming the field', () => {
    const good = masterKeyToJson(generateMasterKey());
    const cases: [unknown, RegExp][] = [
      [null, /not a JSON object/],
      [{ encrypt: good.encrypt }, /"mac" is missing/],
      [{ ...good, encrypt: good.encrypt.slice(0, -4) }, /"encrypt" has 30 bytes/],
      [{ ...good, mac: { ...good.mac, k: 'a-b_' } }, /"mac.k" is not base64/],
      [{ ...good, mac: { ...good.mac, r: Buffer.alloc(17, 1).toString('base64') } }, /"mac.r" has 17 bytes/],
      [{ ...good, encrypt: Buffer.alloc(32).toString('base64') }, /all zero/],
      [{ ...good, mac: { ...good.mac, k: Buffer.alloc(16).toString('base64') } }, /all zero/],
    ];
    for (const [input, message] of cases) {
      assert.throws(() => masterKeyFromJson(input), (err: unknown) => err instanceof CorruptDataError && message.test(err.message));
    }
  });
});
