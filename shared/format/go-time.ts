// Go time strings. restic stores every time (snapshot, node mtime/atime/ctime, lock) as Go's RFC3339Nano text
// in the machine's local offset: `2026-11-26T09:05:16.549262154+02:00`, fraction trimmed of trailing zeros and
// left out when zero, `Z` for a zero offset. The offset and the nanoseconds are part of the data (forget buckets
// by the wall clock as written), so decoded structures keep the strings verbatim and only new times are
// formatted here. Times are BigInt nanoseconds since the Unix epoch because a JS number cannot hold them.
import { CorruptDataError } from '../core/index.js';
import { civilFromDays, daysFromCivil } from './civil-date.js';

/** The zero time.Time, which restic writes for unknown times. */
export const ZERO_GO_TIME = '0001-01-01T00:00:00Z';

const NS_PER_SECOND = 1_000_000_000n;
const SECONDS_PER_DAY = 86_400;

/**
 * formatGoTime writes an instant as Go's RFC3339Nano in the given offset (minutes east of UTC, whole minutes).
 * Years outside 0..9999 cannot be written by Go; like restic's FixTime for node times, the year is clamped and
 * the other fields kept (29 February moves to 1 March when the clamped year is not a leap year).
 */
export function formatGoTime(epochNs: bigint, offsetMinutes: number): string {
  if (!Number.isInteger(offsetMinutes) || Math.abs(offsetMinutes) >= 24 * 60) {
    throw new RangeError(`offset ${offsetMinutes} is not a whole number of minutes within ±24h`);
  }
  const wallNs = epochNs + BigInt(offsetMinutes) * 60n * NS_PER_SECOND;
  let seconds = wallNs / NS_PER_SECOND;
  let frac = wallNs % NS_PER_SECOND;
  if (frac < 0n) {
    frac += NS_PER_SECOND;
    seconds -= 1n;
  }
  const secs = Number(seconds);
  const days = Math.floor(secs / SECONDS_PER_DAY);
  const secOfDay = secs - days * SECONDS_PER_DAY;
  let { year, month, day } = civilFromDays(days);
  if (year < 0 || year > 9999) {
    year = year < 0 ? 0 : 9999;
    if (month === 2 && day === 29 && !isLeapYear(year)) {
      month = 3;
      day = 1;
    }
  }
  let text =
    `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T` +
    `${pad(Math.floor(secOfDay / 3600), 2)}:${pad(Math.floor(secOfDay / 60) % 60, 2)}:${pad(secOfDay % 60, 2)}`;
  if (frac !== 0n) text += '.' + frac.toString().padStart(9, '0').replace(/0+$/, '');
  if (offsetMinutes === 0) return text + 'Z';
  const abs = Math.abs(offsetMinutes);
  return `${text}${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60), 2)}:${pad(abs % 60, 2)}`;
}

/**
 * localOffsetMinutes is the system time zone's offset east of UTC at that instant (DST-aware), truncated to
 * whole minutes as Go's `Z07:00` prints it (only historic local mean times have seconds in their offset).
 */
export function localOffsetMinutes(epochMs: number): number {
  return Math.trunc(-new Date(epochMs).getTimezoneOffset()) || 0;
}

/** goTimeFromDate writes a Date (millisecond precision) as restic would: Go RFC3339Nano in the local offset. */
export function goTimeFromDate(date: Date): string {
  const ms = date.getTime();
  return formatGoTime(BigInt(ms) * 1_000_000n, localOffsetMinutes(ms));
}

/**
 * parseGoTime reads any RFC3339 time with 0–9 fraction digits and returns the instant and the offset it was
 * written in. Throws CorruptDataError (naming the text) when the string is not such a time or a field is out
 * of range (Go's parser rejects month 13, 30 February, second 60, and so on).
 */
export function parseGoTime(s: string): { epochNs: bigint; offsetMinutes: number } {
  const f = goTimeFields(s);
  if (typeof f === 'string') throw new CorruptDataError(`invalid time ${JSON.stringify(s)}: ${f}`);
  const wallSeconds = daysFromCivil(f.year, f.month, f.day) * SECONDS_PER_DAY + f.hour * 3600 + f.minute * 60 + f.second;
  const epochNs = BigInt(wallSeconds - f.offsetMinutes * 60) * NS_PER_SECOND + BigInt(f.fraction.padEnd(9, '0'));
  return { epochNs, offsetMinutes: f.offsetMinutes };
}

/** isGoTime tells whether parseGoTime would accept s; cheap enough to validate every time in a tree. */
export function isGoTime(s: string): boolean {
  return typeof goTimeFields(s) !== 'string';
}

interface GoTimeFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  fraction: string;
  offsetMinutes: number;
}

/**
 * goTimeFields splits and range-checks an RFC3339 time; returns the problem as a string when invalid. Hand-rolled
 * over char codes rather than a capturing regex: decoding a tree validates three times per node.
 */
function goTimeFields(s: string): GoTimeFields | string {
  const n = s.length;
  if (n < 20 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 ||
      s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) {
    return 'not RFC3339';
  }
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return 'not RFC3339';
  let pos = 19;
  let fraction = '';
  if (s.charCodeAt(pos) === 46) {
    let end = pos + 1;
    while (end < n && isDigit(s.charCodeAt(end))) end++;
    if (end === pos + 1 || end - pos - 1 > 9) return 'not RFC3339';
    fraction = s.slice(pos + 1, end);
    pos = end;
  }
  let offsetMinutes = 0;
  const zone = s.charCodeAt(pos);
  if (zone === 90 && pos + 1 === n) {
    // Z
  } else if ((zone === 43 || zone === 45) && pos + 6 === n && s.charCodeAt(pos + 3) === 58) {
    const oh = digits(s, pos + 1, 2);
    const om = digits(s, pos + 4, 2);
    if (oh < 0 || om < 0) return 'not RFC3339';
    if (oh > 23 || om > 59) return 'offset out of range';
    offsetMinutes = (zone === 45 ? -1 : 1) * (oh * 60 + om);
  } else {
    return 'not RFC3339';
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    return 'field out of range';
  }
  return { year, month, day, hour, minute, second, fraction, offsetMinutes };
}

/** digits reads `count` decimal digits at `pos`, or returns -1 if any is not a digit. */
function digits(s: string, pos: number, count: number): number {
  let v = 0;
  for (let i = pos; i < pos + count; i++) {
    const c = s.charCodeAt(i);
    if (!isDigit(c)) return -1;
    v = v * 10 + (c - 48);
  }
  return v;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeapYear(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}
