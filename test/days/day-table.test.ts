import { describe, expect, it } from 'vitest';
import { dayTableToCsv, parseDayTableCsv, sortDayTable } from '../../src/index.js';

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
