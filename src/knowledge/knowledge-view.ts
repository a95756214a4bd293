import { formatDay } from '../util/dates.js';
import { UsageError } from '../util/errors.js';
import type { DayRows, KnowledgeWindow } from './day-rows.js';
import { ipOrderOf } from './ip-order.js';
import type { KnowledgeState, UndoLog } from './knowledge-state.js';
import { observedBefore } from './observed-days.js';
import { tieOrderOf } from './recency-groups.js';
import { sortIntoTieOrder } from './tie-order.js';

/** Per-IP columns of a view, indexed by knowledge id, length `view.size` (DESIGN §2.3). */
export interface KnowledgeColumns {
  /** Total flows; a day row with 0 flows counted as 1 (AIP's fold). */
  readonly flows: Float64Array;
  /** Total duration in seconds. */
  readonly duration: Float64Array;
  readonly bytes: Float64Array;
  readonly packets: Float64Array;
  /** Days with a row. */
  readonly daysActive: Int32Array;
  /** Day numbers (days since 1970-01-01). */
  readonly firstSeen: Int32Array;
  readonly lastSeen: Int32Array;
}

/**
 * The folded history columns behind `historyFeatures` (internal: read through `viewHistory`), indexed by knowledge
 * id, length `view.size`. See KnowledgeState for what each holds.
 */
export interface HistoryColumns {
  readonly runLength: Int32Array;
  readonly gapSumSq: Float64Array;
  readonly ewmaPresence: readonly Float64Array[];
  readonly ewmaFlows: readonly Float64Array[];
}

/** What `historyFeatures` needs of a view besides its columns. */
export interface ViewHistory extends HistoryColumns {
  /** obs(d): observed days (folded with a table) in [firstDay, d), for d up to the view's day. */
  observedBefore(day: number): number;
}

/**
 * The knowledge base as of day D: built from the days strictly before D, never D or later (DESIGN §2.3, §3).
 * A live view reads the knowledge base's own arrays without copying and checks on every call that the knowledge
 * base has not folded anything since the view was made, so a model holding a view for D can never read day D: once
 * D is folded, every call throws a LookaheadError. The arrays it returns are the knowledge base's: read them, never
 * write them (the conformance suite checks every model for this).
 */
export interface KnowledgeView {
  /** D, the first day the view does not see (`YYYY-MM-DD`). */
  readonly date: string;
  /** D as a day number. */
  readonly day: number;
  /** IPs known before D; their ids are 0 .. size-1. */
  readonly size: number;
  /** The knowledge base's first day, if it has folded one before D. */
  readonly firstDay: string | undefined;
  /** Days before D folded with a table (empty days included, missing days not). */
  readonly foldedDays: number;
  /** Days before D (from the first day) that had no table: unknown, not empty. */
  readonly missingDays: readonly string[];
  /** Half-lives of the EWMA history columns (the knowledge base's `halfLives` option), ascending. */
  readonly halfLives: readonly number[];
  columns(): KnowledgeColumns;
  /** IP text of an id. */
  ip(id: number): string;
  /**
   * The IP text of an id known to this view, as a function that stays valid after the view is gone (an id's IP never
   * changes): for lists whose IP texts are made only when read.
   */
  ipText(): (id: number) => string;
  /** Id of an IP known before D, or undefined. */
  idOf(ip: string): number | undefined;
  /** Ids of many IPs at once (-1 for an IP not known before D): one check, one pass. */
  idsOf(ips: readonly string[]): Int32Array;
  /** Every id, ordered by IP numerically (IPv4 before IPv6): the tie order of every ranked list (DESIGN §4). */
  ipOrder(): Int32Array;
  /**
   * Every id in the tie order (DESIGN §4): last seen latest first, then days active, then flows (most first), then IP
   * ascending. Equal scores of a ranked list and every unranked (set) list follow it, so a budget cut never decides
   * by address where recency, persistence or volume can.
   */
  tieOrder(): Int32Array;
  /**
   * The rows of the days D-lookback .. D-1. Throws a UsageError if the knowledge base no longer keeps rows that old
   * (its `retainDays` option).
   */
  window(lookback: number): KnowledgeWindow;
  /**
   * The state as of D - steps (`previous()`: D-1, what a model trained on "yesterday" sees), exactly as a knowledge
   * base built from the days before D - steps would show it: copied, and rebuilt from the undo logs of the folded
   * days in [D - steps, D), newest first (a missing day has nothing to undo). O(IPs + rows of those days). Steps go
   * up to the knowledge base's `retainDays` (it keeps one undo log per retained day), and only from a live view
   * (one made by `asOf`): a view made by previous() cannot go further.
   */
  previous(steps?: number): KnowledgeView;
}

type Access = () => KnowledgeState;

/** A view's own copy of the columns (views made by previous()). */
interface Copy {
  base: MutableColumns;
  history: MutableHistory;
}

interface MutableColumns {
  flows: Float64Array;
  duration: Float64Array;
  bytes: Float64Array;
  packets: Float64Array;
  daysActive: Int32Array;
  firstSeen: Int32Array;
  lastSeen: Int32Array;
}

