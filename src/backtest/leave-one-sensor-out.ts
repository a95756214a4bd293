import { createHash } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import Table from 'cli-table3';
import { readAllowlist } from '../blocklist/read-allowlist.js';
import type { Dataset } from '../days/dataset.js';
import { csvText, SUMMARY_COLUMNS, summaryRow } from '../results/csv.js';
import { provenance, type ResultsDataset } from '../results/manifest.js';
import type { Analysis } from '../results/rows.js';
import { freeRunDir, utcStamp, type WrittenResults } from '../results/run-folder.js';
import { UsageError } from '../util/errors.js';
import { checkOutputFolder } from '../util/output-path.js';
import { VERSION } from '../version.js';
import { analyzeRun } from './analyze.js';
import { type BacktestRun, runBacktest } from './backtest.js';
import { openExperimentDataset } from './dataset-source.js';
import { budgetLabel, type Experiment } from './experiment.js';
import type { RunExperimentOptions } from './run-experiment.js';
import { datasetSensors } from './sensor-views.js';
import { markSetCut, SET_CUT_NOTE } from './set-cuts.js';
import { resultsDataset, writeResultFiles } from './write-results.js';

/** The `mode` a leave-one-sensor-out run records in its manifests. */
export const LEAVE_ONE_SENSOR_OUT = 'leave-one-sensor-out';

/** One held-out sensor of a leave-one-sensor-out plan. */
export interface HeldOutSensor {
  sensor: string;
  /** Its folder under `held-out/` (the sensor's name where that is a safe file name). */
  dir: string;
  /** The sensors its lists come from: every other sensor of the run, ascending. */
  trainSensors: string[];
  /** The explicit train/truth experiment it runs: `sensors` = trainSensors, `truth.sensors` = [sensor]. */
  experiment: Experiment;
}

/** What a leave-one-sensor-out experiment runs on a dataset. */
export interface LeaveOneSensorOutPlan {
  /** The sensors of the run: the experiment's `sensors`, or every sensor of the dataset; ascending. */
  sensors: string[];
  /** The sensors held out in turn (`truth.sensors`, default all of them), in order. */
  heldOut: HeldOutSensor[];
}

export interface HeldOutResult extends HeldOutSensor {
  run: BacktestRun;
  analysis: Analysis;
}

export interface LeaveOneSensorOutResult {
  experiment: Experiment;
  dataset: Dataset;
  sensors: string[];
  heldOut: HeldOutResult[];
  /** Where the results went, when `out` was given: the run's folder and every file written. */
  written?: WrittenResults;
}

export interface LeaveOneSensorOutOptions extends RunExperimentOptions {
  /** The dataset to run on, already open, instead of the experiment's (an in-memory dataset, a notebook's). */
  dataset?: Dataset;
}

/** The columns of leave-one-sensor-out.csv, in order. */
export const LEAVE_ONE_SENSOR_OUT_COLUMNS = [
  'held_out',
  'held_out_dir',
  'train_sensors',
  ...SUMMARY_COLUMNS,
] as const;

/** The metrics of the summary text's tables (those the experiment computes), in order. */
export const LEAVE_ONE_SENSOR_OUT_METRICS = [
  'recall',
  'precision',
  'fp_elsewhere_share',
  'recall_unseen',
] as const;

/** manifest.json of a leave-one-sensor-out run's folder; each `held-out/<dir>/` has the ResultsManifest of its run. */
export interface LeaveOneSensorOutManifest {
  aiplab: string;
  mode: typeof LEAVE_ONE_SENSOR_OUT;
  /** The resolved experiment as given (`truth.leaveOneSensorOut`). */
  experiment: Experiment;
  dataset: ResultsDataset;
  sensors: string[];
  heldOut: { sensor: string; dir: string; trainSensors: string[]; scoredDays: number; knownIps: number }[];
  git: { commit: string | null; dirty: boolean | null };
  versions: Record<string, string>;
  seed: number;
  startedAt: string;
  command: string[] | null;
  timings: { totalMs: number; heldOutMs: Record<string, number> };
  files: string[];
}

/**
 * Folder names for sensors: the name itself when it is a safe file name (letters, digits, `.`, `_`, `-`, not starting
 * with `.`, distinct from the others ignoring case); otherwise the unsafe characters (and a leading `.`) as `_` and the first 8 hex digits
 * of the name's sha256 after a `-` (an IPv6 honeypot `2001:db8::1` → `2001_db8__1-1f2e…`), so names never collide.
 */
export function sensorDirNames(sensors: readonly string[]): string[] {
  const lower = sensors.map((s) => s.toLowerCase());
  return sensors.map((s, i) => {
    const safe = s.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\./, '_');
    const clash = lower.some((l, j) => j !== i && l === lower[i]);
    if (safe === s && !s.startsWith('.') && s !== '' && !clash) return s;
    return `${safe}-${createHash('sha256').update(s).digest('hex').slice(0, 8)}`;
  });
}

