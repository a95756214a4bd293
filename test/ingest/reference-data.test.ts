import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DayTable, ingest, openDataset } from '../../src/index.js';
import { type ExpectedRow, ROOT, readReferenceDays, SHARED_DATA, tempDir } from '../helpers.js';

/**
 * Asserts a dataset's day tables equal a reference folder value for value. Durations: ingest rounds each record's
 * duration to the microsecond (Zeek's resolution) and sums whole µs, where AIP sums the doubles: each record may move
 * the sum by half a µs, so a row may differ by 0.5 µs per flow (a Cowrie session is one flow, closed once).
 */
async function expectDatasetEquals(datasetDir: string, referenceDir: string): Promise<number> {
  const reference = await readReferenceDays(referenceDir);
  const dataset = await openDataset(datasetDir);
  expect(dataset.days).toEqual([...reference.keys()]);
  for (const [date, rows] of reference) {
    const table: DayTable = await dataset.readDayTable(date);
    const got = new Map<string, ExpectedRow>();
    table.ip.forEach((ip, i) => {
      got.set(ip, {
        flows: table.flows[i]!,
        duration: table.duration[i]!,
        packets: table.packets[i]!,
        bytes: table.bytes[i]!,
      });
    });
    expect([...got.keys()].sort(), date).toEqual([...rows.keys()].sort());
    for (const [ip, want] of rows) {
      const have = got.get(ip)!;
      expect(have.flows, `${date} ${ip} flows`).toBe(want.flows);
      expect(have.packets, `${date} ${ip} packets`).toBe(want.packets);
      expect(have.bytes, `${date} ${ip} bytes`).toBe(want.bytes);
      expect(Math.abs(have.duration - want.duration), `${date} ${ip} duration`).toBeLessThanOrEqual(
        5e-7 * Math.max(1, want.flows) + 1e-9,
      );
    }
  }
  return reference.size;
}

const SAMPLES = [
  ['conn-tsv-ipv6.log', 'zeek'],
  ['conn-tsv-portscan.log', 'zeek'],
  ['conn-json.log', 'zeek'],
  ['conn-json-vertical-scan.log', 'zeek'],
  ['argus-portscan.binetflow', 'argus'],
] as const;

describe('real Zeek and Argus samples (../shared/data/zeek-samples)', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    tmp = await tempDir();
  });
  afterAll(() => tmp.cleanup());

  it.each(SAMPLES)('%s (%s) gives the expected day tables', async (file, format) => {
    const name = file.split('.')[0]!;
    const samples = join(SHARED_DATA, 'zeek-samples');
    const out = join(tmp.dir, name);
    await ingest({
      format,
      inputs: [join(samples, file)],
      honeypots: join(samples, 'expected', name, 'honeypots.csv'),
      out,
    });
    expect(await expectDatasetEquals(out, join(samples, 'expected', name))).toBeGreaterThan(0);
  });
});

describe('real Cowrie data (../shared/data/cowrie-kareiva-2018)', () => {
  const reference = join(SHARED_DATA, 'aip-reference', 'cowrie-days');

  it('ingest equals the AIP reference day tables, with the two gap days missing', async () => {
    const tmp = await tempDir();
    try {
      const { manifest } = await ingest({
        format: 'cowrie',
        inputs: [join(SHARED_DATA, 'cowrie-kareiva-2018')],
        out: tmp.dir,
      });
      expect(manifest.missingDays).toEqual(['2018-06-17', '2018-06-29']);
      expect(manifest.attackFlows).toBe(22237); // cowrie.session.connect events in the data
      expect(await expectDatasetEquals(tmp.dir, reference)).toBe(56);
    } finally {
      await tmp.cleanup();
    }
  });

  it('ingest aip of the plain-CSV reference folder gives it back value for value', async () => {
    const tmp = await tempDir();
    try {
      const { manifest } = await ingest({ format: 'aip', inputs: [reference], out: tmp.dir });
      expect(manifest.inputs).toHaveLength(56);
      expect(manifest.missingDays).toEqual(['2018-06-17', '2018-06-29']);
      expect(await expectDatasetEquals(tmp.dir, reference)).toBe(56);
    } finally {
      await tmp.cleanup();
    }
  });

  it('the committed datasets/cowrie-2018 equals the reference value for value', async () => {
    const dir = join(ROOT, 'datasets', 'cowrie-2018');
    expect(await expectDatasetEquals(dir, reference)).toBe(56);
    const dataset = await openDataset(dir);
    expect(dataset.missingDays).toEqual(['2018-06-17', '2018-06-29']);
    expect(dataset.firstDay).toBe('2018-05-06');
    expect(dataset.lastDay).toBe('2018-07-02');
  });
});
