/**
 * ingestAppend (issue 13): extending a dataset with new input files reads only those files, sums a day both hold
 * (records spilling across midnight) exactly, extends the manifest's books, and swaps the new dataset in whole. The
 * expected day tables come from the brute-force reference of AIP's rule (ingest-helpers.ts) and from one ingest of
 * all the files (another code path: a cross-check, not the source of the numbers).
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, ingest, UsageError } from '../../src/index.js';
import { type IngestAppendOptions, ingestAppend } from '../../src/ingest/ingest-append.js';
import { expandInputs, type InputFile } from '../../src/ingest/input-files.js';
import { seededRandom } from '../blocklist/helpers.js';
import { rejection } from '../helpers.js';
import {
  expectRows,
  type Flow,
  honeypotCsv,
  put,
  readDayFile,
  reference,
  tempFolders,
  utc,
  zeekTsv,
} from './ingest-helpers.js';

const tmp = tempFolders('aiplab-ingest-append-test-');
afterAll(() => tmp.cleanupAll());

const HONEYPOT = '147.32.80.10';
const HONEYPOTS = [{ ip: HONEYPOT, start: '2026-01-01' }];
const ATTACKERS = ['45.1.2.3', '45.1.2.4', '81.7.7.7', '2a01:4f8::1', '2a01:4f8::2'];
const DAYS = ['2026-11-01', '2026-11-02', '2026-11-03'];

/**
 * Flows of a day folder, in two files: the first starts with flows of the previous day's last seconds (Zeek's first
 * log of a day holds connections that began before midnight), the rest fall in the day; some are not attacks.
 */
function dayFlows(day: string, rnd: () => number): [Flow[], Flow[]] {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const flow = (ts: number): Flow => ({
    ts,
    orig: pick(ATTACKERS),
    resp: rnd() < 0.85 ? HONEYPOT : '8.8.4.4',
    duration: Math.round(rnd() * 5e6) / 1e6,
    pkts: Math.floor(rnd() * 20),
    bytes: Math.floor(rnd() * 3000),
  });
  const start = utc(day);
  const first = [
    flow(start - 1.25),
    flow(start - 0.5),
    ...Array.from({ length: 6 }, () => flow(start + rnd() * 43_000)),
  ];
  const second = Array.from({ length: 8 }, () => flow(start + 43_200 + rnd() * 43_000));
  first.sort((a, b) => a.ts - b.ts);
  second.sort((a, b) => a.ts - b.ts);
  return [first, second];
}

/** Writes the day folders of `days` under `root` (Zeek's layout); returns every flow written, by day folder. */
async function writeDays(root: string, days: readonly string[], seed: number): Promise<Map<string, Flow[]>> {
  const rnd = seededRandom(seed);
  const byDay = new Map<string, Flow[]>();
  for (const day of days) {
    const [a, b] = dayFlows(day, rnd);
    await put(join(root, day, 'conn.00:00:00-12:00:00.log.gz'), zeekTsv(a));
    await put(join(root, day, 'conn.12:00:00-00:00:00.log.gz'), zeekTsv(b));
    byDay.set(day, [...a, ...b]);
  }
  return byDay;
}

const zeekFiles = async (root: string, days: readonly string[]): Promise<InputFile[]> =>
  (await expandInputs([root], (n) => n.startsWith('conn.'))).filter((f) => days.includes(f.coversDay!));

async function setup(seed = 1, days: readonly string[] = DAYS) {
  const dir = await tmp.make();
  const logs = join(dir, 'logs');
  const flows = await writeDays(logs, days, seed);
  const honeypots = await put(join(dir, 'honeypots.csv'), honeypotCsv(HONEYPOTS));
  const append = (
    days: readonly string[],
    out = join(dir, 'data'),
    extra: Partial<IngestAppendOptions> = {},
  ) =>
    zeekFiles(logs, days).then((files) => ingestAppend({ format: 'zeek', files, out, honeypots, ...extra }));
  return { dir, logs, flows, honeypots, append };
}

/** Name → [bytes, mtime] of every file under `dir`. */
async function filesOf(dir: string): Promise<Map<string, [string, number]>> {
  const out = new Map<string, [string, number]>();
  for (const name of (await readdir(dir, { recursive: true })).map(String).sort()) {
    const path = join(dir, name);
    const s = await stat(path);
    if (s.isFile()) out.set(name, [(await readFile(path)).toString('base64'), s.mtimeMs]);
  }
  return out;
}

