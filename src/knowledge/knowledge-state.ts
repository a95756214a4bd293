import type { DayRows } from './day-rows.js';
import type { IpIndex } from './ip-index.js';

/**
 * The values a fold must restore to undo one folded day exactly (subtracting a day would not give back the same
 * floats): used by `KnowledgeView.previous(steps)` to show the state as of D - steps from a knowledge base at D.
 * Only the IPs the day touched that were already known are logged; the IPs first seen that day are dropped by size.
 */
export interface UndoLog {
  day: number;
  /** Number of known IPs before the day was folded: the IPs first seen that day are the ids from here on. */
  sizeBefore: number;
  /** Ids (all < sizeBefore) the day touched, and their values before it. */
  ids: Int32Array;
  flows: Float64Array;
  duration: Float64Array;
  bytes: Float64Array;
  packets: Float64Array;
  lastSeen: Int32Array;
  runLength: Int32Array;
  gapSumSq: Float64Array;
  /** One array per half-life, in `halfLives` order. */
  ewmaPresence: Float64Array[];
  ewmaFlows: Float64Array[];
}

/**
 * Everything a knowledge base holds; columns are indexed by dense IP id and have room (capacity) beyond `n`.
 * Internal to src/knowledge: the snapshot encodes it, the views read it.
 */
export interface KnowledgeState {
  retainDays: number;
  /** Half-lives of the EWMA columns, in observed days: ascending, distinct, frozen. */
  halfLives: readonly number[];
  n: number;
  /** Ids by IP, and the IP text of an id (over ipKeys: no object per IP). */
  index: IpIndex;
  /** 5 words per id, see ip-key.ts. */
  ipKeys: Uint32Array;
  flows: Float64Array;
  duration: Float64Array;
  bytes: Float64Array;
  packets: Float64Array;
  daysActive: Int32Array;
  firstSeen: Int32Array;
  lastSeen: Int32Array;
  /** Active observed days in a row ending on lastSeen (missing days neither break nor extend a run). */
  runLength: Int32Array;
  /** Σ g² over the gaps g between consecutive active days, in observed days (an exact integer). */
  gapSumSq: Float64Array;
  /**
   * Per half-life h (same order as halfLives): the EWMA of daily presence (1 on an active day, else 0) and of daily
   * flows, as of lastSeen (aged to a later day on read: see history-features.ts).
   */
  ewmaPresence: Float64Array[];
  ewmaFlows: Float64Array[];
  /**
   * The observed-day prefix: observed[d - firstDay] = days folded with a table in [firstDay, d), for
   * firstDay <= d <= nextDay (capacity beyond). See observed-days.ts.
   */
  observed: Int32Array;
  /** First folded (or missing) day; undefined while nothing was folded. */
  firstDay: number | undefined;
  /** The next day to fold: every day in [firstDay, nextDay) was folded or marked missing. */
  nextDay: number | undefined;
  /** Missing days, ascending. */
  missing: number[];
  /** Number of days folded with a table (empty ones included, missing ones not). */
  foldedDays: number;
  /** Rows of the folded days in [nextDay - retainDays, nextDay), ascending. */
  retained: DayRows[];
  /** Undo logs of the folded days in [nextDay - retainDays, nextDay), ascending (missing days have none). */
  undo: UndoLog[];
}
