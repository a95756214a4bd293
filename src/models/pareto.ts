import { z } from 'zod';
import { type KnowledgeView, liveState } from '../knowledge/knowledge-view.js';
import { walkTieOrder } from '../knowledge/recency-groups.js';
import { rankSubset } from './bounded-top.js';
import { warnAboutGaps, warnIfNoKnowledge } from './history-warnings.js';
import { defineModel } from './model.js';
import { type CommonModelParams, modelParamsSchema } from './params.js';
import { emptyRankedList, rankByScore } from './ranked-list.js';
import { sortByScoreDesc } from './sort-by-score.js';

export type DayColumn = 'flows' | 'duration' | 'packets' | 'bytes';

export interface ParetoParams extends CommonModelParams {
  /** Days of rows read: D-lookback .. D-1. @default 60 */
  lookback: number;
  /** Rows are kept while their cumulative share of the column's window total stays below this. @default 0.8 */
  share: number;
  /** The day-table column rows are sorted and summed by. @default 'flows' */
  column: DayColumn;
}

/**
 * Pareto (DESIGN §3; AIP models/pareto.py `pareto8020`): the per-IP-per-day rows of the window sorted by `column`
 * descending, kept while 100·cumsum/total < 100·share (AIP's strict `<`: the row that crosses the share is out),
 * then each IP once. Score = the IP's largest kept row value, so the list is in AIP's first-appearance order; equal
 * rows are taken in the tie order (view.tieOrder(): recency, days active, flows, IP; AIP's sort leaves them arbitrary). Raw day-table values (no 0 → 1 flows rule, as AIP
 * reads the attack files directly). O(rows) for whole-number columns (flows, packets, bytes), a sort otherwise.
 */
export const paretoModel = defineModel<ParetoParams>({
  name: 'Pareto',
  summary: 'the IPs behind the top `share` of the window’s per-day volume (80/20 rule) — AIP (pareto.py)',
  source: 'AIP lib/aip/models/pareto.py; DESIGN §3',
  schema: modelParamsSchema({
    lookback: z.number().int().min(1).default(60),
    share: z.number().gt(0).max(1).default(0.8),
    column: z.enum(['flows', 'duration', 'packets', 'bytes']).default('flows'),
  }),
  tunable: {
    lookback: { kind: 'number', min: 1, max: 120, scale: 'log', integer: true, doc: 'days of rows' },
    share: { kind: 'number', min: 0.05, max: 1, doc: 'share of the volume the kept rows reach' },
    column: { kind: 'enum', values: ['flows', 'duration', 'packets', 'bytes'], doc: 'the volume' },
  },
  historyDays: (p) => p.lookback,
  rank: (params, ctx) => {
    if (warnIfNoKnowledge(ctx)) return emptyRankedList();
    const view = ctx.knowledge;
    const window = view.window(params.lookback);
    warnAboutGaps(ctx, view.day - params.lookback, `lookback window of ${params.lookback} day(s)`);
    let rows = 0;
    for (const d of window.days) rows += d.ids.length;
    // Scratch reused from day to day (a 60-day window of a large network is millions of rows).
    if (rowIdScratch.length < rows) {
      rowIdScratch = new Int32Array(Math.ceil(rows * 1.25));
      rowValueScratch = new Float64Array(rowIdScratch.length);
    }
    const rowId = rowIdScratch.subarray(0, rows);
    const rowValue = rowValueScratch.subarray(0, rows);
    let total = 0;
    let wholeNumbers = true;
    let r = 0;
    for (const d of window.days) {
      const values = d[params.column];
      for (let i = 0; i < d.ids.length; i++, r++) {
        const v = values[i]!;
        rowId[r] = d.ids[i]!;
        rowValue[r] = v + 0; // -0 → 0, so the bit patterns of the values order them
        total += v;
        if (!Number.isInteger(v)) wholeNumbers = false;
      }
    }
    if (!(total > 0)) {
      ctx.warn(`no ${params.column} in the lookback window: empty list`);
      return emptyRankedList();
    }
    const limit = params.share * 100;
    // Whole numbers add up exactly in any order (below 2^53), so the cut can be found without sorting the rows;
    // other values (durations) are cut exactly as AIP does it: sorted, then summed row by row.
    const { score, listed } =
      wholeNumbers && total < Number.MAX_SAFE_INTEGER
        ? paretoScoresBySelect(view.size, tieWalk(view), rowId, rowValue, total, limit)
        : paretoScoresBySort(view.size, view.tieOrder(), rowId, rowValue, total, limit);
    // The listed IPs are among the window's: rank those (O(listed)), not every known IP.
    try {
      return (
        rankSubset(view, Int32Array.from(listed), score, ctx.limit) ??
        rankByScore(view, score, (id) => score[id]! >= 0, ctx.limit)
      );
    } finally {
      // The score array is a scratch kept at -1 between calls: only the listed ids were set.
      if (score === scoreScratch) for (const id of listed) score[id] = -1;
    }
  },
});

let rowIdScratch = new Int32Array(0);
let rowValueScratch = new Float64Array(0);
/** A score per known IP, all -1 between calls (paretoScoresBySelect sets the listed ids; the caller resets them). */
let scoreScratch = new Float64Array(0);

/**
 * A walk of the view's tie order: calls `visit` for each id in order until it returns false. From the recency groups
 * for a live view (it stops early without touching the rest), else over view.tieOrder().
 */
function tieWalk(view: KnowledgeView): (visit: (id: number) => boolean) => void {
  const s = liveState(view);
  if (s !== undefined) return (visit) => walkTieOrder(s, visit);
  return (visit) => {
    const order = view.tieOrder();
    for (let k = 0; k < order.length; k++) if (!visit(order[k]!)) return;
  };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * AIP's cut, literally: rows sorted by value descending (equal values in (tie order, day) order: a stable sort of the rows
 * taken in that order), kept while 100·cumsum/total < limit; per IP id the largest kept value, or -1.
 */
