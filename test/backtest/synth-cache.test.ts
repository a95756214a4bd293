/**
 * The cache of synthetic datasets (`"dataset": {"synth": {...}}`): made once, atomically. Two runs making the same
 * dataset at once both get it whole (neither removes the folder the other reads), and the temp folders of killed
 * runs are removed.
 */
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openExperimentDataset, synthCacheDir } from '../../src/backtest/dataset-source.js';
import { resolveExperiment } from '../../src/backtest/experiment.js';

const made: string[] = [];
afterAll(async () => {
  for (const d of made) await rm(d, { recursive: true, force: true });
});

const experiment = resolveExperiment({
  id: 'cache',
  version: 1,
  dataset: { synth: { days: 4, attackersPerDay: 40, seed: 3, startDate: '2024-01-01' } },
  from: '2024-01-02',
  to: '2024-01-04',
  models: [{ name: 'Alpha' }],
});

describe('the synthetic dataset cache', () => {
  it('two makers at once both read the whole dataset, and one folder remains', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'aiplab-synth-cache-'));
    made.push(cacheDir);
    const [a, b] = await Promise.all([
      openExperimentDataset(experiment, { cacheDir }),
      openExperimentDataset(experiment, { cacheDir }),
    ]);
    for (const d of [a, b]) {
      expect(d.days).toHaveLength(4);
      for (const day of d.days) expect((await d.readDayTable(day)).ip.length).toBeGreaterThan(0);
    }
    expect(await readdir(cacheDir)).toEqual([
      synthCacheDir(cacheDir, { ...synthSpec() })
        .split('/')
        .pop(),
    ]);
  });

  it('removes the temp folders that runs of processes now gone left, and keeps those of live ones', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'aiplab-synth-cache-'));
    made.push(cacheDir);
    const dir = synthCacheDir(cacheDir, synthSpec());
    const dead = `${dir}.tmp-999999999-0badf00d`;
    const live = `${dir}.tmp-${process.ppid}-00c0ffee`;
    await mkdir(dead, { recursive: true });
    await mkdir(live, { recursive: true });
    await openExperimentDataset(experiment, { cacheDir });
    const names = await readdir(cacheDir);
    expect(names).not.toContain(dead.split('/').pop());
    expect(names).toContain(live.split('/').pop());
  });
});

function synthSpec() {
  if (typeof experiment.dataset === 'string') throw new Error('expected a synth spec');
  return experiment.dataset.synth;
}
