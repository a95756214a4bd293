/**
 * The csv feed format: rows written by hand here (RFC 4180 quoting of AS names, empty cells for what is unknown, the
 * columns in the order asked), first/last/days seen from a small in-memory dataset whose list day has rows of its own
 * (none may show: no lookahead), and `aiplab run --format csv --columns …` on the Cowrie dataset against the reference
 * day tables read here.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEntryDetails } from '../../src/blocklist/entry-details.js';
import { csvListFormat } from '../../src/blocklist/formats/csv.js';
import { CSV_COLUMNS, parseCsvColumns } from '../../src/blocklist/formats/csv-columns.js';
import type {
  ListDetails,
  ListEntryDetails,
  WriteListOptions,
} from '../../src/blocklist/formats/list-format.js';
import { buildKnowledge, dailyBlocklists, getListFormat, UsageError } from '../../src/index.js';
import { ROOT, rejection, runCli, SHARED_DATA, tempDir } from '../helpers.js';
import { memoryDataset, table } from '../knowledge/memory-dataset.js';
import { listOf } from './helpers.js';

const OPTIONS: WriteListOptions = { model: 'Prioritize_New', date: '2024-03-01', out: 'unused' };

const LIST = listOf([
  ['192.0.2.1', 0.5],
  ['198.51.100.7', 0.25],
  ['2001:db8::1', 0.00002],
]);

const DETAILS: Record<string, ListEntryDetails> = {
  '192.0.2.1': {
    country: 'DE',
    asn: 3320,
    asName: 'Deutsche Telekom AG',
    firstSeen: '2024-02-01',
    lastSeen: '2024-02-28',
    daysSeen: 12,
  },
  '198.51.100.7': { country: 'US', asn: 64500, asName: 'Example, "Quoted" Inc.', daysSeen: 0 },
};
const details = (notes?: string[]): ListDetails => ({
  of: (ip) => ({ ...DETAILS[ip] }),
  ...(notes ? { notes } : {}),
});

const text = (files: { data: string | Uint8Array }[]) => {
  expect(files).toHaveLength(1);
  return files[0]!.data as string;
};

describe('csv format', () => {
  it('is registered as csv, one file <Model>/<Model>-<date>.csv', () => {
    expect(getListFormat('csv')).toBe(csvListFormat);
    expect(csvListFormat.render(LIST, OPTIONS)[0]!.path).toBe('Prioritize_New/Prioritize_New-2024-03-01.csv');
  });

  it('without columns: ip, 1-based rank and the score as the aip format writes it', () => {
    expect(text(csvListFormat.render(LIST, OPTIONS))).toBe(
      'ip,rank,score\n192.0.2.1,1,0.5\n198.51.100.7,2,0.25\n2001:db8::1,3,2e-05\n',
    );
  });

  it('every column, in the order asked; quotes doubled and commas quoted; unknown values empty', () => {
    const columns = ['as_name', 'country', 'asn', 'first_seen', 'last_seen', 'days_seen'];
    expect(text(csvListFormat.render(LIST, { ...OPTIONS, columns, details: details() }))).toBe(
      'ip,rank,score,as_name,country,asn,first_seen,last_seen,days_seen\n' +
        '192.0.2.1,1,0.5,Deutsche Telekom AG,DE,3320,2024-02-01,2024-02-28,12\n' +
        '198.51.100.7,2,0.25,"Example, ""Quoted"" Inc.",US,64500,,,0\n' +
        '2001:db8::1,3,2e-05,,,,,,\n',
    );
  });

  it('an unranked list has no score column; notes become # lines above the header (one line each)', () => {
    const options = {
      ...OPTIONS,
      model: 'Alpha',
      unranked: true,
      columns: ['asn'],
      details: details(['asn: pkg 1.2.3; by X', 'two\nlines']),
    };
    expect(text(csvListFormat.render(LIST, options))).toBe(
      '# asn: pkg 1.2.3; by X\n# two lines\nip,rank,asn\n192.0.2.1,1,3320\n198.51.100.7,2,64500\n2001:db8::1,3,\n',
    );
  });

  it('a name with a line break is quoted; with no column chosen the notes are not written', () => {
    const one = listOf([['192.0.2.1', 1]]);
    const of = () => ({ asName: 'A\nB' });
    expect(text(csvListFormat.render(one, { ...OPTIONS, columns: ['as_name'], details: { of } }))).toBe(
      'ip,rank,score,as_name\n192.0.2.1,1,1.0,"A\nB"\n',
    );
    expect(text(csvListFormat.render(one, { ...OPTIONS, details: details(['note']) }))).toBe(
      'ip,rank,score\n192.0.2.1,1,1.0\n',
    );
  });

  it('same input, same bytes; an empty list is the header', () => {
    const options = { ...OPTIONS, columns: ['country', 'as_name'], details: details(['n']) };
    expect(csvListFormat.render(LIST, options)).toEqual(
      csvListFormat.render(listOf([...LIST.ips.map((ip, i) => [ip, LIST.scores[i]!] as const)]), options),
    );
    expect(text(csvListFormat.render(listOf([]), options))).toBe('# n\nip,rank,score,country,as_name\n');
  });

  it.each([
    [
      { columns: ['cc'] },
      /unknown csv column 'cc' \(known: country, asn, as_name, first_seen, last_seen, days_seen\)/,
    ],
    [{ columns: ['asn', 'asn'], details: details() }, /'asn' is named twice/],
    [{ columns: ['asn'] }, /need per-IP details/],
  ])('refuses %j', (bad, message) => {
    expect(() => csvListFormat.render(LIST, { ...OPTIONS, ...bad })).toThrow(UsageError);
    expect(() => csvListFormat.render(LIST, { ...OPTIONS, ...bad })).toThrow(message);
  });

  it('parseCsvColumns reads a comma-separated list', () => {
    expect(parseCsvColumns('country, asn,first_seen')).toEqual(['country', 'asn', 'first_seen']);
    expect(parseCsvColumns([...CSV_COLUMNS])).toEqual([...CSV_COLUMNS]);
    expect(() => parseCsvColumns('')).toThrow(/unknown csv column ''/);
  });
});

describe('first_seen, last_seen, days_seen from the knowledge the list was built from', () => {
  it('counts the days before the list date only (the list day has rows: none may show)', async () => {
    // By hand, for a list for 2024-03-05:
    //   10.0.0.1: 03-01, 03-02 (0 flows), 03-04 and 03-05 → first 03-01, last 03-04, 3 days (03-05 not yet).
    //   10.0.0.2: 03-02 only (03-03 missing) → 03-02, 03-02, 1.
    //   2001:db8::9: 03-04 → 03-04, 03-04, 1.
    //   10.0.0.3: first seen on 03-05 → unknown before it: empty cells.
    const dataset = memoryDataset(
      [
        table('2024-03-01', [['10.0.0.1', 3, 1, 3, 100]]),
        table('2024-03-02', [
          ['10.0.0.1', 0, 0, 0, 0],
          ['10.0.0.2', 1, 1, 1, 1],
        ]),
        table('2024-03-04', [
          ['10.0.0.1', 1, 1, 1, 1],
          ['2001:db8::9', 2, 2, 2, 2],
        ]),
        table('2024-03-05', [
          ['10.0.0.1', 9, 9, 9, 9],
          ['10.0.0.3', 9, 9, 9, 9],
        ]),
      ],
      ['2024-03-03'],
    );
    const kb = await buildKnowledge(dataset, '2024-03-05');
    const details = await listEntryDetails(kb.asOf('2024-03-05'), ['days_seen', 'first_seen', 'last_seen']);
    expect(details!.notes).toEqual([]);
    const list = listOf([
      ['2001:db8::9', 3],
      ['10.0.0.1', 2],
      ['10.0.0.2', 1],
      ['10.0.0.3', 0],
    ]);
    const columns = ['first_seen', 'last_seen', 'days_seen'];
    expect(
      csvListFormat.render(list, { ...OPTIONS, date: '2024-03-05', unranked: true, columns, details })[0]!
        .data,
    ).toBe(
      'ip,rank,first_seen,last_seen,days_seen\n' +
        '2001:db8::9,1,2024-03-04,2024-03-04,1\n' +
        '10.0.0.1,2,2024-03-01,2024-03-04,3\n' +
        '10.0.0.2,3,2024-03-02,2024-03-02,1\n' +
        '10.0.0.3,4,,,\n',
    );
    expect(await listEntryDetails(kb.asOf('2024-03-05'), [])).toBeUndefined();
  });
});

describe('aiplab run --format csv --columns', () => {
  const DATA = join(ROOT, 'datasets', 'cowrie-2018');
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    tmp = await tempDir();
  });
  afterAll(() => tmp.cleanup());

  /** Per IP, the days it attacked, from the reference day tables (read here, not through aiplab). */
  async function referenceDays(before: string): Promise<Map<string, string[]>> {
    const dir = join(SHARED_DATA, 'aip-reference', 'cowrie-days');
    const days = new Map<string, string[]>();
    for (const file of (await readdir(dir)).sort()) {
      const date = file.slice(8, 18);
      if (date >= before) continue;
      const lines = (await readFile(join(dir, file), 'utf8')).trim().split('\n').slice(1);
      for (const line of lines) {
        const ip = line.split(',')[0]!;
        days.set(ip, [...(days.get(ip) ?? []), date]);
      }
    }
    return days;
  }

  it('writes the history columns of the days before the date, and the data sources as # lines', async () => {
    const out = join(tmp.dir, 'run');
    const r = await runCli([
      'run',
      '--data',
      DATA,
      '--date',
      '2018-06-02',
      '--model',
      'Prioritize_Consistent',
      'Alpha7',
      '--budget',
      '40',
      '--format',
      'csv',
      '--columns',
      'country,asn,first_seen,last_seen,days_seen',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const reference = await referenceDays('2018-06-02');
    for (const [model, ranked] of [
      ['Prioritize_Consistent', true],
      ['Alpha7', false],
    ] as const) {
      const lines = (await readFile(join(out, model, `${model}-2018-06-02.csv`), 'utf8'))
        .trimEnd()
        .split('\n');
      expect(lines[0]).toMatch(/^# asn, as_name: @ip-location-db\/asn \d+\.\d+\.\d+; .*RouteViews/);
      expect(lines[1]).toMatch(/^# country: @ip-location-db\/geo-whois-asn-country \d+\.\d+\.\d+; /);
      expect(lines[2]).toBe(`ip,rank${ranked ? ',score' : ''},country,asn,first_seen,last_seen,days_seen`);
      const rows = lines.slice(3).map((l) => l.split(','));
      expect(rows).toHaveLength(40);
      rows.forEach((row, i) => {
        const [ip, rank] = row;
        const [first, last, days] = row.slice(-3);
        const seen = reference.get(ip!)!;
        expect(rank).toBe(String(i + 1));
        expect([first, last, days], ip).toEqual([seen[0], seen[seen.length - 1], String(seen.length)]);
        expect(row[ranked ? 3 : 2]).toMatch(/^([A-Z]{2})?$/);
        expect(row[ranked ? 4 : 3]).toMatch(/^(\d+)?$/);
      });
    }
  });

  it('--columns without --format csv, or an unknown column: a usage error', async () => {
    const base = { data: DATA, date: '2018-06-02', models: ['Alpha'], out: join(tmp.dir, 'bad') };
    const e = await rejection(dailyBlocklists({ ...base, columns: 'country' }));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toMatch(/--format csv/);
    await expect(dailyBlocklists({ ...base, format: 'csv', columns: 'country,nope' })).rejects.toThrow(
      /unknown csv column 'nope'/,
    );
    const r = await runCli([
      'run',
      '--data',
      DATA,
      '--date',
      '2018-06-02',
      '--columns',
      'asn',
      '--out',
      base.out,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--format csv/);
  });
});
