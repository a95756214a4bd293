/**
 * Past one machine (issue 11): `aiplab backtest|tune --shard i/N`, `aiplab ingest --partial` and `aiplab merge`, each
 * shard a separate process of the real command, as on a cluster. The merged folder must be the one a single run
 * makes, byte for byte (manifest.json: all but timings, start time, command and the `merged` record); a merge of the
 * wrong partials is a usage error naming what is missing, doubled or foreign.
 */
import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseShard, replayWarnings, shardUnits, WarningLog } from '../../src/backtest/shard.js';
import { WarningCounts } from '../../src/backtest/warning-counts.js';
import { type CliRun, runCli, SHARED_DATA } from '../helpers.js';
import { PROJECT_ROOT, put, snapshotFolder, tempFolders, utc, zeekTsv } from '../ingest/ingest-helpers.js';

const aiplab = (args: string[]) => runCli(args);

/** Runs the commands side by side (each a process) and checks every one exits 0. */
async function all(commands: string[][]): Promise<CliRun[]> {
  const runs = await Promise.all(commands.map(aiplab));
  runs.forEach((r, i) => {
    expect(r.code, `aiplab ${commands[i]!.join(' ')}\n${r.stderr}`).toBe(0);
  });
  return runs;
}

/** The one results folder under `<root>/<id>/`. */
async function runDir(root: string, id: string): Promise<string> {
  const names = (await readdir(join(root, id))).filter((n) => !n.startsWith('.'));
  expect(names).toHaveLength(1);
  return join(root, id, names[0]!);
}

/** manifest.json without what may differ between a single run and a merge. */
async function manifestSansTimings(dir: string): Promise<Record<string, unknown>> {
  const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  for (const k of ['startedAt', 'command', 'timings', 'git', 'merged']) delete m[k];
  const test = m.test as Record<string, unknown> | undefined;
  if (test) delete test.timings;
  return m;
}

const tmp = tempFolders('aiplab-shard-test-');
afterAll(() => tmp.cleanupAll());

describe('shard arithmetic', () => {
  it('parses i/N and refuses anything else', () => {
    expect(parseShard('2/8')).toEqual({ index: 2, count: 8 });
    for (const bad of ['0/3', '4/3', '1/0', '2', 'a/b', '1/3/2', '-1/3'])
      expect(() => parseShard(bad)).toThrow(/i\/N/);
  });

  it('splits units into contiguous blocks, the first (units mod N) one longer, covering each once', () => {
    for (const [units, n] of [
      [20, 3],
      [18, 3],
      [7, 7],
      [100, 8],
    ] as const) {
      const ranges = Array.from({ length: n }, (_, i) =>
        shardUnits(units, { index: i + 1, count: n }, 'units'),
      );
      expect(ranges[0]!.start).toBe(0);
      expect(ranges[n - 1]!.end).toBe(units);
      for (let i = 1; i < n; i++) expect(ranges[i]!.start).toBe(ranges[i - 1]!.end);
      const sizes = ranges.map((r) => r.end - r.start);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    }
    expect(shardUnits(20, { index: 1, count: 3 }, 'u')).toEqual({ start: 0, end: 7 });
    expect(shardUnits(20, { index: 3, count: 3 }, 'u')).toEqual({ start: 14, end: 20 });
    expect(() => shardUnits(2, { index: 1, count: 3 }, 'model × budget units')).toThrow(
      /only 2 model × budget units/,
    );
  });

  it('replays shards’ warnings into the counts and first-seen order of one run', () => {
    // One run: day 0 model 0 warns a, b; model 1 warns c; day 1 model 1 warns a (same key as day 0's a), model 0 d.
    const calls: [number, number, string][] = [
      [0, 0, 'M 2024-01-01: a'],
      [0, 0, 'M 2024-01-01: b'],
      [0, 1, 'N 2024-01-01: c'],
      [1, 0, 'M 2024-01-02: d'],
      [1, 1, 'M 2024-01-02: a'],
      [1, 1, 'M 2024-01-02: a'],
    ];
    const one = new WarningCounts();
    for (const [, , m] of calls) one.add(m);
    const byModel = [new WarningLog(), new WarningLog()];
    for (const [day, model, m] of calls) byModel[model]!.add(day, model, m);
    expect(replayWarnings([...byModel[1]!.entries(), ...byModel[0]!.entries()])).toEqual(one.list());
  });
});