/**
 * The held-out runs of a leave-one-sensor-out experiment on a dataset: for each held-out sensor s (`truth.sensors`,
 * default every sensor of the run), lists from the run's other sensors, scored on s. The run's sensors are the
 * experiment's `sensors`, or every sensor of the dataset; at least two. A UsageError names the key at fault.
 */
export function leaveOneSensorOutPlan(experiment: Experiment, dataset: Dataset): LeaveOneSensorOutPlan {
  if (!experiment.truth?.leaveOneSensorOut)
    throw new UsageError('leaveOneSensorOutPlan: the experiment does not set truth.leaveOneSensorOut');
  const all = datasetSensors(dataset, [], 'truth.leaveOneSensorOut');
  if (experiment.sensors) datasetSensors(dataset, experiment.sensors, 'sensors');
  const sensors = [...(experiment.sensors ?? all)];
  if (sensors.length < 2)
    throw new UsageError(
      `truth.leaveOneSensorOut: needs at least two sensors (a held-out sensor's lists come from the others); the run has ${sensors.join(', ')}`,
    );
  const held = experiment.truth.sensors ?? sensors;
  const outside = held.filter((s) => !sensors.includes(s));
  if (outside.length > 0)
    throw new UsageError(
      `truth.sensors: ${outside.map((s) => `'${s}'`).join(', ')} not among the sensors of the run (${sensors.join(', ')})${experiment.sensors ? ' (the experiment\'s "sensors")' : ''}`,
    );
  const dirs = sensorDirNames(held);
  return {
    sensors,
    heldOut: held.map((sensor, i) => {
      const trainSensors = sensors.filter((s) => s !== sensor);
      const { truth: _truth, ...rest } = experiment;
      return {
        sensor,
        dir: dirs[i]!,
        trainSensors,
        experiment: { ...rest, sensors: trainSensors, truth: { sensors: [sensor] } },
      };
    }),
  };
}

/**
 * Runs a leave-one-sensor-out experiment (`truth.leaveOneSensorOut`): one walk-forward backtest per held-out sensor
 * (leaveOneSensorOutPlan), each exactly the backtest of its explicit train/truth experiment. With `out`, writes
 * `<out>/<id>/<UTC timestamp>/`: `held-out/<dir>/` per held-out sensor (the files of a normal results folder),
 * `leave-one-sensor-out.csv`, `summary.txt` and `manifest.json` (mode `leave-one-sensor-out`), all made under a
 * temporary name and renamed into place when complete.
 */
export async function runLeaveOneSensorOut(
  experiment: Experiment,
  options: LeaveOneSensorOutOptions = {},
): Promise<LeaveOneSensorOutResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  if (options.out !== undefined)
    await checkOutputFolder(join(options.out, experiment.id), { flag: 'out', purpose: 'the results' });
  const dataset = options.dataset ?? (await openExperimentDataset(experiment, options));
  const plan = leaveOneSensorOutPlan(experiment, dataset);
  const allowlist = experiment.allowlist ? await readAllowlist(experiment.allowlist) : undefined;
  const heldOut: HeldOutResult[] = [];
  const analysisMs: number[] = [];
  for (const [i, h] of plan.heldOut.entries()) {
    const onProgress = options.onProgress;
    const run = await runBacktest(h.experiment, dataset, {
      ...(onProgress
        ? {
            onProgress: (done, total, date) =>
              onProgress(i * total + done, plan.heldOut.length * total, date),
          }
        : {}),
      ...(allowlist ? { exclude: (ip: string) => allowlist.contains(ip) } : {}),
    });
    const t = performance.now();
    heldOut.push({ ...h, run, analysis: analyzeRun(run) });
    analysisMs.push(performance.now() - t);
  }
  const result: LeaveOneSensorOutResult = { experiment, dataset, sensors: plan.sensors, heldOut };
  if (options.out !== undefined)
    result.written = await writeLeaveOneSensorOut(options.out, result, {
      startedAt,
      analysisMs,
      totalMs: performance.now() - t0,
      ...(options.command ? { command: options.command } : {}),
    });
  return result;
}

