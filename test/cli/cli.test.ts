/**
 * The real `aiplab` command (node_modules/.bin/aiplab, run from the project root): exit codes (0 ok, 1 data error,
 * 2 usage error), one-line error messages without stack traces unless --debug, and the ingest summary. Each spawn
 * costs about half a second, so independent spawns of a test run side by side.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readResultsFolder } from '../../src/results/read-results-folder.js';
import { runCli } from '../helpers.js';
import {
  expectRows,
  type Flow,
  PROJECT_ROOT,
  put,
  readDayFile,
  row,
  tempFolders,
  utc,
  zeekTsv,
} from '../ingest/ingest-helpers.js';
import { writeMiniResults } from '../reports/mini-results.js';

const aiplab = (args: string[]) => runCli(args);

const tmp = tempFolders('aiplab-cli-test-');
afterAll(() => tmp.cleanupAll());

const HP = '198.51.100.1';
/** A Zeek day-folder layout: 2024-01-01 and 2024-01-03 (2024-01-02 is a gap). Counted by hand below. */
async function makeInput(dir: string): Promise<{ root: string; honeypots: string; day3: string }> {
  const honeypots = await put(
    join(dir, 'honeypots.csv'),
    `public_ip,operation_start_date,operation_end_date\n${HP},2020-01-01,\n`,
  );
  const root = join(dir, 'zeek');
  const d1: Flow[] = [
    {
      ts: utc('2024-01-01', '01:00:00'),
      orig: '10.0.0.1',
      resp: HP,
      duration: 1.5,
      pkts: 2,
      bytes: 100,
    },
    {
      ts: utc('2024-01-01', '02:00:00'),
      orig: '10.0.0.1',
      resp: HP,
      duration: 0.5,
      pkts: 1,
      bytes: 50,
    },
    {
      ts: utc('2024-01-01', '03:00:00'),
      orig: '10.0.0.2',
      resp: '192.0.2.1',
      duration: 1,
      pkts: 1,
      bytes: 1,
    },
  ];
  const d3: Flow[] = [
    {
      ts: utc('2024-01-03', '01:00:00'),
      orig: '9.0.0.9',
      resp: HP,
      duration: null,
      pkts: 4,
      bytes: 240,
    },
  ];
  await put(join(root, '2024-01-01', 'conn.00:00:00-01:00:00.log.gz'), zeekTsv(d1));
  // Day 3's file has one record with a bad ts on line 10 (8 header lines, then records).
  const lines = zeekTsv([...d3, d3[0]!]).split('\n');
  lines[9] = lines[9]!.replace(/^[^\t]*/, 'soon');
  const day3 = join(root, '2024-01-03', 'conn.00:00:00-01:00:00.log.gz');
  await put(day3, lines.join('\n'));
  return { root, honeypots, day3 };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe('aiplab CLI', () => {
  it('--help, ingest --help and --version exit 0', async () => {
    const [help, ingestHelp, version] = await Promise.all([
      aiplab(['--help']),
      aiplab(['ingest', '--help']),
      aiplab(['--version']),
    ]);
    expect(help.code).toBe(0);
    for (const cmd of ['ingest', 'run', 'backtest', 'report', 'tune']) expect(help.stdout).toContain(cmd);
    expect(ingestHelp.code).toBe(0);
    for (const opt of [
      '--out',
      '--honeypots',
      '--from',
      '--to',
      '--on-error',
      'zeek',
      'cowrie',
      'argus',
      'aip',
    ])
      expect(ingestHelp.stdout).toContain(opt);
    const pkg = JSON.parse(await readFile(join(PROJECT_ROOT, 'src', 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(pkg.version);
  });

  it('usage errors exit 2 and write nothing', async () => {
    const dir = await tmp.make();
    const { root, honeypots } = await makeInput(dir);
    const out = join(dir, 'out');
    const runs = await Promise.all([
      aiplab(['frobnicate']),
      aiplab(['ingest', 'zeek', root, '--honeypots', honeypots, '--out', out, '--bogus']),
      aiplab(['ingest', 'zeek', root, '--honeypots', honeypots]),
      aiplab(['ingest', 'pcap', root, '--out', out]),
      aiplab(['ingest', 'zeek', root, '--out', out]),
      aiplab(['ingest', 'zeek', root, '--honeypots', honeypots, '--out', out, '--from', '2024-13-01']),
    ]);
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(runs[0]!.stderr).toContain('frobnicate');
    expect(runs[1]!.stderr).toContain('--bogus');
    expect(runs[2]!.stderr).toContain('--out');
    // Errors aiplab itself raises: one line, `aiplab: usage error: ...`.
    for (const [r, says] of [
      [runs[3]!, "unknown input format 'pcap' (known: aip, argus, cowrie, nfdump, suricata, zeek)"],
      [runs[4]!, '--honeypots'],
      [runs[5]!, '--from'],
    ] as const) {
      expect(r.stderr.startsWith('aiplab: usage error: '), r.stderr).toBe(true);
      expect(r.stderr).toContain(says);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
    for (const r of runs) expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await exists(out)).toBe(false);
  });

  it('backtest: runs aip-baseline, prints the summary table, writes the run folder', async () => {
    const out = await tmp.make();
    const r = await aiplab(['backtest', 'experiments/aip-baseline.json', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^aip-baseline: 57 days 2018-05-07 \.\. 2018-07-02, 55 scored, 5 models × 4 budgets in \d+\.\d s\n/,
    );
    expect(r.stdout).toContain('not scored (no data): 2018-06-17, 2018-06-29');
    expect(r.stdout).toMatch(/budget natural.*recall.*precision/);
    expect(r.stdout).toMatch(/│ Alpha +│ 58 +│ 0\.422 \[/);
    const [stamp] = await readdir(join(out, 'aip-baseline'));
    expect(stamp).toMatch(/^\d{8}T\d{6}Z$/);
    expect((await readdir(join(out, 'aip-baseline', stamp!))).sort()).toEqual([
      'comparisons.csv',
      'manifest.json',
      'per_day.csv',
      'summary.csv',
      'summary.txt',
    ]);
  }, 60_000);

  it('backtest: a bad experiment exits 2 with one line naming the key', async () => {
    const dir = await tmp.make();
    const bad = await put(
      join(dir, 'e.json'),
      '{"id": "e", "version": 1, "dataset": "x", "from": "2024-01-02", "to": "2024-01-03", "models": [{"name": "Alpha"}], "budgts": [5]}',
    );
    const r = await aiplab(['backtest', bad, '--out', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`aiplab: usage error: ${bad}: unknown key 'budgts'\n`);
  });

  it('backtest --report writes report.html into the run folder; report rewrites it, -q prints nothing', async () => {
    const dir = await tmp.make();
    // aip-baseline over ten days and two models: the whole path, in a few seconds.
    const experiment = await put(
      join(dir, 'short.json'),
      JSON.stringify({
        id: 'short',
        version: 1,
        dataset: join(PROJECT_ROOT, 'datasets', 'cowrie-2018'),
        from: '2018-05-07',
        to: '2018-05-16',
        models: [{ name: 'Alpha' }, { name: 'Prioritize_New' }],
        budgets: [100, 'natural'],
      }),
    );
    const out = join(dir, 'results');
    const r = await aiplab(['backtest', experiment, '--out', out, '--report']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [stamp] = await readdir(join(out, 'short'));
    const run = join(out, 'short', stamp!);
    expect(r.stdout).toContain(`results: ${run}\nreport: ${join(run, 'report.html')}\n`);
    expect(await readdir(run)).toEqual(expect.arrayContaining(['report.html', 'charts', 'per_day.csv']));
    const charts = (await readdir(join(run, 'charts'))).length;
    expect(charts).toBeGreaterThan(10);

    const elsewhere = join(dir, 'elsewhere');
    const [loud, quiet] = await Promise.all([
      aiplab(['report', run, '--out', elsewhere]),
      aiplab(['report', run, '-q']),
    ]);
    expect([loud.code, quiet.code]).toEqual([0, 0]);
    expect(loud.stdout).toBe(
      `report: ${join(elsewhere, 'report.html')} (${charts} charts in ${join(elsewhere, 'charts')})\n`,
    );
    expect(quiet.stdout + quiet.stderr + loud.stderr).toBe('');
    expect((await readdir(elsewhere)).sort()).toEqual(['charts', 'report.html']);
    expect(await readFile(join(elsewhere, 'report.html'), 'utf8')).toContain('<h1>short</h1>');
  }, 60_000);

  it('report: a wrong path exits 2, a damaged results folder exits 1, each with one line', async () => {
    const dir = await tmp.make();
    const runs = join(dir, 'runs');
    await writeMiniResults(join(runs, '20240201T000000Z'));
    const damaged = await writeMiniResults(join(dir, 'damaged'), {
      'per_day.csv':
        'date,model,budget,metric,value\n2024-01-01,Alpha,10,recall,0.5\n2024-01-02,Alpha,10,recall,lots\n',
    });
    const [noArg, missing, parent, bad] = await Promise.all([
      aiplab(['report']),
      aiplab(['report', join(dir, 'nope')]),
      aiplab(['report', runs]),
      aiplab(['report', damaged]),
    ]);
    expect([noArg.code, missing.code, parent.code, bad.code]).toEqual([2, 2, 2, 1]);
    expect(noArg.stderr).toContain('results-dir');
    expect(missing.stderr).toBe(`aiplab: usage error: ${join(dir, 'nope')}: no such results folder\n`);
    expect(parent.stderr).toMatch(/^aiplab: usage error: .*: not a results folder \(no manifest\.json\)/);
    expect(bad.stderr).toBe(
      `aiplab: data error: ${join(damaged, 'per_day.csv')}:3: field 'value': expected a number or NaN, got 'lots'\n`,
    );
    for (const r of [missing, parent, bad]) expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(await readdir(damaged)).not.toContain('report.html');
  });

  it('tune: runs tune-pc-cowrie, prints the best config and the verdicts, writes the run folder', async () => {
    const out = await tmp.make();
    const r = await aiplab(['tune', 'experiments/tune-pc-cowrie.json', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^tune-pc-cowrie: 1000 configs of Prioritize_Consistent \(random search; skipped 0 all-zero weight vectors, 0 duplicates; fast scorer\) × 28 tuning days \(28 scored\) in \d+\.\d s\n/,
    );
    expect(r.stdout).toContain(
      '\ntune 2018-05-07 .. 2018-06-03 (28 scored), test 2018-06-04 .. 2018-07-02\n',
    );
    expect(r.stdout).toMatch(/\n {2}best c\d{4}: 0\.\d+ \(n = 28\) — weights \[flows /);
    expect(r.stdout).toMatch(/\n {2}default: +0\.\d+ \(n = 28\)\n/);
    expect(r.stdout).toMatch(/\ndefault params: weights \[flows 0\.05, /);
    expect(r.stdout).toContain('test window 2018-06-04 .. 2018-07-02: 29 days, 27 scored');
    expect(r.stdout).toMatch(/\n(Best|Default) (beats|is ahead of) (Default|Best) on recall at budget 100/);
    const [stamp] = await readdir(join(out, 'tune-pc-cowrie'));
    expect(stamp).toMatch(/^\d{8}T\d{6}Z$/);
    const dir = join(out, 'tune-pc-cowrie', stamp!);
    expect((await readdir(dir)).sort()).toEqual([
      'comparisons.csv',
      'configs.csv',
      'folds.csv',
      'manifest.json',
      'per_day.csv',
      'summary.csv',
      'summary.txt',
      'tuning_per_day.csv',
    ]);
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.kind).toBe('tune');
    expect(manifest.search.configs).toBe(1000);
    expect(manifest.best.config).toMatch(/^c\d{4}$/);
    expect(manifest.dataset.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect((await readFile(join(dir, 'configs.csv'), 'utf8')).trimEnd().split('\n')).toHaveLength(
      1 + 1000 + 1,
    );
  }, 90_000);

  it('tune -q prints nothing; two runs write identical result files', async () => {
    const out = await tmp.make();
    const file = join(out, 'small.json');
    await put(
      file,
      JSON.stringify({
        id: 'small',
        version: 1,
        dataset: join(PROJECT_ROOT, 'datasets', 'cowrie-2018'),
        model: { name: 'Prioritize_New' },
        split: {
          tune: { from: '2018-05-20', to: '2018-05-27' },
          test: { from: '2018-05-28', to: '2018-06-03' },
        },
        search: {
          method: 'grid',
          space: { weights: [[0, 1], 0, 0, 0, [0, 1], 0, 0, 0], decay: [{ name: 'hyperbolic', k: [1, 4] }] },
        },
        objective: { metric: 'ndcg', budget: 50 },
        bootstrap: { resamples: 200 },
      }),
    );
    const runs = [
      await aiplab(['tune', file, '--out', out, '-q']),
      await aiplab(['tune', file, '--out', out, '-q']),
    ];
    for (const r of runs) {
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe('');
    }
    const stamps = (await readdir(join(out, 'small'))).sort();
    expect(stamps).toHaveLength(2);
    for (const f of ['configs.csv', 'tuning_per_day.csv', 'per_day.csv', 'summary.csv', 'comparisons.csv']) {
      const [a, b] = await Promise.all(stamps.map((s) => readFile(join(out, 'small', s, f), 'utf8')));
      expect(a, f).toBe(b);
    }
  }, 60_000);

  it('tune --report: the report of a tuning run is the test window of Best, Default and the baselines', async () => {
    const out = await tmp.make();
    const file = join(out, 'small.json');
    await put(
      file,
      JSON.stringify({
        id: 'small',
        version: 1,
        dataset: join(PROJECT_ROOT, 'datasets', 'cowrie-2018'),
        model: { name: 'Prioritize_Consistent' },
        split: {
          tune: { from: '2018-05-20', to: '2018-05-27' },
          test: { from: '2018-05-28', to: '2018-06-03' },
        },
        search: { method: 'grid', space: { decay: [{ name: 'exponential', halfLife: [1, 8] }] } },
        objective: { metric: 'recall', budget: 100 },
        budgets: [100],
        bootstrap: { resamples: 200 },
      }),
    );
    const r = await aiplab(['tune', file, '--out', out, '-q', '--report']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const [stamp] = await readdir(join(out, 'small'));
    const dir = join(out, 'small', stamp!);
    const results = await readResultsFolder(dir);
    expect(results.manifest.experiment.from).toBe('2018-05-28');
    expect(results.manifest.experiment.to).toBe('2018-06-03');
    expect(results.manifest.experiment.models.map((m) => m.label)).toEqual(['Best', 'Default', 'Alpha']);
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('2018-05-28');
    expect(html).toMatch(/Best/);
    expect((await readdir(join(dir, 'charts'))).length).toBeGreaterThan(5);
  }, 90_000);

  it('tune: a bad experiment exits 2 with one line naming the key', async () => {
    const dir = await tmp.make();
    const bad = await put(
      join(dir, 'bad.json'),
      JSON.stringify({
        id: 't',
        version: 1,
        dataset: 'x',
        model: { name: 'Prioritize_Consistent' },
        split: {
          tune: { from: '2018-05-07', to: '2018-06-03' },
          test: { from: '2018-06-03', to: '2018-06-10' },
        },
        search: { method: 'random', samples: 5, space: {} },
        objective: { metric: 'recall', budget: 100 },
      }),
    );
    const r = await aiplab(['tune', bad, '--out', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `aiplab: usage error: ${bad}: split.test: the test window must start after the tuning window ends (test.from 2018-06-03 <= tune.to 2018-06-03)\n`,
    );
    expect(await readdir(dir)).toEqual(['bad.json']);
  });

  it('run: an unknown model or a date past the data exit 2 with one line', async () => {
    const runs = await Promise.all([
      aiplab([
        'run',
        '--data',
        'datasets/cowrie-2018',
        '--date',
        '2018-06-02',
        '--model',
        'Alpah',
        '--out',
        'x',
      ]),
      aiplab(['run', '--data', 'datasets/cowrie-2018', '--date', '2019-01-01', '--out', 'x']),
    ]);
    expect(runs[0]!.stderr).toContain("did you mean 'Alpha'");
    expect(runs[1]!.stderr).toContain('2018-07-03');
    for (const r of runs) {
      expect(r.code).toBe(2);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
  });

  it('a data error exits 1 with one line naming the file; --debug adds the stack trace', async () => {
    const dir = await tmp.make();
    const { honeypots } = await makeInput(dir);
    const missing = join(dir, 'no-such-input', 'conn.log');
    const out = join(dir, 'out');
    const args = ['ingest', 'zeek', missing, '--honeypots', honeypots, '--out', out];
    const [plain, debug] = await Promise.all([aiplab(args), aiplab(['--debug', ...args])]);

    expect(plain.code).toBe(1);
    expect(plain.stdout).toBe('');
    const lines = plain.stderr.trimEnd().split('\n');
    expect(lines, plain.stderr).toHaveLength(1);
    expect(lines[0]!.startsWith('aiplab: data error: ')).toBe(true);
    expect(lines[0]).toContain(missing);
    expect(plain.stderr).not.toMatch(/\bat .*\.(ts|js|mjs):\d+/);

    expect(debug.code).toBe(1);
    const debugLines = debug.stderr.trimEnd().split('\n');
    expect(debugLines[0]).toBe(lines[0]);
    expect(debugLines.length).toBeGreaterThan(2);
    expect(debug.stderr).toMatch(/\n\s+at .*\.(ts|js|mjs):\d+/);
    expect(await exists(out)).toBe(false);
  });

  it('--on-error fail: exit 1, one line naming file:line and field', async () => {
    const dir = await tmp.make();
    const { root, honeypots, day3 } = await makeInput(dir);
    const out = join(dir, 'out');
    const r = await aiplab([
      'ingest',
      'zeek',
      root,
      '--honeypots',
      honeypots,
      '--out',
      out,
      '--on-error',
      'fail',
    ]);
    expect(r.code).toBe(1);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.startsWith(`aiplab: data error: ${day3}:10: field 'ts': `), lines[0]).toBe(true);
    const left = (await exists(out)) ? await readdir(out) : [];
    expect(left).toEqual([]);
  });

  it('a successful ingest prints a summary on stderr; --quiet prints nothing', async () => {
    const dir = await tmp.make();
    const { root, honeypots, day3 } = await makeInput(dir);
    const base = ['ingest', 'zeek', root, '--honeypots', honeypots, '--out'];
    const [loud, quietGlobal, quietLocal] = await Promise.all([
      aiplab([...base, join(dir, 'loud')]),
      aiplab(['--quiet', ...base, join(dir, 'quiet1')]),
      aiplab([...base, join(dir, 'quiet2'), '-q']),
    ]);

    for (const r of [loud, quietGlobal, quietLocal]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('');
    }
    expect(quietGlobal.stderr).toBe('');
    expect(quietLocal.stderr).toBe('');

    // By hand: 2 files; 3 + 1 well-formed records (the bad-ts line is a skip, not a record); 3 attack flows;
    // days 01 and 03 written, 02 missing; one flow to an unlisted address; one bad ts on day 3's line 10.
    const s = loud.stderr;
    expect(s).toContain('ingested 2 zeek file(s): 4 records, 3 attack flows');
    expect(s).toContain(
      `wrote 2 day table(s) 2024-01-01..2024-01-03 to ${join(dir, 'loud')} (2 IP-day rows)`,
    );
    expect(s).toContain('missing days (no input): 2024-01-02');
    expect(s).toContain('dropped 1: responder is not a listed honeypot');
    expect(s).toContain('skipped 1 malformed: bad ts');
    expect(s).toContain(`e.g. ${day3}:10: field 'ts': `);
    expect(s).not.toMatch(/\n\s+at /);

    // All three wrote the same dataset.
    for (const name of ['loud', 'quiet1', 'quiet2']) {
      const out = join(dir, name);
      expect((await readdir(out)).filter((n) => !n.startsWith('.')).sort()).toEqual([
        'attacks.2024-01-01.csv.gz',
        'attacks.2024-01-03.csv.gz',
        'manifest.json',
      ]);
      expectRows(await readDayFile(join(out, 'attacks.2024-01-01.csv.gz')), [row('10.0.0.1', 2, 2, 3, 150)]);
      expectRows(await readDayFile(join(out, 'attacks.2024-01-03.csv.gz')), [row('9.0.0.9', 1, 0, 4, 240)]);
    }
  });
});
