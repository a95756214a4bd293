import { readFile } from 'node:fs/promises';
import type { DayTable } from '../days/day-table.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { formatDay, parseDay } from '../util/dates.js';
import { DataError, UsageError } from '../util/errors.js';
import { IP_KEY_WORDS } from '../util/ip/index.js';
import type { DayRows } from './day-rows.js';
import { checkHalfLives, ewmaDecay } from './ewma-decay.js';
import { IpIndex } from './ip-index.js';
import { decodeKnowledge, encodeKnowledge } from './knowledge-snapshot.js';
import type { KnowledgeState, UndoLog } from './knowledge-state.js';
import { type KnowledgeView, liveView } from './knowledge-view.js';
import { LookaheadError } from './lookahead-error.js';

export interface KnowledgeOptions {
  /**
   * Calendar days of per-day rows kept for windowed models (`KnowledgeView.window`): a model with lookback L needs
   * at least L. Totals never need them. Also the most steps `previous(steps)` can go back (one undo log is kept per
   * retained day). At least 1 (`previous()` and Alpha(1) read yesterday).
   * @default 60 (Pareto's default lookback)
   */
  retainDays?: number;
  /**
   * Half-lives, in observed days, of the EWMA history columns (`historyFeatures`: `ewma_presence_h<h>`,
   * `ewma_flows_h<h>`): finite numbers > 0; duplicates are dropped and the rest sorted. Each costs two Float64
   * columns per IP, so only the half-lives a model reads are kept.
   * @default [] (no EWMA columns)
   */
  halfLives?: number[];
}

const INITIAL_CAPACITY = 1024;
const VALUE_COLUMNS = ['flows', 'duration', 'packets', 'bytes'] as const;
/** 0 (a fresh array) means no stamp; a day d is stamped d + STAMP_OFFSET, never 0 for a real day. */
const NO_STAMP = 0;
const STAMP_OFFSET = 1 << 30;
/** Room for this many calendar days in the observed-day prefix at first (it doubles as days are folded). */
const INITIAL_DAYS = 256;

function grownF64(a: Float64Array, cap: number): Float64Array {
  const b = new Float64Array(cap);
  b.set(a);
  return b;
}
function grownI32(a: Int32Array, cap: number): Int32Array {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}

function emptyKnowledgeState(retainDays: number, halfLives: readonly number[]): KnowledgeState {
  const cap = INITIAL_CAPACITY;
  return {
    retainDays,
    halfLives,
    n: 0,
    index: new IpIndex(cap),
    ipKeys: new Uint32Array(cap * IP_KEY_WORDS),
    flows: new Float64Array(cap),
    duration: new Float64Array(cap),
    bytes: new Float64Array(cap),
    packets: new Float64Array(cap),
    daysActive: new Int32Array(cap),
    firstSeen: new Int32Array(cap),
    lastSeen: new Int32Array(cap),
    runLength: new Int32Array(cap),
    gapSumSq: new Float64Array(cap),
    ewmaPresence: halfLives.map(() => new Float64Array(cap)),
    ewmaFlows: halfLives.map(() => new Float64Array(cap)),
    observed: new Int32Array(INITIAL_DAYS),
    firstDay: undefined,
    nextDay: undefined,
    missing: [],
    foldedDays: 0,
    retained: [],
    undo: [],
  };
}

function checkRetainDays(retainDays: number): number {
  if (!Number.isInteger(retainDays) || retainDays < 1)
    throw new UsageError(`knowledge option retainDays: must be a whole number >= 1, got ${retainDays}`);
  return retainDays;
}

/**
 * The knowledge base (DESIGN §2.3): per-IP totals folded day by day, in typed arrays indexed by a dense IP id
 * (interned: ids in order of first appearance). Adding a day costs O(rows of that day). Days are folded in order,
 * one after the other, each either with its day table (`addDay`) or as missing (`addMissingDay`): no day is skipped
 * silently. `asOf(D)` is the only way to read it, and only when every day before D and none after was folded.
 * History features (streaks, gaps between active days, EWMAs: `historyFeatures`) are folded the same way, counted in
 * observed days (days with a table), so a missing day changes nothing.
 */
export class KnowledgeBase {
  #s: KnowledgeState;
  /** Incremented by every fold: a view made at another generation throws. */
  #generation = 0;
  /** Duplicate detection inside one day table, by id. */
  #stamp: Int32Array;

