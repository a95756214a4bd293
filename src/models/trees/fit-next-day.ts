import { parseDay } from '../../util/dates.js';
import { warnAboutGaps, warnIfNoKnowledge } from '../history-warnings.js';
import type { ModelContext } from '../model-context.js';
import type { ProbabilityClassifier } from './decision-tree.js';
import { type NextDayTrainingSet, nextDayTrainingSet } from './next-day-training-set.js';

/** Training rows above which the warning about the quadratic `ml` engines is given. */
export const ML_ENGINE_WARN_ROWS = 5000;

/**
 * Builds the training set for ctx.date (nextDayTrainingSet) and fits a classifier on it, warning (through ctx) and
 * returning undefined where there is nothing to learn: no knowledge, no IP known before D − 1, or no IP of it
 * attacking on D − 1 (a missing day, or nobody came back). A training set where every IP attacked is fitted (every
 * IP then gets probability 1), with a warning.
 */
export function fitNextDay<C extends ProbabilityClassifier>(
  ctx: ModelContext,
  fit: (set: NextDayTrainingSet) => C,
): { set: NextDayTrainingSet; classifier: C } | undefined {
  if (warnIfNoKnowledge(ctx)) return undefined;
  const view = ctx.knowledge;
  warnAboutGaps(ctx, parseDay(view.firstDay!)!, 'the knowledge');
  const set = nextDayTrainingSet(view);
  const n = set.labels.length;
  if (n === 0) {
    ctx.warn(`no IP known before ${set.labelDate} (nothing to train on): empty list`);
    return undefined;
  }
  if (set.positives === 0) {
    const why = set.labelDayMissing
      ? `${set.labelDate} is a missing day`
      : `none attacked on ${set.labelDate}`;
    ctx.warn(`no training labels: ${why}, so none of the ${n} IPs known before it is positive: empty list`);
    return undefined;
  }
  if (set.positives === n)
    ctx.warn(
      `all ${n} IPs known before ${set.labelDate} attacked on it: one class, every IP gets probability 1`,
    );
  return { set, classifier: fit(set) };
}
