// A deterministic model of the two-phase prune protocol: a storage (packs, index files, snapshots, locks),
// backups and prunes as step machines, one seeded random scheduler that interleaves their steps with clock
// advances, suspensions and crashes. The decisions are the engine's own functions — splitIndexFiles (mark
// wins), sessionOf/decideMarked/marksFor (two-phase core), the lock's safe-gap rule — so the model tests
// them, not a copy. What the model fixes is only the order of I/O each actor performs, which mirrors the
// engine: backups lock, load the index (list, read files, re-list when one vanished), upload, index, then
// commit a snapshot only while their lock is fresh (else re-validate); prunes take the lease, list locks,
// then snapshots, then packs, then load the index, plan, repack, write the new index, delete the files they
// loaded and finally the packs the rules allow, checking their lease before each destructive step.
import type { Id } from '../../../../shared/core/index.js';
import { formatGoTime, type IndexBlob, type IndexFile, type IndexPack, type IndexPackToDelete, type LockFile } from '../../../../shared/format/index.js';
import { LOCK_DELETE_WINDOW_MS, LOCK_REFRESH_MS, LOCK_SAFE_GAP_MS, LOCK_STALE_MS, splitIndexFiles, type IndexView } from '../../../../shared/repository/index.js';
import { blockingSession, decideMarked, goTimeMs, marksFor, sessionOf, type LockSession, type MarkedDecision } from '../../../../shared/maintenance/two-phase/index.js';

/** Deliberate protocol breakages, to show the invariant check catches them. */
export interface Sabotage {
  /** Prune ignores lock sessions when deleting. */
  readonly noSessionRule?: boolean;
  /** Backups never re-validate after their lock went stale. */
  readonly noRevalidation?: boolean;
  /** Backups skip index files that vanished instead of listing again. */
  readonly noRelist?: boolean;
  /** Backups write index files after a stale gap without checking that their packs survived. */
  readonly noIndexGuard?: boolean;
  /** Prune deletes on its first lock listing however long ago it was. */
  readonly noDeleteWindow?: boolean;
}

export interface ModelOptions {
  readonly seed: number;
  readonly steps: number;
  readonly sabotage?: Sabotage;
}

export interface ModelResult {
  /** First invariant violation, with the step and a short trace; undefined when none. */
  readonly violation: string | undefined;
  readonly stats: { snapshots: number; deleted: number; recovered: number; marked: number; revalidations: number; reuploads: number; aborted: number };
}

/** mulberry32: small, seedable, good enough to pick schedules. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (prefix: string, n: number): Id => prefix + n.toString(16).padStart(63, '0');
const goTime = (ms: number): string => formatGoTime(BigInt(ms) * 1_000_000n, 0);
const key = (id: Id): string => 'd' + id;

interface Storage {
  packs: Map<Id, Set<string>>;
  index: Map<Id, IndexFile>;
  snapshots: Map<Id, Set<string>>;
  locks: Map<Id, LockFile>;
}

/** The part of RepositoryLock the protocol depends on: session start, heartbeat, safe-gap detection. */
interface Held {
  lockId: Id;
  sessionStart: string;
  lastOk: number;
  gapSeen: boolean;
}

interface Actor {
  kind: 'backup' | 'prune';
  name: string;
  suspendedUntil: number;
  dead: boolean;
  lock: Held | undefined;
  step(): void;
}

/** A blob with a fake but valid index entry. */
function entry(k: string, i: number): IndexBlob {
  return { id: k.slice(1), type: 'data', offset: i * 100, length: 100 };
}

