/**
 * Synth's per-sensor attackers (SynthOptions.sensorOverlap, issue 13): each attacker has a home honeypot (sensor) and
 * only a share of them hits others. The aip format then writes the sensors' tables and manifest that
 * `ingest --per-sensor` makes of the zeek format's logs; shares are measured from the written tables, read here
 * without the project's reader.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openExperimentDataset } from '../src/backtest/dataset-source.js';
import { resolveExperiment } from '../src/backtest/experiment.js';
import { type DatasetManifest, ingest, openDataset, synthesize, UsageError } from '../src/index.js';
import { rejection, runCli, tempDir } from './helpers.js';
import { snapshotFolder } from './ingest/ingest-helpers.js';

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir('aiplab-synth-sensors-'));
});
afterAll(() => cleanup());

const manifestOf = async (dir: string) =>
  JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as DatasetManifest;

/** The IPs of a gzip day table (first column after the header). */
async function ipsOf(path: string): Promise<string[]> {
  const lines = gunzipSync(await readFile(path))
    .toString('utf8')
    .trimEnd()
    .split('\n');
  expect(lines[0]).toBe('orig,flows,duration,packets,bytes');
  return lines.slice(1).map((l) => l.split(',')[0]!);
}

/** Per attacker IP, the sensors whose tables it is in on any day; read from the folders under sensors/. */
async function sensorsByIp(dir: string): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  for (const sensor of await readdir(join(dir, 'sensors')))
    for (const file of await readdir(join(dir, 'sensors', sensor)))
      for (const ip of await ipsOf(join(dir, 'sensors', sensor, file))) {
        const set = out.get(ip) ?? new Set<string>();
        set.add(sensor);
        out.set(ip, set);
      }
  return out;
}

const SMALL = { days: 5, attackersPerDay: 150, honeypots: 12, seed: 11, startDate: '2024-02-01' };

