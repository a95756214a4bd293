import { ewmaFeatureName, HISTORY_FEATURES, historyFeatures } from '../../knowledge/history-features.js';
import type { KnowledgeView } from '../../knowledge/knowledge-view.js';

/**
 * GreedyBear's recurrence features that flow data carries (intelowlproject/GreedyBear, greedybear/cronjobs/scoring/
 * consts.py `NUM_FEATURES`): days_seen_count → days_active, active_days_ratio → active_ratio, std_days_between →
 * gap_std, days_since_last_seen, days_since_first_seen, interaction_count → flows, interactions_per_day →
 * flows_per_day. Its login, port and honeypot counts are not in a day table.
 */
export const GREEDYBEAR_FEATURES = [
  'days_active',
  'active_ratio',
  'gap_std',
  'days_since_last_seen',
  'days_since_first_seen',
  'flows',
  'flows_per_day',
] as const;

/** Feature sets of the recurrence models: GreedyBear's, or every history feature plus totals and EWMA columns. */
export type RecurrenceFeatureSet = 'greedybear' | 'all';

/** Heavy-tailed features, given to the learners as ln(1 + x) (trees do not care; logistic regression does). */
const LOG_FEATURES = new Set([
  'flows',
  'duration',
  'packets',
  'bytes',
  'flows_per_day',
  'duration_per_day',
  'packets_per_day',
  'bytes_per_day',
  'days_since_last_seen',
  'days_since_first_seen',
  'days_active',
  'gap_mean',
  'gap_std',
]);

/** The feature names of a set, in column order (`halfLives` adds the EWMA columns of 'all'). */
export function recurrenceFeatureNames(set: RecurrenceFeatureSet, halfLives: readonly number[]): string[] {
  if (set === 'greedybear') return [...GREEDYBEAR_FEATURES];
  return [
    ...HISTORY_FEATURES,
    'flows',
    'duration',
    'packets',
    'bytes',
    ...halfLives.flatMap((h) => [ewmaFeatureName('presence', h), ewmaFeatureName('flows', h)]),
  ];
}

/**
 * The features of the IPs `ids` of a view, one column per name (log-transformed where heavy-tailed), read from the
 * knowledge base's history features and totals (one definition each: src/knowledge/history-features.ts).
 */
export function recurrenceColumns(
  view: KnowledgeView,
  names: readonly string[],
  ids: Int32Array,
): Float64Array[] {
  const h = historyFeatures(view);
  const totals = view.columns();
  return names.map((name) => {
    const source =
      name === 'flows' || name === 'duration' || name === 'packets' || name === 'bytes'
        ? totals[name]
        : h.column(name);
    const out = new Float64Array(ids.length);
    const log = LOG_FEATURES.has(name);
    for (let i = 0; i < ids.length; i++) {
      const v = source[ids[i]!]!;
      out[i] = log ? Math.log1p(v) : v;
    }
    return out;
  });
}

/** Ids of the view's IPs seen in the last `days` days before it (GreedyBear scores the IPs of its 30-day lookback), or all. */
export function recentIds(view: KnowledgeView, days: number | null): Int32Array {
  const n = view.size;
  if (days === null) return Int32Array.from({ length: n }, (_, i) => i);
  const { lastSeen } = view.columns();
  const from = view.day - days;
  let k = 0;
  for (let i = 0; i < n; i++) if (lastSeen[i]! >= from) k++;
  const out = new Int32Array(k);
  k = 0;
  for (let i = 0; i < n; i++) if (lastSeen[i]! >= from) out[k++] = i;
  return out;
}
