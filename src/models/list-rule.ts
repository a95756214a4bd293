import { UsageError } from '../util/errors.js';
import { headOf, type RankedList } from './ranked-list.js';

/**
 * AIP's list rule (`Consistent.run` in AIP's prioritize.py): keep the IPs whose score is above `threshold`; if fewer
 * than `minimum` pass, keep the top `minimum` instead (DESIGN §3).
 */
export interface ListRule {
  threshold: number;
  minimum: number;
}

/** How many entries of a list sorted by score descending the rule keeps. */
export function listRuleLength(scores: Float64Array, rule: ListRule): number {
  let above = 0;
  while (above < scores.length && scores[above]! > rule.threshold) above++;
  return above < rule.minimum ? Math.min(scores.length, rule.minimum) : above;
}

export interface SelectOptions {
  /** The model's list rule; ignored when a budget is set. */
  rule?: ListRule | undefined;
  /** Keep exactly the top K (fewer if the list is shorter) instead of the rule. null/undefined: no budget. */
  budget?: number | null | undefined;
  /** IPs never listed (the allowlist): removed before the rule or the budget cut, as AIP's sanitize() does. */
  exclude?: ((ip: string) => boolean) | undefined;
}

/** Ranked scores → allowlist removed → list rule or budget K (DESIGN §4). */
export function selectList(ranked: RankedList, options: SelectOptions = {}): RankedList {
  const { rule, budget, exclude } = options;
  if (budget !== undefined && budget !== null && !(Number.isInteger(budget) && budget >= 1))
    throw new UsageError(`budget must be a whole number >= 1, got ${budget}`);
  let list = ranked;
  if (exclude) {
    const keep: number[] = [];
    for (let i = 0; i < list.ips.length; i++) if (!exclude(list.ips[i]!)) keep.push(i);
    if (keep.length < list.ips.length) {
      list = {
        ids: Int32Array.from(keep, (i) => ranked.ids[i]!),
        scores: Float64Array.from(keep, (i) => ranked.scores[i]!),
        ips: keep.map((i) => ranked.ips[i]!),
      };
    }
  }
  if (budget !== undefined && budget !== null) return headOf(list, budget);
  if (rule) return headOf(list, listRuleLength(list.scores, rule));
  return list === ranked ? headOf(list, list.ids.length) : list;
}
