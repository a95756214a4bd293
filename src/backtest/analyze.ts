import { HEADLINE_METRICS } from '../metrics/builtin.js';
import { getMetric } from '../metrics/index.js';
import { formatPValue } from '../metrics/stats/format-p-value.js';
import { holm, pairedComparison, summarize } from '../metrics/stats/index.js';
import type { Analysis, ComparisonRow, SummaryRow } from '../results/rows.js';
import { type BacktestRun, BUDGET_K_METRIC } from './backtest.js';
import { budgetLabel } from './experiment.js';
import { markSetCut } from './set-cuts.js';

/** Splits a result metric name into the registry metric and its horizon: `recall_h2` → ['recall', 2]. */
export function baseMetric(name: string): [string, number] {
  const m = /^(.*)_h(\d+)$/.exec(name);
  if (m) {
    try {
      getMetric(m[1]!);
      return [m[1]!, Number(m[2])];
    } catch {
      // a registry metric whose own name ends in _h<digits>
    }
  }
  return [name, 0];
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? x.toExponential(2) : String(Number(x.toPrecision(3)));
}

/**
 * The statistics of a run (DESIGN §5): per model, budget and metric the mean, median, IQR and a bootstrap CI of the
 * mean across days; between models, paired per-day differences with a bootstrap CI and a Wilcoxon signed-rank test,
 * Holm-corrected within each metric.
 */
export function analyzeRun(run: BacktestRun): Analysis {
  const { experiment } = run;
  const { resamples, level } = experiment.bootstrap;
  const seed = experiment.seed;
  // One slot per list day: a day scored only at a later horizon (its own day missing) has its slot too.
  const dayIndex = new Map(run.days.map((d, i) => [d, i]));
  const series = new Map<string, Float64Array>();
  const key = (metric: string, budget: string, model: string) => `${metric}\u0000${budget}\u0000${model}`;
  for (const r of run.rows) {
    const i = dayIndex.get(r.date)!;
    const k = key(r.metric, r.budget, r.model);
    let s = series.get(k);
    if (s === undefined) {
      s = new Float64Array(run.days.length).fill(Number.NaN);
      series.set(k, s);
    }
    s[i] = r.value;
  }
  const models = experiment.models.map((m) => m.label);
  const budgets = experiment.budgets.map(budgetLabel);
  const summary: SummaryRow[] = [];
  for (const model of models)
    for (const budget of budgets)
      for (const metric of run.metricColumns) {
        const values = series.get(key(metric, budget, model));
        if (!values) continue;
        // budget_k describes the cut, not the list: summarised (its mean K), never compared.
        const higherIsBetter =
          metric === BUDGET_K_METRIC ? false : getMetric(baseMetric(metric)[0]).higherIsBetter;
        summary.push({
          model,
          budget,
          metric,
          higherIsBetter,
          ...summarize(values, { seed, resamples, level }),
        });
      }

  const comparisons: ComparisonRow[] = [];
  for (const metric of run.metricColumns) {
    if (metric === BUDGET_K_METRIC) continue;
    const m = getMetric(baseMetric(metric)[0]);
    if (!m.compare) continue;
    const family: ComparisonRow[] = [];
    for (const budget of budgets)
      for (let i = 0; i < models.length; i++)
        for (let j = i + 1; j < models.length; j++) {
          const a = series.get(key(metric, budget, models[i]!));
          const b = series.get(key(metric, budget, models[j]!));
          if (!a || !b) continue;
          const c = pairedComparison(a, b, { seed, resamples, level });
          const sign = m.higherIsBetter ? 1 : -1;
          let wins = c.wins;
          let losses = c.losses;
          if (sign < 0) [wins, losses] = [losses, wins];
          family.push({
            metric,
            budget,
            modelA: models[i]!,
            modelB: models[j]!,
            n: c.n,
            meanDiff: c.meanDiff,
            medianDiff: c.medianDiff,
            ciLow: c.ciLow,
            ciHigh: c.ciHigh,
            wins,
            losses,
            ties: c.ties,
            pValue: c.pValue,
            pHolm: Number.NaN,
            significant: false,
            verdict: '',
          });
        }
    const adjusted = holm(family.map((c) => c.pValue));
    family.forEach((c, i) => {
      c.pHolm = adjusted[i]!;
      c.significant = c.pHolm < 1 - level && (c.ciLow > 0 || c.ciHigh < 0);
      c.verdict = verdict(c, m.higherIsBetter, level);
    });
    comparisons.push(...family);
  }
  return { summary, comparisons };
}

function verdict(c: ComparisonRow, higherIsBetter: boolean, level: number): string {
  const at = `${c.metric} at budget ${c.budget}`;
  if (c.n === 0) return `${c.modelA} and ${c.modelB}: no day with both values of ${at}`;
  if (c.meanDiff === 0 && c.wins === 0 && c.losses === 0)
    return `${c.modelA} and ${c.modelB} tie on ${at} every day`;
  const aBetter = higherIsBetter ? c.meanDiff > 0 : c.meanDiff < 0;
  const [winner, loser] = aBetter ? [c.modelA, c.modelB] : [c.modelB, c.modelA];
  // Differences are written winner − loser (negative for a metric where lower is better).
  const diff = aBetter ? c.meanDiff : -c.meanDiff;
  const [lo, hi] = aBetter ? [c.ciLow, c.ciHigh] : [-c.ciHigh, -c.ciLow];
  const pct = Math.round(level * 100);
  const stat = `mean difference ${diff > 0 ? '+' : ''}${fmt(diff)} (${pct}% CI ${fmt(lo)} .. ${fmt(hi)}), Holm p = ${formatPValue(c.pHolm)}, n = ${c.n} days`;
  if (c.significant) return `${winner} beats ${loser} on ${at}: ${stat}; significant`;
  const mixed =
    c.pHolm < 1 - level
      ? '; the signed-rank test rejects equality but the CI of the mean difference includes 0: mixed evidence'
      : '';
  return `${winner} is ahead of ${loser} on ${at} but not significantly: ${stat}${mixed}`;
}

/**
 * The headline statements: for each headline metric and budget, the best model by mean and how it compares (a set
 * model's cut marked †, as in the tables).
 */
export function headlineStatements(run: BacktestRun, analysis: Analysis): string[] {
  const out: string[] = [];
  for (const metric of HEADLINE_METRICS) {
    if (!run.metricColumns.includes(metric)) continue;
    const m = getMetric(metric);
    for (const budget of run.experiment.budgets.map(budgetLabel)) {
      const rows = analysis.summary.filter((s) => s.metric === metric && s.budget === budget && s.n > 0);
      if (rows.length < 2) continue;
      const best = rows.reduce((a, b) => ((m.higherIsBetter ? b.mean > a.mean : b.mean < a.mean) ? b : a));
      const against = analysis.comparisons.filter(
        (c) =>
          c.metric === metric && c.budget === budget && (c.modelA === best.model || c.modelB === best.model),
      );
      const beaten = against.filter((c) => c.significant).length;
      out.push(
        `${metric} @ ${budget}: best ${markSetCut(run.unrankedModels ?? [], best.model, budget)} (mean ${fmt(best.mean)}); significantly better than ${beaten} of ${against.length} other model${against.length === 1 ? '' : 's'}`,
      );
    }
  }
  return out;
}
