import { UsageError } from '../util/errors.js';
import { ewmaDecay } from './ewma-decay.js';
import type { KnowledgeView } from './knowledge-view.js';
import { viewHistory } from './knowledge-view.js';

/**
 * The history features of every IP (DESIGN §3 "Beyond AIP"; docs/knowledge.md "History features"), in this order, followed by
 * `ewma_presence_h<h>` and `ewma_flows_h<h>` for each half-life h of the knowledge base. With D the view's day,
 * obs(d) the observed days (folded with a table) in [firstDay, d) and O = obs(D):
 * - days_since_first_seen = D − firstSeen, days_since_last_seen = D − lastSeen (calendar days);
 * - days_active; active_ratio = days_active / (O − obs(firstSeen));
 * - gap_mean, gap_std: mean and population standard deviation of the gaps between consecutive active days, in
 *   observed days (1 and 0 for an IP with one active day: GreedyBear's defaults);
 * - streak: active observed days in a row ending on the last observed day before D (0 if that day has no row);
 * - flows_per_day, duration_per_day, packets_per_day, bytes_per_day: totals / days_active.
 */
export const HISTORY_FEATURES = [
  'days_since_first_seen',
  'days_since_last_seen',
  'days_active',
  'active_ratio',
  'gap_mean',
  'gap_std',
  'streak',
  'flows_per_day',
  'duration_per_day',
  'packets_per_day',
  'bytes_per_day',
] as const;

export type HistoryFeature = (typeof HISTORY_FEATURES)[number];

/** Name of an EWMA feature: `ewma_presence_h7`, `ewma_flows_h0.5` (the half-life as `String(h)`). */
export function ewmaFeatureName(kind: 'presence' | 'flows', halfLife: number): string {
  if (kind !== 'presence' && kind !== 'flows')
    throw new UsageError(`ewmaFeatureName: kind must be 'presence' or 'flows', got ${JSON.stringify(kind)}`);
  if (!(halfLife > 0 && halfLife < Number.POSITIVE_INFINITY))
    throw new UsageError(`ewmaFeatureName: the half-life must be a finite number > 0, got ${halfLife}`);
  return `ewma_${kind}_h${String(halfLife)}`;
}

/** The history features of a view: one column per name, indexed by knowledge id, length `view.size`. */
export interface HistoryFeatures {
  /** HISTORY_FEATURES, then `ewma_presence_h<h>`, `ewma_flows_h<h>` per half-life (ascending). */
  readonly names: readonly string[];
  /** In `names` order. Shared by every caller of the same view: read them, never write them. */
  readonly columns: readonly Float64Array[];
  /** The column of a name; an unknown name is a UsageError listing the names. */
  column(name: string): Float64Array;
}

const cache = new WeakMap<KnowledgeView, HistoryFeatures>();

/**
 * The history features of every IP of `view` (see HISTORY_FEATURES), computed once per view and kept (the view is
 * the cache key, as for `normalizedAipFeatures`): O(IPs × features) from the folded columns, never a pass over days.
 * EWMA with half-life h (λ = 2^(−1/h)), as of D: Σ over observed days a < D of (1 − λ)·λ^(O − 1 − obs(a))·x_a with
 * x_a = 1 (presence) or the day's flows (0 on a day without a row), i.e. the stored value (as of lastSeen) aged by
 * λ^(O − 1 − obs(lastSeen)); the time-series component of Soldo, Le and Markopoulou, "Predictive blacklisting as
 * an implicit recommendation system" (INFOCOM 2010).
 */
export function historyFeatures(view: KnowledgeView): HistoryFeatures {
  const known = cache.get(view);
  if (known !== undefined) return known;
  const n = view.size;
  const day = view.day;
  const c = view.columns();
  const h = viewHistory(view);
  const nowObserved = h.observedBefore(day);
  const make = () => new Float64Array(n);
  const sinceFirst = make();
  const sinceLast = make();
  const daysActive = make();
  const activeRatio = make();
  const gapMean = make();
  const gapStd = make();
  const streak = make();
  const flowsPerDay = make();
  const durationPerDay = make();
  const packetsPerDay = make();
  const bytesPerDay = make();
  // obs(lastSeen) of each IP, kept for the EWMA aging below.
  const lastObserved = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const first = c.firstSeen[i]!;
    const last = c.lastSeen[i]!;
    const active = c.daysActive[i]!;
    const firstObs = h.observedBefore(first);
    const lastObs = h.observedBefore(last);
    lastObserved[i] = lastObs;
    sinceFirst[i] = day - first;
    sinceLast[i] = day - last;
    daysActive[i] = active;
    activeRatio[i] = active / (nowObserved - firstObs);
    const gaps = active - 1;
    if (gaps === 0) {
      gapMean[i] = 1;
      gapStd[i] = 0;
    } else {
      // The gaps telescope: their sum is obs(lastSeen) − obs(firstSeen).
      const mean = (lastObs - firstObs) / gaps;
      gapMean[i] = mean;
      gapStd[i] = Math.sqrt(Math.max(0, h.gapSumSq[i]! / gaps - mean * mean));
    }
    streak[i] = lastObs === nowObserved - 1 ? h.runLength[i]! : 0;
    flowsPerDay[i] = c.flows[i]! / active;
    durationPerDay[i] = c.duration[i]! / active;
    packetsPerDay[i] = c.packets[i]! / active;
    bytesPerDay[i] = c.bytes[i]! / active;
  }
  const names: string[] = [...HISTORY_FEATURES];
  const columns: Float64Array[] = [
    sinceFirst,
    sinceLast,
    daysActive,
    activeRatio,
    gapMean,
    gapStd,
    streak,
    flowsPerDay,
    durationPerDay,
    packetsPerDay,
    bytesPerDay,
  ];
  view.halfLives.forEach((halfLife, k) => {
    const decay = ewmaDecay(halfLife);
    for (const [kind, stored] of [
      ['presence', h.ewmaPresence[k]!],
      ['flows', h.ewmaFlows[k]!],
    ] as const) {
      const aged = make();
      for (let i = 0; i < n; i++) aged[i] = stored[i]! * decay.power(nowObserved - 1 - lastObserved[i]!);
      names.push(ewmaFeatureName(kind, halfLife));
      columns.push(aged);
    }
  });
  const byName = new Map(names.map((name, k) => [name, columns[k]!]));
  const features: HistoryFeatures = Object.freeze({
    names: Object.freeze(names),
    columns: Object.freeze(columns),
    column(name: string): Float64Array {
      const column = byName.get(name);
      if (column === undefined)
        throw new UsageError(`history feature '${name}' is not one of: ${names.join(', ')}`);
      return column;
    },
  });
  cache.set(view, features);
  return features;
}
