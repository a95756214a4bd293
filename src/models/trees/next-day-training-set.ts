import type { KnowledgeView } from '../../knowledge/knowledge-view.js';
import { formatDay } from '../../util/dates.js';
import { attackerFeatures } from './attacker-features.js';

/** What the Random Forest and CART learn from for the list of day D. */
export interface NextDayTrainingSet {
  /** D − 1: the day whose attackers are the labels, and the date the features are computed as of. */
  readonly labelDate: string;
  /** Whether D − 1 has no day table (then no IP is labelled as attacking). */
  readonly labelDayMissing: boolean;
  /** attackerFeatures of the knowledge as of D − 1: one row per IP known before D − 1 (ids of that view). */
  readonly columns: Float64Array[];
  /** 1 where that IP is in D − 1's day table. */
  readonly labels: Uint8Array;
  readonly positives: number;
}

/**
 * AIP's training set for the list of D (DESIGN §3; AIP `random_forest.py`): the knowledge as of D − 1 (days < D − 1),
 * every IP in it labelled by whether it attacked on D − 1. The labels are read from the view of D itself (an IP
 * attacked on D − 1 exactly when its last_seen there is D − 1), so nothing of day D or later is touched; the view as
 * of D − 1 comes from `view.previous()`.
 */
export function nextDayTrainingSet(view: KnowledgeView): NextDayTrainingSet {
  const before = view.previous();
  const labelDay = view.day - 1;
  const lastSeen = view.columns().lastSeen;
  const labels = new Uint8Array(before.size);
  let positives = 0;
  for (let id = 0; id < before.size; id++) {
    if (lastSeen[id] === labelDay) {
      labels[id] = 1;
      positives++;
    }
  }
  const labelDate = formatDay(labelDay);
  return {
    labelDate,
    labelDayMissing: view.missingDays.includes(labelDate),
    columns: attackerFeatures(before),
    labels,
    positives,
  };
}
