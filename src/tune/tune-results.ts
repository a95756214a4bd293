import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeResults } from '../backtest/write-results.js';
import type { Dataset } from '../days/dataset.js';
import { getModel } from '../models/registry.js';
import type { TunableParams } from '../models/tunable.js';
import { csvText } from '../results/csv.js';
import { freeRunDir, utcStamp, type WrittenResults } from '../results/run-folder.js';
import { VERSION } from '../version.js';
import type { TuneRun } from './run-tune.js';
import { BEST_LABEL } from './tune-experiment.js';
import { tuneSummaryText } from './tune-summary-text.js';

/** The columns a param takes in configs.csv: a weight vector one per name (`w_<name>`), anything else one. */
function paramColumns(tunable: TunableParams): {
  header: string[];
  cells: (params: Record<string, unknown>) => (string | number | boolean)[];
} {
  const header: string[] = [];
  const getters: ((p: Record<string, unknown>) => (string | number | boolean)[])[] = [];
  for (const [key, declared] of Object.entries(tunable)) {
    if (declared.kind === 'weights') {
      header.push(...declared.names.map((n) => `w_${n}`));
      getters.push((p) => [...(p[key] as number[])]);
    } else {
      header.push(key);
      getters.push((p) => {
        const v = p[key];
        if (v === null || v === undefined) return [''];
        return [
          typeof v === 'number' || typeof v === 'boolean' ? v : typeof v === 'string' ? v : JSON.stringify(v),
        ];
      });
    }
  }
  return { header, cells: (p) => getters.flatMap((g) => g(p)) };
}

/**
 * configs.csv: every config (search order) with its tunable params (a weight vector in one column per weight) and, per
 * fold, its tuning-window mean, days with a value, the day of the fold after which successive halving dropped it
 * (empty: kept to the end), and whether it is the fold's best; the default last.
 */
export function configsCsv(run: TuneRun): string {
  const { header, cells } = paramColumns(getModel(run.experiment.model.name).tunable);
  const rows: (string | number | boolean)[][] = [];
  run.folds.forEach((f, fi) => {
    run.configs.forEach((c, i) => {
      const s = f.scores[i]!;
      rows.push([c.id, fi + 1, ...cells(c.params), s.mean, s.n, s.droppedAfter ?? '', i === f.best.index]);
    });
    const d = f.default.score;
    rows.push(['default', fi + 1, ...cells(run.default.params), d.mean, d.n, '', false]);
  });
  return csvText(['config', 'fold', ...header, 'mean', 'n', 'dropped_after', 'best'], rows);
}

/** tuning_per_day.csv: the objective of every config (and the default) on every tuning day, long format (NaN: not
 * scored that day, or undefined). */
export function tuningPerDayCsv(run: TuneRun): string {
  const rows: (string | number)[][] = [];
  const ids = [...run.configs.map((c) => c.id), 'default'];
  ids.forEach((id, i) => {
    const values = run.values[i]!;
    run.tuneDays.forEach((date, d) => {
      rows.push([date, id, values[d]!]);
    });
  });
  return csvText(['date', 'config', 'value'], rows);
}

/**
 * folds.csv: per fold, its windows, the best config and its tuning mean beside the default's, and on the fold's test
 * window the objective's metric at the objective's budget for Best against every other model: both means, the paired
 * mean difference with its bootstrap CI, the Holm-corrected signed-rank p (within the fold) and whether it is
 * significant.
 */
