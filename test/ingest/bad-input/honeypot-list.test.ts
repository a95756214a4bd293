/**
 * DESIGN §8 for the honeypot list (AIP's `honeypots_public_ips.csv`) as ingest reads it: a bad line is a DataError
 * naming the line and the field, and nothing is written.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, ingest } from '../../../src/index.js';
import { honeypotCsv, put, zeekTsv } from '../ingest-helpers.js';
import { expectNoOutput, GOOD, HP, located, rejection, tmp } from './helpers.js';

afterAll(() => tmp.cleanupAll());

describe('honeypot list errors name the line and the field', () => {
  // Line 1 a comment, line 2 the header, line 3 a good honeypot, line 4 the bad one.
  const head = ['# our honeypots', 'public_ip,operation_start_date,operation_end_date', `${HP},2024-01-01,`];
  it.each<[string, string, string | null]>([
    ['octet above 255', '198.51.100.256,2024-01-01,', 'public_ip'],
    ['a host name', 'honeypot-1.example,2024-01-01,', 'public_ip'],
    ['an IPv6 with two ::', '2001:db8::1::2,2024-01-01,', 'public_ip'],
    ['a start day that does not exist', '198.51.100.2,2024-02-30,', 'operation_start_date'],
    ['a start in another format', '198.51.100.2,01/02/2024,', 'operation_start_date'],
    ['an empty start', '198.51.100.2,,2024-01-05', 'operation_start_date'],
    ['an end in month 13', '198.51.100.2,2024-01-01,2024-13-01', 'operation_end_date'],
    ['an end before the start', '198.51.100.2,2024-01-05,2024-01-04', 'operation_end_date'],
    ['one field', '198.51.100.2', null],
    ['four fields', '198.51.100.2,2024-01-01,,extra', null],
  ])('%s', async (_name, bad, field) => {
    for (const eol of ['\n', '\r\n']) {
      const dir = await tmp.make();
      const hp = await put(join(dir, 'honeypots.csv'), [...head, bad, `${HP},2024-01-01,`, ''].join(eol));
      const input = await put(join(dir, 'conn.log'), zeekTsv(GOOD));
      const out = join(dir, 'out');
      const e = await rejection(ingest({ format: 'zeek', inputs: [input], honeypots: hp, out }));
      expect(e).toBeInstanceOf(DataError);
      expect(e.message.startsWith(located(hp, 4, field)), e.message).toBe(true);
      expect([(e as DataError).file, (e as DataError).line, (e as DataError).field]).toEqual([
        hp,
        4,
        field ?? undefined,
      ]);
      await expectNoOutput(out);
    }
  });

  it('a list with no honeypot (only comments and the header) → DataError naming the file', async () => {
    const dir = await tmp.make();
    const hp = await put(
      join(dir, 'honeypots.csv'),
      '# none yet\npublic_ip,operation_start_date,operation_end_date\n',
    );
    const input = await put(join(dir, 'conn.log'), zeekTsv(GOOD));
    const e = await rejection(
      ingest({
        format: 'zeek',
        inputs: [input],
        honeypots: hp,
        out: join(dir, 'out'),
      }),
    );
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toContain(hp);
  });

  it('a good list with comments, blank lines, CRLF and spaces is accepted', async () => {
    const dir = await tmp.make();
    const hp = await put(
      join(dir, 'honeypots.csv'),
      `${honeypotCsv([{ ip: HP, start: '2024-01-01' }])
        .replaceAll('\n', '\r\n')
        .replace(HP, ` ${HP} `)}\r\n# end\r\n`,
    );
    const input = await put(join(dir, 'conn.log'), zeekTsv(GOOD));
    const { manifest } = await ingest({
      format: 'zeek',
      inputs: [input],
      honeypots: hp,
      out: join(dir, 'out'),
    });
    expect(manifest.honeypots!.count).toBe(1);
    expect(manifest.attackFlows).toBe(3);
  });
});