function paretoScoresBySort(
  size: number,
  tieOrder: Int32Array,
  rowId: Int32Array,
  rowValue: Float64Array,
  total: number,
  limit: number,
): { score: Float64Array; listed: number[] } {
  const rows = rowValue.length;
  // Rows in (tie order, day) order: a stable counting sort by tie-order rank of the rows, which are already in day order.
  const rank = new Int32Array(size);
  for (let k = 0; k < tieOrder.length; k++) rank[tieOrder[k]!] = k;
  const start = new Int32Array(size + 1);
  for (let i = 0; i < rows; i++) start[rank[rowId[i]!]! + 1]!++;
  for (let k = 0; k < size; k++) start[k + 1]! += start[k]!;
  const byIp = new Int32Array(rows);
  for (let i = 0; i < rows; i++) byIp[start[rank[rowId[i]!]!]!++] = i;
  const sorted = sortByScoreDesc(byIp, rowValue);
  const score = new Float64Array(size).fill(-1);
  const listed: number[] = [];
  let cum = 0;
  for (let k = 0; k < rows; k++) {
    const row = sorted[k]!;
    cum += rowValue[row]!;
    if (!((cum * 100) / total < limit)) break;
    const id = rowId[row]!;
    if (score[id]! < 0) {
      score[id] = rowValue[row]!;
      listed.push(id);
    }
  }
  return { score, listed };
}

/**
 * The same cut without sorting the window's rows (10⁶–10⁷ of them), for whole-number values: the kept rows are a
 * prefix of the rows sorted by value descending, so they are every row above some value v*, plus the first rows
 * equal to v* in (tie order, day) order. v* is found by a radix select on the bits of the (non-negative) values: four
 * 16-bit passes over the remaining candidates, each adding whole buckets of larger values while 100·cum/total stays
 * below the limit. Sums are added bucket by bucket rather than row by row, which for whole numbers is exact.
 */
function paretoScoresBySelect(
  size: number,
  walk: (visit: (id: number) => boolean) => void,
  rowId: Int32Array,
  rowValue: Float64Array,
  total: number,
  limit: number,
): { score: Float64Array; listed: number[] } {
  const rows = rowValue.length;
  const bits = new Uint32Array(rowValue.buffer, rowValue.byteOffset, rows * 2);
  const HI = LITTLE_ENDIAN ? 1 : 0;
  const LO = 1 - HI;
  const digitOf = (row: number, level: number): number => {
    const word = bits[2 * row + (level < 2 ? HI : LO)]!;
    return level % 2 === 0 ? word >>> 16 : word & 0xffff;
  };
  const counts = new Int32Array(65_536);
  const sums = new Float64Array(65_536);
  let candidates: Int32Array | undefined; // undefined: every row
  let above = 0; // sum of the values above the candidates
  let keepAllCandidates = false;
  for (let level = 0; level < 4; level++) {
    counts.fill(0);
    sums.fill(0);
    const m = candidates ? candidates.length : rows;
    for (let k = 0; k < m; k++) {
      const row = candidates ? candidates[k]! : k;
      const dg = digitOf(row, level);
      counts[dg]!++;
      sums[dg]! += rowValue[row]!;
    }
    let chosen = -1;
    for (let dg = 65_535; dg >= 0; dg--) {
      if (counts[dg] === 0) continue;
      if (((above + sums[dg]!) * 100) / total < limit) above += sums[dg]!;
      else {
        chosen = dg;
        break;
      }
    }
    if (chosen < 0) {
      // Every candidate is kept (possible below level 0 only through rounding of the bucket sums).
      keepAllCandidates = true;
      break;
    }
    const next = new Int32Array(counts[chosen]!);
    let j = 0;
    for (let k = 0; k < m; k++) {
      const row = candidates ? candidates[k]! : k;
      if (digitOf(row, level) === chosen) next[j++] = row;
    }
    candidates = next;
  }

  if (scoreScratch.length < size) scoreScratch = new Float64Array(Math.ceil(size * 1.25)).fill(-1);
  const score = scoreScratch;
  const listed: number[] = [];
  const keep = (id: number, v: number) => {
    if (score[id]! < 0) listed.push(id);
    if (v > score[id]!) score[id] = v;
  };
  if (candidates === undefined) {
    for (let row = 0; row < rows; row++) keep(rowId[row]!, rowValue[row]!);
    return { score, listed };
  }
  // Rows above the candidates' bucket are kept.
  let top = 0;
  for (const row of candidates) top = Math.max(top, rowValue[row]!);
  for (let row = 0; row < rows; row++) if (rowValue[row]! > top) keep(rowId[row]!, rowValue[row]!);
  if (keepAllCandidates) {
    for (const row of candidates) keep(rowId[row]!, rowValue[row]!);
    return { score, listed };
  }
  // After four levels the candidates all hold one value v*: take them one by one (AIP's cumsum) in (tie order, day) order
  // while the share stays below the limit.
  let take = 0;
  let cum = above;
  for (let k = 0; k < candidates.length; k++) {
    cum += top;
    if (!((cum * 100) / total < limit)) break;
    take++;
  }
  if (take > 0) {
    const inGroup = new Map<number, number>();
    for (const row of candidates) inGroup.set(rowId[row]!, (inGroup.get(rowId[row]!) ?? 0) + 1);
    walk((id) => {
      const count = inGroup.get(id);
      if (count === undefined) return true;
      take -= count;
      keep(id, top);
      return take > 0;
    });
  }
  return { score, listed };
}
