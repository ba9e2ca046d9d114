// A restic duration: whole years, months, days and hours ("1y2m3d4h"), the unit of --keep-within*. It is a
// calendar span, not a fixed length: "1m" back from Mar 31 lands on Mar 3 (see civil.ts addDate).

/** Duration counts calendar units; any field may be zero (or negative: restic 0.14 accepts "-1d"). */
export interface Duration {
  years: number;
  months: number;
  days: number;
  hours: number;
}

/** The zero duration: a --keep-within* rule with it is off. */
export const ZERO_DURATION: Readonly<Duration> = Object.freeze({ years: 0, months: 0, days: 0, hours: 0 });

const UNITS = { y: 'years', m: 'months', d: 'days', h: 'hours' } as const;

/**
 * parseDuration reads restic's duration syntax: a sequence of `<integer><unit>` with units y, m, d, h in any
 * order, each number optionally negative. Like restic 0.14, surrounding whitespace is ignored, "" is the
 * zero duration, and a repeated unit keeps its last value. Throws a plain Error saying what is wrong;
 * callers add the flag name.
 */
export function parseDuration(text: string): Duration {
  const d: Duration = { ...ZERO_DURATION };
  let rest = text.trim();
  while (rest !== '') {
    const m = /^(-?)(\d*)([\s\S]?)/.exec(rest);
    const digits = m?.[2] ?? '';
    if (digits === '') throw new Error('no number found');
    const num = Number(digits) * (m?.[1] === '-' ? -1 : 1) + 0; // + 0 turns -0 into 0
    if (!Number.isSafeInteger(num)) throw new Error(`number ${digits} is too large`);
    const unit = m?.[3] ?? '';
    if (unit === '') throw new Error(`no unit found after number ${num}`);
    if (!(unit in UNITS)) throw new Error(`invalid unit ${JSON.stringify(unit)} found after number ${num}`);
    d[UNITS[unit as keyof typeof UNITS]] = num;
    rest = rest.slice((m?.[0] ?? '').length);
  }
  return d;
}

/** isZeroDuration tells whether all four fields are zero, restic's test for "rule not set". */
export function isZeroDuration(d: Duration | undefined): boolean {
  return d === undefined || (d.years === 0 && d.months === 0 && d.days === 0 && d.hours === 0);
}

/**
 * formatDuration writes a duration as restic prints it in reasons ("within 1y2d"): the non-zero fields in
 * the order y, m, d, h; the zero duration is "".
 */
export function formatDuration(d: Duration): string {
  let s = '';
  if (d.years !== 0) s += `${d.years}y`;
  if (d.months !== 0) s += `${d.months}m`;
  if (d.days !== 0) s += `${d.days}d`;
  if (d.hours !== 0) s += `${d.hours}h`;
  return s;
}