describe('ingestAppend', () => {
  it('day by day gives the day tables of the reference and of one ingest of all the files, spill summed in', async () => {
    const { dir, logs, flows, honeypots, append } = await setup();
    const all = DAYS.flatMap((d) => flows.get(d)!);
    const ref = reference(all, HONEYPOTS);

    const first = await append([DAYS[0]!]);
    expect(first.newDays).toEqual(['2026-10-31', DAYS[0]]); // the first file's two flows before midnight
    expect(first.extendedDays).toEqual([]);
    const second = await append([DAYS[1]!]);
    // Day 1 was read before; the two flows of day 2's first file before midnight fall in it (attacks or not).
    const spill = reference(flows.get(DAYS[1]!)!, HONEYPOTS).days.get(DAYS[0]!)!;
    const spillFlows = spill.reduce((a, r) => a + r.flows, 0);
    expect(second.newDays).toEqual([DAYS[1]]);
    expect(second.extendedDays).toEqual([{ date: DAYS[0], flows: spillFlows }]);
    const third = await append([DAYS[2]!]);
    const data = join(dir, 'data');

    for (const [day, rows] of ref.days)
      expectRows(await readDayFile(join(data, `attacks.${day}.csv.gz`)), rows, day);
    const m = third.manifest;
    expect(m.days.map((d) => d.date)).toEqual([...ref.days.keys()]);
    expect(m.missingDays).toEqual([]);
    expect(m.records).toBe(all.length);
    expect(m.skipped.dropped).toEqual(ref.dropped);
    expect(m.inputs.map((i) => basename(dirname(i.path)))).toEqual(DAYS.flatMap((d) => [d, d]));

    // One ingest of all the files: the same day tables, byte for byte, and the same books.
    const whole = (await ingest({ format: 'zeek', inputs: [logs], out: join(dir, 'whole'), honeypots }))
      .manifest;
    for (const key of [
      'days',
      'missingDays',
      'inputs',
      'records',
      'attackFlows',
      'skipped',
      'from',
      'to',
    ] as const)
      expect(m[key], key).toEqual(whole[key]);
    expect(JSON.parse(await readFile(join(data, 'manifest.json'), 'utf8'))).toEqual(m);
  });

  it('fills a missing day when a file of it comes later', async () => {
    // 11-04's first file spills into 11-03, so 11-02 is the day no input covers.
    const days = ['2026-11-01', '2026-11-02', '2026-11-04'];
    const { flows, append, dir } = await setup(2, days);
    const gap = await append([days[0]!, days[2]!]);
    expect(gap.manifest.missingDays).toEqual(['2026-11-02']);
    const filled = await append([days[1]!]);
    expect(filled.manifest.missingDays).toEqual([]);
    expect(filled.newDays).toEqual(['2026-11-02']);
    expect(filled.extendedDays.map((d) => d.date)).toEqual(['2026-11-01']);
    const ref = reference(
      days.flatMap((d) => flows.get(d)!),
      HONEYPOTS,
    );
    for (const [day, rows] of ref.days)
      expectRows(await readDayFile(join(dir, 'data', `attacks.${day}.csv.gz`)), rows, day);
  });

  it('refuses another format, other reader options, a file read before, and a day table edited since', async () => {
    const { dir, append, logs, honeypots } = await setup(3);
    const data = join(dir, 'data');
    await append([DAYS[0]!]);
    const files = await zeekFiles(logs, [DAYS[1]!]);
    const e1 = await rejection(ingestAppend({ format: 'argus', files, out: data, honeypots }));
    expect(e1).toBeInstanceOf(UsageError);
    expect(e1.message).toMatch(/zeek input, not argus/);

    // The same file again, or a copy of it under another name: its records would count twice.
    const again = await rejection(append([DAYS[0]!]));
    expect(again).toBeInstanceOf(DataError);
    expect(again.message).toMatch(/already in the dataset/);
    const copy = join(logs, DAYS[1]!, 'conn.copy.log.gz');
    await writeFile(copy, await readFile(join(logs, DAYS[0]!, 'conn.12:00:00-00:00:00.log.gz')));
    const copied = await rejection(
      ingestAppend({
        format: 'zeek',
        files: (await zeekFiles(logs, [DAYS[1]!])).filter((f) => f.path === copy),
        out: data,
        honeypots,
      }),
    );
    expect(copied.message).toMatch(/conn\.copy\.log\.gz: has the content of .*conn\.12:00:00-00:00:00/);

    const table = join(data, `attacks.${DAYS[0]}.csv.gz`);
    await writeFile(table, Buffer.concat([await readFile(table), Buffer.from([0])]));
    const edited = await rejection(append([DAYS[2]!]));
    expect(edited).toBeInstanceOf(DataError);
    expect(edited.message).toContain(`attacks.${DAYS[0]}.csv.gz`);
  });

  it('a failed append (a corrupt gzip file) leaves the dataset as it was, bytes and mtimes, and nothing beside it', async () => {
    const { dir, append, logs } = await setup(4);
    const data = join(dir, 'data');
    await append([DAYS[0]!]);
    const before = await filesOf(data);
    const bad = join(logs, DAYS[1]!, 'conn.12:00:00-00:00:00.log.gz');
    const gz = await readFile(bad);
    await writeFile(bad, gz.subarray(0, gz.length - 20));
    const e = await rejection(append([DAYS[1]!]));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(/corrupt or truncated gzip/);
    expect(await filesOf(data)).toEqual(before);
    expect((await readdir(dir)).filter((n) => n.startsWith('.data.aiplab-'))).toEqual([]);
  });

  it("writes the caller's companion files with the commit, carries the user's files over, and `fresh` starts anew", async () => {
    const { dir, append } = await setup(5);
    const data = join(dir, 'data');
    const seen: string[] = [];
    await append([DAYS[0]!], data, {
      companions: (m, sha) => {
        seen.push(sha);
        return { 'state.json': `${m.days.length}\n` };
      },
    });
    expect(await readFile(join(data, 'state.json'), 'utf8')).toBe('2\n');
    expect(seen[0]).toMatch(/^[0-9a-f]{64}$/);
    const { createHash } = await import('node:crypto');
    expect(
      createHash('sha256')
        .update(await readFile(join(data, 'manifest.json')))
        .digest('hex'),
    ).toBe(seen[0]);
    await writeFile(join(data, 'README.txt'), 'mine\n');
    await append([DAYS[1]!], data, { companions: () => ({ 'state.json': 'next\n' }) });
    expect(await readFile(join(data, 'README.txt'), 'utf8')).toBe('mine\n');
    expect(await readFile(join(data, 'state.json'), 'utf8')).toBe('next\n');

    const fresh = await append([DAYS[2]!], data, { fresh: true });
    expect(fresh.manifest.days.map((d) => d.date)).toEqual([DAYS[1], DAYS[2]]);
    expect(fresh.manifest.inputs).toHaveLength(2);
    expect(await readdir(data)).not.toContain(`attacks.${DAYS[0]}.csv.gz`);
    const e = await rejection(append([DAYS[0]!], data, { companions: () => ({ 'manifest.json': '' }) }));
    expect(e).toBeInstanceOf(UsageError);
  });
});

