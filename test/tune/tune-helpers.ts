import { expect } from 'vitest';
import { type Dataset, resolveExperiment, runBacktest, type TuneRun } from '../../src/index.js';
import { memoryDataset, randomDays } from '../knowledge/memory-dataset.js';

/**
 * The per-day objective of every config (and the default) of a tuning run's first fold, by the backtest of the real
 * model with those params: what runTune must reproduce exactly.
 */
export async function bruteForce(
  run: TuneRun,
  dataset: Dataset,
  exclude?: (ip: string) => boolean,
): Promise<Map<string, Map<string, number>>> {
  const e = run.experiment;
  const models = [
    ...run.configs.map((c) => ({ name: e.model.name, label: c.id, params: c.params })),
    { name: e.model.name, label: 'default', params: run.default.params },
  ];
  const experiment = resolveExperiment({
    id: 'brute',
    version: 1,
    dataset: '/unused',
    from: e.folds[0]!.tune.from,
    to: e.folds[0]!.tune.to,
    models,
    budgets: [e.objective.budget],
    metrics: [e.objective.metric],
    seed: e.seed,
  });
  const backtest = await runBacktest(experiment, dataset, exclude ? { exclude } : {});
  const out = new Map<string, Map<string, number>>();
  for (const r of backtest.rows) {
    let m = out.get(r.model);
    if (!m) {
      m = new Map();
      out.set(r.model, m);
    }
    m.set(r.date, r.value);
  }
  return out;
}

/** Every value of the run equals the brute force's, bit for bit (NaN where the backtest has none). */
export function expectSame(run: TuneRun, expected: Map<string, Map<string, number>>): void {
  const check = (label: string, values: Float64Array) => {
    const want = run.tuneDays.map((d) => expected.get(label)?.get(d) ?? Number.NaN);
    // toEqual treats NaN as equal to NaN and compares numbers with Object.is: exact, bit for bit.
    expect([...values], label).toEqual(want);
  };
  for (const [i, c] of run.configs.entries()) check(c.id, run.values[i]!);
  check('default', run.values[run.configs.length]!);
}

/** 30 random days of a 250-IP pool (IPv4 and IPv6, ties, empty days), with the given days missing. */
export function syntheticDataset(seed: number, missing: string[] = []): Dataset {
  return memoryDataset(
    randomDays({ seed, from: '2024-01-01', to: '2024-01-30', pool: 250, perDay: 70, missing }),
    missing,
  );
}
