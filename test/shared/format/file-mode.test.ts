import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { constants } from 'node:fs';
import {
  GO_MODE_DIR, GO_MODE_STICKY, goModeFromStat, hasBit, nodeTypeFromStat, unixModeFromGoMode,
} from '../../../shared/format/index.js';

describe('Go FileMode', () => {
  test('goModeFromStat gives the modes restic 0.14 stores', () => {
    assert.equal(goModeFromStat(constants.S_IFREG | 0o644), 420);
    assert.equal(goModeFromStat(constants.S_IFDIR | 0o755), 2147484141);
    assert.equal(goModeFromStat(constants.S_IFDIR | 0o1777), 2148532735);
    assert.equal(goModeFromStat(constants.S_IFLNK | 0o777), 134218239);
    assert.equal(goModeFromStat(constants.S_IFIFO | 0o644), 33554852);
    assert.equal(goModeFromStat(constants.S_IFCHR | 0o666), 69206454);
    assert.equal(goModeFromStat(constants.S_IFBLK | 0o660), 2 ** 26 + 0o660);
    assert.equal(goModeFromStat(constants.S_IFSOCK | 0o755), 2 ** 24 + 0o755);
    assert.equal(goModeFromStat(constants.S_IFREG | 0o4755), 2 ** 23 + 0o755);
    assert.equal(goModeFromStat(constants.S_IFDIR | 0o2750), 2 ** 31 + 2 ** 22 + 0o750);
  });

  test('unixModeFromGoMode restores permissions with setuid, setgid and sticky, for every combination', () => {
    for (let perm = 0; perm < 0o10000; perm++) {
      for (const type of [constants.S_IFREG, constants.S_IFDIR, constants.S_IFCHR]) {
        assert.equal(unixModeFromGoMode(goModeFromStat(type | perm)), perm);
      }
    }
  });

  test('hasBit works for bit 31 where JS & is signed', () => {
    assert.ok(hasBit(2148532735, GO_MODE_DIR));
    assert.ok(hasBit(2148532735, GO_MODE_STICKY));
    assert.ok(!hasBit(420, GO_MODE_DIR));
  });

  test('nodeTypeFromStat names types as restic does', () => {
    assert.equal(nodeTypeFromStat(constants.S_IFREG), 'file');
    assert.equal(nodeTypeFromStat(constants.S_IFDIR), 'dir');
    assert.equal(nodeTypeFromStat(constants.S_IFLNK), 'symlink');
    assert.equal(nodeTypeFromStat(constants.S_IFBLK), 'dev');
    assert.equal(nodeTypeFromStat(constants.S_IFCHR), 'chardev');
    assert.equal(nodeTypeFromStat(constants.S_IFIFO), 'fifo');
    assert.equal(nodeTypeFromStat(constants.S_IFSOCK), 'socket');
    assert.equal(nodeTypeFromStat(0), undefined);
  });
});
