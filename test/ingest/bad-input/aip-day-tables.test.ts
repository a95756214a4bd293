/**
 * DESIGN §8 for AIP day tables (`attacks.YYYY-MM-DD.csv[.gz]`): a table is read whole, so any bad row is a DataError
 * naming file, line and field, and nothing is written.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, ingest } from '../../../src/index.js';
import { expectRows, put, readDayFile, row } from '../ingest-helpers.js';
import { expectNoOutput, located, rejection, tmp } from './helpers.js';

afterAll(() => tmp.cleanupAll());

describe('AIP day-table errors name file, line and field', () => {
  const header = 'orig,flows,duration,packets,bytes';
  // [case, line 3 (line 1 header, line 2 good), field or null]
  it.each<[string, string, string | null]>([
    ['flows not a number', '10.0.0.2,x,0.5,2,100', 'flows'],
    ['negative duration', '10.0.0.2,1,-0.5,2,100', 'duration'],
    ['empty packets', '10.0.0.2,1,0.5,,100', 'packets'],
    ['bytes NaN', '10.0.0.2,1,0.5,2,NaN', 'bytes'],
    ['bytes Infinity', '10.0.0.2,1,0.5,2,Infinity', 'bytes'],
    ['an address that is not one', '10.0.0.300,1,0.5,2,100', 'orig'],
    ['a duplicate IP', '10.0.0.1,1,1,1,1', 'orig'],
    ['a duplicate IP spelt differently (IPv6)', '2001:DB8:0::1,1,1,1,1', 'orig'],
    ['a missing field', '10.0.0.2,1,0.5,2', null],
    ['an extra field', '10.0.0.2,1,0.5,2,100,7', null],
    // Issue 12: values outside their field's domain.
    ['an IPv6 address with a zone id', 'fe80::1%eth0,1,0.5,2,100', 'orig'],
    ['fractional flows', '10.0.0.2,1.5,0.5,2,100', 'flows'],
    ['fractional packets', '10.0.0.2,1,0.5,2.5,100', 'packets'],
    ['bytes above 2^53', '10.0.0.2,1,0.5,2,9007199254740993', 'bytes'],
    ['duration 1e308', '10.0.0.2,1,1e308,2,100', 'duration'],
    ['duration past 2^53 µs', '10.0.0.2,1,9007199254.75,2,100', 'duration'],
  ])('%s', async (_name, bad, field) => {
    for (const gz of [false, true]) {
      const dir = await tmp.make();
      const input = join(dir, `attacks.2024-01-02.csv${gz ? '.gz' : ''}`);
      // The bad line is line 3; line 2 is the row an IPv6 duplicate repeats, else an IPv4 row.
      const text = bad.startsWith('2001')
        ? [header, '2001:db8::1,1,0.0,1,60', bad, ''].join('\n')
        : [header, '10.0.0.1,3,1.5,6,600', bad, ''].join('\n');
      await put(input, text);
      const out = join(dir, 'out');
      const e = await rejection(ingest({ format: 'aip', inputs: [input], out }));
      expect(e).toBeInstanceOf(DataError);
      expect(e.message.startsWith(located(input, 3, field)), e.message).toBe(true);
      await expectNoOutput(out);
    }
  });

  it.each([
    ['without packets', 'orig,flows,duration,bytes', 'packets'],
    ['without orig (another name for the IP)', 'ip,flows,duration,packets,bytes', 'orig'],
    ['an empty file', '', 'orig'],
  ])('a header %s → DataError at line 1 naming the column', async (_name, head, column) => {
    const dir = await tmp.make();
    const input = await put(join(dir, 'attacks.2024-01-02.csv'), head ? `${head}\n10.0.0.1,1,1,1\n` : '');
    const e = await rejection(ingest({ format: 'aip', inputs: [input], out: join(dir, 'out') }));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message.startsWith(`${input}:1: `), e.message).toBe(true);
    expect(e.message).toContain(column);
  });

  it('two files for one day → DataError naming the second', async () => {
    const dir = await tmp.make();
    const text = `orig,flows,duration,packets,bytes\n10.0.0.1,1,1.0,1,1\n`;
    await put(join(dir, 'aip', 'attacks.2024-01-02.csv'), text);
    await put(join(dir, 'aip', 'attacks.2024-01-02.csv.gz'), text);
    const e = await rejection(
      ingest({
        format: 'aip',
        inputs: [join(dir, 'aip')],
        out: join(dir, 'out'),
      }),
    );
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toContain('attacks.2024-01-02.csv');
    expect(e.message).toContain('2024-01-02');
  });

  it.each(['1969-12-31', '2100-01-01'])(
    'a table for %s (outside 1970 .. 2099) → DataError naming the file',
    async (date) => {
      const dir = await tmp.make();
      const input = await put(
        join(dir, `attacks.${date}.csv`),
        'orig,flows,duration,packets,bytes\n10.0.0.1,1,1.0,1,1\n',
      );
      const out = join(dir, 'out');
      const e = await rejection(ingest({ format: 'aip', inputs: [input], out }));
      expect(e).toBeInstanceOf(DataError);
      expect((e as DataError).file).toBe(input);
      expect(e.message).toContain(date);
      await expectNoOutput(out);
    },
  );

  it("a day whose rows' flows sum past 2^53 − 1 → DataError naming the day and field, nothing written", async () => {
    const dir = await tmp.make();
    const big = Number.MAX_SAFE_INTEGER;
    const input = await put(
      join(dir, 'attacks.2024-01-02.csv'),
      `orig,flows,duration,packets,bytes\n10.0.0.1,${big},1.0,1,1\n10.0.0.2,1,1.0,1,1\n`,
    );
    const out = join(dir, 'out');
    const e = await rejection(ingest({ format: 'aip', inputs: [input], out }));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(/attacks\.2024-01-02\.csv\.gz: field 'flows': the day's flows sum past 2\^53/);
    await expectNoOutput(out);
  });

  it('a good AIP folder reads back exactly, and its gap is missing', async () => {
    const dir = await tmp.make();
    await put(
      join(dir, 'aip', 'attacks.2024-01-01.csv'),
      'orig,flows,duration,packets,bytes\n10.0.0.2,1,0.5,2,80\n9.0.0.1,4,2.0,8,320\n',
    );
    await put(
      join(dir, 'aip', 'attacks.2024-01-03.csv.gz'),
      'flows,orig,bytes,packets,duration\r\n2,2001:DB8::1,10,1,0.25\r\n',
    );
    const { manifest, out } = await ingest({
      format: 'aip',
      inputs: [join(dir, 'aip')],
      out: join(dir, 'out'),
    });
    expect(manifest.days.map((d) => d.date)).toEqual(['2024-01-01', '2024-01-03']);
    expect(manifest.missingDays).toEqual(['2024-01-02']);
    expectRows(await readDayFile(join(out, 'attacks.2024-01-01.csv.gz')), [
      row('9.0.0.1', 4, 2, 8, 320),
      row('10.0.0.2', 1, 0.5, 2, 80),
    ]);
    expectRows(await readDayFile(join(out, 'attacks.2024-01-03.csv.gz')), [
      row('2001:db8::1', 2, 0.25, 1, 10),
    ]);
  });

  // (Flows 0 on the second row: the day's total flows, which the manifest records, must stay below 2^53 too.)
  it('the largest values a day table holds are read and written back as they are', async () => {
    const dir = await tmp.make();
    const text =
      'orig,flows,duration,packets,bytes\n10.0.0.1,9007199254740991,9007199254.740992,9007199254740991,9007199254740991\n10.0.0.2,0,0.0,1e3,3.0\n';
    await put(join(dir, 'aip', 'attacks.2024-01-01.csv'), text);
    const { out } = await ingest({ format: 'aip', inputs: [join(dir, 'aip')], out: join(dir, 'out') });
    expectRows(await readDayFile(join(out, 'attacks.2024-01-01.csv.gz')), [
      row('10.0.0.1', 2 ** 53 - 1, 9007199254.740992, 2 ** 53 - 1, 2 ** 53 - 1),
      row('10.0.0.2', 0, 0, 1000, 3),
    ]);
  });
});
