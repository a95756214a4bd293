import { compareIpKeys } from '../util/ip/index.js';
import { sortByScoreDesc } from '../util/sort-by-score.js';
import { ipOrderOf } from './ip-order.js';
import type { KnowledgeState, UndoLog } from './knowledge-state.js';
import { sortIntoTieOrder } from './tie-order.js';

/**
 * The tie order (DESIGN §4: last seen latest first, then days active, flows, IP) kept as one group per last-seen
 * day. An IP's key changes only on a day it attacks, and then it moves to that day's group, so a group, once made
 * from its day's rows, only loses members: the whole tie order is the groups newest first, each in its own order.
 * Folding a day makes one group from that day's rows (O(rows)) and leaves stale entries behind in the groups its IPs
 * left (skipped by `lastSeen[id] === day`, compacted once they are half a group). So:
 * - a windowed model (Alpha, Alpha7, AllIPs) reads only the groups of its window, in order: O(its rows), not O(IPs);
 * - a model scoring every known IP can take an exact top K through bounds kept per chunk of a group (the extremes
 *   of AIP's eight features and of first_seen over the chunk's members, final while they stay), scoring only the
 *   chunks whose bound reaches the cut (`boundedTopK` in models/bounded-top.ts).
 */
export interface RecencyGroup {
  /** The last-seen day of its members. */
  readonly day: number;
  /** Members in the tie order, plus stale ids (seen again since: lastSeen[id] !== day), which readers skip. */
  ids: Int32Array;
  /** Members still last seen on `day`. */
  live: number;
  /** Made on first need; dropped when the group is compacted. */
  stats: ChunkStats | undefined;
}

/** Ids per chunk of a group's `ids` (the unit a bound covers). */
export const CHUNK = 64;
/** AIP's eight features (flows, duration, bytes, packets, mean_flows, mean_duration, mean_bytes, mean_packets). */
export const FEATURES = 8;

/**
 * Extremes over the live members of each chunk, when the stats were made (members only leave, so these stay bounds).
 * Feature j of chunk c at [c·8 + j]; a chunk without live members has firstSeenMin > firstSeenMax.
 */
export interface ChunkStats {
  readonly chunks: number;
  readonly max: Float64Array;
  readonly min: Float64Array;
  readonly firstSeenMin: Int32Array;
  readonly firstSeenMax: Int32Array;
}

export interface RecencyGroups {
  /** The state's nextDay and size they were brought to. */
  nextDay: number | undefined;
  n: number;
  /** Ascending by day; no empty group. */
  groups: RecencyGroup[];
}

const cache = new WeakMap<KnowledgeState, RecencyGroups>();

/**
 * The groups of the state as it is now. Brought forward one folded day at a time from the rows and undo log the
 * knowledge base keeps for each retained day (O(rows) a day); made from scratch (O(IPs)) on the first call or when
 * a day to catch up on is no longer retained.
 */
export function recencyGroupsOf(s: KnowledgeState): RecencyGroups {
  const known = cache.get(s);
  if (known !== undefined && known.nextDay === s.nextDay && known.n === s.n) return known;
  let groups: RecencyGroups | undefined;
  if (
    known !== undefined &&
    known.nextDay !== undefined &&
    s.nextDay !== undefined &&
    known.nextDay < s.nextDay
  )
    groups = catchUp(s, known);
  groups ??= fromScratch(s);
  cache.set(s, groups);
  return groups;
}

function fromScratch(s: KnowledgeState): RecencyGroups {
  const order = sortIntoTieOrder(ipOrderOf(s), s, s.n);
  const groups: RecencyGroup[] = [];
  let start = 0;
  const lastSeen = s.lastSeen;
  while (start < order.length) {
    const day = lastSeen[order[start]!]!;
    let end = start + 1;
    while (end < order.length && lastSeen[order[end]!] === day) end++;
    groups.push({ day, ids: order.slice(start, end), live: end - start, stats: undefined });
    start = end;
  }
  groups.reverse();
  return { nextDay: s.nextDay, n: s.n, groups };
}

/** Folds the days known.nextDay .. s.nextDay-1 into `known` (in place), or undefined when one is not retained. */
function catchUp(s: KnowledgeState, known: RecencyGroups): RecencyGroups | undefined {
  const missing = new Set(s.missing);
  const plan: { day: number; rows: Int32Array; undo: UndoLog }[] = [];
  for (let day = known.nextDay!; day < s.nextDay!; day++) {
    if (missing.has(day)) continue;
    const rows = s.retained.find((r) => r.day === day);
    const undo = s.undo.find((u) => u.day === day);
    if (rows === undefined || undo === undefined) return undefined;
    plan.push({ day, rows: rows.ids, undo });
  }
  const byDay = new Map(known.groups.map((g) => [g.day, g]));
  for (const { day, rows, undo } of plan) {
    // The IPs that came back leave the group of the day they were last seen before.
    for (let i = 0; i < undo.ids.length; i++) {
      const g = byDay.get(undo.lastSeen[i]!);
      if (g !== undefined) g.live--;
    }
    if (rows.length === 0) continue;
    const group: RecencyGroup = { day, ids: sortGroup(s, rows), live: rows.length, stats: undefined };
    known.groups.push(group);
    byDay.set(day, group);
  }
  // Compact the groups that are mostly stale; drop the empty ones.
  const kept: RecencyGroup[] = [];
  for (const g of known.groups) {
    if (g.live <= 0) continue;
    if (g.ids.length - g.live > Math.max(4 * CHUNK, g.ids.length >>> 1)) compact(s, g);
    kept.push(g);
  }
  known.groups = kept;
  known.nextDay = s.nextDay;
  known.n = s.n;
  return known;
}

