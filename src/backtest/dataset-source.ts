import { createHash } from 'node:crypto';
import { access, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Dataset, openDataset } from '../days/dataset.js';
import { MANIFEST_FILE } from '../days/manifest.js';
import { synthesize } from '../synth/synthesize.js';
import type { Experiment, SynthDatasetSpec } from './experiment.js';

const SYNTH_DONE = 'synth-report.json';
/**
 * Part of the cache key of synthetic datasets: bump it whenever the simulator's output for a given spec changes, so a
 * stale cache is never reused. 2: the day-table fast path (random streams split per day).
 */
export const SYNTH_GENERATION = 2;

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

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
}

/**
 * Opens an experiment's dataset: its folder, or for `{synth: {...}}` the day tables `aiplab synth --format aip` makes
 * for that spec, made once into the cache (atomically: a half-made folder is never used) and reused after.
 */
export async function openExperimentDataset(
  experiment: Experiment,
  options: DatasetSourceOptions = {},
): Promise<Dataset> {
  if (typeof experiment.dataset === 'string') return openDataset(experiment.dataset);
  const spec = experiment.dataset.synth;
  const dir = synthCacheDir(options.cacheDir ?? '.aiplab-cache', spec);
  if (!(await exists(join(dir, SYNTH_DONE)))) {
    const tmp = `${dir}.tmp-${process.pid}`;
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp, { recursive: true });
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
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  }
  return openDataset(dir);
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