describe('aiplab backtest --shard i/N and aiplab merge', () => {
  let dir: string;
  let experiment: string;
  let single: string;
  const parts = () => join(dir, 'parts', 'shard-test');

  beforeAll(async () => {
    dir = await tmp.make();
    const base = JSON.parse(await readFile(join(PROJECT_ROOT, 'experiments', 'aip-baseline.json'), 'utf8'));
    // aip-baseline narrowed to 15 days around the missing 2018-06-17 (a skipped target, models' warnings), with a
    // matched budget: 5 models × 4 budgets = 20 units, so 7 + 7 + 6 and Alpha7 (which sizes the matched budget) split.
    experiment = await put(
      join(dir, 'exp.json'),
      JSON.stringify({
        ...base,
        id: 'shard-test',
        dataset: join(PROJECT_ROOT, 'datasets', 'cowrie-2018'),
        from: '2018-06-10',
        to: '2018-06-24',
        budgets: [100, 1000, 'natural', { sizeOf: 'Alpha7', share: 0.5 }],
      }),
    );
    await all([
      ['backtest', experiment, '--out', join(dir, 'single'), '-q'],
      ...[1, 2, 3].map((i) => [
        'backtest',
        experiment,
        '--shard',
        `${i}/3`,
        '--out',
        join(dir, 'parts'),
        '-q',
      ]),
    ]);
    single = await runDir(join(dir, 'single'), 'shard-test');
  }, 180_000);

  it('the merge of 3 shards (3 processes) is the single run, file for file', async () => {
    const [merge] = await all([['merge', parts(), '--out', join(dir, 'merged')]]);
    const merged = await runDir(join(dir, 'merged'), 'shard-test');
    expect(merge!.stdout).toContain('merged 3 shards');
    for (const f of ['per_day.csv', 'summary.csv', 'comparisons.csv', 'summary.txt'])
      expect((await readFile(join(merged, f))).equals(await readFile(join(single, f))), f).toBe(true);
    expect(await manifestSansTimings(merged)).toEqual(await manifestSansTimings(single));
    const m = JSON.parse(await readFile(join(merged, 'manifest.json'), 'utf8'));
    expect(m.merged.shards).toBe(3);
    expect(m.merged.from.map((s: { shard: string }) => s.shard)).toEqual(['1/3', '2/3', '3/3']);
    // Every shard that scores the matched budget ranked Alpha7 for its K, whichever shard holds Alpha7's own units.
    for (const s of m.merged.from) expect(s.rankedModels).toContain('Alpha7');
    expect(m.warnings.length).toBeGreaterThan(0);
  }, 60_000);

  it('a missing shard, a shard given twice, and shards of another experiment are usage errors naming them', async () => {
    const other = await put(
      join(dir, 'other.json'),
      (await readFile(experiment, 'utf8')).replace('"to":"2018-06-24"', '"to":"2018-06-23"'),
    );
    await mkdir(join(dir, 'dup'));
    await copyFile(join(parts(), 'shard-2-of-3.json'), join(dir, 'dup', 'shard-2-of-3.json'));
    const [missing, twice, foreign, shardTooMany] = await Promise.all([
      aiplab(['merge', join(parts(), 'shard-1-of-3.json'), join(parts(), 'shard-3-of-3.json'), '--out', dir]),
      aiplab(['merge', parts(), join(dir, 'dup'), '--out', dir]),
      aiplab(['backtest', other, '--shard', '2/3', '--out', join(dir, 'other-parts'), '-q']).then(
        async (r) => {
          expect(r.code, r.stderr).toBe(0);
          return aiplab([
            'merge',
            join(parts(), 'shard-1-of-3.json'),
            join(dir, 'other-parts', 'shard-test', 'shard-2-of-3.json'),
            join(parts(), 'shard-3-of-3.json'),
            '--out',
            dir,
          ]);
        },
      ),
      aiplab(['backtest', experiment, '--shard', '21/21', '--out', dir]),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/shard 2\/3 of shard-test missing/);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(
      /shard 2\/3 is given twice: .*shard-2-of-3\.json and .*dup.*shard-2-of-3\.json/,
    );
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toMatch(
      /partials of different experiments: .*shard-1-of-3\.json is of shard-test/,
    );
    expect(shardTooMany.code).toBe(2);
    expect(shardTooMany.stderr).toMatch(/only 20 model × budget units to split, so at most 20 shards/);
  }, 120_000);
});

describe('aiplab tune --shard i/N and aiplab merge', () => {
  it('3 shards of configs × folds merged are the single tuning run; halving is refused', async () => {
    const dir = await tmp.make();
    // Rolling folds whose tuning windows overlap (a day in two folds is owned by the first) and hold the missing
    // 2018-06-17 (model warnings, counted per config and day); Random_Forest goes the general path.
    const experiment = await put(
      join(dir, 'tune.json'),
      JSON.stringify({
        id: 'shard-tune',
        version: 1,
        dataset: join(PROJECT_ROOT, 'datasets', 'cowrie-2018'),
        model: { name: 'Random_Forest' },
        split: { rolling: { from: '2018-06-08', tuneDays: 8, testDays: 4, folds: 3 } },
        search: { method: 'random', samples: 4, space: { trees: [10, 20], maxDepth: [4, 8] } },
        objective: { metric: 'recall', budget: 100 },
        baselines: [{ name: 'Alpha7' }],
        budgets: [100, { sizeOf: 'Alpha7', share: 0.5 }],
        metrics: ['size', 'recall', 'precision'],
        seed: 2,
      }),
    );
    const [, halving] = await Promise.all([
      all([
        ['tune', experiment, '--out', join(dir, 'single'), '-q'],
        ...[1, 2, 3].map((i) => ['tune', experiment, '--shard', `${i}/3`, '--out', join(dir, 'parts'), '-q']),
      ]),
      aiplab([
        'tune',
        join(PROJECT_ROOT, 'experiments', 'tune-recurrence-forest.json'),
        '--shard',
        '1/2',
        '--out',
        dir,
      ]),
    ]);
    expect(halving!.code).toBe(2);
    expect(halving!.stderr).toMatch(/successive halving cannot be sharded.*Remove search\.halving/);
    await all([['merge', join(dir, 'parts', 'shard-tune'), '--out', join(dir, 'merged'), '-q']]);
    const single = await runDir(join(dir, 'single'), 'shard-tune');
    const merged = await runDir(join(dir, 'merged'), 'shard-tune');
    const files = (await readdir(single)).sort();
    expect((await readdir(merged)).sort()).toEqual(files);
    for (const f of files.filter((n) => n.endsWith('.csv')))
      expect((await readFile(join(merged, f))).equals(await readFile(join(single, f))), f).toBe(true);
    // summary.txt states the configs' time: the merge's is the shards' sum.
    const time = (text: string) => text.replace(/ in \d+\.\d s$/m, ' in … s');
    expect(time(await readFile(join(merged, 'summary.txt'), 'utf8'))).toBe(
      time(await readFile(join(single, 'summary.txt'), 'utf8')),
    );
    const [m, s] = [await manifestSansTimings(merged), await manifestSansTimings(single)];
    expect(m).toEqual(s);
    expect((s.tuningWarnings as unknown[]).length).toBeGreaterThan(0);
  }, 180_000);
});

const HP = '198.51.100.7';

/**
 * A duration as Zeek writes it: whole microseconds. (A finer one is rounded to the microsecond in the day table, and
 * on a day two partials share, summing their rounded sums can differ from one ingest in the last digit, as with a
 * parallel ingest's workers.)
 */
const micro = (seconds: number) => Math.round(seconds * 1e6) / 1e6;

/**
 * Zeek day folders 2024-03-01 .. 05: each 23:00 file runs past midnight into the next UTC day (the last into
 * 2024-03-06, a day with no folder), day 3's first file holds a late record of day 2, durations in microseconds,
 * flows to an unlisted responder (dropped) and one malformed line (counted, with its example).
 */
async function zeekSpill(root: string): Promise<string> {
  for (let d = 1; d <= 5; d++) {
    const date = `2024-03-0${d}`;
    const early = Array.from({ length: 12 }, (_, k) => ({
      ts: utc(date, '00:10:00') + k * 97,
      orig: `203.0.113.${(k * 7 + d) % 23}`,
      resp: k % 5 === 0 ? '192.0.2.55' : HP,
      duration: micro((k + 1) * 0.1234567 + d / 3),
      pkts: k + 1,
      bytes: 40 * (k + 1),
    }));
    if (d === 3)
      early.push({
        ts: utc('2024-03-02', '23:59:30'),
        orig: '203.0.113.1',
        resp: HP,
        duration: 1.5,
        pkts: 2,
        bytes: 80,
      });
    const late = Array.from({ length: 12 }, (_, k) => ({
      ts: utc(date, '23:50:00') + k * 97,
      orig: `203.0.113.${(k * 5 + d) % 19}`,
      resp: HP,
      duration: micro(k * 0.3333333),
      pkts: 1,
      bytes: 60,
    }));
    await put(join(root, date, 'conn.00:00:00-01:00:00.log.gz'), zeekTsv(early));
    const lines = zeekTsv(late).split('\n');
    if (d === 4) lines[9] = lines[9]!.replace(/^[^\t]*/, 'later');
    await put(join(root, date, 'conn.23:00:00-00:00:00.log.gz'), lines.join('\n'));
  }
  return put(
    join(root, '..', 'honeypots.csv'),
    `public_ip,operation_start_date,operation_end_date\n${HP},2024-01-01,\n`,
  );
}

describe('aiplab ingest --from --to --partial and aiplab merge', () => {
  it('3 partial ingests of the Cowrie data (disjoint day ranges) merge into the single ingest, byte for byte', async () => {
    const dir = await tmp.make();
    const input = join(SHARED_DATA, 'cowrie-kareiva-2018');
    await all([
      ['ingest', 'cowrie', input, '--out', join(dir, 'single'), '-q'],
      ['ingest', 'cowrie', input, '--to', '2018-05-25', '--partial', '--out', join(dir, 'p', '1'), '-q'],
      [
        'ingest',
        'cowrie',
        input,
        '--from',
        '2018-05-26',
        '--to',
        '2018-06-15',
        '--partial',
        '--out',
        join(dir, 'p', '2'),
        '-q',
      ],
      ['ingest', 'cowrie', input, '--from', '2018-06-16', '--partial', '--out', join(dir, 'p', '3'), '-q'],
    ]);
    // A folder holding the partials names them all.
    await all([['merge', join(dir, 'p'), '--out', join(dir, 'merged'), '-q']]);
    const single = await snapshotFolder(join(dir, 'single'));
    expect(single.size).toBe(57); // 56 day tables and manifest.json
    expect(await snapshotFolder(join(dir, 'merged'))).toEqual(single);
  }, 120_000);

  it('Zeek days that spill into their neighbours’ merge into the single ingest; gaps and overlaps are refused', async () => {
    const dir = await tmp.make();
    const root = join(dir, 'zeek', 'logs');
    const honeypots = await zeekSpill(root);
    const ingest = (extra: string[], out: string) => [
      'ingest',
      'zeek',
      root,
      '--honeypots',
      honeypots,
      ...extra,
      '--out',
      join(dir, out),
      '-q',
    ];
    await all([
      ingest([], 'single'),
      ingest(['--to', '2024-03-02', '--partial'], 'p1'),
      ingest(['--from', '2024-03-03', '--to', '2024-03-03', '--partial'], 'p2'),
      ingest(['--from', '2024-03-04', '--partial'], 'p3'),
      ingest(['--from', '2024-03-02', '--to', '2024-03-03', '--partial'], 'overlap'),
    ]);
    await all([
      ['merge', join(dir, 'p1'), join(dir, 'p2'), join(dir, 'p3'), '--out', join(dir, 'merged'), '-q'],
    ]);
    const single = await snapshotFolder(join(dir, 'single'));
    const manifest = JSON.parse(single.get('manifest.json')!.toString('utf8'));
    expect(manifest.days.map((d: { date: string }) => d.date)).toEqual([
      '2024-03-01',
      '2024-03-02',
      '2024-03-03',
      '2024-03-04',
      '2024-03-05',
      '2024-03-06',
    ]);
    expect(Object.values(manifest.skipped.malformed)).toEqual([1]);
    expect(Object.keys(manifest.skipped.dropped)).toContain('responder is not a listed honeypot');
    expect(await snapshotFolder(join(dir, 'merged'))).toEqual(single);

    const [gap, overlap, noOut] = await Promise.all([
      aiplab(['merge', join(dir, 'p1'), join(dir, 'p3'), '--out', join(dir, 'x')]),
      aiplab(['merge', join(dir, 'p1'), join(dir, 'overlap'), join(dir, 'p3'), '--out', join(dir, 'y')]),
      aiplab(['merge', join(dir, 'p1'), join(dir, 'p2'), join(dir, 'p3')]),
    ]);
    expect(gap.code).toBe(2);
    expect(gap.stderr).toMatch(
      /no partial read the input files of 2024-03-03 \(2 files\): ingest those days too/,
    );
    expect(overlap.code).toBe(2);
    expect(overlap.stderr).toMatch(/the files of 2024-03-02 were read by two partials .*p1 and .*overlap/);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/needs --out <dataset-dir>/);
  }, 120_000);
});
