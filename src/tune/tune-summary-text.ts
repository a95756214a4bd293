import { summaryTables } from '../backtest/summary-text.js';
import type { DecayJSON } from '../models/decay/decay-function.js';
import { getModel } from '../models/registry.js';
import type { TuneRun } from './run-tune.js';
import { BEST_LABEL, DEFAULT_LABEL } from './tune-experiment.js';

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return String(Number(x.toPrecision(4)));
}

/**
 * A config in one line, its tunable params in the model's order: `weights [flows 0.112, …]; threshold 2e-5; minimum
 * 5000; budget none; decay exponential(halfLife=0.515); normalization min-max`.
 */
export function describeConfig(params: Record<string, unknown>, model: string): string {
  const parts: string[] = [];
  for (const [key, declared] of Object.entries(getModel(model).tunable)) {
    const v = params[key];
    if (declared.kind === 'weights') {
      const w = v as number[];
      parts.push(`${key} [${declared.names.map((n, i) => `${n} ${fmt(w[i]!)}`).join(', ')}]`);
    } else if (declared.kind === 'decay') {
      const { name, ...rest } = v as DecayJSON;
      const args = Object.entries(rest)
        .map(([k, x]) => `${k}=${typeof x === 'number' ? fmt(x) : String(x)}`)
        .join(', ');
      parts.push(`${key} ${name}${args ? `(${args})` : ''}`);
    } else parts.push(`${key} ${v === null ? 'none' : typeof v === 'number' ? fmt(v) : String(v)}`);
  }
  return parts.join('; ');
}

/**
 * What `aiplab tune` prints and writes as summary.txt: the search, the best config and its tuning score beside the
 * default's, the test-window tables, and the verdicts of the objective's metric (Best against the others first).
 */
export function tuneSummaryText(run: TuneRun): string {
  const e = run.experiment;
  const o = e.objective;
  const lines: string[] = [];
  const skipped = run.skippedConfigs;
  const halving = e.search.halving
    ? `, successive halving (eta ${e.search.halving.eta}, first rung ${e.search.halving.minDays} days)`
    : '';
  const path = run.fastPath
    ? run.generalPathConfigs > 1
      ? `fast scorer, ${run.generalPathConfigs - 1} configs ranked by the model`
      : 'fast scorer'
    : 'each config ranked by the model';
  lines.push(
    `${e.id}: ${run.configs.length} configs of ${e.model.name} (${e.search.method} search${halving}; skipped ${skipped.zeroWeights} all-zero weight vectors, ${skipped.duplicates} duplicates; ${path}) × ${run.tuneDays.length} tuning days (${run.scoredTuneDays.length} scored) in ${(run.timings.configMs / 1000).toFixed(1)} s`,
  );
  lines.push(
    `objective: mean ${o.metric} at budget ${o.budget} over each fold's tuning days (${o.higherIsBetter ? 'higher' : 'lower'} is better)`,
  );
  run.folds.forEach((f, fi) => {
    const b = f.best;
    const head = run.folds.length > 1 ? `fold ${fi + 1}: ` : '';
    lines.push(
      `${head}tune ${f.fold.tune.from} .. ${f.fold.tune.to} (${f.scoredTuneDays.length} scored), test ${f.fold.test.from} .. ${f.fold.test.to}`,
    );
    lines.push(
      `  best ${b.config.id}: ${fmt(b.score.mean)} (n = ${b.score.n}) — ${describeConfig(b.config.params, e.model.name)}`,
    );
    lines.push(`  default:    ${fmt(f.default.score.mean)} (n = ${f.default.score.n})`);
    if (run.folds.length > 1) {
      const c = f.test.analysis.comparisons.find(
        (x) =>
          x.metric === o.metric &&
          x.budget === String(o.budget) &&
          x.modelA === BEST_LABEL &&
          x.modelB === DEFAULT_LABEL,
      );
      if (c) lines.push(`  test: ${c.verdict}`);
    }
  });
  lines.push(`default params: ${describeConfig(run.default.params, e.model.name)}`);
  const t = run.test.run;
  lines.push('');
  const pooled = run.folds.length > 1 ? `the ${run.folds.length} test windows pooled` : 'test window';
  lines.push(
    `${pooled} ${t.experiment.from} .. ${t.experiment.to}: ${t.days.length} days, ${t.scoredDays.length} scored`,
  );
  const missing = t.skipped.filter((s) => s.horizon === 0);
  if (missing.length > 0) lines.push(`not scored (no data): ${missing.map((s) => s.date).join(', ')}`);
  lines.push(summaryTables(t, run.test.analysis));
  const verdicts = run.test.analysis.comparisons.filter((c) => c.metric === o.metric);
  const rank = (c: (typeof verdicts)[number]) =>
    (c.budget === String(o.budget) ? 0 : 2) + (c.modelA === BEST_LABEL && c.modelB === DEFAULT_LABEL ? 0 : 1);
  verdicts.sort((a, c) => rank(a) - rank(c));
  lines.push(...verdicts.map((c) => c.verdict));
  return `${lines.join('\n')}\n`;
}
