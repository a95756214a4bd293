/**
 * DESIGN §8: a caller's mistake (an unknown format, a missing option, a bad date) is a UsageError, a missing file a
 * DataError naming it; either way nothing is written.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, type IngestOptions, ingest, UsageError } from '../../../src/index.js';
import { put, zeekTsv } from '../ingest-helpers.js';
import { expectNoOutput, GOOD, HONEYPOTS, rejection, tmp } from './helpers.js';

afterAll(() => tmp.cleanupAll());

describe('usage errors and missing files', () => {
  it('an input path that does not exist → DataError naming it', async () => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), HONEYPOTS);
    const good = await put(join(dir, 'conn.log'), zeekTsv(GOOD));
    const missing = join(dir, 'no-such-folder', 'conn.log');
    const out = join(dir, 'out');
    const e = await rejection(ingest({ format: 'zeek', inputs: [good, missing], honeypots: hp, out }));
    expect(e).toBeInstanceOf(DataError);
    expect((e as DataError).file).toBe(missing);
    expect(e.message).toContain(missing);
    await expectNoOutput(out);
  });

  it('a honeypot list that does not exist → DataError naming it', async () => {
    const dir = await tmp.make();
    const input = await put(join(dir, 'conn.log'), zeekTsv(GOOD));
    const hp = join(dir, 'honeypots_public_ips.csv');
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

  it('a folder with no file of the format → DataError', async () => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), HONEYPOTS);
    await put(join(dir, 'logs', '2024-01-02', 'dns.00:00:00-01:00:00.log.gz'), zeekTsv(GOOD));
    const e = await rejection(
      ingest({
        format: 'zeek',
        inputs: [join(dir, 'logs')],
        honeypots: hp,
        out: join(dir, 'out'),
      }),
    );
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toContain(join(dir, 'logs'));
  });

  it('an unknown format → UsageError listing the known ones', async () => {
    const dir = await tmp.make();
    const input = await put(join(dir, 'conn.log'), zeekTsv(GOOD));
    const e = await rejection(ingest({ format: 'pcap', inputs: [input], out: join(dir, 'out') }));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toContain("'pcap'");
    for (const known of ['zeek', 'cowrie', 'argus', 'aip']) expect(e.message).toContain(known);
    await expectNoOutput(join(dir, 'out'));
  });

  it.each(['zeek', 'argus'])('%s without --honeypots → UsageError', async (format) => {
    const dir = await tmp.make();
    const input = await put(join(dir, 'conn.log'), zeekTsv(GOOD));
    const e = await rejection(ingest({ format, inputs: [input], out: join(dir, 'out') }));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toContain('--honeypots');
    await expectNoOutput(join(dir, 'out'));
  });

  it.each<[string, Partial<IngestOptions>, RegExp]>([
    ['--from not a date', { from: '2024-1-2' }, /--from/],
    ['--to not a real day', { to: '2024-02-30' }, /--to/],
    ['--from after --to', { from: '2024-01-03', to: '2024-01-02' }, /--from.*--to/],
    ['--on-error neither skip nor fail', { onError: 'ignore' as never }, /--on-error/],
    ['no input at all', { inputs: [] }, /input/],
  ])('%s → UsageError', async (_name, over, message) => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), HONEYPOTS);
    const input = await put(join(dir, 'conn.log'), zeekTsv(GOOD));
    const e = await rejection(
      ingest({
        format: 'zeek',
        inputs: [input],
        honeypots: hp,
        out: join(dir, 'out'),
        ...over,
      }),
    );
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toMatch(message);
    await expectNoOutput(join(dir, 'out'));
  });
});