interface MutableHistory {
  runLength: Int32Array;
  gapSumSq: Float64Array;
  ewmaPresence: Float64Array[];
  ewmaFlows: Float64Array[];
}

function liveColumns(s: KnowledgeState, n: number): KnowledgeColumns {
  return {
    flows: s.flows.subarray(0, n),
    duration: s.duration.subarray(0, n),
    bytes: s.bytes.subarray(0, n),
    packets: s.packets.subarray(0, n),
    daysActive: s.daysActive.subarray(0, n),
    firstSeen: s.firstSeen.subarray(0, n),
    lastSeen: s.lastSeen.subarray(0, n),
  };
}

function liveHistory(s: KnowledgeState, n: number): HistoryColumns {
  return {
    runLength: s.runLength.subarray(0, n),
    gapSumSq: s.gapSumSq.subarray(0, n),
    ewmaPresence: s.ewmaPresence.map((a) => a.subarray(0, n)),
    ewmaFlows: s.ewmaFlows.map((a) => a.subarray(0, n)),
  };
}

class View implements KnowledgeView {
  readonly date: string;
  readonly firstDay: string | undefined;
  readonly missingDays: readonly string[];
  readonly halfLives: readonly number[];

  constructor(
    private readonly access: Access,
    readonly day: number,
    readonly size: number,
    readonly foldedDays: number,
    /** undefined: live (read the knowledge base's arrays); else a copy owned by this view. */
    private readonly copy: Copy | undefined,
  ) {
    const s = access();
    this.date = formatDay(day);
    this.halfLives = s.halfLives;
    this.firstDay = s.firstDay !== undefined && s.firstDay < day ? formatDay(s.firstDay) : undefined;
    this.missingDays = s.missing.filter((m) => m < day).map(formatDay);
  }

  columns(): KnowledgeColumns {
    const s = this.access();
    return this.copy?.base ?? liveColumns(s, this.size);
  }

  /** The knowledge base's state, for a live view (checked current), else undefined (internal: liveState). */
  liveState(): KnowledgeState | undefined {
    const s = this.access();
    return this.copy === undefined && this.size === s.n ? s : undefined;
  }

  /** The history columns and the observed-day count (for viewHistory). */
  history(): ViewHistory {
    const s = this.access();
    const columns = this.copy?.history ?? liveHistory(s, this.size);
    const day = this.day;
    return {
      ...columns,
      // The state was checked just now; what it holds for days up to the view's day never changes.
      observedBefore(d: number): number {
        if (d > day) throw new Error(`observedBefore(${d}): after the view's day ${day} (internal error)`);
        return observedBefore(s, d);
      },
    };
  }

  ip(id: number): string {
    const s = this.access();
    if (!Number.isInteger(id) || id < 0 || id >= this.size)
      throw new RangeError(`no IP with id ${id} (${this.size} known)`);
    return s.index.text(id, s.ipKeys);
  }

  ipText(): (id: number) => string {
    const s = this.access();
    const size = this.size;
    return (id) => {
      if (!Number.isInteger(id) || id < 0 || id >= size)
        throw new RangeError(`no IP with id ${id} (${size} known)`);
      return s.index.text(id, s.ipKeys);
    };
  }

  idOf(ip: string): number | undefined {
    const s = this.access();
    const id = s.index.find(ip, s.ipKeys);
    return id >= 0 && id < this.size ? id : undefined;
  }

  idsOf(ips: readonly string[]): Int32Array {
    const s = this.access();
    const size = this.size;
    const out = new Int32Array(ips.length);
    for (let i = 0; i < ips.length; i++) {
      const id = s.index.find(ips[i]!, s.ipKeys);
      out[i] = id < size ? id : -1;
    }
    return out;
  }

  ipOrder(): Int32Array {
    const s = this.access();
    const all = ipOrderOf(s);
    if (this.size === s.n) return all.slice();
    const out = new Int32Array(this.size);
    let k = 0;
    for (let i = 0; i < all.length; i++) {
      const id = all[i]!;
      if (id < this.size) out[k++] = id;
    }
    return out;
  }

  tieOrder(): Int32Array {
    const s = this.access();
    if (this.copy !== undefined) return sortIntoTieOrder(this.ipOrder(), this.copy.base, this.size);
    return tieOrderOf(s).slice();
  }

  window(lookback: number): KnowledgeWindow {
    if (!Number.isInteger(lookback) || lookback < 0)
      throw new UsageError(`window: lookback must be a whole number of days >= 0, got ${lookback}`);
    const s = this.access();
    const from = this.day - lookback;
    const to = this.day - 1;
    const days: DayRows[] = [];
    const missingDays: string[] = [];
    const daysBeforeStart: string[] = [];
    const missing = new Set(s.missing);
    const byDay = new Map(s.retained.map((r) => [r.day, r]));
    for (let d = from; d <= to; d++) {
      if (s.firstDay === undefined || d < s.firstDay) daysBeforeStart.push(formatDay(d));
      else if (missing.has(d)) missingDays.push(formatDay(d));
      else {
        const rows = byDay.get(d);
        if (rows === undefined) {
          throw new UsageError(
            `window of ${lookback} days before ${this.date} needs the rows of ${formatDay(d)}, but the knowledge ` +
              `base keeps only the last ${s.retainDays} days (raise its retainDays option)`,
          );
        }
        days.push(rows);
      }
    }
    return {
      from: formatDay(from),
      to: formatDay(to),
      days,
      missingDays,
      daysBeforeStart,
    };
  }