function compact(s: KnowledgeState, g: RecencyGroup): void {
  const out = new Int32Array(g.live);
  let k = 0;
  const { lastSeen } = s;
  for (let i = 0; i < g.ids.length; i++) {
    const id = g.ids[i]!;
    if (lastSeen[id] === g.day) out[k++] = id;
  }
  if (k !== g.live)
    throw new Error(`recency groups: ${k} live ids in the group of day ${g.day}, ${g.live} counted`);
  g.ids = out;
  g.stats = undefined;
}

/**
 * One day's ids in the tie order: IP order first (the rows of a day table usually are; else sorted), then two
 * stable radix passes, flows and days active, descending (their last seen is the same day) — as sortIntoTieOrder.
 */
function sortGroup(s: KnowledgeState, ids: Int32Array): Int32Array {
  const m = ids.length;
  const keys = s.ipKeys;
  let sorted = true;
  for (let i = 1; i < m && sorted; i++) if (compareIpKeys(keys, ids[i - 1]!, ids[i]!) > 0) sorted = false;
  const byIp = Int32Array.from(ids);
  if (!sorted) byIp.sort((a, b) => compareIpKeys(keys, a, b));
  const pos = new Int32Array(m);
  const flows = new Float64Array(m);
  const daysActive = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const id = byIp[i]!;
    pos[i] = i;
    flows[i] = s.flows[id]!;
    daysActive[i] = s.daysActive[id]!;
  }
  const order = sortByScoreDesc(sortByScoreDesc(pos, flows), daysActive);
  const out = new Int32Array(m);
  for (let i = 0; i < m; i++) out[i] = byIp[order[i]!]!;
  return out;
}

/** The chunk stats of a group (made once, over its live members). */
export function chunkStatsOf(s: KnowledgeState, g: RecencyGroup): ChunkStats {
  if (g.stats !== undefined) return g.stats;
  const chunks = Math.ceil(g.ids.length / CHUNK);
  const max = new Float64Array(chunks * FEATURES).fill(Number.NEGATIVE_INFINITY);
  const min = new Float64Array(chunks * FEATURES).fill(Number.POSITIVE_INFINITY);
  const firstSeenMin = new Int32Array(chunks).fill(2_147_483_647);
  const firstSeenMax = new Int32Array(chunks).fill(-2_147_483_648);
  const { flows, duration, bytes, packets, daysActive, firstSeen, lastSeen } = s;
  const x = new Float64Array(FEATURES);
  for (let c = 0; c < chunks; c++) {
    const end = Math.min(g.ids.length, (c + 1) * CHUNK);
    const at = c * FEATURES;
    for (let i = c * CHUNK; i < end; i++) {
      const id = g.ids[i]!;
      if (lastSeen[id] !== g.day) continue;
      const f = flows[id]!;
      // The features as aipFeatures computes them.
      x[0] = f;
      x[1] = duration[id]!;
      x[2] = bytes[id]!;
      x[3] = packets[id]!;
      x[4] = f / daysActive[id]!;
      x[5] = duration[id]! / f;
      x[6] = bytes[id]! / f;
      x[7] = packets[id]! / f;
      for (let j = 0; j < FEATURES; j++) {
        const v = x[j]!;
        if (v > max[at + j]!) max[at + j] = v;
        if (v < min[at + j]!) min[at + j] = v;
      }
      const fs = firstSeen[id]!;
      if (fs < firstSeenMin[c]!) firstSeenMin[c] = fs;
      if (fs > firstSeenMax[c]!) firstSeenMax[c] = fs;
    }
  }
  g.stats = { chunks, max, min, firstSeenMin, firstSeenMax };
  return g.stats;
}

const orders = new WeakMap<KnowledgeState, { nextDay: number | undefined; order: Int32Array }>();

/**
 * Every id of the state in the tie order: the live members of the recency groups, newest group first (O(IPs), made
 * once per folded day). The returned array is the cache itself: callers copy it.
 */
export function tieOrderOf(s: KnowledgeState): Int32Array {
  const known = orders.get(s);
  if (known !== undefined && known.nextDay === s.nextDay && known.order.length === s.n) return known.order;
  const order = new Int32Array(s.n);
  let k = 0;
  walkTieOrder(s, (id) => {
    order[k++] = id;
    return true;
  });
  if (k !== s.n) throw new Error(`tie order: ${k} ids in the recency groups, ${s.n} known (internal error)`);
  orders.set(s, { nextDay: s.nextDay, order });
  return order;
}

/**
 * Calls `visit(id, lastSeen)` for each id of the state in the tie order (the groups' live members, newest group
 * first) until it returns false. Stopping early reads nothing past that point.
 */
export function walkTieOrder(s: KnowledgeState, visit: (id: number, lastSeen: number) => boolean): void {
  const { groups } = recencyGroupsOf(s);
  const { lastSeen } = s;
  for (let g = groups.length - 1; g >= 0; g--) {
    const group = groups[g]!;
    for (let i = 0; i < group.ids.length; i++) {
      const id = group.ids[i]!;
      if (lastSeen[id] === group.day && !visit(id, group.day)) return;
    }
  }
}
