import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { csvText, freeRunDir, utcStamp, type WrittenResults, writeResults } from '../backtest/results.js';
import type { Dataset } from '../days/dataset.js';
import { AIP_FEATURES } from '../knowledge/aip-features.js';
import type { PrioritizeParams } from '../models/prioritize.js';
import { VERSION } from '../version.js';
import type { TuneRun } from './run-tune.js';
import { tuneSummaryText } from './tune-summary-text.js';

/** configs.csv: every config (search order) with its full params and its tuning-window objective; the default last. */
export function configsCsv(run: TuneRun): string {
  const row = (id: string, params: Record<string, unknown>, mean: number, n: number, best: boolean) => {
    const p = params as unknown as PrioritizeParams;
    return [
      id,
      ...p.weights,
      p.threshold,
      p.minimum,
      p.budget === null ? '' : p.budget,
      JSON.stringify(p.decay),
      p.normalization,
      mean,
      n,
      best,
    ];
  };
  return csvText(
    [
      'config',
      ...AIP_FEATURES.map((f) => `w_${f}`),
      'threshold',
      'minimum',
      'budget',
      'decay',
      'normalization',
      'mean',
      'n',
      'best',
    ],
    [
      ...run.configs.map((c, i) =>
        row(c.id, c.params, run.scores[i]!.mean, run.scores[i]!.n, i === run.best.index),
      ),
      row('default', run.default.params, run.default.score.mean, run.default.score.n, false),
    ],
  );
}

/** tuning_per_day.csv: the objective of every config (and the default) on every tuning day, long format. */
export function tuningPerDayCsv(run: TuneRun): string {
  const rows: (string | number)[][] = [];
  const add = (id: string, values: Float64Array) => {
    run.tuneDays.forEach((date, d) => {
      rows.push([date, id, values[d]!]);
    });
  };
  run.configs.forEach((c, i) => {
    add(c.id, run.scores[i]!.values);
  });
  add('default', run.default.score.values);
  return csvText(['date', 'config', 'value'], rows);
}

const TUNE_FILES = ['configs.csv', 'tuning_per_day.csv'];

/**
 * Writes `<out>/<id>/<UTC timestamp>/`: the test-window backtest's files (per_day.csv, summary.csv, comparisons.csv,
 * written by the backtest's own writeResults), configs.csv, tuning_per_day.csv, summary.txt and a manifest.json that
 * describes the whole tuning run (resolved experiment, dataset fingerprint, git commit, versions, seed, timings, the
 * best config). Everything is written into a temporary folder first and renamed into place when complete.
 */
export async function writeTuneResults(
  out: string,
  run: TuneRun,
  dataset: Dataset,
  extra: { startedAt: Date; command?: string[] },
): Promise<WrittenResults> {
  const e = run.experiment;
  const parent = resolve(out, e.id);
  const stamp = utcStamp(extra.startedAt);
  const tmpRoot = join(parent, `.tmp-tune-${stamp}-${process.pid}`);
  await rm(tmpRoot, { recursive: true, force: true });
  try {
    const written = await writeResults(tmpRoot, run.test.run, run.test.analysis, dataset, {
      startedAt: extra.startedAt,
      analysisMs: run.timings.analysisMs,
      ...(extra.command ? { command: extra.command } : {}),
    });
    const tmp = written.dir;
    const backtest = JSON.parse(await readFile(join(tmp, 'manifest.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    const t = run.timings;
    const files = [
      'configs.csv',
      'tuning_per_day.csv',
      'per_day.csv',
      'summary.csv',
      'comparisons.csv',
      'summary.txt',
    ];
    const manifest = {
      aiplab: VERSION,
      kind: 'tune',
      experiment: e,
      dataset: backtest.dataset,
      git: backtest.git,
      versions: backtest.versions,
      seed: e.seed,
      startedAt: extra.startedAt.toISOString(),
      command: extra.command ?? null,
      search: {
        method: e.search.method,
        configs: run.configs.length,
        skipped: run.skippedConfigs,
      },
      tuning: {
        days: run.tuneDays.length,
        scoredDays: run.scoredTuneDays.length,
        skipped: run.skippedTuneDays,
      },
      best: {
        config: run.best.config.id,
        searched: run.best.config.point,
        params: run.best.config.params,
        mean: run.best.score.mean,
        n: run.best.score.n,
      },
      default: { params: run.default.params, mean: run.default.score.mean, n: run.default.score.n },
      test: {
        experiment: run.test.experiment,
        days: backtest.days,
        scoredDays: backtest.scoredDays,
        skipped: backtest.skipped,
        knownIps: backtest.knownIps,
        warnings: backtest.warnings,
        timings: backtest.timings,
      },
      timings: {
        totalMs: Math.round(t.totalMs),
        foldMs: Math.round(t.foldMs),
        prepareMs: Math.round(t.prepareMs),
        configMs: Math.round(t.configMs),
        testMs: Math.round(t.testMs),
        analysisMs: Math.round(t.analysisMs),
      },
      files,
    };
    await writeFile(join(tmp, TUNE_FILES[0]!), configsCsv(run));
    await writeFile(join(tmp, TUNE_FILES[1]!), tuningPerDayCsv(run));
    await writeFile(join(tmp, 'summary.txt'), tuneSummaryText(run));
    await writeFile(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const dir = await freeRunDir(parent, stamp);
    await rename(tmp, dir);
    return { dir, files: ['manifest.json', ...files].map((f) => join(dir, f)) };
  } finally {
    await rm(tmpRoot, { recursive: true, force: true });
  }
}
