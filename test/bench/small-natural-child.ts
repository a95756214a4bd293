// The 183-day natural-list backtest in its own process: the time to read its day tables once, then the backtest
// (tables read again inside it, as a run does), both after a warm-up run that makes the dataset and warms the JIT.
import { openExperimentDataset } from '../../src/backtest/dataset-source.js';
import { readExperiment, runBacktest } from '../../src/index.js';

const [file, cacheDir] = process.argv.slice(2) as [string, string];
const experiment = await readExperiment(file);
const dataset = await openExperimentDataset(experiment, { cacheDir });
await runBacktest(experiment, dataset); // warm-up
let t = performance.now();
for (const d of dataset.days) await dataset.readDayTable(d);
const readMs = performance.now() - t;
t = performance.now();
await runBacktest(experiment, dataset);
const backtestMs = performance.now() - t;
process.stdout.write(`${JSON.stringify({ readMs, backtestMs })}\n`);
