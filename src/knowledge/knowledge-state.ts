import type { DayRows } from './day-rows.js';
import type { IpIndex } from './ip-index.js';

/**
 * The values a fold must restore to undo the last folded day exactly (subtracting a day would not give back the
 * same floats): used by `KnowledgeView.previous()` to show the state as of D-1 from a knowledge base at D.
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
}

/**
 * Everything a knowledge base holds; columns are indexed by dense IP id and have room (capacity) beyond `n`.
 * Internal to src/knowledge: the snapshot encodes it, the views read it.
 */
export interface KnowledgeState {
  retainDays: number;
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
  undo: UndoLog | undefined;
}
