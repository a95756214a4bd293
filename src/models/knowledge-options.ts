import type { KnowledgeOptions } from '../knowledge/knowledge-base.js';
import type { Model } from './model.js';

/**
 * What a knowledge base must keep for these models: the longest per-day history any of them reads (retainDays, at
 * least 1) and every EWMA half-life any of them reads (halfLives), so one knowledge base serves them all and carries
 * nothing they do not use.
 */
export function knowledgeOptionsFor(
  models: readonly Model[],
): Required<Pick<KnowledgeOptions, 'retainDays' | 'halfLives'>> {
  return {
    retainDays: Math.max(1, ...models.map((m) => m.historyDays)),
    halfLives: [...new Set(models.flatMap((m) => m.halfLives))].sort((a, b) => a - b),
  };
}
