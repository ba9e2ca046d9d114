// Test support: a snapshot history written by real restic 0.14 for the forget oracle test. Several hosts,
// path sets and tag sets; irregular times over four years relative to the real clock (restic's forget reads
// it too), a few in the future, and hand-placed times at ISO-week year ends, month ends and leap days, each
// written through the TZ variable so snapshot times carry offsets like -05:00, +05:30, +13:45 and -03:30.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SnapshotEntry } from '../../../../shared/maintenance/forget/index.js';
import { RESTIC_PASSWORD, type ResticRepo } from '../../../support/restic.js';

/** mulberry32: a small seeded PRNG, so a failing history can be rebuilt. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface PlannedBackup {
  host: string;
  dirs: ('a' | 'b')[];
  tags: string[];
  tz: string;
  /** Wall clock in `tz`, restic's --time format. */
  time: string;
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const ZONES = ['UTC', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham', 'America/St_Johns', 'Australia/Lord_Howe', 'Europe/Berlin'];
const TAG_SETS = [[], [], ['daily'], ['z', 'a'], ['manual'], ['daily', 'manual']];

/** wallClock formats an instant as "YYYY-MM-DD HH:MM:SS" in the given IANA zone. */
function wallClock(ms: number, tz: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(ms));
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`;
}

function plan(now: number, random: () => number): PlannedBackup[] {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const at = (host: string, dirs: ('a' | 'b')[], ms: number, tags = pick(TAG_SETS), tz = pick(ZONES)): PlannedBackup =>
    ({ host, dirs, tags, tz, time: wallClock(Math.floor(ms / 1000) * 1000, tz) });
  const fixed = (host: string, dirs: ('a' | 'b')[], time: string, tz: string, tags: string[] = []): PlannedBackup =>
    ({ host, dirs, tags, tz, time });
  const out: PlannedBackup[] = [];
  // alpha:a — the everyday group: years of irregular history, a dense recent week, two future snapshots.
  for (let i = 0; i < 28; i++) out.push(at('alpha', ['a'], now - 10 * DAY - random() * 4 * 365 * DAY));
  for (let i = 0; i < 10; i++) out.push(at('alpha', ['a'], now - 2 * HOUR - random() * 5 * DAY));
  out.push(at('alpha', ['a'], now + 3 * DAY), at('alpha', ['a'], now + 400 * DAY));
  // alpha:b — ISO weeks across year ends, and midnights that fall on another date in UTC.
  out.push(
    fixed('alpha', ['b'], '2021-12-31 23:30:00', 'America/New_York'), fixed('alpha', ['b'], '2022-01-01 00:30:00', 'Asia/Kolkata', ['daily']),
    fixed('alpha', ['b'], '2022-01-02 12:00:00', 'UTC'), fixed('alpha', ['b'], '2022-01-03 08:00:00', 'UTC', ['z', 'a']),
    fixed('alpha', ['b'], '2024-12-29 22:00:00', 'Pacific/Chatham'), fixed('alpha', ['b'], '2024-12-30 10:00:00', 'UTC'),
    fixed('alpha', ['b'], '2025-12-28 23:59:59', 'America/St_Johns', ['manual']), fixed('alpha', ['b'], '2026-01-01 00:00:01', 'Europe/Berlin'),
    fixed('alpha', ['b'], '2020-12-31 20:00:00', 'UTC'), fixed('alpha', ['b'], '2021-01-03 23:00:00', 'Asia/Kolkata'),
  );
  for (let i = 0; i < 10; i++) out.push(at('alpha', ['b'], now - 10 * DAY - random() * 3 * 365 * DAY));
  // beta:a+b — latest is 2023-03-31 10:00 +05:30: "1m" back is Mar 3 (Go's AddDate), "1y" back is 2022-03-31.
  out.push(
    fixed('beta', ['a', 'b'], '2023-03-31 10:00:00', 'Asia/Kolkata'), fixed('beta', ['a', 'b'], '2023-03-03 10:00:01', 'Asia/Kolkata'),
    fixed('beta', ['a', 'b'], '2023-03-03 10:00:00', 'Asia/Kolkata', ['daily']), fixed('beta', ['a', 'b'], '2023-03-03 09:59:59', 'Asia/Kolkata'),
    fixed('beta', ['a', 'b'], '2023-03-02 23:00:00', 'UTC'), fixed('beta', ['a', 'b'], '2023-02-28 10:00:00', 'Asia/Kolkata', ['manual']),
    fixed('beta', ['a', 'b'], '2023-01-31 18:00:00', 'America/New_York'), fixed('beta', ['a', 'b'], '2022-12-31 23:00:00', 'Pacific/Chatham'),
    fixed('beta', ['a', 'b'], '2022-03-31 10:00:00', 'Asia/Kolkata'), fixed('beta', ['a', 'b'], '2022-03-31 10:00:01', 'Asia/Kolkata', ['z', 'a']),
    fixed('beta', ['a', 'b'], '2021-06-15 04:00:00', 'Australia/Lord_Howe'), fixed('beta', ['a', 'b'], '2023-03-30 23:59:59', 'America/St_Johns'),
  );
  // delta:a — latest on a leap day in Chatham summer time (+13:45): "1y" back is 2023-03-01.
  out.push(
    fixed('delta', ['a'], '2024-02-29 12:00:00', 'Pacific/Chatham'), fixed('delta', ['a'], '2023-03-01 12:00:00', 'Pacific/Chatham'),
    fixed('delta', ['a'], '2023-03-01 12:00:01', 'Pacific/Chatham', ['daily']), fixed('delta', ['a'], '2023-02-28 12:00:00', 'Pacific/Chatham'),
    fixed('delta', ['a'], '2024-01-29 12:00:00', 'Pacific/Chatham'), fixed('delta', ['a'], '2024-01-29 12:00:01', 'Pacific/Chatham'),
  );
  // gamma:b — irregular, mixed zones, one far-future snapshot; gamma:a — only future snapshots.
  for (let i = 0; i < 20; i++) out.push(at('gamma', ['b'], now - 6 * HOUR - random() * 3 * 365 * DAY));
  out.push(at('gamma', ['b'], now + 730 * DAY), at('gamma', ['a'], now + 10 * DAY, ['daily']), at('gamma', ['a'], now + 20 * DAY));
  return out;
}

const execFileAsync = promisify(execFile);

/**
 * writeHistory backs up tiny trees into `repo` with restic (two at a time: backups only take shared
 * locks) and returns the snapshots as `restic snapshots --json` lists them.
 */
export async function writeHistory(repo: ResticRepo, seed: number, now: number): Promise<SnapshotEntry[]> {
  for (const dir of ['a', 'b'] as const) {
    mkdirSync(join(repo.dir, dir));
    writeFileSync(join(repo.dir, dir, 'file'), `content of ${dir}\n`);
  }
  const queue = plan(now, seededRandom(seed));
  const worker = async (): Promise<void> => {
    for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
      const args = ['-r', repo.repo, '--no-cache', 'backup', '-q', '--time', job.time, '--host', job.host];
      for (const tag of job.tags) args.push('--tag', tag);
      args.push(...job.dirs.map((d) => join(repo.dir, d)));
      await execFileAsync('restic', args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: repo.dir, RESTIC_PASSWORD, TZ: job.tz } });
    }
  };
  await Promise.all([worker(), worker()]);
  const listed = JSON.parse(repo.run(['snapshots', '--json'])) as (SnapshotEntry['snapshot'] & { id: string; short_id: string })[];
  return listed.map(({ id, short_id: _short, ...snapshot }) => ({ id, snapshot }));
}
