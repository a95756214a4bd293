// Runs one backtest in its own process so the benchmark sees its wall time and peak RSS alone.
import { readExperiment, runExperiment } from '../../src/index.js';

const [file, cacheDir, out] = process.argv.slice(2) as [string, string, string];
const experiment = await readExperiment(file);
const t0 = performance.now();
const { run, written } = await runExperiment(experiment, { cacheDir, out });
const ms = performance.now() - t0;
process.stdout.write(
  `${JSON.stringify({
    ms,
    maxRssKb: process.resourceUsage().maxRSS,
    days: run.days.length,
    rows: run.rows.length,
    knownIps: run.knownIps,
    timings: run.timings,
    dir: written?.dir,
  })}\n`,
);
