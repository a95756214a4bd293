import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type SynthReport, synthesize } from '../../src/index.js';
import { BENCH_DIR, type BenchLine, ROOT } from './common.js';

/**
 * Synth benchmark: the backtest's year of day tables, `aiplab synth --format aip --days 365
 * --attackers-per-day 100000`, made in a child process (for its peak RSS), with the figures the backtest cares about:
 * distinct attacker IPs over the year (the knowledge base grows with them) and the share of each day's attackers
 * seen on an earlier day. AIPLAB_SYNTH_DAYS / AIPLAB_SYNTH_K shrink it for a quick look.
 */
export async function benchSynthYear(): Promise<BenchLine[]> {
  const days = Number(process.env.AIPLAB_SYNTH_DAYS ?? 365);
  const attackersPerDay = Number(process.env.AIPLAB_SYNTH_K ?? 100_000);
  const out = join(BENCH_DIR, 'synth-year');
  rmSync(out, { recursive: true, force: true });
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'test', 'bench', 'synth-year.ts'),
      String(days),
      String(attackersPerDay),
      out,
    ],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (r.status !== 0) throw new Error(`synth-year child failed (status ${r.status})`);
  const { ms, maxRssKb, report } = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    ms: number;
    maxRssKb: number;
    report: SynthReport;
  };
  const known = report.perDay.slice(1).map((d) => (d.attackers > 0 ? d.knownBefore / d.attackers : 0));
  const sorted = [...known].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const at = (d: number) => {
    const day = report.perDay[d];
    return day ? `${day.date} ${pct(day.knownBefore / Math.max(1, day.attackers))}` : '';
  };
  const rows = report.perDay.reduce((a, d) => a + d.attackers, 0);
  const s = ms / 1000;
  const fullYear = days === 365 && attackersPerDay === 100_000;
  return [
    {
      name: 'options',
      value: `--format aip --days ${days} --attackers-per-day ${attackersPerDay} (seed ${report.seed})`,
    },
    {
      name: 'output',
      value: `${report.days} day tables, ${rows} IP-day rows, ${report.attackFlows} attack flows`,
    },
    {
      name: 'time',
      value: `${s.toFixed(1)} s (${((1000 * s) / days).toFixed(0)} ms a day)${fullYear ? ' (target < 120 s)' : ''}`,
      ...(fullYear ? { ok: s < 120 } : {}),
    },
    {
      name: 'peak RSS',
      value: `${(maxRssKb / 1024).toFixed(0)} MB (target < 2048)`,
      ok: maxRssKb < 2048 * 1024,
    },
    { name: 'distinct attacker IPs', value: String(report.distinctAttackers) },
    { name: "Alpha's recall", value: pct(report.alphaRecall) },
    {
      name: 'known before (day 2..)',
      value: `min ${pct(q(0))}, median ${pct(q(0.5))}, max ${pct(q(1 - 1e-9))}`,
    },
    {
      name: 'known before by day',
      value: [1, 6, 29, 89, 179, 364]
        .filter((d) => d < days)
        .map(at)
        .join(', '),
    },
  ];
}

/** Child: makes the dataset, prints {ms, maxRssKb, report} as the last line of stdout. */
async function child(days: number, attackersPerDay: number, out: string): Promise<void> {
  const t0 = performance.now();
  const report = await synthesize({ days, attackersPerDay, out, format: 'aip' });
  const ms = performance.now() - t0;
  process.stdout.write(`${JSON.stringify({ ms, maxRssKb: process.resourceUsage().maxRSS, report })}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  const [days, k, out] = process.argv.slice(2);
  if (out !== undefined) {
    await child(Number(days), Number(k), out);
  } else {
    // `tsx test/bench/synth-year.ts`: the benchmark alone.
    for (const line of await benchSynthYear()) {
      const mark = line.ok === undefined ? '' : line.ok ? '  ok' : '  MISSED';
      process.stdout.write(`${line.name.padEnd(28)} ${line.value}${mark}\n`);
    }
  }
}
