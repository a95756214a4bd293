// Runs one backtest in its own process so the benchmark sees its wall time and peak RSS alone.
import { readExperiment, runExperiment } from '../../src/index.js';

const [file, cacheDir, out, capText] = process.argv.slice(2) as [string, string, string, string];
const capMs = Number(capText) * 1000;
const experiment = await readExperiment(file);
const t0 = performance.now();
const figures = (ms: number, days: number) => ({ ms, maxRssKb: process.resourceUsage().maxRSS, days });
// Per day: IPs known before it and the ranking time of each model (for the Alpha/Alpha7 flatness line).
const perDay: { known: number; rankMs: Record<string, number> }[] = [];
const { run, written } = await runExperiment(experiment, {
  cacheDir,
  out,
  onDayTimings: (_date, known, rankMs) => perDay.push({ known, rankMs: { ...rankMs } }),
  // A line every 30 days on stderr, so a long benchmark shows where it is.
  onProgress: (done, total, date) => {
    const ms = performance.now() - t0;
    if (ms > capMs && done < total) {
      // Past the wall-clock cap: report how far it got and stop (the target is missed anyway).
      process.stdout.write(
        `${JSON.stringify({ ...figures(ms, total), capped: true, daysDone: done, lastDate: date })}\n`,
      );
      process.exit(0);
    }
    if (done % 30 === 0 || done === total)
      process.stderr.write(
        `  ${date}: ${done}/${total} days, ${((performance.now() - t0) / 1000).toFixed(0)} s, RSS ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MB\n`,
      );
  },
});
const ms = performance.now() - t0;
process.stdout.write(
  `${JSON.stringify({
    ...figures(ms, run.days.length),
    capped: false,
    daysDone: run.days.length,
    rows: run.rows.length,
    knownIps: run.knownIps,
    timings: run.timings,
    perDay,
    dir: written?.dir,
  })}\n`,
);