  previous(steps = 1): KnowledgeView {
    const s = this.access();
    if (this.copy !== undefined) {
      throw new UsageError(
        'previous(): this view was itself made by previous(); step back from the live view instead ' +
          '(previous(steps) goes back up to retainDays days)',
      );
    }
    if (!Number.isInteger(steps) || steps < 1)
      throw new UsageError(`previous(steps): steps must be a whole number >= 1, got ${steps}`);
    if (steps > s.retainDays) {
      throw new UsageError(
        `previous(${steps}): the knowledge base keeps undo logs for only the last ${s.retainDays} days (raise its ` +
          'retainDays option)',
      );
    }
    // The undo logs of the observed days in [D - steps, D), newest first; a missing day (or one before the first
    // day) added nothing, so there is nothing to undo for it.
    const target = this.day - steps;
    const logs: UndoLog[] = [];
    let next = s.undo.length - 1;
    for (let d = this.day - 1; d >= target; d--) {
      if (s.firstDay === undefined || d < s.firstDay) break;
      if (observedBefore(s, d + 1) === observedBefore(s, d)) continue;
      const log = s.undo[next];
      if (log === undefined || log.day !== d)
        throw new UsageError(`previous(${steps}): no undo log for ${formatDay(d)}`);
      logs.push(log);
      next--;
    }
    const n = logs.length === 0 ? this.size : logs[logs.length - 1]!.sizeBefore;
    const c: Copy = {
      base: copyColumns(liveColumns(s, n)),
      history: copyHistory(liveHistory(s, n)),
    };
    for (const log of logs) undoDay(c, log, n);
    return new View(this.access, target, n, this.foldedDays - logs.length, c);
  }
}

/**
 * Restores the values the IPs of one folded day had before it (the log holds them; daysActive is one less). Logs
 * are applied newest first, so ids at or past `n` (first seen on a later day of the same undo) are dropped.
 */
function undoDay(c: Copy, log: UndoLog, n: number): void {
  const { base, history } = c;
  const halfLives = history.ewmaPresence.length;
  for (let i = 0; i < log.ids.length; i++) {
    const id = log.ids[i]!;
    if (id >= n) continue;
    base.flows[id] = log.flows[i]!;
    base.duration[id] = log.duration[i]!;
    base.bytes[id] = log.bytes[i]!;
    base.packets[id] = log.packets[i]!;
    base.daysActive[id] = base.daysActive[id]! - 1;
    base.lastSeen[id] = log.lastSeen[i]!;
    history.runLength[id] = log.runLength[i]!;
    history.gapSumSq[id] = log.gapSumSq[i]!;
    for (let h = 0; h < halfLives; h++) {
      history.ewmaPresence[h]![id] = log.ewmaPresence[h]![i]!;
      history.ewmaFlows[h]![id] = log.ewmaFlows[h]![i]!;
    }
  }
}

function copyColumns(c: KnowledgeColumns): MutableColumns {
  return {
    flows: c.flows.slice(),
    duration: c.duration.slice(),
    bytes: c.bytes.slice(),
    packets: c.packets.slice(),
    daysActive: c.daysActive.slice(),
    firstSeen: c.firstSeen.slice(),
    lastSeen: c.lastSeen.slice(),
  };
}

function copyHistory(c: HistoryColumns): MutableHistory {
  return {
    runLength: c.runLength.slice(),
    gapSumSq: c.gapSumSq.slice(),
    ewmaPresence: c.ewmaPresence.map((a) => a.slice()),
    ewmaFlows: c.ewmaFlows.map((a) => a.slice()),
  };
}

/**
 * The history columns of a view made by a knowledge base (internal: `historyFeatures` reads them; the public
 * KnowledgeView interface does not carry them, so models reach them only through the features).
 */
export function viewHistory(view: KnowledgeView): ViewHistory {
  if (!(view instanceof View))
    throw new UsageError('history features: the view was not made by a KnowledgeBase (asOf or previous)');
  return view.history();
}

/**
 * The knowledge base's own state behind a live view (internal: the fast paths of the models read its recency groups
 * and columns; never write it), or undefined for a view made by previous() or not by a KnowledgeBase.
 */
export function liveState(view: KnowledgeView): KnowledgeState | undefined {
  return view instanceof View ? view.liveState() : undefined;
}

/** A live view of the state behind `access` as of `day` (internal: KnowledgeBase.asOf makes these). */
export function liveView(access: Access, day: number): KnowledgeView {
  const s = access();
  return new View(access, day, s.n, s.foldedDays, undefined);
}
