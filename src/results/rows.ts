import type { Summary } from '../metrics/stats/summarize.js';

/** One value of per_day.csv (long format). */
export interface PerDayRow {
  date: string;
  model: string;
  budget: string;
  metric: string;
  value: number;
}

/** One row of summary.csv: a model's statistics across days for one budget and metric. */
export interface SummaryRow extends Summary {
  model: string;
  budget: string;
  metric: string;
  higherIsBetter: boolean;
}

/** One row of comparisons.csv: a paired comparison of two models on one metric and budget. */
export interface ComparisonRow {
  metric: string;
  budget: string;
  modelA: string;
  modelB: string;
  /** Days where both have a value. */
  n: number;
  /** Mean of A − B over the days. */
  meanDiff: number;
  medianDiff: number;
  ciLow: number;
  ciHigh: number;
  /** Days A did better, worse, the same (by the metric's direction). */
  wins: number;
  losses: number;
  ties: number;
  /** Two-sided Wilcoxon signed-rank p-value. */
  pValue: number;
  /** Holm-corrected over every comparison of the same metric (all pairs, all budgets). */
  pHolm: number;
  /**
   * Both tests agree: Holm p < 1 − level AND the bootstrap CI of the mean difference excludes 0. The signed-rank
   * test speaks of the typical day, the CI of the mean; when a few large days pull the mean the other way they
   * disagree, and a verdict that names a winner by the mean must not call that significant.
   */
  significant: boolean;
  /** The plain statement: who beats whom, by how much, and whether it is significant. */
  verdict: string;
}

/** What summary.csv and comparisons.csv hold: the statistics of a run across its days. */
export interface Analysis {
  summary: SummaryRow[];
  comparisons: ComparisonRow[];
}

/** A target day the backtest could not score (manifest.json `skipped`). */
export interface SkippedTarget {
  /** The day the list was made for. */
  date: string;
  /** 0: the day itself; h: the list scored against D+h. */
  horizon: number;
  reason: string;
}
