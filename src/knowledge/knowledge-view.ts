import { formatDay } from '../util/dates.js';
import { UsageError } from '../util/errors.js';
import type { DayRows, KnowledgeWindow } from './day-rows.js';
import { ipOrderOf } from './ip-order.js';
import type { KnowledgeState } from './knowledge-state.js';
import { sortIntoTieOrder, tieOrderOf } from './tie-order.js';

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
  columns(): KnowledgeColumns;
  /** IP text of an id. */
  ip(id: number): string;
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
   * The state as of D-1 (what a model trained on "yesterday" sees): rebuilt exactly from an undo log of the last
   * folded day, copied, O(IPs). Only one step back; a view made by previous() cannot go further.
   */
  previous(): KnowledgeView;
}

type Access = () => KnowledgeState;

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

class View implements KnowledgeView {
  readonly date: string;
  readonly firstDay: string | undefined;
  readonly missingDays: readonly string[];

  constructor(
    private readonly access: Access,
    readonly day: number,
    readonly size: number,
    readonly foldedDays: number,
    /** undefined: live (read the knowledge base's arrays); else a copy owned by this view. */
    private readonly copy: KnowledgeColumns | undefined,
  ) {
    const s = access();
    this.date = formatDay(day);
    this.firstDay = s.firstDay !== undefined && s.firstDay < day ? formatDay(s.firstDay) : undefined;
    this.missingDays = s.missing.filter((m) => m < day).map(formatDay);
  }

  columns(): KnowledgeColumns {
    const s = this.access();
    return this.copy ?? liveColumns(s, this.size);
  }

  ip(id: number): string {
    const s = this.access();
    if (!Number.isInteger(id) || id < 0 || id >= this.size)
      throw new RangeError(`no IP with id ${id} (${this.size} known)`);
    return s.index.text(id, s.ipKeys);
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
    if (this.copy !== undefined) return sortIntoTieOrder(this.ipOrder(), this.copy, this.size);
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

  previous(): KnowledgeView {
    const s = this.access();
    if (this.copy !== undefined)
      throw new UsageError('previous(): only one step back (this view was itself made by previous())');
    const day = this.day - 1;
    const undo = s.undo;
    if (undo === undefined || undo.day !== day) {
      // Day D-1 added nothing (missing, or before the first day): the state as of D-1 is the state as of D.
      const missing = s.missing.includes(day);
      if (!missing && s.firstDay !== undefined && day >= s.firstDay)
        throw new UsageError(`previous(): no undo log for ${formatDay(day)}`);
      return new View(this.access, day, this.size, this.foldedDays, copyColumns(liveColumns(s, this.size)));
    }
    const n = undo.sizeBefore;
    const c = copyColumns(liveColumns(s, n));
    for (let i = 0; i < undo.ids.length; i++) {
      const id = undo.ids[i]!;
      c.flows[id] = undo.flows[i]!;
      c.duration[id] = undo.duration[i]!;
      c.bytes[id] = undo.bytes[i]!;
      c.packets[id] = undo.packets[i]!;
      c.daysActive[id] = c.daysActive[id]! - 1;
      c.lastSeen[id] = undo.lastSeen[i]!;
    }
    return new View(this.access, day, n, this.foldedDays - 1, c);
  }
}

function copyColumns(c: KnowledgeColumns): {
  flows: Float64Array;
  duration: Float64Array;
  bytes: Float64Array;
  packets: Float64Array;
  daysActive: Int32Array;
  firstSeen: Int32Array;
  lastSeen: Int32Array;
} {
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

/** A live view of the state behind `access` as of `day` (internal: KnowledgeBase.asOf makes these). */
export function liveView(access: Access, day: number): KnowledgeView {
  const s = access();
  return new View(access, day, s.n, s.foldedDays, undefined);
}
