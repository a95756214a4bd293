// Runs one tuning run in its own process so the benchmark sees its wall time and peak RSS alone.
import { openExperimentDataset } from '../../src/backtest/dataset-source.js';
import { readTuneExperiment, runTune } from '../../src/index.js';
import { testWindowExperiment } from '../../src/tune/tune-experiment.js';

const [file, cacheDir] = process.argv.slice(2) as [string, string];
const experiment = await readTuneExperiment(file);
const dataset = await openExperimentDataset(testWindowExperiment(experiment, experiment.model.params), {
  cacheDir,
});
const t0 = performance.now();
const run = await runTune(experiment, dataset, {
  onProgress: (done, total, date, phase) => {
    if (phase === 'tune' && (done % 10 === 0 || done === total))
      process.stderr.write(
        `  ${date}: ${done}/${total} tuning days, ${((performance.now() - t0) / 1000).toFixed(0)} s, RSS ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MB\n`,
      );
  },
});
const ms = performance.now() - t0;
process.stdout.write(
  `${JSON.stringify({
    ms,
    maxRssKb: process.resourceUsage().maxRSS,
    configs: run.configs.length,
    tuneDays: run.tuneDays.length,
    scoredDays: run.scoredTuneDays.length,
    knownIps: run.test.run.knownIps,
    timings: run.timings,
    best: run.best.score.mean,
    default: run.default.score.mean,
  })}\n`,
);
