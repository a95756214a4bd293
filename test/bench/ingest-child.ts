// Runs one ingest in its own process so the benchmark sees its wall time and peak RSS alone.
import { ingest } from '../../src/index.js';

const [root, honeypots, out] = process.argv.slice(2) as [string, string, string];
const t0 = performance.now();
const { manifest } = await ingest({
  format: 'zeek',
  inputs: [root],
  honeypots,
  out,
});
const ms = performance.now() - t0;
process.stdout.write(
  `${JSON.stringify({ ms, maxRssKb: process.resourceUsage().maxRSS, records: manifest.records, attackFlows: manifest.attackFlows, days: manifest.days.length, rows: manifest.days.reduce((a, d) => a + d.rows, 0) })}\n`,
);
