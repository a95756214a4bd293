/**
 * DESIGN §8 for Suricata EVE JSON: each malformed flow or netflow record is a counted skip with a located example
 * (or, with `--on-error fail`, a DataError naming file, line and field, and nothing written); sums past what a day
 * table holds exactly are a located DataError in both modes. Other event types are drops, not skips, whatever they
 * hold (they are classified by their event_type alone).
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, ingest } from '../../../src/index.js';
import { expectRows, put, readDayFile, row } from '../ingest-helpers.js';
import { D, expectNoOutput, HONEYPOTS, HP, located, rejection, tmp } from './helpers.js';

afterAll(() => tmp.cleanupAll());

const T = (time: string) => `${D}T${time}+0000`;

/** A flow record of 10.0.0.1 to the honeypot: k s, k packets, 10·k bytes. */
function good(k: number): string {
  return flow({
    id: k,
    src: '10.0.0.1',
    start: T(`01:00:0${k}.000000`),
    end: T(`01:00:0${2 * k}.000000`),
    pkts: k,
    bytes: 10 * k,
  });
}

interface Rec {
  id?: unknown;
  src?: unknown;
  dest?: unknown;
  sport?: unknown;
  start?: unknown;
  end?: unknown;
  pkts?: unknown;
  bytes?: unknown;
}

/** A flow record as Suricata writes it; an `undefined` value leaves its key out. */
function flow(r: Rec, type: 'flow' | 'netflow' = 'flow'): string {
  const counts =
    type === 'flow'
      ? { pkts_toserver: r.pkts, pkts_toclient: 1, bytes_toserver: r.bytes, bytes_toclient: 60 }
      : { pkts: r.pkts, bytes: r.bytes };
  return JSON.stringify({
    timestamp: T('02:00:00.000000'),
    flow_id: r.id,
    in_iface: 'eth0',
    event_type: type,
    src_ip: r.src,
    src_port: r.sport ?? 40000,
    dest_ip: r.dest ?? HP,
    dest_port: 22,
    proto: 'TCP',
    [type]: { ...counts, start: r.start, end: r.end, age: 1 },
  });
}

/** A record of 10.0.0.2 with some values replaced. */
function other(over: Rec, type: 'flow' | 'netflow' = 'flow'): string {
  return flow(
    {
      id: 77,
      src: '10.0.0.2',
      start: T('03:00:00.000000'),
      end: T('03:00:01.000000'),
      pkts: 1,
      bytes: 10,
      ...over,
    },
    type,
  );
}

interface Case {
  name: string;
  bad: string;
  reason: string;
  /** The field the example must name; null when the problem is the whole line. */
  field: string | null;
}

const c = (name: string, bad: string, reason: string, field: string | null): Case => ({
  name,
  bad,
  reason,
  field,
});

/** The good records with the bad line as line 2. */
const withBad = (bad: string) => `${[good(1), bad, good(2), good(3)].join('\n')}\n`;

const CASES: Case[] = [
  c('cut-off flow line', other({}).slice(0, 90), 'bad JSON', null),
  c('cut-off netflow line', other({}, 'netflow').slice(0, -3), 'bad JSON', null),
  c('an array, not an object', '[1,2,3]', 'bad JSON', null),
  c('no event_type', `{"timestamp":"${T('00:00:00')}","src_ip":"10.0.0.2"}`, 'bad event_type', 'event_type'),
  c('event_type a number', '{"event_type":7}', 'bad event_type', 'event_type'),
  c('src_ip missing', other({ src: undefined }), 'bad address', 'src_ip'),
  c('src_ip empty', other({ src: '' }), 'bad address', 'src_ip'),
  c('src_ip a name', other({ src: 'attacker.example' }), 'bad address', 'src_ip'),
  c('src_ip a number', other({ src: 167772162 }), 'bad address', 'src_ip'),
  c('dest_ip with an IPv6 zone id', other({ dest: 'fe80::1%eth0' }), 'bad address', 'dest_ip'),
  c('dest_ip not an address', other({ dest: '999.1.1.1' }), 'bad address', 'dest_ip'),
  c('src_port 99999', other({ sport: 99999 }), 'bad port', 'src_port'),
  c('src_port -1', other({ sport: -1 }), 'bad port', 'src_port'),
  c('flow_id a string of letters', other({ id: 'abc' }), 'bad flow_id', 'flow_id'),
  c('flow_id 1.5', other({ id: 1.5 }), 'bad flow_id', 'flow_id'),
  c('flow.start missing', other({ start: undefined }), 'bad ts', 'flow.start'),
  c('flow.start unreadable', other({ start: 'yesterday' }), 'bad ts', 'flow.start'),
  c('flow.start a number', other({ start: 1704153600 }), 'bad ts', 'flow.start'),
  c('flow.start on February 30', other({ start: '2024-02-30T00:00:00.000000+0000' }), 'bad ts', 'flow.start'),
  c('flow.start at 24:00', other({ start: T('24:00:00.000000') }), 'bad ts', 'flow.start'),
  c('flow.start in 2100', other({ start: '2100-01-01T00:00:00.000000+0000' }), 'bad ts', 'flow.start'),
  c('flow.start before 1970', other({ start: '1969-12-31T23:59:59.999999+0000' }), 'bad ts', 'flow.start'),
  c('no flow object', other({}).replace(/,"flow":\{[^}]*\}/, ''), 'bad ts', 'flow.start'),
  c('flow.end missing', other({ end: undefined }), 'bad duration', 'flow.end'),
  c('flow.end unreadable', other({ end: 'later' }), 'bad duration', 'flow.end'),
  c('flow.end before flow.start', other({ end: T('02:59:59.999999') }), 'bad duration', 'flow.end'),
  c('flow.pkts_toserver 1.5', other({ pkts: 1.5 }), 'bad count', 'flow.pkts_toserver'),
  c('flow.pkts_toserver negative', other({ pkts: -3 }), 'bad count', 'flow.pkts_toserver'),
  c('flow.pkts_toserver missing', other({ pkts: undefined }), 'bad count', 'flow.pkts_toserver'),
  c('flow.bytes_toserver letters', other({ bytes: 'abc' }), 'bad count', 'flow.bytes_toserver'),
  c(
    'flow.bytes_toserver above 2^53',
    other({}).replace('"bytes_toserver":10', '"bytes_toserver":9007199254740993'),
    'bad count',
    'flow.bytes_toserver',
  ),
  c('netflow.pkts negative', other({ pkts: -1 }, 'netflow'), 'bad count', 'netflow.pkts'),
  c('netflow.bytes 2.5', other({ bytes: 2.5 }, 'netflow'), 'bad count', 'netflow.bytes'),
  c('netflow.start unreadable', other({ start: '2024-01-02' }, 'netflow'), 'bad ts', 'netflow.start'),
  c(
    'netflow.end before start',
    other({ end: T('02:00:00.000000') }, 'netflow'),
    'bad duration',
    'netflow.end',
  ),
  // Written by another tool (a space after each colon): read by JSON.parse alone, checked the same.
  c(
    'respaced flow with a bad count',
    other({ pkts: 1.5 }).replaceAll('":', '": '),
    'bad count',
    'flow.pkts_toserver',
  ),
  c('respaced flow with a bad start', other({ start: 'x' }).replaceAll('":', '": '), 'bad ts', 'flow.start'),
];