describe('ingestAppend: files without records', () => {
  it('appends a header-only file with the bytes of one already read (nothing to count twice), beside a file with records', async () => {
    const dir = await tmp.make();
    const header = 'orig,flows,duration,packets,bytes\n';
    const a = await put(join(dir, 'in', 'attacks.2026-03-01.csv'), `${header}45.1.1.1,2,4.0,6,240\n`);
    const b = await put(join(dir, 'in', 'attacks.2026-03-02.csv'), header);
    const c = await put(join(dir, 'in', 'attacks.2026-03-03.csv'), header);
    const d = await put(join(dir, 'in', 'attacks.2026-03-04.csv'), `${header}45.4.4.4,1,1.0,2,80\n`);
    const data = join(dir, 'data');
    const files = async (paths: string[]) => expandInputs(paths, () => true);
    await ingestAppend({ format: 'aip', files: await files([a, b]), out: data, workers: 1 });
    // c (header only, the bytes of b) and d in one run of one reader: only d's row is new.
    const r = await ingestAppend({ format: 'aip', files: await files([c, d]), out: data, workers: 1 });
    expect(r.newDays).toEqual(['2026-03-03', '2026-03-04']);
    expect(r.manifest.records).toBe(2);
    expect(r.manifest.attackFlows).toBe(3);
    expect(r.manifest.inputs.map((i) => basename(i.path))).toEqual([a, b, c, d].map((p) => basename(p)));
  });
});
