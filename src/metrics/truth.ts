import type { DayTable } from '../days/day-table.js';
import type { KnowledgeView } from '../knowledge/knowledge-view.js';

/**
 * One target day's attackers, indexed for scoring lists made from a view: which knowledge ids attacked, with what
 * volumes, and the relevance and ideal gains the ranking metrics need.
 */
export interface Truth {
  /** The target day (D, or D+h for a later horizon). */
  date: string;
  table: DayTable;
  /** Attackers (P). */
  positives: number;
  /** For each knowledge id of the view: the attacker's row in `table`, or -1 (may be longer than the view). */
  rowById: Int32Array;
  /** For each row of `table`: the attacker's knowledge id, or -1 when it was not known before D. */
  idByRow: Int32Array;
  /** Attackers known to the view (seen before D). */
  returningPositives: number;
  totalFlows: number;
  totalPackets: number;
  totalBytes: number;
  totalDuration: number;
  /** AIP's relevance of each row: the mean of its shares of the day's flows, packets, bytes and duration. */
  relevance: Float64Array;
  /** idealDcgPrefix[k]: the DCG of the k most relevant attackers in order (k = 0 .. P). */
  idealDcgPrefix: Float64Array;
  /** AIP's ideal DCG: Σ 2^rel / log2(j + 2) over every attacker by relevance descending. */
  aipIdealDcg: number;
  /** Set when the truth's sensors are not the lists' (a backtest across sensors): what they saw before D. */
  here?: TruthHere;
}

/** What the truth's sensors saw before D, beside one target day's attackers (the cross-sensor facts). */
export interface TruthHere {
  /** For each knowledge id of the view: the day (number) the truth's sensors first saw the IP before D, or -1. */
  firstSeenById: Int32Array;
  /** Attackers of the target day the truth's sensors never saw before D. */
  unseenPositives: number;
}

function sum(values: Float64Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s;
}

/**
 * AIP's relevance (its evaluation's `get_rank`): the mean of an attacker's shares of the day's flows, duration,
 * packets and bytes. A quantity whose day total is 0 (Cowrie-style data without packets) is left out of the mean
 * instead of making every relevance NaN as pandas would.
 */
export function aipRelevance(table: DayTable): Float64Array {
  const columns = [table.flows, table.duration, table.packets, table.bytes];
  const totals = columns.map(sum);
  const used = columns.filter((_, j) => totals[j]! > 0);
  const usedTotals = totals.filter((t) => t > 0);
  const rel = new Float64Array(table.ip.length);
  if (used.length === 0) return rel.fill(1);
  for (let i = 0; i < rel.length; i++) {
    let s = 0;
    for (let j = 0; j < used.length; j++) s += used[j]![i]! / usedTotals[j]!;
    rel[i] = s / used.length;
  }
  return rel;
}

/** Position discount of 0-based rank i: 1 / log2(i + 2). */
export function discount(i: number): number {
  return 1 / Math.log2(i + 2);
}

/**
 * A reusable id → row index, so a day's truth costs O(attackers), not O(known IPs): take() hands out a buffer of at
 * least n entries, all -1; release() puts back -1 where a truth wrote. One per truth alive at a time.
 */
export class TruthScratch {
  #buffer = new Int32Array(0);

  take(n: number): Int32Array {
    if (this.#buffer.length < n) {
      const grown = new Int32Array(Math.max(n, Math.ceil(this.#buffer.length * 1.5))).fill(-1);
      this.#buffer = grown;
    }
    return this.#buffer;
  }

  release(truth: Truth): void {
    if (truth.rowById !== this.#buffer) return;
    const ids = truth.idByRow;
    for (let r = 0; r < ids.length; r++) if (ids[r]! >= 0) this.#buffer[ids[r]!] = -1;
  }
}

export function buildTruth(view: KnowledgeView, table: DayTable, scratch?: TruthScratch): Truth {
  const rowById = scratch ? scratch.take(view.size) : new Int32Array(view.size).fill(-1);
  const idByRow = view.idsOf(table.ip);
  let returning = 0;
  for (let r = 0; r < idByRow.length; r++) {
    const id = idByRow[r]!;
    if (id >= 0) {
      rowById[id] = r;
      returning++;
    }
  }
  const relevance = aipRelevance(table);
  const sorted = relevance.slice().sort().reverse();
  const idealDcgPrefix = new Float64Array(sorted.length + 1);
  let aipIdealDcg = 0;
  for (let i = 0; i < sorted.length; i++) {
    idealDcgPrefix[i + 1] = idealDcgPrefix[i]! + sorted[i]! * discount(i);
    aipIdealDcg += 2 ** sorted[i]! * discount(i);
  }
  return {
    date: table.date,
    table,
    positives: table.ip.length,
    rowById,
    idByRow,
    returningPositives: returning,
    totalFlows: sum(table.flows),
    totalPackets: sum(table.packets),
    totalBytes: sum(table.bytes),
    totalDuration: sum(table.duration),
    relevance,
    idealDcgPrefix,
    aipIdealDcg,
  };
}