export function runModel(opts: ModelOptions): ModelResult {
  const rand = rng(opts.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const sab = opts.sabotage ?? {};
  const keepDeleteMs = pick([0, 60_000, 10 * 60_000, 45 * 60_000]);
  const store: Storage = { packs: new Map(), index: new Map(), snapshots: new Map(), locks: new Map() };
  const stats = { snapshots: 0, deleted: 0, recovered: 0, marked: 0, revalidations: 0, reuploads: 0, aborted: 0 };
  let now = Date.UTC(2026, 0, 1);
  let counter = 0;
  const fresh = (prefix: string): Id => hex(prefix, ++counter);
  const trace: string[] = [];
  const log = (s: string): void => {
    trace.push(`${Math.round((now - Date.UTC(2026, 0, 1)) / 1000)}s ${s}`);
    if (trace.length > 60) trace.shift();
  };

  // A first snapshot so that there is old data to deduplicate against and to forget.
  const universe: string[] = [];
  const newBlob = (): string => {
    const k = key(fresh('d'));
    universe.push(k);
    return k;
  };

  // ---- locks -------------------------------------------------------------------------------------
  const writeLock = (held: Held, maintainer: boolean): void => {
    const lock: LockFile = { time: goTime(now), exclusive: false, hostname: 'h', username: 'u', pid: 1, cairn_session_start: held.sessionStart };
    if (maintainer) lock.cairn_maintainer = true;
    store.locks.delete(held.lockId);
    held.lockId = fresh('c');
    store.locks.set(held.lockId, lock);
    trace.push(`  lock ${held.lockId.slice(-4)} session ${held.sessionStart.slice(11, 19)}`);
  };
  const acquire = (maintainer: boolean): Held | undefined => {
    if (maintainer) {
      for (const l of store.locks.values()) if (l.cairn_maintainer && now - goTimeMs(l.time) <= LOCK_STALE_MS) return undefined;
    }
    const held: Held = { lockId: fresh('c'), sessionStart: goTime(now), lastOk: now, gapSeen: false };
    writeLock(held, maintainer);
    return held;
  };
  /** RepositoryLock.refresh: the gap is judged by the time the new file carries. */
  const refresh = (a: Actor): void => {
    const held = a.lock!;
    if (now - held.lastOk > LOCK_SAFE_GAP_MS) held.gapSeen = true;
    held.lastOk = now;
    writeLock(held, a.kind === 'prune');
  };
  const mayHaveGoneStale = (held: Held): boolean => held.gapSeen || now - held.lastOk > LOCK_SAFE_GAP_MS;
  const release = (a: Actor): void => {
    if (a.lock) store.locks.delete(a.lock.lockId);
    a.lock = undefined;
    a.dead = true;
  };

  // ---- index loading, as loadIndex does it --------------------------------------------------------
  interface Loader {
    pending: Id[];
    read: Set<Id>;
    files: IndexFile[];
    vanished: boolean;
    done: boolean;
  }
  const startLoad = (): Loader => ({ pending: [...store.index.keys()], read: new Set(), files: [], vanished: false, done: false });
  /** One step: read one listed file, or re-list when the listing is used up and a file had vanished. */
  const loadStep = (l: Loader): void => {
    const id = l.pending.shift();
    if (id !== undefined) {
      const f = store.index.get(id);
      if (f === undefined) l.vanished = true;
      else {
        l.read.add(id);
        l.files.push(f);
      }
      return;
    }
    if (l.vanished && !sab.noRelist) {
      l.pending = [...store.index.keys()].filter((x) => !l.read.has(x));
      l.vanished = false;
      return;
    }
    l.done = true;
  };
  const liveKeys = (v: IndexView): Set<string> => {
    const s = new Set<string>();
    for (const blobs of v.live.values()) for (const b of blobs) s.add(key(b.id));
    return s;
  };
  const markedKeys = (v: IndexView): Map<string, Id[]> => {
    const m = new Map<string, Id[]>();
    for (const [id, p] of v.marked) for (const b of p.blobs) m.set(key(b.id), [...(m.get(key(b.id)) ?? []), id]);
    return m;
  };
  const packEntry = (id: Id, blobs: Iterable<string>): IndexPack => ({ id, blobs: [...blobs].map(entry) });

  // ---- backup ---------------------------------------------------------------------------------------
  const backup = (name: string): Actor => {
    let phase: 'lock' | 'load' | 'work' | 'upload' | 'index' | 'index-wait' | 'commit' | 'reval-wait' | 'reval-load' | 'reval-check' | 'reupload' | 'reindex' = 'lock';
    let waitUntil = 0;
    let guarded = false;
    let loader: Loader | undefined;
    let dedupable = new Set<string>();
    let knownOld: string[] = [];
    const uses = new Set<string>();
    let pending = new Set<string>();
    let unindexed: IndexPack[] = [];
    let workLeft = 1 + Math.floor(rand() * 4);
    let toReupload: string[] = [];
    const self: Actor = {
      kind: 'backup',
      name,
      suspendedUntil: 0,
      dead: false,
      lock: undefined,
      step() {
        switch (phase) {
          case 'lock':
            self.lock = acquire(false);
            phase = 'load';
            loader = startLoad();
            return;
          case 'load':
            loadStep(loader!);
            if (loader!.done) {
              const view = splitIndexFiles(loader!.files);
              dedupable = liveKeys(view);
              knownOld = [...dedupable, ...markedKeys(view).keys()];
              phase = 'work';
            }
            return;
          case 'work': {
            // Some old data (maybe in a marked pack, then it is not deduplicated), some new.
            for (let i = 0, n = 1 + Math.floor(rand() * 3); i < n; i++) {
              const k = knownOld.length > 0 && rand() < 0.6 ? pick(knownOld) : rand() < 0.3 && universe.length > 0 ? pick(universe) : newBlob();
              uses.add(k);
              if (!dedupable.has(k)) pending.add(k);
            }
            if (rand() < 0.4 && pending.size > 0) phase = 'upload';
            else if (--workLeft <= 0) phase = pending.size > 0 ? 'upload' : unindexed.length > 0 ? 'index' : 'commit';
            return;
          }
          case 'upload': {
            const id = fresh('a');
            store.packs.set(id, new Set(pending));
            unindexed.push(packEntry(id, pending));
            for (const k of pending) dedupable.add(k);
            log(`${name} uploads ${id.slice(-4)} ${[...pending].map((k) => k.slice(-3)).join(',')}`);
            pending = new Set();
            phase = workLeft > 0 && rand() < 0.5 ? 'work' : 'index';
            if (workLeft <= 0) phase = 'index';
            return;
          }
          case 'index':
            // The index guard: after a possible stale gap, refresh, wait out deletions decided meanwhile,
            // then index only packs that still exist (a pack deleted meanwhile fails the backup).
            if (unindexed.length > 0 && mayHaveGoneStale(self.lock!) && !guarded && !sab.noIndexGuard) {
              refresh(self);
              waitUntil = now + LOCK_DELETE_WINDOW_MS;
              phase = 'index-wait';
              return;
            }
            guarded = false;
            if (unindexed.some((p) => !store.packs.has(p.id))) {
              log(`${name} aborts: a pack it uploaded was deleted while it was suspended`);
              stats.aborted++;
              release(self);
              return;
            }
            if (unindexed.length > 0) {
              store.index.set(fresh('b'), { packs: unindexed });
              log(`${name} writes index ${hex('b', counter).slice(-4)} with ${unindexed.map((p) => p.id.slice(-4)).join(',')}`);
            }
            unindexed = [];
            phase = workLeft > 0 ? 'work' : 'commit';
            return;
          case 'index-wait':
            if (now >= waitUntil) {
              // Checked and written in one step: the check is only good if the lock is still fresh.
              guarded = !mayHaveGoneStale(self.lock!);
              phase = 'index';
            }
            return;
          case 'commit':
            if (mayHaveGoneStale(self.lock!) && !sab.noRevalidation) {
              // RepositoryLock.refresh, acknowledgeStale, wait out deletions, then a fresh index.
              refresh(self);
              self.lock!.gapSeen = false;
              stats.revalidations++;
              log(`${name} re-validates (session ${self.lock!.sessionStart})`);
              waitUntil = now + LOCK_DELETE_WINDOW_MS;
              phase = 'reval-wait';
              return;
            }
            {
              const id = fresh('e');
              store.snapshots.set(id, new Set(uses));
              stats.snapshots++;
              log(`${name} writes snapshot ${id.slice(-4)} using ${[...uses].map((k) => k.slice(-3)).join(',')}`);
            }
            release(self);
            return;
          case 'reval-wait':
            if (now >= waitUntil) {
              loader = startLoad();
              phase = 'reval-load';
            }
            return;
          case 'reval-load':
            loadStep(loader!);
            if (loader!.done) {
              phase = 'reval-check';
              log(`${name} re-loaded ${[...loader!.read].map((x) => x.slice(-4)).join(',')}`);
            }
            return;
          case 'reval-check': {
            const view = splitIndexFiles(loader!.files);
            const live = liveKeys(view);
            const marked = markedKeys(view);
            toReupload = [];
            for (const k of uses) {
              if (live.has(k)) continue;
              if (!marked.has(k)) {
                log(`${name} aborts: ${k.slice(-3)} is gone`);
                stats.aborted++;
                release(self);
                return;
              }
              toReupload.push(k);
            }
            phase = toReupload.length > 0 ? 'reupload' : 'commit';
            return;
          }
          case 'reupload': {
            // Copy each blob out of a marked pack that is still stored (readBlob with the marked fallback).
            for (const k of toReupload) {
              if (![...store.packs.values()].some((blobs) => blobs.has(k))) {
                log(`${name} aborts: ${k.slice(-3)} vanished before it could be copied`);
                stats.aborted++;
                release(self);
                return;
              }
            }
            const id = fresh('a');
            store.packs.set(id, new Set(toReupload));
            unindexed = [packEntry(id, toReupload)];
            stats.reuploads += toReupload.length;
            log(`${name} re-uploads ${toReupload.map((k) => k.slice(-3)).join(',')} into ${id.slice(-4)}`);
            phase = 'reindex';
            return;
          }
          case 'reindex':
            workLeft = 0;
            phase = 'index';
            return;
        }
      },
    };
    return self;
  };

  // ---- prune ----------------------------------------------------------------------------------------
  const prune = (name: string): Actor => {
    let phase: 'lease' | 'locks' | 'snapshots' | 'listing' | 'load' | 'plan' | 'repack' | 'write' | 'drop-files' | 'delete' = 'lease';
    let sessions: LockSession[] = [];
    let used = new Set<string>();
    let present = new Set<Id>();
    let loader: Loader | undefined;
    let newIndex: IndexFile | undefined;
    let toRepack: string[] = [];
    let deletions: MarkedDecision[] = [];
    let newMarks: { packId: Id; blobs: IndexBlob[] }[] = [];
    let listedAt = 0;
    const listLocks = (): void => {
      sessions = [...store.locks].filter(([id]) => id !== self.lock!.lockId).map(([id, l]) =>
        sessionOf(id, l, { nowMs: now, hostname: 'other', staleAfterMs: LOCK_STALE_MS, isAlive: () => true }));
      listedAt = now;
      log(`${name} lists locks: ${sessions.map((x) => `${x.lockId.slice(-4)}${x.stale ? ' stale' : ''}`).join(', ')}`);
    };
    const self: Actor = {
      kind: 'prune',
      name,
      suspendedUntil: 0,
      dead: false,
      lock: undefined,
      step() {
        // Before anything destructive: if the lease may have looked stale, another maintainer may have
        // taken over; stop and leave the rest to the next run.
        const destructive = phase === 'write' || phase === 'drop-files' || phase === 'delete';
        if (destructive && mayHaveGoneStale(self.lock!)) {
          log(`${name} stops: its lease may have gone stale`);
          release(self);
          return;
        }
        switch (phase) {
          case 'lease':
            self.lock = acquire(true);
            if (self.lock === undefined) {
              self.dead = true;
              return;
            }
            phase = 'locks';
            return;
          case 'locks':
            listLocks();
            phase = 'snapshots';
            return;
          case 'snapshots':
            used = new Set();
            for (const s of store.snapshots.values()) for (const k of s) used.add(k);
            // Forget: sometimes a snapshot goes, so packs become unused.
            if (rand() < 0.5 && store.snapshots.size > 1) {
              const victim = pick([...store.snapshots.keys()]);
              store.snapshots.delete(victim);
              used = new Set();
              for (const s of store.snapshots.values()) for (const k of s) used.add(k);
            }
            phase = 'listing';
            return;
          case 'listing':
            present = new Set(store.packs.keys());
            loader = startLoad();
            phase = 'load';
            return;
          case 'load':
            loadStep(loader!);
            if (loader!.done) phase = 'plan';
            return;
          case 'plan': {
            const view = splitIndexFiles(loader!.files);
            const live = new Map<Id, IndexBlob[]>([...view.live].map(([id, b]) => [id, [...b]]));
            const liveBlob = new Set<string>();
            for (const blobs of live.values()) for (const b of blobs) liveBlob.add(key(b.id));
            const decisions = decideMarked({
              marked: [...view.marked].map(([packId, m]) => ({ packId, markedAtMs: goTimeMs(m.time), blobs: m.blobs.map((b) => key(b.id)) })),
              hasLiveCopy: (k) => liveBlob.has(k),
              used,
              present,
              sessions: sab.noSessionRule ? [] : sessions,
              nowMs: now,
              keepDeleteMs,
              clockMarginMs: 0,
              instant: false,
            });
            const keptMarks: IndexPackToDelete[] = [];
            for (const d of decisions) {
              const m = view.marked.get(d.packId)!;
              if (d.action === 'recover') {
                live.set(d.packId, [...m.blobs]);
                for (const b of m.blobs) liveBlob.add(key(b.id));
                stats.recovered++;
              } else if (d.action === 'keep-marked') keptMarks.push({ id: d.packId, blobs: [...m.blobs], time: m.time });
            }
            deletions = decisions.filter((d) => d.action === 'delete');
            // The planner's choices are random (any restic-valid plan must be safe): an unused pack is removed,
            // a partly used one kept or repacked, an unindexed present one deleted; missing unused ones dropped.
            const planned: { packId: Id; action: string }[] = [];
            const keptCopies = new Set<string>();
            const repackCandidates: Id[] = [];
            for (const [id, blobs] of live) {
              if (!present.has(id)) {
                if (blobs.some((b) => used.has(key(b.id)))) {
                  phase = 'lease';
                  log(`${name} aborts: used pack ${id.slice(-4)} missing`);
                  release(self);
                  return;
                }
                planned.push({ packId: id, action: 'drop-missing' });
                continue;
              }
              const n = blobs.filter((b) => used.has(key(b.id))).length;
              if (n === 0) planned.push({ packId: id, action: 'remove' });
              else if (n < blobs.length && rand() < 0.5) repackCandidates.push(id);
              else {
                planned.push({ packId: id, action: 'keep' });
                for (const b of blobs) keptCopies.add(key(b.id));
              }
            }
            toRepack = [];
            for (const id of repackCandidates) {
              planned.push({ packId: id, action: 'repack' });
              for (const b of live.get(id)!) if (used.has(key(b.id)) && !keptCopies.has(key(b.id))) toRepack.push(key(b.id));
            }
            toRepack = [...new Set(toRepack)];
            for (const id of present) if (!live.has(id) && !view.marked.has(id)) planned.push({ packId: id, action: 'delete-unreferenced' });
            const marks = marksFor(planned, new Set(view.marked.keys()));
            newMarks = marks.map((m) => ({ packId: m.packId, blobs: m.reason === 'unindexed' ? [] : [...(live.get(m.packId) ?? [])] }));
            const gone = new Set([...marks.map((m) => m.packId), ...planned.filter((p) => p.action === 'drop-missing').map((p) => p.packId)]);
            newIndex = {
              supersedes: [...loader!.read],
              packs: [...live].filter(([id]) => !gone.has(id)).map(([id, blobs]) => ({ id, blobs })),
              packs_to_delete: keptMarks,
            };
            phase = toRepack.length > 0 ? 'repack' : 'write';
            return;
          }
          case 'repack': {
            const id = fresh('a');
            store.packs.set(id, new Set(toRepack));
            newIndex!.packs.push(packEntry(id, toRepack));
            phase = 'write';
            return;
          }
          case 'write': {
            // The mark time is taken as the new index is written (in the engine: checked against the
            // commit window afterwards).
            const time = goTime(now);
            for (const m of newMarks) newIndex!.packs_to_delete!.push({ id: m.packId, blobs: m.blobs, time });
            stats.marked += newMarks.length;
            store.index.set(fresh('b'), newIndex!);
            log(`${name} writes index: marks ${newMarks.map((m) => m.packId.slice(-4)).join(',')}; keeps marked ${newIndex!.packs_to_delete!.length - newMarks.length}`);
            phase = 'drop-files';
            return;
          }
          case 'drop-files': {
            // Only the files this run loaded; never one a backup wrote meanwhile.
            const next = [...loader!.read].find((id) => store.index.has(id));
            if (next !== undefined) {
              store.index.delete(next);
              log(`${name} deletes index ${next.slice(-4)}`);
            }
            else phase = 'delete';
            return;
          }
          case 'delete': {
            if (deletions.length > 0 && now - listedAt > LOCK_DELETE_WINDOW_MS && !sab.noDeleteWindow) {
              // The listing is too old to act on: list the locks again and drop what a session now blocks.
              listLocks();
              if (!sab.noSessionRule) deletions = deletions.filter((d) => blockingSession(sessions, d.markedAtMs, 0) === undefined);
              return;
            }
            const d = deletions.shift();
            if (d === undefined) {
              release(self);
              return;
            }
            store.packs.delete(d.packId);
            stats.deleted++;
            log(`${name} deletes ${d.packId.slice(-4)} (marked ${Math.round(d.ageMs / 1000)}s ago)`);
            return;
          }
        }
      },
    };
    return self;
  };

  // ---- the invariant ----------------------------------------------------------------------------------
  const check = (): string | undefined => {
    const stored = new Set<string>();
    for (const blobs of store.packs.values()) for (const k of blobs) stored.add(k);
    for (const [id, blobs] of store.snapshots) {
      for (const k of blobs) if (!stored.has(k)) return `snapshot ${id.slice(-4)} references ${k.slice(-3)}, which no stored pack holds`;
    }
    return undefined;
  };

  // ---- the scheduler --------------------------------------------------------------------------------
  const actors: Actor[] = [];
  let backups = 0;
  let prunes = 0;
  for (let step = 0; step < opts.steps; step++) {
    const alive = actors.filter((a) => !a.dead);
    const r = rand();
    if (r < 0.25) {
      now += pick([1000, 20_000, 120_000, 240_000]);
      for (const a of alive) {
        if (a.lock === undefined || a.suspendedUntil > now) continue;
        // The heartbeat: every 5 minutes, and at once on waking up.
        if (now - a.lock.lastOk >= LOCK_REFRESH_MS) refresh(a);
      }
    } else if (r < 0.29 && alive.filter((a) => a.kind === 'backup').length < 3) {
      actors.push(backup(`B${++backups}`));
    } else if (r < 0.32 && alive.filter((a) => a.kind === 'prune').length < 2) {
      actors.push(prune(`P${++prunes}`));
    } else if (r < 0.34 && alive.length > 0) {
      const a = pick(alive);
      a.suspendedUntil = now + pick([10 * 60_000, 20 * 60_000, 40 * 60_000, 2 * 3600_000, 4 * 3600_000]);
      log(`${a.name} suspended for ${(a.suspendedUntil - now) / 60_000} min`);
    } else if (r < 0.345 && alive.length > 0) {
      const a = pick(alive);
      a.dead = true; // crashed: its lock stays until it is stale
      log(`${a.name} crashed`);
    } else {
      const runnable = alive.filter((a) => a.suspendedUntil <= now);
      if (runnable.length === 0) continue;
      pick(runnable).step();
    }
    const v = check();
    if (v !== undefined) return { violation: `seed ${opts.seed}, step ${step}: ${v}\n  ${trace.join('\n  ')}`, stats };
  }
  return { violation: undefined, stats };
}
