/** The mark after a model's name on a row that is a cut of a set list (summary.txt, the report's tables and charts). */
export const SET_CUT_MARK = '†';

/**
 * The footnote of {@link SET_CUT_MARK}: a set model's list (Alpha, Alpha7, AllIPs, the forests' `rankBy:
 * 'prediction'`) has no order of its own; cut to a budget, it keeps its first K members in the tie order (DESIGN §4,
 * knowledge/tie-order.ts: last seen latest first, then days active, flows, IP).
 */
export const SET_CUT_NOTE = `${SET_CUT_MARK} cut of a set list: members ordered by last seen, days active, flows, IP — not a ranking`;

/**
 * Whether a row (model label, budget label as in the result files) is a cut of a set list: a numeric or matched
 * budget of a model in `unranked` (BacktestRun.unrankedModels). A set model's natural row is the set itself.
 */
export function isSetCut(unranked: readonly string[], model: string, budget: string): boolean {
  return budget !== 'natural' && unranked.includes(model);
}

/** The model's label, with {@link SET_CUT_MARK} after it when its row at `budget` is a cut of a set list. */
export function markSetCut(unranked: readonly string[], model: string, budget: string): string {
  return isSetCut(unranked, model, budget) ? `${model} ${SET_CUT_MARK}` : model;
}
