// check opens blobs into a reused buffer (crypto's openReusing) instead of open: the plaintext and every
// failure must be the same, or check's findings would change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { generateMasterKey, open, openReusing, seal } from '../../../../shared/crypto/index.js';


function outcome(f: () => Buffer): string {
  try {
    return `ok ${f().toString('hex')}`;
  } catch (err) {
    return `${(err as Error).name}: ${(err as Error).message}`;
  }
}

test('openReusing returns what open returns, and fails where open fails, with the same error', () => {
  const key = generateMasterKey();
  const cases: [string, Uint8Array][] = [];
  for (const size of [0, 1, 65_535, 65_536, 200_000, 1_500_000]) {
    const sealed = seal(key, randomBytes(size));
    cases.push([`${size} bytes`, sealed]);
    const flipped = Buffer.from(sealed);
    flipped[Math.floor(sealed.length / 2)]! ^= 1;
    cases.push([`${size} bytes, a flipped byte`, flipped]);
  }
  cases.push(['too short', randomBytes(20)]);
  const zeroIv = Buffer.from(seal(key, randomBytes(100)));
  zeroIv.fill(0, 0, 16);
  cases.push(['zero IV', zeroIv]);
  let failures = 0;
  for (const [what, sealed] of cases) {
    const expected = outcome(() => open(key, sealed));
    if (!expected.startsWith('ok')) failures++;
    assert.equal(outcome(() => openReusing(key, sealed)), expected, what);
  }
  assert.ok(failures >= 7, 'the damaged cases do fail');
});
