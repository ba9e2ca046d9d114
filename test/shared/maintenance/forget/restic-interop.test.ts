// The acceptance test: over a history written by real restic 0.14, our forget decisions must equal
// `restic forget --dry-run --json` for many policies — the same groups, the same snapshots kept and removed
// in the same order, the same reasons and counters, the same JSON down to field order.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatForgetJson, parseForgetOptions, planForget, type SnapshotEntry,
} from '../../../../shared/maintenance/forget/index.js';
import { seededRandom, writeHistory } from './history.js';
import { createResticRepo, type ResticRepo } from '../../../support/restic.js';

type RawPolicy = Record<string, string | string[]>;

const SEED = 20140;

const HAND_PICKED: RawPolicy[] = [
  { keepLast: '5' }, { keepHourly: '10' }, { keepDaily: '7' }, { keepWeekly: '8' }, { keepMonthly: '12' }, { keepYearly: '3' },
  { keepWithin: '1m' }, { keepWithin: '1y' }, { keepWithin: '2d12h' }, { keepWithin: '29d' },
  { keepWithinHourly: '3d' }, { keepWithinDaily: '10d' }, { keepWithinWeekly: '2m' }, { keepWithinMonthly: '1y6m' },
  { keepWithinYearly: '3y' },
  { keepTag: 'daily' }, { keepTag: ['a,z', 'manual'] }, { keepTag: '', keepLast: '1' },
  { keepLast: '2', keepDaily: '7', keepWeekly: '4', keepMonthly: '6', keepYearly: '2' },
  { keepLast: '3', keepWithin: '1m', keepTag: 'manual', keepWithinDaily: '1y', keepHourly: '5' },
  { groupBy: 'host', keepDaily: '5' }, { groupBy: 'tags', keepLast: '3' }, { groupBy: '', keepWeekly: '10', keepWithin: '3m' },
  { groupBy: 'host,paths,tags', keepMonthly: '3' }, { groupBy: 'paths', keepYearly: '1', keepWithinWeekly: '6m' },
  { host: 'alpha', keepLast: '3' }, { tag: 'daily', keepWeekly: '2' }, { tag: '', keepLast: '2' },
  { host: ['beta', 'gamma'], tag: ['daily,manual', 'z'], keepYearly: '5' },
  { keepLast: '-1', keepDaily: '3' }, { keepHourly: '30', groupBy: '' }, { keepWeekly: '0x3', keepMonthly: '010' },
  { keepWithin: '1y', keepWithinHourly: '2d', keepWithinDaily: '1m', keepWithinWeekly: '1y', keepWithinMonthly: '2y', keepWithinYearly: '4y' },
  {},
];

function randomPolicies(count: number): RawPolicy[] {
  const random = seededRandom(SEED + 1);
  const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
  const duration = (): string => {
    const parts = [['y', int(0, 2)], ['m', int(0, 13)], ['d', int(0, 40)], ['h', int(0, 72)]] as const;
    const chosen = parts.filter(() => random() < 0.45);
    return (chosen.length > 0 ? chosen : [parts[2]]).map(([u, n]) => `${n || 1}${u}`).join('');
  };
  const rules: [string, () => string][] = [
    ['keepLast', () => String(int(1, 10))], ['keepHourly', () => String(int(1, 30))], ['keepDaily', () => String(int(1, 20))],
    ['keepWeekly', () => String(int(1, 12))], ['keepMonthly', () => String(int(1, 24))], ['keepYearly', () => String(int(1, 5))],
    ['keepWithin', duration], ['keepWithinHourly', duration], ['keepWithinDaily', duration], ['keepWithinWeekly', duration],
    ['keepWithinMonthly', duration], ['keepWithinYearly', duration],
    ['keepTag', () => ['daily', 'manual', 'a,z', '', 'daily,manual'][int(0, 4)] ?? 'daily'],
  ];
  const groupings = ['host,paths', 'host', 'paths', 'tags', '', 'host,tags', 'host,paths,tags'];
  const policies: RawPolicy[] = [];
  for (let i = 0; i < count; i++) {
    const policy: RawPolicy = {};
    for (let n = int(1, 4); n > 0; n--) {
      const [key, value] = rules[int(0, rules.length - 1)] ?? rules[0]!;
      policy[key] = value();
    }
    if (random() < 0.5) policy.groupBy = groupings[int(0, groupings.length - 1)] ?? '';
    if (random() < 0.15) policy.host = ['alpha', 'beta', 'gamma'][int(0, 2)] ?? 'alpha';
    if (random() < 0.15) policy.tag = ['daily', 'manual', 'z', ''][int(0, 3)] ?? '';
    policies.push(policy);
  }
  return policies;
}

function toFlags(policy: RawPolicy): string[] {
  return Object.entries(policy).flatMap(([key, value]) => {
    const flag = '--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
    return (Array.isArray(value) ? value : [value]).flatMap((v) => [flag, v]);
  });
}

/** Parses a `forget --json` text into groups keyed by their group fields (restic prints them in map order). */
function byGroup(text: string): Map<string, string> {
  const groups = text.trim() === '' ? [] : (JSON.parse(text) as Record<string, unknown>[]);
  return new Map(groups.map((g) => [JSON.stringify([g.host, g.paths, g.tags]), JSON.stringify(g)]));
}

describe('forget decisions equal restic 0.14 forget --dry-run --json', () => {
  let repo: ResticRepo;
  let history: SnapshotEntry[];

  before(async () => {
    repo = createResticRepo();
    history = await writeHistory(repo, SEED, Date.now());
  });
  after(() => repo?.cleanup());

  test('the generated history is usable as an oracle', () => {
    assert.ok(history.length >= 100, `only ${history.length} snapshots`);
    const instants = history.map((e) => Date.parse(e.snapshot.time));
    // restic lists snapshots in a random order, so two at the same instant would make it non-deterministic.
    assert.equal(new Set(instants).size, instants.length, 'two snapshots share an instant');
    assert.ok(instants.some((t) => t > Date.now()), 'no snapshot in the future');
    const offsets = new Set(history.map((e) => /(Z|[+-]\d\d:\d\d)$/.exec(e.snapshot.time)?.[1]));
    assert.ok(offsets.size >= 6, `only offsets ${[...offsets].join(' ')}`);
  });

  const policies = [...HAND_PICKED, ...randomPolicies(20)];
  for (const [i, policy] of policies.entries()) {
    test(`policy ${i}: ${toFlags(policy).join(' ') || '(empty)'}`, () => {
      const opts = parseForgetOptions(policy);
      const now = new Date();
      const theirs = repo.run(['forget', '--dry-run', '--json', ...toFlags(policy)]);
      const plan = planForget(history, opts, now);
      const ours = formatForgetJson(plan, opts.groupBy);

      const theirGroups = byGroup(theirs);
      const ourGroups = byGroup(ours);
      assert.deepEqual([...ourGroups.keys()].sort(), [...theirGroups.keys()].sort(), 'groups differ');
      for (const [key, theirGroup] of theirGroups) {
        const ourGroup = ourGroups.get(key) ?? '';
        // Structural comparison first for a readable diff, then the text for field order.
        assert.deepEqual(JSON.parse(ourGroup), JSON.parse(theirGroup), `group ${key}`);
        assert.equal(ourGroup, theirGroup, `group ${key}: field order`);
      }
      const theirRemoved = [...theirGroups.values()].flatMap((g) => (JSON.parse(g) as { remove: { id: string }[] | null }).remove ?? []);
      assert.deepEqual([...plan.remove].sort(), theirRemoved.map((s) => s.id).sort());
    });
  }
});
