import { z } from 'zod';
import { trainLogisticRegression } from './linear/train-logistic-regression.js';
import { defineModel } from './model.js';
import { modelParamsSchema } from './params.js';
import {
  RECURRENCE_TUNABLE,
  type RecurrenceParams,
  recurrenceHalfLives,
  recurrenceHistoryDays,
  recurrenceParamsShape,
  recurrenceRank,
} from './recurrence/recurrence-model.js';

export interface RecurrenceLogisticParams extends RecurrenceParams {
  /** L2 penalty on the standardized coefficients (scikit-learn's C = 1/l2). @default 1 */
  l2: number;
}

/**
 * Recurrence_Logistic: L2-regularised logistic regression (Newton / IRLS on standardized features; heavy-tailed ones
 * as ln(1 + x)) on GreedyBear's recurrence features: the interpretable baseline of the learned models — its
 * coefficients say which history predicts a return.
 */
export const recurrenceLogisticModel = defineModel<RecurrenceLogisticParams>({
  name: 'Recurrence_Logistic',
  summary:
    'IPs ranked by a logistic regression’s probability that they attack again, learned from recurrence features — GreedyBear features, interpretable baseline',
  source:
    'Features: GreedyBear (intelowlproject/GreedyBear scoring/utils.py); learner: L2 logistic regression (Newton/IRLS); DESIGN §3',
  schema: modelParamsSchema({
    ...recurrenceParamsShape,
    l2: z.number().min(0).finite().default(1),
  }),
  historyDays: recurrenceHistoryDays,
  halfLives: recurrenceHalfLives,
  tunable: {
    ...RECURRENCE_TUNABLE,
    l2: {
      kind: 'number',
      min: 0.001,
      max: 100,
      scale: 'log',
      doc: 'L2 penalty on the standardized coefficients',
    },
  },
  listRule: (p) => ({ threshold: p.threshold, minimum: 0 }),
  rank: (params, ctx) =>
    recurrenceRank(params, ctx, (set) => trainLogisticRegression(set.columns, set.labels, { l2: params.l2 })),
});
