import type { KnowledgeState } from './knowledge-state.js';

/**
 * obs(d): the number of observed days (folded with a table, empty ones included; missing days not) in
 * [firstDay, d), O(1) from the state's prefix. History features count gaps, streaks and EWMA decay in observed days
 * so that a missing day (unknown, not empty) neither breaks nor extends anything. Defined for d <= nextDay: 0 before
 * the first day (and for an empty knowledge base).
 */
export function observedBefore(s: KnowledgeState, day: number): number {
  if (s.firstDay === undefined || day <= s.firstDay) return 0;
  if (s.nextDay === undefined || day > s.nextDay)
    throw new Error(`observed days before day ${day}: folded only up to ${s.nextDay} (internal error)`);
  return s.observed[day - s.firstDay]!;
}
