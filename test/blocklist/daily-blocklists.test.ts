import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError, dailyBlocklists, UsageError } from '../../src/index.js';
import { ROOT, tempDir } from '../helpers.js';

const DATA = join(ROOT, 'datasets', 'cowrie-2018');

/** The IPs of one reference day table, read independently of the code under test. */
async function referenceIps(date: string): Promise<string[]> {
  const text = await readFile(
    join(ROOT, '..', 'shared', 'data', 'aip-reference', 'cowrie-days', `attacks.${date}.csv`),
    'utf8',
  );
  return text
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.split(',')[0]!);
}

describe('dailyBlocklists (aiplab run)', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    tmp = await tempDir();
  });
  afterAll(() => tmp.cleanup());

  it('Alpha for D lists exactly the attackers of D-1, in the AIP layout', async () => {
    const out = join(tmp.dir, 'alpha');
    const r = await dailyBlocklists({ data: DATA, date: '2018-06-02', models: ['Alpha'], out });
    const text = gunzipSync(await readFile(join(out, 'Alpha', 'AIP-Alpha-2018-06-02.csv.gz'))).toString();
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('attacker');
    expect(lines.slice(1).sort()).toEqual((await referenceIps('2018-06-01')).sort());
    expect(r.lists[0]!.entries).toBe(lines.length - 1);
  });

  it('removes allowlisted IPs and CIDRs before the budget cut', async () => {
    const yesterday = (await referenceIps('2018-06-01')).sort();
    const single = yesterday[0]!;
    const cidr = `${yesterday[1]!.split('.').slice(0, 3).join('.')}.0/24`;
    const inCidr = yesterday.filter((ip) => ip.startsWith(`${cidr.split('.').slice(0, 3).join('.')}.`));
    const allow = join(tmp.dir, 'allow.csv');
    await writeFile(allow, `ip\n${single}\n${cidr}\n`);
    const out = join(tmp.dir, 'allow-out');
    const r = await dailyBlocklists({
      data: DATA,
      date: '2018-06-02',
      models: ['Alpha'],
      out,
      allowlist: allow,
      format: 'txt',
    });
    const listed = (await readFile(join(out, 'Alpha', 'Alpha-2018-06-02.txt'), 'utf8')).trim().split('\n');
    const removed = new Set([single, ...inCidr]);
    expect(listed.sort()).toEqual(yesterday.filter((ip) => !removed.has(ip)));
    expect(r.lists[0]!.removedByAllowlist).toBe(removed.size);

    const budgeted = await dailyBlocklists({
      data: DATA,
      date: '2018-06-02',
      models: ['Prioritize_New'],
      out,
      budget: 10,
    });
    expect(budgeted.lists[0]!.entries).toBe(10);
  });

  it('rejects a date after the last data day + 1, a malformed date, an unknown model and a missing allowlist', async () => {
    const out = join(tmp.dir, 'bad');
    await expect(dailyBlocklists({ data: DATA, date: '2018-07-04', out })).rejects.toThrow(UsageError);
    await expect(dailyBlocklists({ data: DATA, date: '2018-07-04', out })).rejects.toThrow(/2018-07-03/);
    await expect(dailyBlocklists({ data: DATA, date: '2018-13-01', out })).rejects.toThrow(UsageError);
    await expect(dailyBlocklists({ data: DATA, date: '2018-06-02', models: ['Alpah'], out })).rejects.toThrow(
      /Alpha/,
    );
    await expect(
      dailyBlocklists({ data: DATA, date: '2018-06-02', out, allowlist: join(tmp.dir, 'nope.csv') }),
    ).rejects.toThrow(DataError);
    // The day after the last data day is the operator's "tomorrow": allowed.
    const ok = await dailyBlocklists({ data: DATA, date: '2018-07-03', models: ['Alpha'], out });
    expect(ok.lists[0]!.entries).toBe((await referenceIps('2018-07-02')).length);
  });
});
