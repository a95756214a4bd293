/** Which input days aiplab daily reads (src/daily/input-days.ts): the rule, table by table. */
import { describe, expect, it } from 'vitest';
import { type ClosingRule, closingRuleOf, completeInput } from '../../src/daily/input-days.js';
import type { InputFile } from '../../src/ingest/input-files.js';

const file = (path: string, coversDay?: string): InputFile => ({ path, display: path, coversDay, bytes: 1 });

/** [case, files (path, day), today, rule, complete days, open days, live files]. */
const CASES: [string, [string, string?][], string, ClosingRule, string[], string[], number][] = [
  [
    'Zeek folders: a day is complete once a later day folder exists; today never',
    [
      ['z/2026-12-01/conn.a.log.gz', '2026-12-01'],
      ['z/2026-12-02/conn.a.log.gz', '2026-12-02'],
      ['z/2026-12-03/conn.a.log.gz', '2026-12-03'],
    ],
    '2026-12-03',
    'later-day',
    ['2026-12-01', '2026-12-02'],
    ['2026-12-03'],
    0,
  ],
  [
    'the newest day waits for a later day',
    [
      ['z/2026-12-01/conn.a.log.gz', '2026-12-01'],
      ['z/2026-12-02/conn.a.log.gz', '2026-12-02'],
    ],
    '2026-12-05',
    'later-day',
    ['2026-12-01'],
    ['2026-12-02'],
    0,
  ],
  [
    "a live file (Zeek's current/, Cowrie's cowrie.json) closes every day before today",
    [
      ['c/cowrie.json'],
      ['c/cowrie.json.2026-12-01', '2026-12-01'],
      ['c/cowrie.json.2026-12-02', '2026-12-02'],
    ],
    '2026-12-03',
    'later-day',
    ['2026-12-01', '2026-12-02'],
    [],
    1,
  ],
  [
    'a live file does not close today, nor a file named for a later day',
    [
      ['c/cowrie.json'],
      ['c/cowrie.json.2026-12-03', '2026-12-03'],
      ['c/cowrie.json.2026-12-04', '2026-12-04'],
    ],
    '2026-12-03',
    'later-day',
    [],
    ['2026-12-03', '2026-12-04'],
    1,
  ],
  [
    'AIP day files are written whole: complete when there, before today',
    [
      ['a/attacks.2026-12-01.csv', '2026-12-01'],
      ['a/attacks.2026-12-02.csv', '2026-12-02'],
      ['a/attacks.2026-12-03.csv', '2026-12-03'],
    ],
    '2026-12-03',
    'written-whole',
    ['2026-12-01', '2026-12-02'],
    ['2026-12-03'],
    0,
  ],
  ['nothing', [], '2026-12-03', 'later-day', [], [], 0],
];

describe('completeInput', () => {
  it.each(CASES)('%s', (_, files, today, rule, complete, open, live) => {
    const input = completeInput(
      files.map(([p, d]) => file(p, d)),
      today,
      rule,
    );
    const days = (fs: InputFile[]) => [...new Set(fs.map((f) => f.coversDay!))].sort();
    expect(days(input.complete)).toEqual(complete);
    expect(days(input.open)).toEqual(open);
    expect(input.live).toHaveLength(live);
    for (const d of complete) expect(input.days.get(d)).toBe(true);
    for (const d of open) expect(input.days.get(d)).toBe(false);
  });

  it('AIP files are written whole; every other format (and any added later) waits for a later day', () => {
    expect(closingRuleOf('aip')).toBe('written-whole');
    for (const f of ['zeek', 'cowrie', 'argus', 'suricata', 'nfdump', 'future-format'])
      expect(closingRuleOf(f)).toBe('later-day');
  });
});
