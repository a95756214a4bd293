import { execFileSync } from 'node:child_process';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dataset } from '../days/dataset.js';
import { VERSION } from '../version.js';
import type { Analysis } from './analyze.js';
import type { BacktestRun, SkippedTarget } from './backtest.js';
import { datasetFingerprint } from './dataset-source.js';
import type { Experiment } from './experiment.js';
import { summaryRow } from './summary-row.js';
import { summaryText } from './summary-text.js';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** A number as written in the result files: JavaScript's shortest round-trip form; NaN for undefined values. */
export function formatValue(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  return Object.is(x, -0) ? '0' : String(x);
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV text: a header line, then one line per row; numbers as {@link formatValue}, text quoted only when needed. */
export function csvText(header: readonly string[], rows: (string | number | boolean)[][]): string {
  const lines = [header.join(',')];
  for (const r of rows)
    lines.push(r.map((v) => (typeof v === 'number' ? formatValue(v) : csvField(String(v)))).join(','));
  return `${lines.join('\n')}\n`;
}

/** The columns of per_day.csv, in order. */
export const PER_DAY_COLUMNS = ['date', 'model', 'budget', 'metric', 'value'] as const;

/** The columns of summary.csv, in order. */
export const SUMMARY_COLUMNS = [
  'model',
  'budget',
  'metric',
  'n',
  'mean',
  'median',
  'q1',
  'q3',
  'iqr',
  'ci_low',
  'ci_high',
  'higher_is_better',
] as const;

/** The columns of comparisons.csv, in order. */
export const COMPARISON_COLUMNS = [
  'metric',
  'budget',
  'model_a',
  'model_b',
  'n',
  'mean_diff',
  'median_diff',
  'ci_low',
  'ci_high',
  'a_wins',
  'a_losses',
  'ties',
  'p_value',
  'p_holm',
  'significant',
  'verdict',
] as const;

export function perDayCsv(run: BacktestRun): string {
  return csvText(
    PER_DAY_COLUMNS,
    run.rows.map((r) => [r.date, r.model, r.budget, r.metric, r.value]),
  );
}

export function summaryCsv(analysis: Analysis): string {
  return csvText(SUMMARY_COLUMNS, analysis.summary.map(summaryRow));
}

export function comparisonsCsv(analysis: Analysis): string {
  return csvText(
    COMPARISON_COLUMNS,
    analysis.comparisons.map((c) => [
      c.metric,
      c.budget,
      c.modelA,
      c.modelB,
      c.n,
      c.meanDiff,
      c.medianDiff,
      c.ciLow,
      c.ciHigh,
      c.wins,
      c.losses,
      c.ties,
      c.pValue,
      c.pHolm,
      c.significant,
      c.verdict,
    ]),
  );
}

/** The git commit of the code (and whether the tree had changes), or nulls outside a git checkout. */
function gitInfo(): { commit: string | null; dirty: boolean | null } {
  try {
    const opts = {
      cwd: here,
      stdio: ['ignore', 'pipe', 'ignore'] as ('ignore' | 'pipe')[],
      encoding: 'utf8' as const,
    };
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], opts).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], opts).trim() !== '';
    return { commit, dirty };
  } catch {
    return { commit: null, dirty: null };
  }
}

function packageVersions(): Record<string, string> {
  const pkg = require('../package.json') as { dependencies?: Record<string, string> };
  const out: Record<string, string> = { aiplab: VERSION, node: process.version };
  for (const name of Object.keys(pkg.dependencies ?? {}).sort()) {
    try {
      out[name] = (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      out[name] = pkg.dependencies![name]!;
    }
  }
  return out;
}

/** What produced a result: the git commit and the package versions (recorded in every manifest and partial). */
export function provenance(): {
  git: { commit: string | null; dirty: boolean | null };
  versions: Record<string, string>;
} {
  return { git: gitInfo(), versions: packageVersions() };
}

/** `20261204T235901Z`: sortable, no characters file systems dislike. */
export function utcStamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/** The dataset as a results manifest records it. */
export interface ResultsDataset {
  dir: string;
  fingerprint: string;
  /** What the fingerprint hashes: the dataset's manifest.json, or its day files. */
  fingerprintOf: string;
  /** Absent for a dataset without days. */
  firstDay?: string;
  lastDay?: string;
  days: number;
  missingDays: string[];
}

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

/** manifest.json of a results folder (DESIGN §6): everything needed to say what was run, on what, with what. */
export interface ResultsManifest {
  aiplab: string;
  /** The resolved experiment: every default filled. */
  experiment: Experiment;
  dataset: ResultsDataset;
  git: { commit: string | null; dirty: boolean | null };
  versions: Record<string, string>;
  seed: number;
  startedAt: string;
  command: string[] | null;
  days: number;
  scoredDays: number;
  skipped: SkippedTarget[];
  knownIps: number;
  /**
   * Labels of the models whose lists are sets (BacktestRun.unrankedModels): their numeric and matched budget rows are
   * cuts of a set list (members in the tie order), not rankings. Absent in folders written before it was recorded.
   */
  unrankedModels: string[];
  warnings: { message: string; count: number }[];
  timings: {
    totalMs: number;
    foldMs: number;
    truthMs: number;
    scoreMs: number;
    analysisMs: number;
    rankMs: Record<string, number>;
  };
  /** The result files beside manifest.json. */
  files: string[];
  /** Only in a folder `aiplab merge` made of shards: which shards, and each one's provenance and timings. */
  merged?: unknown;
  /** Only when the experiment names sensors: each side's sensors (BacktestRun.sensors). */
  sensors?: { train: string[]; truth: string[] };
  /** Only in the folder of a held-out sensor of a leave-one-sensor-out run: `leave-one-sensor-out`. */
  mode?: string;
  /** The held-out sensor, with `mode`. */
  heldOut?: string;
}

export interface WrittenResults {
  dir: string;
  files: string[];
}

/** `<parent>/<stamp>`, or `<stamp>-2`, `-3`, … when two runs start in the same second. */
export async function freeRunDir(parent: string, stamp: string): Promise<string> {
  let dir = join(parent, stamp);
  for (let n = 2; ; n++) {
    try {
      await stat(dir);
      dir = join(parent, `${stamp}-${n}`);
    } catch {
      return dir;
    }
  }
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
  const parent = resolve(out, run.experiment.id);
  await mkdir(parent, { recursive: true });
  const stamp = utcStamp(extra.startedAt);
  const dir = await freeRunDir(parent, stamp);
  const tmp = join(parent, `.tmp-${stamp}-${process.pid}`);
  await rm(tmp, { recursive: true, force: true });
  const files = await writeResultFiles(tmp, run, analysis, dataset, extra);
  await rename(tmp, dir);
  return { dir, files: files.map((f) => join(dir, f)) };
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
  const manifest: ResultsManifest = {
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
  await writeFile(join(dir, 'per_day.csv'), perDayCsv(run));
  await writeFile(join(dir, 'summary.csv'), summaryCsv(analysis));
  await writeFile(join(dir, 'comparisons.csv'), comparisonsCsv(analysis));
  await writeFile(join(dir, 'summary.txt'), summaryText(run, analysis));
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return ['manifest.json', ...manifest.files];
}