async function writeLeaveOneSensorOut(
  out: string,
  result: LeaveOneSensorOutResult,
  extra: { startedAt: Date; analysisMs: number[]; totalMs: number; command?: string[] },
): Promise<WrittenResults> {
  const parent = resolve(out, result.experiment.id);
  await mkdir(parent, { recursive: true });
  const stamp = utcStamp(extra.startedAt);
  const dir = await freeRunDir(parent, stamp);
  const tmp = join(parent, `.tmp-${stamp}-${process.pid}`);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(join(tmp, 'held-out'), { recursive: true });
  const dataset = await resultsDataset(result.dataset);
  const files: string[] = [];
  for (const [i, h] of result.heldOut.entries()) {
    const written = await writeResultFiles(join(tmp, 'held-out', h.dir), h.run, h.analysis, dataset, {
      startedAt: extra.startedAt,
      analysisMs: extra.analysisMs[i]!,
      ...(extra.command ? { command: extra.command } : {}),
      mode: LEAVE_ONE_SENSOR_OUT,
      heldOut: h.sensor,
    });
    files.push(...written.map((f) => join('held-out', h.dir, f)));
  }
  const { git, versions } = provenance();
  const top = ['leave-one-sensor-out.csv', 'summary.txt'];
  const manifest: LeaveOneSensorOutManifest = {
    aiplab: VERSION,
    mode: LEAVE_ONE_SENSOR_OUT,
    experiment: result.experiment,
    dataset,
    sensors: result.sensors,
    heldOut: result.heldOut.map((h) => ({
      sensor: h.sensor,
      dir: h.dir,
      trainSensors: h.trainSensors,
      scoredDays: h.run.scoredDays.length,
      knownIps: h.run.knownIps,
    })),
    git,
    versions,
    seed: result.experiment.seed,
    startedAt: extra.startedAt.toISOString(),
    command: extra.command ?? null,
    timings: {
      totalMs: Math.round(extra.totalMs),
      heldOutMs: Object.fromEntries(
        result.heldOut.map((h, i) => [h.sensor, Math.round(h.run.timings.totalMs + extra.analysisMs[i]!)]),
      ),
    },
    files: [...top, ...files],
  };
  await writeFile(join(tmp, 'leave-one-sensor-out.csv'), leaveOneSensorOutCsv(result));
  await writeFile(join(tmp, 'summary.txt'), leaveOneSensorOutText(result));
  await writeFile(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(tmp, dir);
  return { dir, files: ['manifest.json', ...manifest.files].map((f) => join(dir, f)) };
}

/** leave-one-sensor-out.csv: every held-out run's summary.csv rows, led by the held-out sensor and its train sensors. */
export function leaveOneSensorOutCsv(result: Pick<LeaveOneSensorOutResult, 'heldOut'>): string {
  const rows: (string | number | boolean)[][] = [];
  for (const h of result.heldOut)
    for (const s of h.analysis.summary)
      rows.push([h.sensor, h.dir, h.trainSensors.join(' '), ...summaryRow(s)]);
  return csvText(LEAVE_ONE_SENSOR_OUT_COLUMNS, rows);
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toFixed(3) : Number.isNaN(x) ? '–' : String(x);
}

/**
 * What `aiplab backtest` prints for a leave-one-sensor-out run (and its summary.txt): per budget and metric
 * (LEAVE_ONE_SENSOR_OUT_METRICS), a table of the mean across days of each model (columns) for each held-out sensor
 * (rows), and the mean of those means over the sensors (sensors without a value left out).
 */
export function leaveOneSensorOutText(
  result: Pick<LeaveOneSensorOutResult, 'experiment' | 'sensors' | 'heldOut'>,
): string {
  const { experiment, heldOut } = result;
  const lines: string[] = [
    `leave-one-sensor-out over ${result.sensors.length} sensors (${result.sensors.join(', ')}): each held-out sensor's lists come from the others and are scored on its attackers`,
  ];
  const first = heldOut[0];
  if (first === undefined) return `${lines.join('\n')}\n`;
  const missing = first.run.skipped.filter((s) => s.horizon === 0);
  if (missing.length > 0) lines.push(`not scored (no data): ${missing.map((s) => s.date).join(', ')}`);
  lines.push(`mean across days of each held-out sensor (its folder: held-out/<dir>/)`);
  const metrics = LEAVE_ONE_SENSOR_OUT_METRICS.filter((m) => first.run.metricColumns.includes(m));
  const models = experiment.models.map((m) => m.label);
  let marked = false;
  for (const budget of experiment.budgets.map(budgetLabel))
    for (const metric of metrics) {
      const heads = models.map((m) => markSetCut(first.run.unrankedModels, m, budget));
      if (heads.some((h, i) => h !== models[i])) marked = true;
      const table = new Table({
        head: [`budget ${budget}: ${metric}`, ...heads],
        style: { head: [], border: [] },
      });
      const means = heldOut.map((h) =>
        models.map((model) => {
          const s = h.analysis.summary.find(
            (r) => r.model === model && r.budget === budget && r.metric === metric,
          );
          return s && s.n > 0 ? s.mean : Number.NaN;
        }),
      );
      for (const [i, h] of heldOut.entries()) table.push([h.sensor, ...means[i]!.map(fmt)]);
      table.push([
        'mean of sensors',
        ...models.map((_, j) => {
          const values = means.map((row) => row[j]!).filter((v) => !Number.isNaN(v));
          return values.length === 0 ? '–' : fmt(values.reduce((a, b) => a + b, 0) / values.length);
        }),
      ]);
      lines.push(table.toString());
    }
  if (marked) lines.push(SET_CUT_NOTE);
  return `${lines.join('\n')}\n`;
}