  constructor(options: KnowledgeOptions = {}) {
    this.#s = emptyKnowledgeState(
      checkRetainDays(options.retainDays ?? 60),
      checkHalfLives(options.halfLives ?? []),
    );
    this.#stamp = new Int32Array(this.#s.flows.length);
  }

  /** IPs known to the knowledge base (everything folded so far). */
  get size(): number {
    return this.#s.n;
  }

  get retainDays(): number {
    return this.#s.retainDays;
  }

  /** Half-lives of the EWMA columns, in observed days, ascending (the `halfLives` option, deduplicated). */
  get halfLives(): readonly number[] {
    return this.#s.halfLives;
  }

  /** First folded day, or undefined while empty. */
  get firstDay(): string | undefined {
    return this.#s.firstDay === undefined ? undefined : formatDay(this.#s.firstDay);
  }

  /** The next day to fold (the date `asOf` accepts), or undefined while empty (then it accepts any date). */
  get nextDay(): string | undefined {
    return this.#s.nextDay === undefined ? undefined : formatDay(this.#s.nextDay);
  }

  /** Days folded as missing (no table: unknown, not empty), ascending. */
  get missingDays(): string[] {
    return this.#s.missing.map(formatDay);
  }

  /** Days folded with a table. */
  get foldedDays(): number {
    return this.#s.foldedDays;
  }

  #checkNext(date: string): number {
    const day = parseDay(date);
    if (day === undefined) throw new UsageError(`knowledge: not a YYYY-MM-DD date: '${date}'`);
    const next = this.#s.nextDay;
    if (next !== undefined && day !== next) {
      throw new UsageError(
        day < next
          ? `knowledge: ${date} is already folded (next day to fold: ${formatDay(next)})`
          : `knowledge: cannot fold ${date} before ${formatDay(next)}: days are folded in order; mark a day without ` +
              'data with addMissingDay',
      );
    }
    return day;
  }

  #grow(min: number): void {
    const s = this.#s;
    let cap = s.flows.length;
    if (min <= cap) return;
    while (cap < min) cap *= 2;
    s.flows = grownF64(s.flows, cap);
    s.duration = grownF64(s.duration, cap);
    s.bytes = grownF64(s.bytes, cap);
    s.packets = grownF64(s.packets, cap);
    s.daysActive = grownI32(s.daysActive, cap);
    s.firstSeen = grownI32(s.firstSeen, cap);
    s.lastSeen = grownI32(s.lastSeen, cap);
    s.runLength = grownI32(s.runLength, cap);
    s.gapSumSq = grownF64(s.gapSumSq, cap);
    s.ewmaPresence = s.ewmaPresence.map((a) => grownF64(a, cap));
    s.ewmaFlows = s.ewmaFlows.map((a) => grownF64(a, cap));
    const keys = new Uint32Array(cap * IP_KEY_WORDS);
    keys.set(s.ipKeys);
    s.ipKeys = keys;
    // Zero-filled by the allocator: no page is touched before its ids are.
    const stamp = new Int32Array(cap);
    stamp.set(this.#stamp);
    this.#stamp = stamp;
  }

  /** Moves nextDay past `day` (foldedDays already counts it if it had a table) and drops what is too old to keep. */
  #advance(day: number): void {
    const s = this.#s;
    if (s.firstDay === undefined) {
      s.firstDay = day;
      s.observed[0] = 0;
    }
    s.nextDay = day + 1;
    const at = s.nextDay - s.firstDay;
    if (at >= s.observed.length) s.observed = grownI32(s.observed, 2 * at);
    s.observed[at] = s.foldedDays;
    const oldest = s.nextDay - s.retainDays;
    let drop = 0;
    while (drop < s.retained.length && s.retained[drop]!.day < oldest) drop++;
    if (drop > 0) s.retained.splice(0, drop);
    drop = 0;
    while (drop < s.undo.length && s.undo[drop]!.day < oldest) drop++;
    if (drop > 0) s.undo.splice(0, drop);
    this.#generation++;
  }

  /**
   * Folds one day table (the next day). Every row is checked first (IP, non-negative finite numbers, no IP twice);
   * a bad table is a DataError and leaves the knowledge base unchanged. A row with 0 flows counts as 1 flow (AIP's
   * `_add_knowledge`).
   *
   * History columns, with o = obs(day) (observed days before it), x = 1 (presence) or the row's flows, λ = 2^(−1/h):
   * a new IP gets runLength 1, gapSumSq 0, ewma = (1 − λ)·x; a returning IP last seen on L, with g = o − obs(L) ≥ 1
   * observed days since, gets runLength + 1 if g = 1 (else 1), gapSumSq + g², ewma·λ^g + (1 − λ)·x.
   */
  addDay(table: DayTable): void {
    const day = this.#checkNext(table.date);
    const s = this.#s;
    const rows = table.ip.length;
    const cols = [table.flows, table.duration, table.packets, table.bytes];
    if (cols.some((c) => c.length !== rows))
      throw new DataError(`day table ${table.date}: columns of different lengths`);
    const n0 = s.n;
    const ids = new Int32Array(rows);
    let i = 0;
    try {
      for (; i < rows; i++) {
        const ip = table.ip[i]!;
        for (let k = 0; k < 4; k++) {
          const v = cols[k]![i]!;
          if (!(v >= 0 && v < Number.POSITIVE_INFINITY)) {
            throw new DataError(
              `day table ${table.date}: IP ${ip}: ${VALUE_COLUMNS[k]} is ${v}, not a non-negative number`,
            );
          }
        }
        let id = s.index.find(ip, s.ipKeys);
        if (id < 0) {
          id = s.n;
          this.#grow(id + 1);
          IpIndex.writeKey(ip, s.ipKeys, id * IP_KEY_WORDS);
          s.index.insert(id, ip, s.ipKeys);
          s.n++;
        }
        if (this.#stamp[id] === day + STAMP_OFFSET)
          throw new DataError(`day table ${table.date}: IP ${ip} appears twice`);
        this.#stamp[id] = day + STAMP_OFFSET;
        ids[i] = id;
      }
    } catch (error) {
      // Leave no trace of the bad table.
      for (let k = 0; k < i; k++) this.#stamp[ids[k]!] = NO_STAMP;
      for (let id = n0; id < s.n; id++) this.#stamp[id] = NO_STAMP;
      if (s.n > n0) s.index.truncate(n0, s.ipKeys);
      s.n = n0;
      throw error;
    }

    let returning = 0;
    for (let r = 0; r < rows; r++) if (ids[r]! < n0) returning++;
    const decays = s.halfLives.map(ewmaDecay);
    const undo: UndoLog = {
      day,
      sizeBefore: n0,
      ids: new Int32Array(returning),
      flows: new Float64Array(returning),
      duration: new Float64Array(returning),
      bytes: new Float64Array(returning),
      packets: new Float64Array(returning),
      lastSeen: new Int32Array(returning),
      runLength: new Int32Array(returning),
      gapSumSq: new Float64Array(returning),
      ewmaPresence: decays.map(() => new Float64Array(returning)),
      ewmaFlows: decays.map(() => new Float64Array(returning)),
    };
    const { flows, duration, bytes, packets, daysActive, firstSeen, lastSeen } = s;
    const { runLength, gapSumSq, ewmaPresence, ewmaFlows, observed } = s;
    const o = s.foldedDays; // obs(day): every day in [firstDay, day) is folded
    const first = s.firstDay ?? day;
    const halfLives = decays.length;
    let u = 0;
    for (let r = 0; r < rows; r++) {
      const id = ids[r]!;
      const f = table.flows[r]! === 0 ? 1 : table.flows[r]!;
      if (id >= n0) {
        flows[id] = f;
        duration[id] = table.duration[r]!;
        bytes[id] = table.bytes[r]!;
        packets[id] = table.packets[r]!;
        daysActive[id] = 1;
        firstSeen[id] = day;
        lastSeen[id] = day;
        runLength[id] = 1;
        gapSumSq[id] = 0;
        for (let h = 0; h < halfLives; h++) {
          const w = decays[h]!.weight;
          ewmaPresence[h]![id] = w;
          ewmaFlows[h]![id] = w * f;
        }
      } else {
        undo.ids[u] = id;
        undo.flows[u] = flows[id]!;
        undo.duration[u] = duration[id]!;
        undo.bytes[u] = bytes[id]!;
        undo.packets[u] = packets[id]!;
        undo.lastSeen[u] = lastSeen[id]!;
        undo.runLength[u] = runLength[id]!;
        undo.gapSumSq[u] = gapSumSq[id]!;
        const g = o - observed[lastSeen[id]! - first]!;
        runLength[id] = g === 1 ? runLength[id]! + 1 : 1;
        gapSumSq[id] = gapSumSq[id]! + g * g;
        for (let h = 0; h < halfLives; h++) {
          const decay = decays[h]!;
          const p = decay.power(g);
          const presence = ewmaPresence[h]!;
          const volume = ewmaFlows[h]!;
          undo.ewmaPresence[h]![u] = presence[id]!;
          undo.ewmaFlows[h]![u] = volume[id]!;
          presence[id] = presence[id]! * p + decay.weight;
          volume[id] = volume[id]! * p + decay.weight * f;
        }
        u++;
        // Same order of operations as AIP's groupby-sum of [old knowledge, new day]: old + new.
        flows[id] = flows[id]! + f;
        duration[id] = duration[id]! + table.duration[r]!;
        bytes[id] = bytes[id]! + table.bytes[r]!;
        packets[id] = packets[id]! + table.packets[r]!;
        daysActive[id] = daysActive[id]! + 1;
        lastSeen[id] = day;
      }
    }
    s.undo.push(undo);
    s.foldedDays++;
    s.retained.push({
      date: table.date,
      day,
      ids,
      flows: table.flows.slice(),
      duration: table.duration.slice(),
      packets: table.packets.slice(),
      bytes: table.bytes.slice(),
    } satisfies DayRows);
    this.#advance(day);
  }

  /** Folds the next day as missing: no table, so nothing is known about it (reported by every view after it). */
  addMissingDay(date: string): void {
    const day = this.#checkNext(date);
    this.#s.missing.push(day);
    this.#advance(day);
  }

  /**
   * The knowledge as of `date` (days strictly before it). The knowledge base must have folded exactly the days
   * before `date`: having folded `date` or later is a LookaheadError (a fold cannot be undone), having folded fewer
   * is a UsageError (fold them first, e.g. with foldDaysBefore). An empty knowledge base gives an empty view.
   */
  asOf(date: string): KnowledgeView {
    const day = parseDay(date);
    if (day === undefined) throw new UsageError(`knowledge asOf: not a YYYY-MM-DD date: '${date}'`);
    const next = this.#s.nextDay;
    if (next !== undefined && day < next) {
      throw new LookaheadError(
        `knowledge asOf(${date}): the knowledge base has folded through ${formatDay(next - 1)}, so it would ` +
          `show day ${date} or later; build a new one for an earlier date`,
      );
    }
    if (next !== undefined && day > next) {
      throw new UsageError(
        `knowledge asOf(${date}): the knowledge base has folded only the days before ${formatDay(next)}; fold ` +
          `${formatDay(next)} .. ${formatDay(day - 1)} first (foldDaysBefore)`,
      );
    }
    const generation = this.#generation;
    const access = (): KnowledgeState => {
      if (this.#generation !== generation) {
        const s = this.#s;
        const through = s.nextDay === undefined ? undefined : s.nextDay - 1;
        throw new LookaheadError(
          through !== undefined && through >= day
            ? `knowledge view for ${date} used after the knowledge base folded ${formatDay(through)}: it would ` +
                `see day ${date} or later`
            : `knowledge view for ${date} used after the knowledge base changed`,
        );
      }
      return this.#s;
    };
    return liveView(access, day);
  }

  /** The knowledge base as bytes (see knowledge-snapshot.ts): equal states give equal bytes. */
  toBytes(): Uint8Array {
    return encodeKnowledge(this.#s);
  }

  static fromBytes(bytes: Uint8Array, file?: string): KnowledgeBase {
    const kb = new KnowledgeBase();
    kb.#s = decodeKnowledge(bytes, file);
    kb.#stamp = new Int32Array(kb.#s.flows.length);
    return kb;
  }

  /** Writes a snapshot (atomic: temp file + rename). */
  async save(path: string): Promise<void> {
    await writeFileAtomic(path, this.toBytes());
  }

  static async load(path: string): Promise<KnowledgeBase> {
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      throw new DataError(
        `cannot read knowledge snapshot: ${(error as NodeJS.ErrnoException).code ?? error}`,
        {
          file: path,
        },
      );
    }
    return KnowledgeBase.fromBytes(bytes, path);
  }
}
