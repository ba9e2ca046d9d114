// --exclude-larger-than sizes: restic's 1024-based units and its rejections.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSize } from '../../../client/filter/index.js';
import { UsageError } from '../../../shared/core/errors.js';

test('units are powers of 1024, either case, b for bytes', () => {
  const cases: [string, number][] = [
    ['512', 512],
    ['0', 0],
    ['1k', 1024],
    ['1K', 1024],
    ['2M', 2 * 1024 ** 2],
    ['3g', 3 * 1024 ** 3],
    ['4T', 4 * 1024 ** 4],
    ['100b', 100],
    ['7B', 7],
    ['+5k', 5120],
  ];
  for (const [input, want] of cases) assert.equal(parseSize(input), want, input);
});

test('anything else is a UsageError naming the flag', () => {
  for (const input of ['', 'k', '1.5k', '1kb', '1x', ' 1k', 'ten', '9999999999T']) {
    assert.throws(() => parseSize(input, '--exclude-larger-than'), (err: unknown) =>
      err instanceof UsageError && err.message.startsWith('--exclude-larger-than: ') && err.message.includes(JSON.stringify(input)),
    input);
  }
});
