// A snapshot's `time` as restic reads it: an instant plus the wall clock and UTC offset it was written with.
// restic (Go) keeps the offset of the parsed RFC 3339 string, and the forget policy buckets snapshots by
// that wall clock, so "2022-06-01T00:30:00+05:30" is a June 1 snapshot although it is May 31 in UTC.
// Instants keep nanoseconds because restic orders and compares snapshots at that precision.
import { CorruptDataError } from '../../core/index.js';
import { civilFromDays, daysFromCivil } from './civil.js';

/** The wall-clock fields of a snapshot time, as written, with the instant they denote. */
export interface SnapshotTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanosecond: number;
  /** The written UTC offset in seconds (east positive); 0 for `Z`. */
  offsetSeconds: number;
  /** The instant: whole seconds since 1970-01-01T00:00:00Z (plus `nanosecond`). */
  unixSeconds: number;
}

/** An instant at nanosecond precision. */
export interface Instant {
  unixSeconds: number;
  nanosecond: number;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;

/**
 * parseSnapshotTime reads an RFC 3339 time as restic writes it (`2022-01-01T10:00:00.123456789+02:00`).
 * Throws CorruptDataError when the string is not such a time; `what` names the snapshot in the message.
 */
export function parseSnapshotTime(text: string, what = 'snapshot'): SnapshotTime {
  const m = RFC3339.exec(text);
  if (m === null) throw new CorruptDataError(`${what}: time ${JSON.stringify(text)} is not an RFC 3339 time`);
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  // Go reads at most nine fraction digits and ignores the rest.
  const nanosecond = Number(((m[7] ?? '') + '000000000').slice(0, 9));
  const zone = m[8] ?? 'Z';
  const offsetSeconds =
    zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 3600 + Number(zone.slice(4, 6)) * 60);
  const days = daysFromCivil(year, month, day);
  const valid =
    month >= 1 && month <= 12 && day >= 1 && civilFromDays(days).day === day && hour < 24 && minute < 60 &&
    second < 60 && Math.abs(offsetSeconds) < 24 * 3600 && Number(zone.slice(4, 6) || 0) < 60;
  if (!valid) throw new CorruptDataError(`${what}: time ${JSON.stringify(text)} has a field out of range`);
  return {
    year, month, day, hour, minute, second, nanosecond, offsetSeconds,
    unixSeconds: days * 86400 + hour * 3600 + minute * 60 + second - offsetSeconds,
  };
}

/** wallClockAt returns the wall-clock fields of an instant seen from a fixed UTC offset. */
export function wallClockAt(instant: Instant, offsetSeconds: number): SnapshotTime {
  const local = instant.unixSeconds + offsetSeconds;
  const days = Math.floor(local / 86400);
  const secondOfDay = local - days * 86400;
  return {
    ...civilFromDays(days),
    hour: Math.floor(secondOfDay / 3600),
    minute: Math.floor((secondOfDay % 3600) / 60),
    second: secondOfDay % 60,
    nanosecond: instant.nanosecond,
    offsetSeconds,
    unixSeconds: instant.unixSeconds,
  };
}

/** instantFromDate converts a JS Date (millisecond precision) to an Instant. */
export function instantFromDate(date: Date): Instant {
  const ms = date.getTime();
  const unixSeconds = Math.floor(ms / 1000);
  return { unixSeconds, nanosecond: (ms - unixSeconds * 1000) * 1_000_000 };
}

/** compareInstants orders instants: negative when a is earlier than b, 0 when equal. */
export function compareInstants(a: Instant, b: Instant): number {
  return a.unixSeconds - b.unixSeconds || a.nanosecond - b.nanosecond;
}

/** Go's zero time.Time (0001-01-01T00:00:00Z): restic's "latest" when every snapshot lies in the future. */
export const ZERO_TIME: SnapshotTime = wallClockAt({ unixSeconds: daysFromCivil(1, 1, 1) * 86400, nanosecond: 0 }, 0);

/**
 * formatSnapshotTime writes a time the way Go's JSON encoder does (RFC 3339 with nanoseconds, trailing
 * fraction zeros trimmed, `Z` for a zero offset), which is how restic prints snapshots it has read.
 */
export function formatSnapshotTime(t: SnapshotTime): string {
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const fraction = t.nanosecond === 0 ? '' : '.' + pad(t.nanosecond, 9).replace(/0+$/, '');
  const abs = Math.abs(t.offsetSeconds);
  const zone =
    t.offsetSeconds === 0 ? 'Z' : `${t.offsetSeconds < 0 ? '-' : '+'}${pad(Math.floor(abs / 3600))}:${pad(Math.floor((abs % 3600) / 60))}`;
  return `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}T${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}${fraction}${zone}`;
}
