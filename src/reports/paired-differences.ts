import { SET_CUT_MARK } from '../backtest/set-cuts.js';
import {
  budgetOrder,
  budgetTitle,
  type ChartResults,
  CONFIG,
  chartModelName,
  ciPercent,
  modelOrder,
  SCHEMA,
  setCutNote,
} from './chart-common.js';
import type { VegaLiteSpec } from './render.js';

/** Options of {@link pairedDifferences}. */
export interface PairedDifferencesOptions {
  /** Metric name as in comparisons.csv (`recall`). */
  metric: string;
  /** Chart title. @default '<metric>: paired differences between models' */
  title?: string;
}

const SIGNIFICANT = 'significant (Holm)';
const NOT_SIGNIFICANT = 'not significant';

/**
 * Paired differences between models on one metric (DESIGN §5): for each pair A − B and budget, the mean of the
 * per-day differences with its bootstrap CI, coloured by whether the Holm-corrected Wilcoxon test finds it
 * significant. A panel per budget. Undefined when comparisons.csv has no defined difference for the metric.
 */
export function pairedDifferences(
  results: ChartResults,
  options: PairedDifferencesOptions,
): VegaLiteSpec | undefined {
  const { metric, title = `${metric}: paired differences between models` } = options;
  const budgets = budgetOrder(results);
  const rank = new Map(modelOrder(results).map((m, i) => [m, i]));
  const rows = results.comparisons.filter((c) => c.metric === metric && !Number.isNaN(c.meanDiff));
  if (rows.length === 0) return undefined;
  // A set model is marked † when the run has a budget that cuts it (a numeric or matched one): the pair names are
  // shared by every panel, so the footnote says that its natural panel is the set itself.
  const cuts = budgets.some((b) => b !== 'natural');
  const name = (model: string) => (cuts ? chartModelName(results, model, undefined) : model);
  const pairOf = (c: { modelA: string; modelB: string }) => `${name(c.modelA)} − ${name(c.modelB)}`;
  // Pairs in the experiment's model order, as the analysis forms them (A before B).
  const pairs = [...new Map(rows.map((c) => [pairOf(c), c])).values()]
    .sort(
      (a, b) =>
        (rank.get(a.modelA) ?? 0) - (rank.get(b.modelA) ?? 0) ||
        (rank.get(a.modelB) ?? 0) - (rank.get(b.modelB) ?? 0),
    )
    .map(pairOf);
  const values = rows.map((c) => {
    const ci = Number.isFinite(c.ciLow) && Number.isFinite(c.ciHigh);
    return {
      pair: pairOf(c),
      budget: budgetTitle(c.budget),
      meanDiff: c.meanDiff,
      ciLow: ci ? c.ciLow : null,
      ciHigh: ci ? c.ciHigh : null,
      significance: c.significant ? SIGNIFICANT : NOT_SIGNIFICANT,
    };
  });
  const y = { field: 'pair', type: 'nominal', title: null, sort: pairs } as const;
  const color = {
    field: 'significance',
    type: 'nominal',
    title: 'paired test',
    // Above the panels: four panels and the pair names already fill a report's width.
    legend: { orient: 'top' },
    scale: { domain: [SIGNIFICANT, NOT_SIGNIFICANT], range: ['#1f5fa8', '#a8a8a8'] },
  } as const;
  const x = { field: 'meanDiff', type: 'quantitative', title: 'mean difference A − B' } as const;
  const subtitle = [
    `mean of the per-day differences A − B with its ${ciPercent(results)}% bootstrap CI; right of 0: A's value is higher`,
    ...(cuts && setCutNote(results, undefined)
      ? [
          `${SET_CUT_MARK} set model: at a numeric or matched budget, a cut of its set list (members ordered by last seen,`,
          'days active, flows, IP — not a ranking); in the natural panel, the set itself',
        ]
      : []),
  ];
  return {
    $schema: SCHEMA,
    title: {
      text: title,
      subtitle: subtitle.length === 1 ? subtitle[0]! : subtitle,
    },
    data: { values },
    facet: {
      column: {
        field: 'budget',
        type: 'ordinal',
        title: null,
        sort: budgets.map(budgetTitle),
      },
    },
    spec: {
      width: 165,
      height: { step: 20 },
      layer: [
        { mark: { type: 'rule', color: '#666', strokeDash: [3, 3] }, encoding: { x: { datum: 0 } } },
        {
          mark: { type: 'rule', strokeWidth: 2 },
          encoding: { y, x: { field: 'ciLow', type: 'quantitative' }, x2: { field: 'ciHigh' }, color },
        },
        { mark: { type: 'point', filled: true, size: 55, opacity: 1 }, encoding: { y, x, color } },
      ],
    },
    config: CONFIG,
  } as VegaLiteSpec;
}