export function foldsCsv(run: TuneRun): string {
  const o = run.experiment.objective;
  const rows: (string | number | boolean)[][] = [];
  run.folds.forEach((f, fi) => {
    const mean = (label: string) =>
      f.test.analysis.summary.find(
        (s) => s.model === label && s.metric === o.metric && s.budget === String(o.budget),
      )?.mean ?? Number.NaN;
    for (const c of f.test.analysis.comparisons) {
      if (c.metric !== o.metric || c.budget !== String(o.budget)) continue;
      if (c.modelA !== BEST_LABEL && c.modelB !== BEST_LABEL) continue;
      const flip = c.modelB === BEST_LABEL;
      const other = flip ? c.modelA : c.modelB;
      rows.push([
        fi + 1,
        f.fold.tune.from,
        f.fold.tune.to,
        f.fold.test.from,
        f.fold.test.to,
        f.best.config.id,
        f.best.score.mean,
        f.default.score.mean,
        o.metric,
        String(o.budget),
        mean(BEST_LABEL),
        other,
        mean(other),
        c.n,
        flip ? -c.meanDiff : c.meanDiff,
        flip ? -c.ciHigh : c.ciLow,
        flip ? -c.ciLow : c.ciHigh,
        c.pHolm,
        c.significant,
      ]);
    }
  });
  return csvText(
    [
      'fold',
      'tune_from',
      'tune_to',
      'test_from',
      'test_to',
      'best_config',
      'tune_best',
      'tune_default',
      'metric',
      'budget',
      'test_best',
      'other',
      'test_other',
      'n',
      'best_minus_other',
      'ci_low',
      'ci_high',
      'p_holm',
      'significant',
    ],
    rows,
  );
}

const TUNE_FILES = ['configs.csv', 'tuning_per_day.csv', 'folds.csv'];

/**
 * Writes `<out>/<id>/<UTC timestamp>/`: the test-window backtest's files (per_day.csv, summary.csv, comparisons.csv,
 * written by the backtest's own writeResults), configs.csv, tuning_per_day.csv, summary.txt and a manifest.json that
 * describes the whole tuning run (resolved experiment, dataset fingerprint, git commit, versions, seed, timings, the
 * best config; `merged` for a folder `aiplab merge` made of shards). Everything is written into a temporary folder
 * first and renamed into place when complete.
 */
export async function writeTuneResults(
  out: string,
  run: TuneRun,
  dataset: Dataset,
  extra: { startedAt: Date; command?: string[]; merged?: unknown },
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
      'folds.csv',
      'per_day.csv',
      'summary.csv',
      'comparisons.csv',
      'summary.txt',
    ];
    const foldOf = (f: TuneRun['folds'][number]) => ({
      window: f.fold,
      tuningDays: f.tuneDays.length,
      scoredTuningDays: f.scoredTuneDays.length,
      skippedTuningDays: f.skippedTuneDays,
      best: {
        config: f.best.config.id,
        searched: f.best.config.point,
        params: f.best.config.params,
        mean: f.best.score.mean,
        n: f.best.score.n,
      },
      default: { mean: f.default.score.mean, n: f.default.score.n },
      dropped: f.scores.filter((x) => x.droppedAfter !== null).length,
      test: {
        experiment: f.test.experiment,
        days: f.test.run.days.length,
        scoredDays: f.test.run.scoredDays.length,
        skipped: f.test.run.skipped,
      },
    });
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
        halving: e.search.halving ?? null,
        fastPath: run.fastPath,
        generalPathConfigs: run.generalPathConfigs,
      },
      folds: run.folds.map(foldOf),
      best: foldOf(run.folds[run.folds.length - 1]!).best,
      default: { params: run.default.params },
      tuningWarnings: run.warnings,
      test: {
        pooled: run.folds.length > 1,
        days: backtest.days,
        scoredDays: backtest.scoredDays,
        skipped: backtest.skipped,
        knownIps: backtest.knownIps,
        unrankedModels: backtest.unrankedModels,
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
      ...(extra.merged !== undefined ? { merged: extra.merged } : {}),
    };
    await writeFile(join(tmp, TUNE_FILES[0]!), configsCsv(run));
    await writeFile(join(tmp, TUNE_FILES[1]!), tuningPerDayCsv(run));
    await writeFile(join(tmp, TUNE_FILES[2]!), foldsCsv(run));
    await writeFile(join(tmp, 'summary.txt'), tuneSummaryText(run));
    await writeFile(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const dir = await freeRunDir(parent, stamp);
    await rename(tmp, dir);
    return { dir, files: ['manifest.json', ...files].map((f) => join(dir, f)) };
  } finally {
    await rm(tmpRoot, { recursive: true, force: true });
  }
}
