import type { KnowledgeState, UndoLog } from './knowledge-state.js';

/**
 * The minimum and maximum of each of AIP's eight features (flows, duration, bytes, packets, mean_flows,
 * mean_duration, mean_bytes, mean_packets, computed as aipFeatures does) over every known IP — what min-max scaling
 * needs — kept from one folded day to the next in O(rows): a folded day changes the features of its rows only, so
 * each extreme is kept with the number of IPs at it; a returning IP leaves its old values (the undo log has them),
 * every row brings its new ones, and only a feature whose extreme lost all its holders is recounted over every IP
 * (rare: the extremes are mostly held by many IPs or by IPs that do not come back).
 */
export interface FeatureExtremes {
  readonly min: Float64Array;
  readonly max: Float64Array;
}

interface Kept extends FeatureExtremes {
  nextDay: number | undefined;
  n: number;
  min: Float64Array;
  max: Float64Array;
  minCount: Float64Array;
  maxCount: Float64Array;
}

const FEATURES = 8;
const cache = new WeakMap<KnowledgeState, Kept>();

/** The features of IP `id` into `out`, by aipFeatures' arithmetic, from the given totals. */
function features(
  out: Float64Array,
  f: number,
  duration: number,
  bytes: number,
  packets: number,
  daysActive: number,
): void {
  out[0] = f;
  out[1] = duration;
  out[2] = bytes;
  out[3] = packets;
  out[4] = f / daysActive;
  out[5] = duration / f;
  out[6] = bytes / f;
  out[7] = packets / f;
}

/** The extremes of the state as it is now (see FeatureExtremes). Read-only. */
export function featureExtremesOf(s: KnowledgeState): FeatureExtremes {
  const known = cache.get(s);
  if (known !== undefined && known.nextDay === s.nextDay && known.n === s.n) return known;
  let kept: Kept | undefined;
  if (known !== undefined && known.nextDay !== undefined && s.nextDay === known.nextDay + 1) {
    const day = known.nextDay;
    if (s.missing.includes(day)) {
      known.nextDay = s.nextDay;
      kept = known;
    } else {
      const rows = s.retained.find((r) => r.day === day);
      const undo = s.undo.find((u) => u.day === day);
      if (rows !== undefined && undo !== undefined) kept = advance(s, known, rows.ids, undo);
    }
  }
  kept ??= recount(s, undefined);
  cache.set(s, kept);
  return kept;
}

function advance(s: KnowledgeState, k: Kept, ids: Int32Array, undo: UndoLog): Kept {
  const { min, max, minCount, maxCount } = k;
  const x = new Float64Array(FEATURES);
  // The returning IPs leave their old values (daysActive was one less).
  for (let i = 0; i < undo.ids.length; i++) {
    const id = undo.ids[i]!;
    features(x, undo.flows[i]!, undo.duration[i]!, undo.bytes[i]!, undo.packets[i]!, s.daysActive[id]! - 1);
    for (let j = 0; j < FEATURES; j++) {
      if (x[j] === max[j]) maxCount[j]!--;
      if (x[j] === min[j]) minCount[j]!--;
    }
  }
  // Every row of the day brings its new values.
  const { flows, duration, bytes, packets, daysActive } = s;
  for (let r = 0; r < ids.length; r++) {
    const id = ids[r]!;
    features(x, flows[id]!, duration[id]!, bytes[id]!, packets[id]!, daysActive[id]!);
    include(k, x);
  }
  k.nextDay = s.nextDay;
  k.n = s.n;
  // An extreme that lost every holder is recounted (the new one is not above the old max, nor below the old min).
  const lost: number[] = [];
  for (let j = 0; j < FEATURES; j++) if (maxCount[j]! <= 0 || minCount[j]! <= 0) lost.push(j);
  return lost.length > 0 ? recount(s, k) : k;
}

/** Takes one IP's features into the extremes and their counts. */
function include(k: Counted, x: Float64Array): void {
  const { min, max, minCount, maxCount } = k;
  for (let j = 0; j < FEATURES; j++) {
    const v = x[j]!;
    if (v > max[j]!) {
      max[j] = v;
      maxCount[j] = 1;
    } else if (v === max[j]) maxCount[j]!++;
    if (v < min[j]!) {
      min[j] = v;
      minCount[j] = 1;
    } else if (v === min[j]) minCount[j]!++;
  }
}

interface Counted {
  min: Float64Array;
  max: Float64Array;
  minCount: Float64Array;
  maxCount: Float64Array;
}

/** The columns the features are made of. */
export interface FeatureColumns {
  readonly flows: Float64Array;
  readonly duration: Float64Array;
  readonly bytes: Float64Array;
  readonly packets: Float64Array;
  readonly daysActive: Int32Array;
}

/** The extremes over the first `n` IPs of these columns, counted in one pass (a view's, or a state's). */
export function countFeatureExtremes(c: FeatureColumns, n: number): FeatureExtremes & Counted {
  const k: Counted = {
    min: new Float64Array(FEATURES).fill(Number.POSITIVE_INFINITY),
    max: new Float64Array(FEATURES).fill(Number.NEGATIVE_INFINITY),
    minCount: new Float64Array(FEATURES),
    maxCount: new Float64Array(FEATURES),
  };
  const x = new Float64Array(FEATURES);
  for (let id = 0; id < n; id++) {
    features(x, c.flows[id]!, c.duration[id]!, c.bytes[id]!, c.packets[id]!, c.daysActive[id]!);
    include(k, x);
  }
  return k;
}

/** Counts the extremes over every IP (into `into`, or a new record). */
function recount(s: KnowledgeState, into: Kept | undefined): Kept {
  const counted = countFeatureExtremes(s, s.n);
  const kept = into ?? ({} as Kept);
  return Object.assign(kept, { nextDay: s.nextDay, n: s.n, ...counted });
}
