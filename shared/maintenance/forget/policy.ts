// The forget policy: which snapshots of a group to keep, and why. A snapshot is kept when any rule matches —
// a --keep-tag list, --keep-within, a counting rule (last/hourly/daily/weekly/monthly/yearly) whose bucket
// is new and whose count is not used up, or a --keep-within-<period> rule — and every matching rule is
// recorded, in restic 0.14's order, with the counters left afterwards. Pure: "now" is an argument.
import {
  dayBucket, hourBucket, lastBucket, monthBucket, weekBucket, yearBucket, type Bucketer,
} from './buckets.js';
import { addDate } from './civil.js';
import { formatDuration, isZeroDuration, ZERO_DURATION, type Duration } from './duration.js';
import { filterSnapshots, groupSnapshots, hasTags } from './group.js';
import { isEmptyPolicy, type CountKey, type ExpirePolicy, type ForgetOptions, type WithinKey } from './options.js';
import {
  compareInstants, instantFromDate, parseSnapshotTime, ZERO_TIME, type Instant, type SnapshotTime,
} from './snapshot-time.js';
import type { ExpireResult, ForgetGroup, KeepCounters, SnapshotEntry } from './types.js';

/**
 * findLatest returns restic's reference point for --keep-within*: the newest snapshot time strictly before
 * `now`. Snapshots dated in the future are ignored; if all are, it is Go's zero time (year 1), so every
 * snapshot counts as "within".
 */
export function findLatest(times: readonly SnapshotTime[], now: Instant): SnapshotTime {
  let latest = ZERO_TIME;
  for (const t of times) {
    if (compareInstants(t, latest) > 0 && compareInstants(t, now) < 0) latest = t;
  }
  return latest;
}

/**
 * withinThreshold is the instant a snapshot must be strictly after to be "within" `d` of `latest`: Go's
 * `latest.AddDate(-y, -m, -d)` on the wall clock in latest's own offset, then minus `d.hours` real hours.
 * (restic would use its process's zone rules instead when that zone has latest's offset at that instant;
 * only a DST change inside the span makes that differ, by the DST shift.)
 */
export function withinThreshold(latest: SnapshotTime, d: Duration): Instant {
  const days = addDate(latest, -d.years, -d.months, -d.days);
  const secondOfDay = latest.hour * 3600 + latest.minute * 60 + latest.second;
  return {
    unixSeconds: days * 86400 + secondOfDay - latest.offsetSeconds - d.hours * 3600,
    nanosecond: latest.nanosecond,
  };
}

const COUNT_RULES: readonly { key: CountKey; counter: keyof KeepCounters; bucket: Bucketer; reason: string }[] = [
  { key: 'keepLast', counter: 'last', bucket: lastBucket, reason: 'last snapshot' },
  { key: 'keepHourly', counter: 'hourly', bucket: hourBucket, reason: 'hourly snapshot' },
  { key: 'keepDaily', counter: 'daily', bucket: dayBucket, reason: 'daily snapshot' },
  { key: 'keepWeekly', counter: 'weekly', bucket: weekBucket, reason: 'weekly snapshot' },
  { key: 'keepMonthly', counter: 'monthly', bucket: monthBucket, reason: 'monthly snapshot' },
  { key: 'keepYearly', counter: 'yearly', bucket: yearBucket, reason: 'yearly snapshot' },
];

const WITHIN_RULES: readonly { key: WithinKey; bucket: Bucketer; reason: string }[] = [
  { key: 'keepWithinHourly', bucket: hourBucket, reason: 'hourly within' },
  { key: 'keepWithinDaily', bucket: dayBucket, reason: 'daily within' },
  { key: 'keepWithinWeekly', bucket: weekBucket, reason: 'weekly within' },
  { key: 'keepWithinMonthly', bucket: monthBucket, reason: 'monthly within' },
  { key: 'keepWithinYearly', bucket: yearBucket, reason: 'yearly within' },
];

/**
 * applyExpirePolicy decides one group, as restic's ApplyPolicy: snapshots are sorted newest first (stable,
 * so equal times keep input order), an empty policy keeps all ("policy is empty"), otherwise each snapshot
 * is kept iff some rule matches. Throws CorruptDataError on an unparseable snapshot time.
 */
export function applyExpirePolicy(list: readonly SnapshotEntry[], policy: ExpirePolicy, now: Date): ExpireResult {
  const timed = list.map((entry) => ({ entry, time: parseSnapshotTime(entry.snapshot.time, `snapshot ${entry.id}`) }));
  timed.sort((a, b) => compareInstants(b.time, a.time));
  const result: ExpireResult = { keep: [], remove: [], reasons: [] };
  if (isEmptyPolicy(policy)) {
    for (const { entry } of timed) {
      result.keep.push(entry);
      result.reasons.push({ snapshot: entry, matches: ['policy is empty'], counters: {} });
    }
    return result;
  }
  if (timed.length === 0) return result;

  const latest = findLatest(timed.map((t) => t.time), instantFromDate(now));
  const thresholdOf = (d: Duration | undefined): Instant | undefined =>
    d === undefined || isZeroDuration(d) ? undefined : withinThreshold(latest, d);
  const within = thresholdOf(policy.keepWithin);
  const withinLabel = `within ${formatDuration(policy.keepWithin ?? ZERO_DURATION)}`;
  const counts = COUNT_RULES.map((rule) => ({ ...rule, count: policy[rule.key], last: -1 }));
  const withins = WITHIN_RULES.map((rule) => {
    const d = policy[rule.key];
    return { ...rule, threshold: thresholdOf(d), label: `${rule.reason} ${formatDuration(d ?? ZERO_DURATION)}`, last: -1 };
  });

  timed.forEach(({ entry, time }, position) => {
    const matches: string[] = [];
    // Tag lists are not counted: every matching list is a reason of its own.
    for (const list of policy.keepTags) {
      if (hasTags(entry, list)) matches.push(`has tags [${list.join(', ')}]`);
    }
    if (within !== undefined && compareInstants(time, within) > 0) matches.push(withinLabel);
    for (const rule of counts) {
      if (rule.count <= 0) continue;
      const value = rule.bucket(time, position);
      if (value !== rule.last) {
        rule.last = value;
        rule.count--;
        matches.push(rule.reason);
      }
    }
    for (const rule of withins) {
      if (rule.threshold === undefined || compareInstants(time, rule.threshold) <= 0) continue;
      const value = rule.bucket(time, position);
      if (value !== rule.last) {
        rule.last = value;
        matches.push(rule.label);
      }
    }
    if (matches.length === 0) {
      result.remove.push(entry);
      return;
    }
    const counters: KeepCounters = {};
    for (const rule of counts) if (rule.count !== 0) counters[rule.counter] = rule.count;
    result.keep.push(entry);
    result.reasons.push({ snapshot: entry, matches, counters });
  });
  return result;
}

/**
 * applyPolicy runs a whole forget decision: filter by hosts/tags/paths, group by opts.groupBy, then apply
 * the policy to each group. `now` only decides which snapshots are "in the future" for --keep-within*.
 */
export function applyPolicy(snapshots: readonly SnapshotEntry[], opts: ForgetOptions, now: Date): ForgetGroup[] {
  return groupSnapshots(filterSnapshots(snapshots, opts), opts.groupBy).map((group) => ({
    key: group.key,
    host: group.fields.hostname,
    paths: group.fields.paths,
    tags: group.fields.tags,
    ...applyExpirePolicy(group.snapshots, opts, now),
  }));
}
