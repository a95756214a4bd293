import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { synthesize } from '../../src/index.js';
import { BENCH_DIR, type BenchLine, benchChild } from './common.js';

/**
 * Ingest benchmark (issue "Foundation and ingest"): ~5 M flows of Zeek TSV .gz made by `synth`, ingested, beside
 * two floors measured on the same files: `zcat` to /dev/null and Node's bare zlib inflate. Also ingests the first
 * half of the days alone, to show peak RSS follows the IPs of a day, not the number of flows.
 */
export async function benchIngest(): Promise<BenchLine[]> {
  const options = {
    days: 30,
    attackersPerDay: 8100,
    honeypots: 24,
    seed: 2026,
    format: 'zeek' as const,
  };
  const data = join(BENCH_DIR, 'zeek-5m');
  const stamp = join(data, 'bench-options.json');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== JSON.stringify(options)) {
    rmSync(data, { recursive: true, force: true });
    process.stderr.write(`generating the benchmark input with synth ${JSON.stringify(options)} ...\n`);
    const t0 = performance.now();
    await synthesize({ ...options, out: data });
    process.stderr.write(`  generated in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    writeFileSync(stamp, JSON.stringify(options));
  }
  const dayDirs = readdirSync(data)
    .filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d))
    .sort();
  const filesOf = (dirs: string[]) =>
    dirs.flatMap((d) =>
      readdirSync(join(data, d))
        .sort()
        .map((f) => join(data, d, f)),
    );
  const files = filesOf(dayDirs);
  const gzBytes = files.reduce((a, f) => a + statSync(f).size, 0);

  const zcat = time(() =>
    spawnSync('sh', ['-c', 'xargs -0 zcat -- > /dev/null'], {
      input: files.join('\0'),
    }),
  );
  // The same work split over two zcat processes, one per half of the files: how much of a second core the machine
  // gives right now (on a shared machine another program may hold it; ingest's own speedup is bounded by it).
  const halves = [files.slice(0, files.length >> 1), files.slice(files.length >> 1)];
  const zcat2 = await timeParallel(
    halves.map(
      () => () => spawn('sh', ['-c', 'xargs -0 zcat -- > /dev/null'], { stdio: ['pipe', 'ignore', 'pipe'] }),
    ),
    halves.map((half) => half.join('\0')),
  );
  const inflate = child('inflate-child.ts', files);
  const out = join(BENCH_DIR, 'ingest-out');
  rmSync(out, { recursive: true, force: true });
  const full = child('ingest-child.ts', [data, join(data, 'honeypots.csv'), out]);

  // The first half of the days, in a folder of links, for the memory comparison.
  const halfRoot = join(BENCH_DIR, 'zeek-half');
  rmSync(halfRoot, { recursive: true, force: true });
  const half = dayDirs.slice(0, Math.ceil(dayDirs.length / 2));
  spawnSync('mkdir', ['-p', halfRoot]);
  for (const d of half) spawnSync('ln', ['-s', join(data, d), join(halfRoot, d)]);
  const halfOut = join(BENCH_DIR, 'ingest-out-half');
  rmSync(halfOut, { recursive: true, force: true });
  const halfRun = child('ingest-child.ts', [halfRoot, join(data, 'honeypots.csv'), halfOut]);

  const rawMB = inflate.bytes / 1e6;
  const s = full.ms / 1000;
  return [
    {
      name: 'input',
      value: `${files.length} files, ${(gzBytes / 1e6).toFixed(1)} MB gz, ${rawMB.toFixed(0)} MB raw, ${full.records} records, ${full.days} days, ${full.rows} IP-day rows`,
    },
    { name: 'zcat to /dev/null', value: `${(zcat / 1000).toFixed(2)} s` },
    {
      name: 'zcat, 2 in parallel',
      value: `${(zcat2 / 1000).toFixed(2)} s (each half the files): ${(zcat / zcat2).toFixed(2)} cores free for ingest`,
    },
    {
      name: 'node zlib inflate only',
      value: `${(inflate.ms / 1000).toFixed(2)} s`,
    },
    {
      name: 'ingest',
      value: `${s.toFixed(2)} s, ${(full.records / s / 1e6).toFixed(2)} M flows/s, ${(rawMB / s).toFixed(0)} MB/s raw, ${(gzBytes / 1e6 / s).toFixed(1)} MB/s gz`,
    },
    {
      name: 'ingest / zcat',
      value: `${(full.ms / zcat).toFixed(2)}x (target <= 1)`,
      ok: full.ms <= zcat,
    },
    {
      name: 'ingest / node inflate',
      value: `${(full.ms / inflate.ms).toFixed(2)}x (target <= 3)`,
      ok: full.ms <= 3 * inflate.ms,
    },
    {
      name: 'peak RSS, all days',
      value: `${(full.maxRssKb / 1024).toFixed(0)} MB (target < 1024)`,
      ok: full.maxRssKb < 1024 * 1024,
    },
    {
      name: `peak RSS, first ${half.length} days`,
      value: `${(halfRun.maxRssKb / 1024).toFixed(0)} MB (${halfRun.records} records)`,
    },
  ];
}

function time(fn: () => { status: number | null; stderr?: Buffer | null }): number {
  const t0 = performance.now();
  const r = fn();
  if (r.status !== 0) throw new Error(`benchmark step failed: ${r.stderr?.toString() ?? ''}`);
  return performance.now() - t0;
}

/** Wall time of processes run at once, each fed its input on stdin. */
async function timeParallel(starts: (() => ChildProcess)[], inputs: string[]): Promise<number> {
  const t0 = performance.now();
  await Promise.all(
    starts.map(
      (start, k) =>
        new Promise<void>((resolve, reject) => {
          const p = start();
          let err = '';
          p.stderr?.on('data', (d) => {
            err += String(d);
          });
          p.on('error', reject);
          p.on('exit', (code) =>
            code === 0 ? resolve() : reject(new Error(`benchmark step failed: ${err}`)),
          );
          p.stdin?.end(inputs[k]);
        }),
    ),
  );
  return performance.now() - t0;
}

interface ChildFigures {
  ms: number;
  maxRssKb: number;
  bytes: number;
  records: number;
  attackFlows: number;
  days: number;
  rows: number;
}

function child(script: string, args: string[]): ChildFigures {
  return benchChild<ChildFigures>(script, args);
}