describe('synth sensorOverlap', () => {
  it('aip writes the sensors’ tables and manifest entries that ingest --per-sensor makes of the zeek logs', async () => {
    const aip = join(root, 'aip');
    const zeek = join(root, 'zeek');
    await synthesize({ ...SMALL, sensorOverlap: 0.4, format: 'aip', out: aip, workers: 2 });
    await synthesize({ ...SMALL, sensorOverlap: 0.4, format: 'zeek', out: zeek });
    const ingested = join(root, 'ingested');
    await ingest({
      format: 'zeek',
      inputs: [zeek],
      honeypots: join(zeek, 'honeypots.csv'),
      out: ingested,
      perSensor: true,
    });
    const a = await manifestOf(aip);
    const b = await manifestOf(ingested);
    expect(b.sensors!.length).toBe(12);
    expect(a.days).toEqual(b.days);
    expect(a.sensors).toEqual(b.sensors);
    expect(a.attackFlows).toBe(b.attackFlows);
    // Same bytes in every table file.
    const files = [...(await snapshotFolder(ingested)).keys()].filter((f) => f.includes('attacks.'));
    expect(files).toHaveLength(5 * 13);
    for (const f of files) expect(await readFile(join(aip, f)), f).toEqual(await readFile(join(ingested, f)));
    // And the folder opens as a dataset with sensors.
    const opened = await openDataset(aip);
    expect(opened.sensors).toEqual(b.sensors!.map((s) => s.id));
  });

  it('0 gives disjoint sensors: every attacker is in one sensor’s tables only', async () => {
    const out = join(root, 'disjoint');
    await synthesize({ ...SMALL, sensorOverlap: 0, format: 'aip', out });
    const byIp = await sensorsByIp(out);
    expect(byIp.size).toBeGreaterThan(300);
    for (const [ip, sensors] of byIp) expect(sensors.size, ip).toBe(1);
  });

  it.each([0.25, 0.6])('the realised share of attackers on two or more sensors is near %s', async (p) => {
    const out = join(root, `share-${p}`);
    // 20 honeypots: both address families have two or more (a family of one leaves no room to roam).
    await synthesize({
      days: 12,
      attackersPerDay: 300,
      honeypots: 20,
      seed: 5,
      sensorOverlap: p,
      format: 'aip',
      out,
    });
    const byIp = await sensorsByIp(out);
    const n = byIp.size;
    const multi = [...byIp.values()].filter((s) => s.size >= 2).length;
    // Each attacker roams with probability p, independently: the share is binomial, sd = sqrt(p(1-p)/n), at most
    // 0.011 at n ≈ 2000. A roamer is seen on two sensors on each day it is active, unless one of its first two flows
    // went to the late honeypot before it started (after 3 of the 12 days; 1 of 18 IPv4 honeypots): a few percent of
    // roamers at most, so the share sits up to ~0.02 below p. 0.05 covers both (bias + 2.7 sd; seeds 1, 2, 3, 5 gave
    // 0.243..0.253 and 0.575..0.605).
    expect(n).toBeGreaterThan(1800);
    expect(Math.abs(multi / n - p)).toBeLessThan(0.05);
  });

  it('same seed, same bytes', async () => {
    const a = join(root, 'same-a');
    const b = join(root, 'same-b');
    await synthesize({ ...SMALL, sensorOverlap: 0.5, format: 'aip', out: a, workers: 0 });
    await synthesize({ ...SMALL, sensorOverlap: 0.5, format: 'aip', out: b, workers: 3 });
    expect(await snapshotFolder(b)).toEqual(await snapshotFolder(a));
  });

  it('the CLI: --sensor-overlap gives the library’s output; a share outside 0..1 is a usage error', async () => {
    const lib = join(root, 'cli-lib');
    const cli = join(root, 'cli-out');
    await synthesize({ ...SMALL, sensorOverlap: 0.25, format: 'aip', out: lib });
    const args = ['synth', '--days', '5', '--attackers-per-day', '150', '--honeypots', '12', '--seed', '11'];
    const common = [...args, '--start-date', '2024-02-01', '--format', 'aip', '-q'];
    const ok = await runCli([...common, '--sensor-overlap', '0.25', '--out', cli]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(await snapshotFolder(cli)).toEqual(await snapshotFolder(lib));
    for (const bad of ['1.5', '-0.1', 'half']) {
      const r = await runCli([...common, '--sensor-overlap', bad, '--out', join(root, 'cli-bad')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--sensor-overlap must be a number from 0 to 1, not '${bad}'`);
    }
  });

  it('refuses a share outside 0..1', async () => {
    for (const bad of [-0.1, 1.5, Number.NaN]) {
      const e = await rejection(synthesize({ ...SMALL, sensorOverlap: bad, out: join(root, 'bad') }));
      expect(e).toBeInstanceOf(UsageError);
      expect(e.message).toBe(`option 'sensorOverlap' must be a number from 0 to 1, got ${bad}`);
    }
  });

  it('an experiment’s {synth: {sensorOverlap}} dataset has sensors; the schema checks the value', async () => {
    const spec = { days: 4, attackersPerDay: 60, seed: 3, startDate: '2024-01-01', sensorOverlap: 0.3 };
    const experiment = resolveExperiment({
      id: 'sensors',
      version: 1,
      dataset: { synth: spec },
      from: '2024-01-02',
      to: '2024-01-04',
      models: [{ name: 'Alpha' }],
    });
    const dataset = await openExperimentDataset(experiment, { cacheDir: join(root, 'cache') });
    expect(dataset.sensors!.length).toBeGreaterThan(1);
    const all = dataset.sensorView!(dataset.sensors!);
    for (const day of dataset.days)
      expect(await all.readDayTable(day)).toEqual(await dataset.readDayTable(day));
    expect(() =>
      resolveExperiment({ ...experiment, dataset: { synth: { ...spec, sensorOverlap: 2 } } }),
    ).toThrow(/sensorOverlap/);
  });
});
