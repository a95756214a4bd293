import { AIP_FEATURES, aipFeatures } from '../../knowledge/aip-features.js';
import type { KnowledgeView } from '../../knowledge/knowledge-view.js';

/**
 * The Random Forest's and CART's features, in the column order of AIP's RandomForest (`random_forest.py`: the
 * knowledge-base snapshot columns without orig/first_seen/last_seen, then the two day counts it adds).
 */
export const ATTACKER_FEATURES = [
  ...AIP_FEATURES,
  'days_active',
  'days_since_last_seen',
  'days_first_to_last_seen',
] as const;

export type AttackerFeature = (typeof ATTACKER_FEATURES)[number];

/**
 * The features of every IP of a view (by id), as fresh columns in ATTACKER_FEATURES order (DESIGN §3): the totals and
 * means of the knowledge base (DESIGN §2.3), days_active, days_since_last_seen = view day − last_seen (≥ 1: the view
 * of D sees days < D) and days_first_to_last_seen = last_seen − first_seen. O(IPs).
 */
export function attackerFeatures(view: KnowledgeView): Float64Array[] {
  const c = view.columns();
  const n = view.size;
  const daysActive = new Float64Array(n);
  const since = new Float64Array(n);
  const span = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    daysActive[i] = c.daysActive[i]!;
    since[i] = view.day - c.lastSeen[i]!;
    span[i] = c.lastSeen[i]! - c.firstSeen[i]!;
  }
  return [...aipFeatures(view), daysActive, since, span];
}
