import { describe, expect, it } from 'vitest';
import { dayTableToCsv, parseDayTableCsv, sortDayTable } from '../../src/days/day-table-csv.js';
import { DataError } from '../../src/index.js';

describe('day table CSV', () => {
  it('writes AIP columns and reads them back', () => {
    const table = sortDayTable({
      date: '2024-01-01',
      ip: ['10.0.0.2', '2001:db8::1', '9.9.9.9'],
      flows: Float64Array.of(2, 1, 5),
      duration: Float64Array.of(0, 1.5, 0.0000012),
      packets: Float64Array.of(4, 1, 10),
      bytes: Float64Array.of(100, 60, 500),
    });
    const csv = dayTableToCsv(table);
    expect(csv).toBe(
      'orig,flows,duration,packets,bytes\n9.9.9.9,5,0.000001,10,500\n10.0.0.2,2,0.0,4,100\n2001:db8::1,1,1.5,1,60\n',
    );
    const back = parseDayTableCsv(csv, '2024-01-01', 'x.csv').table;
    expect(back.ip).toEqual(['9.9.9.9', '10.0.0.2', '2001:db8::1']);
    expect([...back.flows]).toEqual([5, 2, 1]);
  });

  it('reads columns in any order and reports extra ones', () => {
    const { table, ignoredColumns } = parseDayTableCsv(
      'bytes,orig,note,flows,packets,duration\n7,1.1.1.1,x,3,2,0.5\n',
      '2024-01-01',
      'x.csv',
    );
    expect(table.ip).toEqual(['1.1.1.1']);
    expect([table.flows[0], table.duration[0], table.packets[0], table.bytes[0]]).toEqual([3, 0.5, 2, 7]);
    expect(ignoredColumns).toEqual(['note']);
  });
});

describe('day table domains (issue 12)', () => {
  const table = (over: Partial<Record<'ip' | 'flows' | 'duration' | 'packets' | 'bytes', unknown[]>>) => ({
    date: '2024-01-01',
    ip: (over.ip ?? ['10.0.0.1']) as string[],
    flows: Float64Array.from((over.flows ?? [1]) as number[]),
    duration: Float64Array.from((over.duration ?? [0.5]) as number[]),
    packets: Float64Array.from((over.packets ?? [2]) as number[]),
    bytes: Float64Array.from((over.bytes ?? [60]) as number[]),
  });

  it.each<[string, Parameters<typeof table>[0]]>([
    ['flows NaN', { flows: [Number.NaN] }],
    ['flows 1.5', { flows: [1.5] }],
    ['packets -1', { packets: [-1] }],
    ['bytes 2^53', { bytes: [2 ** 53] }],
    ['bytes Infinity', { bytes: [Infinity] }],
    ['duration Infinity', { duration: [Infinity] }],
    ['duration 1e308', { duration: [1e308] }],
    ['duration -0.5', { duration: [-0.5] }],
    ['duration past 2^53 µs', { duration: [9007199254.75] }],
    ['an IPv6 zone id', { ip: ['fe80::1%eth0'] }],
    ['an IP not in canonical form', { ip: ['2001:DB8::1'] }],
    ['no IP at all', { ip: ['x'] }],
    [
      'an IP twice',
      { ip: ['10.0.0.1', '10.0.0.1'], flows: [1, 1], duration: [0, 0], packets: [1, 1], bytes: [1, 1] },
    ],
    [
      'an IPv6 twice',
      { ip: ['::1', '::1'], flows: [1, 1], duration: [0, 0], packets: [1, 1], bytes: [1, 1] },
    ],
  ])('the writer refuses %s with a plain Error naming the row', (_name, over) => {
    const t = table(over);
    expect(() => dayTableToCsv(t)).toThrow(/day table 2024-01-01, row \d+ \(/);
    try {
      dayTableToCsv(t);
    } catch (error) {
      expect(error).not.toBeInstanceOf(DataError);
    }
  });

  it.each<[string, string, string]>([
    ['fractional flows', '10.0.0.1,1.5,0.5,2,60', 'flows'],
    ['bytes 2^53', '10.0.0.1,1,0.5,2,9007199254740992', 'bytes'],
    ['duration 1e308', '10.0.0.1,1,1e308,2,60', 'duration'],
    ['duration past 2^53 µs', '10.0.0.1,1,9007199254.75,2,60', 'duration'],
    ['an IPv6 zone id', 'fe80::1%eth0,1,0.5,2,60', 'orig'],
  ])('the reader refuses %s, naming file, line and field', (_name, row, field) => {
    expect(() =>
      parseDayTableCsv(`orig,flows,duration,packets,bytes\n${row}\n`, '2024-01-01', 'x.csv'),
    ).toThrow(new RegExp(`^x\\.csv:2: field '${field}': `));
  });

  it('the largest values a day table holds are written and read back exactly; -0 is read as 0', () => {
    const t = table({
      ip: ['10.0.0.1', '::1'],
      flows: [2 ** 53 - 1, 0],
      duration: [2 ** 53 / 1e6, 0.000001],
      packets: [2 ** 53 - 1, 0],
      bytes: [0, 2 ** 53 - 1],
    });
    const csv = dayTableToCsv(t);
    expect(csv).toBe(
      'orig,flows,duration,packets,bytes\n10.0.0.1,9007199254740991,9007199254.740992,9007199254740991,0\n::1,0,0.000001,0,9007199254740991\n',
    );
    expect(parseDayTableCsv(csv, '2024-01-01', 'x.csv').table).toEqual(t);
    const zero = parseDayTableCsv(
      'orig,flows,duration,packets,bytes\n10.0.0.1,-0,-0.0,0e5,3.0\n',
      'd',
      'x',
    ).table;
    expect(
      [zero.flows[0], zero.duration[0], zero.packets[0], zero.bytes[0]].map((x) => Object.is(x, -0)),
    ).toEqual([false, false, false, false]);
    expect(zero.bytes[0]).toBe(3);
  });
});
