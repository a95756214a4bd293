// `npm run bench [name...]`: runs the benchmarks and prints their figures. Speed and memory targets are measured
// here, never in timed unit tests.
import { mkdirSync } from 'node:fs';
import { benchBacktest } from './backtest.js';
import { BENCH_DIR, type BenchLine } from './common.js';
import { benchForest } from './forest.js';
import { benchIngest } from './ingest.js';
import { benchLearners } from './learners.js';
import { benchStartup } from './startup.js';
import { benchSynthYear } from './synth-year.js';
import { benchTune } from './tune.js';
import { benchTuneGeneral } from './tune-general.js';

const benches: Record<string, () => Promise<BenchLine[]>> = {
  ingest: benchIngest,
  forest: benchForest,
  learners: benchLearners,
  'synth-year': benchSynthYear,
  backtest: benchBacktest,
  tune: benchTune,
  'tune-general': benchTuneGeneral,
  startup: benchStartup,
  suricata: async () => (await import('./reader-suricata.js')).benchReaderSuricata(),
  nfdump: async () => (await import('./reader-nfdump.js')).benchReaderNfdump(),
  tables: async () => (await import('./tables.js')).benchTables(),
};

const wanted = process.argv.slice(2);
const names = wanted.length > 0 ? wanted : Object.keys(benches);
mkdirSync(BENCH_DIR, { recursive: true });
let missed = 0;
for (const name of names) {
  const bench = benches[name];
  if (!bench) {
    process.stderr.write(`unknown benchmark '${name}' (known: ${Object.keys(benches).join(', ')})\n`);
    process.exit(2);
  }
  process.stdout.write(`\n## ${name}\n`);
  for (const line of await bench()) {
    const mark = line.ok === undefined ? '' : line.ok ? '  ok' : '  MISSED';
    if (line.ok === false) missed++;
    process.stdout.write(`${line.name.padEnd(28)} ${line.value}${mark}\n`);
  }
}
process.stdout.write(`\n${missed === 0 ? 'all targets met' : `${missed} target(s) missed`}\n`);
