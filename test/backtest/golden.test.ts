import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readExperiment, runExperiment } from '../../src/index.js';
import { ROOT, tempDir } from '../helpers.js';

/**
 * The results files must not change under the speed work of issue 11 (incremental ranking, worker threads, shards):
 * these sha256 values were recorded at commit 4891490 (synth-topk-golden: bb7bb97, the same code), before any of it, by `aiplab backtest` of each experiment.
 * Only manifest.json (timings, commit) may differ.
 */
const GOLDEN: Record<string, { file: string; sha256: Record<string, string> }> = {
  'aip-baseline': {
    file: join(ROOT, 'experiments', 'aip-baseline.json'),
    sha256: {
      'per_day.csv': 'd44faeba07b3ae6998ffd1d562f973bfc5db5ccdcb73e533aaa9514636aabe68',
      'summary.csv': '0558c27dbc1fb47564c676e872124ac648223c447bb71e970ea70d5728eb5acd',
      'comparisons.csv': 'fb007f6cb3ca24cd0ff74274a20dbdc4cfc317329d8ef21a1b94a8f7252fe4f8',
    },
  },
  'synth-golden': {
    file: join(ROOT, 'test', 'backtest', 'golden', 'synth-golden.json'),
    sha256: {
      'per_day.csv': 'f3e49588218ea232d278e0ae16b8af84b7c6271f10fe6278cc8fd5503cfe13e4',
      'summary.csv': 'c68da349024e7d1e5c6824dfa692ca0842fc9319a39d0520e2b48956130748ca',
      'comparisons.csv': '82c630305b1c390e8cdbca8d2fa9724f08909ca500cd9fab83e2cfe3a9b2fb27',
    },
  },
  // Top-K budgets only: the speed path (ctx.limit), where the fast paths of the models apply. Recorded at bb7bb97.
  'synth-topk-golden': {
    file: join(ROOT, 'test', 'backtest', 'golden', 'synth-topk-golden.json'),
    sha256: {
      'per_day.csv': 'cfcc3b636803722c66f25288a8dfe7a863a7c0da591d209ee0e612d06374775e',
      'summary.csv': '98ce0d72ceab23bbec477f1e4e5f2b426cdd7693db1c6825ef57ee0dc6d586bc',
      'comparisons.csv': 'bb5ba2139eb300f458a0bc477eefb605503c18f7eef248a8848ffc07b0d2d2a1',
    },
  },
};

describe('results files are byte-identical to those recorded before the scale work', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    tmp = await tempDir();
  });
  afterAll(async () => tmp.cleanup());

  for (const [id, golden] of Object.entries(GOLDEN)) {
    it(`${id}: per_day.csv, summary.csv and comparisons.csv keep their sha256`, async () => {
      const experiment = await readExperiment(golden.file);
      const { written } = await runExperiment(experiment, { out: tmp.dir, cacheDir: join(tmp.dir, 'cache') });
      const got: Record<string, string> = {};
      for (const name of Object.keys(golden.sha256))
        got[name] = createHash('sha256')
          .update(await readFile(join(written!.dir, name)))
          .digest('hex');
      expect(got).toEqual(golden.sha256);
    }, 180_000);
  }
});
