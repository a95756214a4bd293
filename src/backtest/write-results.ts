import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dataset } from '../days/dataset.js';
import { comparisonsCsv, perDayCsv, summaryCsv } from '../results/csv.js';
import { gitInfo, packageVersions, type ResultsDataset, type ResultsManifest } from '../results/manifest.js';
import type { Analysis } from '../results/rows.js';
import { type WrittenResults, writeRunFolder } from '../results/run-folder.js';
import { VERSION } from '../version.js';
import type { BacktestRun } from './backtest.js';
import { datasetFingerprint } from './dataset-source.js';
import type { Experiment } from './experiment.js';
import { summaryText } from './summary-text.js';

/** The manifest's record of a dataset (its fingerprint hashes the dataset's manifest.json or day files). */
export async function resultsDataset(dataset: Dataset): Promise<ResultsDataset> {
  return {
    dir: dataset.dir,
    fingerprint: await datasetFingerprint(dataset),
    fingerprintOf: dataset.manifest ? 'manifest.json' : 'day files',
    firstDay: dataset.firstDay,
    lastDay: dataset.lastDay,
    days: dataset.days.length,
    missingDays: dataset.missingDays,
  };
}

/** What a results folder's manifest records beyond the run (writeResults, writeResultFiles). */
export interface ResultsExtra {
  startedAt: Date;
  analysisMs: number;
  command?: string[];
  merged?: unknown;
  /** ResultsManifest.mode and heldOut (a held-out sensor's folder of a leave-one-sensor-out run). */
  mode?: string;
  heldOut?: string;
}

/**
 * Writes `<out>/<id>/<UTC timestamp>/` (DESIGN §6): manifest.json, per_day.csv, summary.csv, comparisons.csv. The
 * folder is written under a temporary name and renamed into place when complete, so a killed run leaves no
 * half-written result folder. `dataset` may be given as its manifest record (a merge of shards, which need not
 * reach the dataset); `extra.merged` is recorded as the manifest's `merged`.
 */
export async function writeResults(
  out: string,
  run: BacktestRun,
  analysis: Analysis,
  dataset: Dataset | ResultsDataset,
  extra: ResultsExtra,
): Promise<WrittenResults> {
  return writeRunFolder(out, run.experiment.id, extra.startedAt, (tmp) =>
    writeResultFiles(tmp, run, analysis, dataset, extra),
  );
}

/**
 * Writes the files of a results folder into `dir` (made; not atomic by itself: the caller writes into a temporary
 * folder and renames it) and returns their names, manifest.json first.
 */
export async function writeResultFiles(
  dir: string,
  run: BacktestRun,
  analysis: Analysis,
  dataset: Dataset | ResultsDataset,
  extra: ResultsExtra,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const manifest: ResultsManifest<Experiment> = {
    aiplab: VERSION,
    experiment: run.experiment,
    dataset: 'fingerprint' in dataset ? dataset : await resultsDataset(dataset),
    git: gitInfo(),
    versions: packageVersions(),
    seed: run.experiment.seed,
    startedAt: extra.startedAt.toISOString(),
    command: extra.command ?? null,
    days: run.days.length,
    scoredDays: run.scoredDays.length,
    skipped: run.skipped,
    knownIps: run.knownIps,
    unrankedModels: run.unrankedModels,
    warnings: run.warnings,
    timings: {
      totalMs: Math.round(run.timings.totalMs + extra.analysisMs),
      foldMs: Math.round(run.timings.foldMs),
      truthMs: Math.round(run.timings.truthMs),
      scoreMs: Math.round(run.timings.scoreMs),
      analysisMs: Math.round(extra.analysisMs),
      rankMs: Object.fromEntries(Object.entries(run.timings.rankMs).map(([k, v]) => [k, Math.round(v)])),
    },
    files: ['per_day.csv', 'summary.csv', 'comparisons.csv', 'summary.txt'],
    ...(extra.merged !== undefined ? { merged: extra.merged } : {}),
    ...(run.sensors !== undefined ? { sensors: run.sensors } : {}),
    ...(extra.mode !== undefined ? { mode: extra.mode } : {}),
    ...(extra.heldOut !== undefined ? { heldOut: extra.heldOut } : {}),
  };
  await writeFile(join(dir, 'per_day.csv'), perDayCsv(run.rows));
  await writeFile(join(dir, 'summary.csv'), summaryCsv(analysis.summary));
  await writeFile(join(dir, 'comparisons.csv'), comparisonsCsv(analysis.comparisons));
  await writeFile(join(dir, 'summary.txt'), summaryText(run, analysis));
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return ['manifest.json', ...manifest.files];
}
