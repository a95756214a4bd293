/**
 * Read-ahead of day tables on a worker thread (TableCache readAhead, DayTableReaderThread): the same tables as reading
 * on the main thread, the same errors (class, message, file, line, field) when their day is asked for and never
 * before, and no process kept alive by the thread.
 */
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TableCache } from '../../src/backtest/table-cache.js';
import { type Dataset, openDataset } from '../../src/days/dataset.js';
import type { DayTable } from '../../src/days/day-table.js';
import { dayTableToGzip, readDayTableFile, sortDayTable } from '../../src/days/day-table-csv.js';
import { DayTableReaderThread } from '../../src/days/day-table-reader-thread.js';
import { DataError } from '../../src/util/errors.js';
import { ROOT, tempDir } from '../helpers.js';

const DAYS = ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-05', '2024-01-06', '2024-01-07'];
const BAD_ROW = '2024-01-06';
const CORRUPT = '2024-01-07';

function table(date: string, k: number): DayTable {
  const n = 500 + 37 * k;
  return sortDayTable({
    date,
    ip: Array.from({ length: n }, (_, i) =>
      i % 10 === 9 ? `2001:db8::${(i * 13 + k).toString(16)}` : `10.${k}.${i >> 8}.${i & 255}`,
    ),
    flows: Float64Array.from({ length: n }, (_, i) => 1 + ((i * 7 + k) % 50)),
    duration: Float64Array.from({ length: n }, (_, i) => ((i * 31 + k) % 1000) / 7),
    packets: Float64Array.from({ length: n }, (_, i) => i + k),
    bytes: Float64Array.from({ length: n }, (_, i) => 40 * (i + k)),
  });
}

/** What a read gave: the table, or the error as its class and located message. */
async function settle(p: Promise<DayTable>): Promise<unknown> {
  try {
    const t = await p;
    return { date: t.date, ip: t.ip, columns: [t.flows, t.duration, t.packets, t.bytes].map((c) => [...c]) };
  } catch (error) {
    const e = error as DataError;
    return { error: e.constructor.name, message: e.message, file: e.file, line: e.line, field: e.field };
  }
}

describe('read-ahead on a worker thread', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let dataset: Dataset;
  let fileOf: (date: string) => string | undefined;
  beforeAll(async () => {
    tmp = await tempDir('aiplab-read-ahead-');
    for (const [k, date] of DAYS.entries()) {
      const path = join(tmp.dir, `attacks.${date}.csv.gz`);
      if (date === BAD_ROW) {
        const { gzipSync } = await import('node:zlib');
        await writeFile(
          path,
          gzipSync('orig,flows,duration,packets,bytes\n1.1.1.1,1,0,1,1\n1.1.1.2,1,x,1,1\n'),
        );
      } else if (date === CORRUPT) await writeFile(path, dayTableToGzip(table(date, k)).subarray(0, 100));
      else await writeFile(path, dayTableToGzip(table(date, k)));
    }
    dataset = await openDataset(tmp.dir);
    fileOf = (date) => (dataset.has(date) ? join(tmp.dir, `attacks.${date}.csv.gz`) : undefined);
  });
  afterAll(async () => tmp.cleanup());

  it('gives the tables and the errors of the main-thread reader, in date order and out of it', async () => {
    const expected = new Map<string, unknown>();
    for (const d of [...DAYS, '2024-01-04', '2024-01-08'])
      expected.set(d, await settle(dataset.readDayTable(d)));
    expect(expected.get(BAD_ROW)).toEqual({
      error: 'DataError',
      message: `${fileOf(BAD_ROW)}:3: field 'duration': not a non-negative number: 'x'`,
      file: fileOf(BAD_ROW),
      line: 3,
      field: 'duration',
    });
    expect((expected.get(CORRUPT) as { message: string }).message).toMatch(/corrupt or truncated gzip/);
    expect((expected.get('2024-01-04') as { message: string }).message).toMatch(/missing day/);

    for (const order of [
      [...DAYS, '2024-01-04', '2024-01-08'],
      ['2024-01-04', '2024-01-02', '2024-01-01', '2024-01-07', '2024-01-03', '2024-01-06', '2024-01-05'],
    ]) {
      const cache = new TableCache(dataset, { readAhead: 2, fileOf });
      try {
        for (const d of order) expect(await settle(cache.get(d)), d).toEqual(expected.get(d));
        // Asked again: the same promise, the same answer.
        expect(await settle(cache.get(DAYS[1]!))).toEqual(expected.get(DAYS[1]!));
      } finally {
        await cache.close();
      }
    }
  });

  it('keeps a read-ahead error until its day is asked for (no unhandled rejection), and forgets it with evictBefore', async () => {
    const cache = new TableCache(dataset, { readAhead: 3, fileOf });
    try {
      // Reads 2024-01-06 (bad row) and 2024-01-07 (corrupt) ahead.
      await cache.get('2024-01-05');
      await new Promise((r) => setTimeout(r, 300));
      cache.evictBefore('2024-01-07');
      const e = await cache.get(CORRUPT).catch((error: unknown) => error);
      expect(e).toBeInstanceOf(DataError);
      expect(await settle(cache.get(CORRUPT))).toEqual(
        await settle(readDayTableFile(fileOf(CORRUPT)!, CORRUPT)),
      );
    } finally {
      await cache.close();
    }
    // After close: no read-ahead, still correct.
    expect(await settle(cache.get(DAYS[0]!))).toEqual(await settle(dataset.readDayTable(DAYS[0]!)));
  });

  it('a reader thread closed with reads pending rejects them, and a read after close fails', async () => {
    const reader = new DayTableReaderThread();
    const pending = reader.read(fileOf(DAYS[0]!)!, DAYS[0]!).catch((error: unknown) => error);
    await reader.close();
    expect(await pending).toEqual(new Error('DayTableReaderThread closed'));
    await expect(reader.read(fileOf(DAYS[0]!)!, DAYS[0]!)).rejects.toThrow(/after close/);
  });

  it('never keeps the process alive: a script that reads ahead and never calls close() exits', async () => {
    const src = (path: string) => JSON.stringify(pathToFileURL(join(ROOT, 'src', path)).href);
    const script = `
      import { TableCache } from ${src('backtest/table-cache.ts')};
      import { openDataset } from ${src('days/dataset.ts')};
      const dir = ${JSON.stringify(tmp.dir)};
      const ds = await openDataset(dir);
      const cache = new TableCache(ds, { readAhead: 2, fileOf: (d) => (ds.has(d) ? dir + '/attacks.' + d + '.csv.gz' : undefined) });
      const t = await cache.get('2024-01-01');
      await cache.get('2024-01-02');
      // 2024-01-03 and 2024-01-05 are being read ahead as this ends.
      console.log('rows', t.ip.length);
    `;
    const file = join(tmp.dir, 'read-ahead-exit.mts');
    await writeFile(file, script);
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ['--import', 'tsx', file], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('rows 500\n');
    expect(Date.now() - t0).toBeLessThan(30_000);
  });
});