async function run(bad: string, onError: 'skip' | 'fail') {
  const dir = await tmp.make();
  const honeypots = await put(join(dir, 'honeypots.csv'), HONEYPOTS);
  const input = await put(join(dir, 'eve.json'), withBad(bad));
  const out = join(dir, 'out');
  return { input, out, go: () => ingest({ format: 'suricata', inputs: [input], honeypots, out, onError }) };
}

describe('Suricata: malformed records are counted skips with located examples', () => {
  it.each(CASES.map((k) => [k.name, k] as const))('%s', async (_name, k) => {
    const { input, out, go } = await run(k.bad, 'skip');
    const { manifest } = await go();
    expect(manifest.skipped.malformed).toEqual({ [k.reason]: 1 });
    const examples = manifest.skipped.examples[k.reason]!;
    expect(examples).toHaveLength(1);
    expect(examples[0]!.startsWith(located(input, 2, k.field)), examples[0]).toBe(true);
    if (k.field === null) expect(examples[0]).not.toContain('field ');
    expect(examples[0]!.length).toBeGreaterThan(located(input, 2, k.field).length);
    // The good records around the bad line are all there, and nothing of 10.0.0.2.
    expectRows(await readDayFile(join(out, `attacks.${D}.csv.gz`)), [row('10.0.0.1', 3, 6, 6, 60)]);
  });

  it.each(CASES.map((k) => [k.name, k] as const))('with onError fail: %s', async (_name, k) => {
    const { input, out, go } = await run(k.bad, 'fail');
    const e = await rejection(go());
    expect(e).toBeInstanceOf(DataError);
    expect(e.message.startsWith(located(input, 2, k.field)), e.message).toBe(true);
    expect([(e as DataError).file, (e as DataError).line, (e as DataError).field]).toEqual([
      input,
      2,
      k.field ?? undefined,
    ]);
    expect(e.message).not.toContain('\n');
    await expectNoOutput(out);
  });
});

describe('Suricata: what is not a flow record is a drop, not a skip', () => {
  it('other events are classified by their event_type, whatever else they hold', async () => {
    const { out, go } = await run(
      '{"timestamp":"x","event_type":"alert","flow":{"pkts_toserver":"many"}}',
      'fail',
    );
    const { manifest } = await go();
    expect(manifest.skipped.malformed).toEqual({});
    expect(manifest.skipped.dropped).toEqual({ 'not a flow record (event_type alert)': 1 });
    expectRows(await readDayFile(join(out, `attacks.${D}.csv.gz`)), [row('10.0.0.1', 3, 6, 6, 60)]);
  });

  it('a blank line is nothing', async () => {
    const { go } = await run('   ', 'fail');
    const { manifest } = await go();
    expect(manifest.skipped).toEqual({ malformed: {}, dropped: {}, examples: {} });
  });
});

describe('Suricata: sums past 2^53 − 1 are located errors, not skips', () => {
  const big = (type: 'flow' | 'netflow', id: number) =>
    other({ id, bytes: 1 }, type).replace(/"bytes(_toserver)?":1\b/, (m) =>
      m.replace(/1$/, '9007199254740000'),
    );
  it.each([
    ['flow', 'flow.bytes_toserver'],
    ['netflow', 'netflow.bytes'],
  ] as const)('%s: the record that passes the bound is named (skip and fail)', async (type, field) => {
    for (const mode of ['skip', 'fail'] as const) {
      // Line 2 brings 10.0.0.2's bytes near 2^53, line 3 past it (netflow records count at the end of the file).
      const { input, out, go } = await run(`${big(type, 101)}\n${big(type, 102)}`, mode);
      const e = await rejection(go());
      expect(e).toBeInstanceOf(DataError);
      expect([(e as DataError).file, (e as DataError).line, (e as DataError).field]).toEqual([
        input,
        3,
        field,
      ]);
      expect(e.message).toMatch(/2\^53/);
      await expectNoOutput(out);
    }
  });
});
