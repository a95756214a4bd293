import { summaryTables } from '../backtest/summary-text.js';
import { AIP_FEATURES } from '../knowledge/aip-features.js';
import type { PrioritizeParams } from '../models/prioritize.js';
import type { TuneRun } from './run-tune.js';
import { BEST_LABEL, DEFAULT_LABEL } from './tune-experiment.js';

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return String(Number(x.toPrecision(4)));
}

/** A config in one line: `weights [flows 0.112, …] threshold 2e-5 minimum 5000 decay exponential(halfLife=0.515)`. */
export function describeConfig(params: Record<string, unknown>): string {
  const p = params as unknown as PrioritizeParams;
  const weights = p.weights.map((w, i) => `${AIP_FEATURES[i]} ${fmt(w)}`).join(', ');
  const { name, ...decayParams } = p.decay;
  const args = Object.entries(decayParams)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? fmt(v) : String(v)}`)
    .join(', ');
  const cut =
    p.budget === null ? `threshold ${fmt(p.threshold)}, minimum ${p.minimum}` : `budget ${p.budget}`;
  return `weights [${weights}]; ${cut}; decay ${name}${args ? `(${args})` : ''}; normalization ${p.normalization}`;
}

/**
 * What `aiplab tune` prints and writes as summary.txt: the search, the best config and its tuning score beside the
 * default's, the test-window tables, and the verdicts of the objective's metric (Best against the others first).
 */
export function tuneSummaryText(run: TuneRun): string {
  const e = run.experiment;
  const { tune, test } = e.split;
  const o = e.objective;
  const lines: string[] = [];
  const skipped = run.skippedConfigs;
  lines.push(
    `${e.id}: ${run.configs.length} configs of ${e.model.name} (${e.search.method} search; skipped ${skipped.zeroWeights} all-zero weight vectors, ${skipped.duplicates} duplicates) × ${run.tuneDays.length} tuning days ${tune.from} .. ${tune.to} (${run.scoredTuneDays.length} scored) in ${(run.timings.configMs / 1000).toFixed(1)} s`,
  );
  lines.push(
    `objective: mean ${o.metric} at budget ${o.budget} over the tuning days (${o.higherIsBetter ? 'higher' : 'lower'} is better)`,
  );
  const b = run.best;
  lines.push(
    `best ${b.config.id}: ${fmt(b.score.mean)} (n = ${b.score.n}) — ${describeConfig(b.config.params)}`,
  );
  lines.push(
    `default:    ${fmt(run.default.score.mean)} (n = ${run.default.score.n}) — ${describeConfig(run.default.params)}`,
  );
  const t = run.test.run;
  lines.push('');
  lines.push(`test window ${test.from} .. ${test.to}: ${t.days.length} days, ${t.scoredDays.length} scored`);
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
