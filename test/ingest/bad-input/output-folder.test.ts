/**
 * DESIGN §8: ingest writes its output folder whole or not at all. A folder that is not a dataset is refused, an
 * earlier dataset is replaced, and a failing ingest leaves an existing dataset untouched and no temp files.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, type IngestOptions, ingest, UsageError } from '../../../src/index.js';
import { expectRows, put, readDayFile, row, snapshotFolder, utc, zeekTsv } from '../ingest-helpers.js';
import {
  D,
  expectNoLeftovers,
  expectNoOutput,
  GOOD,
  HONEYPOTS,
  rejection,
  T0,
  tmp,
  tsvWithBadCell,
} from './helpers.js';

afterAll(() => tmp.cleanupAll());

/** A dataset folder's visible files (its hidden .aiplab-verified.json aside). */
async function visible(out: string): Promise<string[]> {
  return (await readdir(out)).filter((n) => !n.startsWith('.')).sort();
}

describe('the output folder', () => {
  it('a non-empty folder without a manifest is refused and left as it was', async () => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), HONEYPOTS);
    const input = await put(join(dir, 'conn.log'), zeekTsv(GOOD));
    const out = join(dir, 'out');
    await put(join(out, 'notes.txt'), 'my notes\n');
    const e = await rejection(ingest({ format: 'zeek', inputs: [input], honeypots: hp, out }));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toContain(out);
    expect(await readdir(out)).toEqual(['notes.txt']);
    expect(await readFile(join(out, 'notes.txt'), 'utf8')).toBe('my notes\n');
  });

  it('a folder whose manifest is unreadable is refused and left as it was', async () => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), HONEYPOTS);
    const input = await put(join(dir, 'conn.log'), zeekTsv(GOOD));
    const out = join(dir, 'out');
    await put(join(out, 'manifest.json'), '{"manifestVersion": 1, "days": [');
    await put(join(out, 'attacks.2024-01-01.csv.gz'), 'orig,flows,duration,packets,bytes\n');
    const before = await snapshotFolder(out);
    const e = await rejection(ingest({ format: 'zeek', inputs: [input], honeypots: hp, out }));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toContain('manifest.json');
    expect(await snapshotFolder(out)).toEqual(before);
  });

  it('an empty folder is used; an earlier dataset is replaced, stale day files removed', async () => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), HONEYPOTS);
    const out = join(dir, 'out');
    const twoDays = await put(
      join(dir, 'a', 'conn.log'),
      zeekTsv([...GOOD, { ...GOOD[0]!, ts: utc('2024-01-03', '01:00:00') }]),
    );
    await ingest({ format: 'zeek', inputs: [twoDays], honeypots: hp, out });
    expect(await visible(out)).toEqual([
      'attacks.2024-01-02.csv.gz',
      'attacks.2024-01-03.csv.gz',
      'manifest.json',
    ]);
    const oneDay = await put(join(dir, 'b', 'conn.log'), zeekTsv(GOOD.slice(0, 1)));
    const { manifest } = await ingest({
      format: 'zeek',
      inputs: [oneDay],
      honeypots: hp,
      out,
    });
    expect(await visible(out)).toEqual(['attacks.2024-01-02.csv.gz', 'manifest.json']);
    expect(manifest.days.map((d) => d.date)).toEqual([D]);
    expectRows(await readDayFile(join(out, `attacks.${D}.csv.gz`)), [row('10.0.0.1', 1, 1, 1, 10)]);
  });
});

describe('a failing ingest leaves an existing dataset untouched and no temp files', () => {
  /** Day folders 01..03 of good data; `last` is the file of day 04. */
  async function layout(dir: string, last: string | Buffer): Promise<string> {
    const root = join(dir, 'zeek');
    for (const [k, date] of ['2024-01-01', '2024-01-02', '2024-01-03'].entries()) {
      const flows = GOOD.map((f) => ({
        ...f,
        ts: utc(date, '05:00:00') + k + f.ts - T0,
      }));
      await put(join(root, date, 'conn.00:00:00-01:00:00.log.gz'), zeekTsv(flows));
    }
    const path = join(root, '2024-01-04', 'conn.00:00:00-01:00:00.log.gz');
    if (typeof last === 'string') await put(path, last);
    else {
      await put(path, Buffer.alloc(0));
      await writeFile(path, last);
    }
    return root;
  }

  const goodDay4 = zeekTsv(GOOD.map((f) => ({ ...f, ts: f.ts + 2 * 86400, orig: '10.9.9.9' })));
  const truncated = gzipSync(
    zeekTsv(
      Array.from({ length: 3000 }, (_, k) => ({
        ...GOOD[0]!,
        ts: utc('2024-01-04') + k,
        bytes: k * 17,
      })),
    ),
  );

  it.each<[string, string | Buffer, Partial<IngestOptions>]>([
    ['truncated gzip in the last day folder', truncated.subarray(0, Math.floor(truncated.length / 2)), {}],
    [
      'a bad line in the last day folder with onError fail',
      tsvWithBadCell('duration', 'oops'),
      { onError: 'fail' },
    ],
    ['a broken #fields header in the last day folder', zeekTsv(GOOD, { fields: ['ts', 'duration'] }), {}],
    ['a honeypot list that went missing', goodDay4, { honeypots: '/nonexistent/honeypots.csv' }],
  ])('%s', async (_name, last, over) => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), HONEYPOTS);
    const out = join(dir, 'out');
    // First a good dataset from the same layout with a good day 4.
    const goodRoot = await layout(join(dir, 'good'), goodDay4);
    const first = await ingest({
      format: 'zeek',
      inputs: [goodRoot],
      honeypots: hp,
      out,
    });
    expect(first.manifest.days.map((d) => d.rows)).toEqual([1, 1, 1, 1]);
    const before = await snapshotFolder(out);
    const mtimes = await Promise.all([...before.keys()].map(async (n) => (await stat(join(out, n))).mtimeMs));

    const badRoot = await layout(join(dir, 'bad'), last);
    const e = await rejection(
      ingest({
        format: 'zeek',
        inputs: [badRoot],
        honeypots: hp,
        out,
        ...over,
      }),
    );
    expect(e).toBeInstanceOf(DataError);

    const after = await snapshotFolder(out);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [name, bytes] of before) expect(after.get(name)!.equals(bytes), name).toBe(true);
    const mtimesAfter = await Promise.all(
      [...before.keys()].map(async (n) => (await stat(join(out, n))).mtimeMs),
    );
    expect(mtimesAfter).toEqual(mtimes);
    await expectNoLeftovers(dir);
    expect((await readdir(out, { withFileTypes: true })).filter((d) => d.isDirectory())).toEqual([]);
  });

  it('a failing first ingest leaves no dataset behind, and the same folder then takes a good one', async () => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), HONEYPOTS);
    const out = join(dir, 'out');
    const badRoot = await layout(join(dir, 'bad'), truncated.subarray(0, 100));
    await rejection(ingest({ format: 'zeek', inputs: [badRoot], honeypots: hp, out }));
    await expectNoOutput(out);
    await expectNoLeftovers(dir);
    const goodRoot = await layout(join(dir, 'good'), goodDay4);
    const { manifest } = await ingest({
      format: 'zeek',
      inputs: [goodRoot],
      honeypots: hp,
      out,
    });
    expect(manifest.days).toHaveLength(4);
  });
});
