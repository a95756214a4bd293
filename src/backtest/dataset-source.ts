import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type Dataset, openDataset } from '../days/dataset.js';
import { MANIFEST_FILE } from '../days/manifest.js';
import { synthesize } from '../synth/synthesize.js';
import { pathExists, processAlive } from '../util/fs-checks.js';
import type { Experiment, SynthDatasetSpec } from './experiment.js';

const SYNTH_DONE = 'synth-report.json';
/**
 * Part of the cache key of synthetic datasets: bump it whenever the simulator's output for a given spec changes, so a
 * stale cache is never reused. 2: the day-table fast path (random streams split per day).
 */
export const SYNTH_GENERATION = 2;

/** The folder a synthetic dataset spec is cached in: the same spec (and SYNTH_GENERATION) gives the same folder. */
export function synthCacheDir(cacheDir: string, spec: SynthDatasetSpec): string {
  const canonical = JSON.stringify({
    generation: SYNTH_GENERATION,
    spec: Object.fromEntries(Object.entries(spec).sort(([a], [b]) => (a < b ? -1 : 1))),
  });
  return join(cacheDir, `synth-${createHash('sha256').update(canonical).digest('hex').slice(0, 12)}`);
}

export interface DatasetSourceOptions {
  /** Where synthetic datasets are made and kept. @default '.aiplab-cache' */
  cacheDir?: string;
  /** Progress of making a synthetic dataset. */
  onSynthProgress?: (done: number, total: number) => void;
  /**
   * Accept day tables changed since ingest: the dataset is re-fingerprinted (OpenDatasetOptions.trustChanges).
   * @default false
   */
  trustChanges?: boolean;
  /** Called with each warning opening the dataset gave (Dataset.warnings), e.g. to print it. */
  onDatasetWarning?: (message: string) => void;
}

/**
 * Opens an experiment's dataset: its folder, or for `{synth: {...}}` the day tables `aiplab synth --format aip` makes
 * for that spec, made once into the cache (atomically: a half-made folder is never used) and reused after. A spec with
 * `sensorOverlap` gives a dataset with sensors (synth writes their tables and a manifest naming them).
 */
export async function openExperimentDataset(
  experiment: Experiment,
  options: DatasetSourceOptions = {},
): Promise<Dataset> {
  if (typeof experiment.dataset === 'string') return opened(experiment.dataset, options);
  const spec = experiment.dataset.synth;
  const dir = synthCacheDir(options.cacheDir ?? '.aiplab-cache', spec);
  if (!(await pathExists(join(dir, SYNTH_DONE)))) {
    await removeDeadScratch(dir);
    // Made under a name of this process (synthesize itself builds beside it and renames), completed with SYNTH_DONE,
    // then renamed to the cache name. A rename onto a folder that is there fails: when another process made the same
    // dataset meanwhile, its folder is kept (it may be reading it) and this one is dropped.
    const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    await rm(tmp, { recursive: true, force: true });
    await mkdir(dirname(dir), { recursive: true });
    const report = await synthesize({
      ...spec,
      format: 'aip',
      out: tmp,
      ...(options.onSynthProgress ? { onProgress: options.onSynthProgress } : {}),
    });
    await writeFile(
      join(tmp, SYNTH_DONE),
      `${JSON.stringify({ spec, report: { ...report, out: undefined } }, null, 2)}\n`,
    );
    try {
      await rename(tmp, dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
      if (await pathExists(join(dir, SYNTH_DONE))) await rm(tmp, { recursive: true, force: true });
      else {
        // A half-made folder of an older aiplab (which wrote into the cache name): replaced.
        await rm(dir, { recursive: true, force: true });
        await rename(tmp, dir);
      }
    }
  }
  return opened(dir, options);
}

/** Removes the `<dir>.tmp-<pid>-<hex>` folders that killed runs of processes now gone left while making `dir`. */
async function removeDeadScratch(dir: string): Promise<void> {
  const name = basename(dir);
  let names: string[];
  try {
    names = await readdir(dirname(dir));
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.startsWith(`${name}.tmp-`)) continue;
    const pid = Number(n.slice(name.length + 5).split('-')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && !processAlive(pid))
      await rm(join(dirname(dir), n), { recursive: true, force: true });
  }
}

/** openDataset with the options' trustChanges, its warnings handed to onDatasetWarning. */
async function opened(dir: string, options: DatasetSourceOptions): Promise<Dataset> {
  const dataset = await openDataset(dir, options.trustChanges ? { trustChanges: true } : {});
  for (const w of dataset.warnings ?? []) options.onDatasetWarning?.(w);
  return dataset;
}

/**
 * A fingerprint of a dataset's content: the sha256 of its manifest.json when it has one (ingest records every day
 * file's sha256 there), else of the day files themselves, in name order.
 */
export async function datasetFingerprint(dataset: Dataset): Promise<string> {
  const h = createHash('sha256');
  if (dataset.manifest) {
    h.update(await readFile(join(dataset.dir, MANIFEST_FILE)));
    return h.digest('hex');
  }
  const names = (await readdir(dataset.dir)).filter((n) => n.startsWith('attacks.')).sort();
  for (const name of names) {
    h.update(name);
    h.update(await readFile(join(dataset.dir, name)));
  }
  return h.digest('hex');
}
