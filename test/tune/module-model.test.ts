/**
 * Your own model from outside src/ (issue 10): an experiment names a module that registers a model through the public
 * API; the backtest and the tuner run it like a built-in one, and the manifest records the module's sha256.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  getModel,
  loadModelModules,
  readExperiment,
  readTuneExperiment,
  runExperiment,
  runTune,
} from '../../src/index.js';
import { ROOT } from '../helpers.js';
import { bruteForce, expectSame, syntheticDataset } from './tune-helpers.js';

const MODULE = join(ROOT, 'experiments', 'models', 'recency-persistence.ts');
const dirs: string[] = [];
async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'aiplab-module-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('a model from a module', () => {
  it('the shipped experiment loads the module, backtests its model and records the module in the manifest', async () => {
    const experiment = await readExperiment(join(ROOT, 'experiments', 'own-model.json'));
    const sha = createHash('sha256')
      .update(await readFile(MODULE))
      .digest('hex');
    expect(experiment.modules).toEqual([{ path: MODULE, sha256: sha, models: ['Recency_Persistence'] }]);
    expect(getModel('Recency_Persistence').tunable).toHaveProperty('halfLife');
    const out = await tmp();
    const result = await runExperiment(experiment, { out });
    const manifest = JSON.parse(await readFile(join(result.written!.dir, 'manifest.json'), 'utf8'));
    expect(manifest.experiment.modules[0].sha256).toBe(sha);
    const recall = result.analysis.summary.find(
      (s) => s.model === 'Recency_Persistence' && s.metric === 'recall' && s.budget === '100',
    )!;
    expect(recall.n).toBe(55);
    expect(recall.mean).toBeGreaterThan(0);
  });

  it('is tuned on the general path, with the values of the backtest of its configs', async () => {
    await loadModelModules([MODULE]);
    const dir = await tmp();
    const file = join(dir, 'tune.json');
    await writeFile(
      file,
      JSON.stringify({
        id: 'tune-module',
        version: 1,
        module: MODULE,
        dataset: '/unused',
        model: { name: 'Recency_Persistence' },
        split: {
          tune: { from: '2024-01-03', to: '2024-01-12' },
          test: { from: '2024-01-13', to: '2024-01-14' },
        },
        search: { method: 'random', samples: 5, space: { halfLife: true, persistence: true } },
        objective: { metric: 'recall', budget: 10 },
        baselines: [],
        bootstrap: { resamples: 100 },
        seed: 4,
      }),
    );
    const experiment = await readTuneExperiment(file);
    expect(experiment.modules?.[0]?.path).toBe(MODULE);
    const dataset = syntheticDataset(41);
    const run = await runTune(experiment, dataset);
    expect(run.configs).toHaveLength(5);
    expect(run.fastPath).toBe(false);
    expectSame(run, await bruteForce(run, dataset));
  });

  it('refuses a missing module, one that registers nothing, and an experiment whose module was not loaded', async () => {
    const dir = await tmp();
    const nothing = join(dir, 'nothing.ts');
    await writeFile(nothing, 'export const x = 1;\n');
    await expect(loadModelModules(['missing.ts'], dir, 'e.json: module')).rejects.toThrow(
      /^e\.json: module: cannot read .*missing\.ts: ENOENT$/,
    );
    await expect(loadModelModules([nothing], dir)).rejects.toThrow('registered no model');
    const file = join(dir, 'exp.json');
    await writeFile(
      file,
      JSON.stringify({
        id: 'x',
        version: 1,
        module: './broken.ts',
        dataset: dir,
        from: '2024-01-02',
        to: '2024-01-03',
        models: [{ name: 'Alpha' }],
      }),
    );
    await writeFile(join(dir, 'broken.ts'), 'throw new Error("boom");\n');
    await expect(readExperiment(file)).rejects.toThrow(
      /exp\.json: module: .*broken\.ts failed to load: boom/,
    );
  });
});
