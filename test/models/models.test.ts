import { describe, expect, it } from 'vitest';
import { emptyDayTable } from '../../src/days/day-table.js';
import { createModel, KnowledgeBase, type KnowledgeView, type RankedList } from '../../src/index.js';
import { modelContext } from '../../src/models/model-context.js';
import { table } from '../knowledge/memory-dataset.js';

const A = '10.0.0.1';
const B = '10.0.0.2';
const C = '2001:db8::1';
const D = '10.0.0.3';

/**
 * 01-01: A 10, B 1, C 5 flows; 01-02: A 2, D 1; 01-03 missing; 01-04: B 3. Views as of 2024-01-05.
 * Tie order (last seen latest first, days active, flows, IP): B (01-04), A (01-02, 2 days), D (01-02, 1 day),
 * C (01-01) — by IP it would be A, B, D, C.
 */
function volumeKb(): KnowledgeView {
  const kb = new KnowledgeBase();
  kb.addDay(
    table('2024-01-01', [
      [A, 10, 0, 1, 1],
      [B, 1, 0, 1, 1],
      [C, 5, 0, 1, 1],
    ]),
  );
  kb.addDay(
    table('2024-01-02', [
      [A, 2, 0, 1, 1],
      [D, 1, 0, 1, 1],
    ]),
  );
  kb.addMissingDay('2024-01-03');
  kb.addDay(table('2024-01-04', [[B, 3, 0, 1, 1]]));
  return kb.asOf('2024-01-05');
}

function run(name: string, params: Record<string, unknown>, view: KnowledgeView) {
  const warnings: string[] = [];
  const list = createModel(name, params).run(modelContext(view, { seed: 1, warn: (m) => warnings.push(m) }));
  return { list, warnings };
}

const pairs = (l: RankedList) => l.ips.map((ip, i) => [ip, l.scores[i]]);

describe('Alpha / Alpha7 (DESIGN §3)', () => {
  // Members in the tie order: B seen last (01-04); A and D on 01-02, A on 2 days; C on 01-01 only.
  const cases: [string, Record<string, unknown>, string[]][] = [
    ['Alpha', {}, [B]],
    ['Alpha', { lookback: 2 }, [B]],
    ['Alpha', { lookback: 3 }, [B, A, D]],
    ['Alpha7', {}, [B, A, D, C]],
    ['Alpha7', { lookback: 1 }, [B]],
  ];
  it.each(cases)('%s %j lists %j', (name, params, ips) => {
    const { list } = run(name, params, volumeKb());
    expect(list.ips).toEqual(ips);
    expect([...list.scores].every((s) => s === 1)).toBe(true);
  });

  it('warns about missing days and days before the start inside the window', () => {
    expect(run('Alpha', { lookback: 2 }, volumeKb()).warnings).toEqual([
      'Alpha 2024-01-05: lookback window of 2 day(s) includes 1 missing day(s) (2024-01-03): no data, counted as no attacks',
    ]);
    expect(run('Alpha', {}, volumeKb()).warnings).toEqual([]);
    expect(run('Alpha7', {}, volumeKb()).warnings[1]).toMatch(
      /starts 2023-12-29, before the knowledge's first day/,
    );
  });

  it('score recency ranks by 1 / days since last seen (A before D: more days active)', () => {
    expect(pairs(run('Alpha7', { score: 'recency' }, volumeKb()).list)).toEqual([
      [B, 1],
      [A, 1 / 3],
      [D, 1 / 3],
      [C, 1 / 4],
    ]);
  });

  it('a budget cuts the set to its first K members in the tie order, not the lowest addresses', () => {
    expect(run('Alpha7', { budget: 2 }, volumeKb()).list.ips).toEqual([B, A]);
    expect(run('Alpha7', { budget: 3 }, volumeKb()).list.ips).toEqual([B, A, D]);
    expect(run('Alpha', { lookback: 3, budget: 1 }, volumeKb()).list.ips).toEqual([B]);
  });
});

describe('AllIPs', () => {
  it('lists every IP seen since start, in the tie order', () => {
    expect(run('AllIPs', {}, volumeKb()).list.ips).toEqual([B, A, D, C]);
    expect(run('AllIPs', { start: '2024-01-02' }, volumeKb()).list.ips).toEqual([B, A, D]);
    expect(run('AllIPs', { start: '2024-01-05' }, volumeKb()).list.ips).toEqual([]);
    expect(run('AllIPs', { budget: 3 }, volumeKb()).list.ips).toEqual([B, A, D]);
  });
});

describe('Pareto (AIP pareto8020)', () => {
  // Rows by flows: A10 C5 B3 A2 B1 D1, total 22. Cumulative %: 45.5, 68.2, 81.8, 90.9, 95.5, 100.
  const cases: [Record<string, unknown>, [string, number][]][] = [
    [
      { lookback: 4 },
      [
        [A, 10],
        [C, 5],
      ],
    ], // 81.8% is not below 80: B's row is out
    [
      { lookback: 4, share: 0.9 },
      [
        [A, 10],
        [C, 5],
        [B, 3],
      ],
    ], // 90.9% is not below 90
    [
      { lookback: 4, share: 0.91 },
      [
        [A, 10],
        [C, 5],
        [B, 3],
      ],
    ], // A's 2nd row kept, A listed once
    [
      { lookback: 4, share: 1 },
      [
        [A, 10],
        [C, 5],
        [B, 3],
      ],
    ], // the last row reaches 100%: strict < leaves it out
    [{ lookback: 1 }, []], // one row = 100% of its window: nothing is below 80%
  ];
  it.each(cases)('%j', (params, expected) => {
    expect(pairs(run('Pareto', params, volumeKb()).list)).toEqual(expected);
  });

  it('can sort by another column, and warns when the window has no volume', () => {
    const { list, warnings } = run('Pareto', { lookback: 4, column: 'duration' }, volumeKb());
    expect(list.ips).toEqual([]);
    expect(warnings.join()).toMatch(/no duration in the lookback window/);
  });
});

describe('TopVolume', () => {
  it('ranks by total flows over all history, or over a window', () => {
    expect(pairs(run('TopVolume', {}, volumeKb()).list)).toEqual([
      [A, 12],
      [C, 5],
      [B, 4],
      [D, 1],
    ]);
    expect(pairs(run('TopVolume', { lookback: 2 }, volumeKb()).list)).toEqual([[B, 3]]);
    expect(pairs(run('TopVolume', { lookback: 3 }, volumeKb()).list)).toEqual([
      [B, 3],
      [A, 2],
      [D, 1],
    ]);
    expect(run('TopVolume', { budget: 1 }, volumeKb()).list.ips).toEqual([A]);
  });
});

describe('Random', () => {
  it('draws K distinct known IPs, ranked by draw order, reproducibly', () => {
    const a = run('Random', { K: 3, seed: 5 }, volumeKb()).list;
    expect(a.ips).toHaveLength(3);
    expect(new Set(a.ips).size).toBe(3);
    expect([...a.scores]).toEqual([1, 2 / 3, 1 / 3]);
    expect(run('Random', { K: 3, seed: 5 }, volumeKb()).list.ips).toEqual(a.ips);
    expect(run('Random', { K: null, seed: 5 }, volumeKb()).list.ips).toHaveLength(4);
    // Over many seeds every IP is drawn first sometimes.
    const first = new Set<string>();
    for (let seed = 0; seed < 60; seed++) first.add(run('Random', { K: 1, seed }, volumeKb()).list.ips[0]!);
    expect(first).toEqual(new Set([A, B, C, D]));
  });
});

/**
 * Hand-computed Prioritize scores. Knowledge as of 2024-01-04 (01-03 an empty day):
 *   A: flows 2, duration 2, bytes 20, packets 2, 2 days (01-01, 01-02) → means 1, 1, 10, 1; d = 2, t = 1
 *   B: flows 3, duration 6, bytes 30, packets 3, 1 day (01-01)         → means 3, 2, 10, 1; d = 3, t = 0
 *   C: flows 4, duration 2, bytes 30, packets 8, 2 days (01-01, 01-02) → means 2, 0.5, 7.5, 2; d = 2, t = 1
 * Min-max per feature (A, B, C): flows 0, .5, 1; duration 0, 1, 0; bytes 0, 1, 1; packets 0, 1/6, 1;
 *   mean_flows 0, 1, .5; mean_duration 1/3, 1, 0; mean_bytes 1, 1, 0; mean_packets 0, 0, 1.
 * PC: A 0.2·(4/3) · (1 − 2/3) = 4/45; B (0.05·8/3 + 0.2·3) · 0 = 0; C (0.05·3 + 0.2·1.5) · 1/3 = 0.15.
 * PN: A 0.05·(4/3) · 2/4 = 1/30; B (0.2·8/3 + 0.05·3) · 2/5 = 41/150; C (0.2·3 + 0.05·1.5) · 2/4 = 0.3375.
 */
function prioritizeKb(): KnowledgeView {
  const kb = new KnowledgeBase();
  kb.addDay(
    table('2024-01-01', [
      [A, 1, 0, 1, 10],
      [B, 3, 6, 3, 30],
      [C, 2, 1, 4, 15],
    ]),
  );
  kb.addDay(
    table('2024-01-02', [
      [A, 1, 2, 1, 10],
      [C, 2, 1, 4, 15],
    ]),
  );
  kb.addDay(emptyDayTable('2024-01-03'));
  return kb.asOf('2024-01-04');
}

function expectScores(list: RankedList, expected: [string, number][]) {
  expect(list.ips).toEqual(expected.map((e) => e[0]));
  for (const [i, [, s]] of expected.entries()) expect(list.scores[i]).toBeCloseTo(s, 15);
}

describe('Prioritize Consistent / New (DESIGN §3)', () => {
  it('PC scores by hand', () => {
    expectScores(run('Prioritize_Consistent', {}, prioritizeKb()).list, [
      [C, 0.15],
      [A, 4 / 45],
      [B, 0],
    ]);
  });

  it('PN scores by hand', () => {
    expectScores(run('Prioritize_New', {}, prioritizeKb()).list, [
      [C, 0.3375],
      [B, 41 / 150],
      [A, 1 / 30],
    ]);
  });

  it("applies AIP's list rule, or a budget", () => {
    expect(run('Prioritize_New', { threshold: 0.1, minimum: 1 }, prioritizeKb()).list.ips).toEqual([C, B]);
    expect(run('Prioritize_New', { threshold: 0.1, minimum: 3 }, prioritizeKb()).list.ips).toEqual([C, B, A]);
    expect(run('Prioritize_Consistent', { minimum: 2 }, prioritizeKb()).list.ips).toEqual([C, A]);
    expect(run('Prioritize_Consistent', { minimum: 0 }, prioritizeKb()).list.ips).toEqual([C, A]);
    expect(run('Prioritize_Consistent', { budget: 1 }, prioritizeKb()).list.ips).toEqual([C]);
  });

  it('takes the decay function and weights as parameters', () => {
    // No aging: PC's raw sums, A 4/15, B 11/15, C 0.45.
    expectScores(run('Prioritize_Consistent', { decay: 'none' }, prioritizeKb()).list, [
      [B, 11 / 15],
      [C, 0.45],
      [A, 4 / 15],
    ]);
    // Only flows, no normalisation, no aging: the raw totals.
    const onlyFlows = {
      weights: [1, 0, 0, 0, 0, 0, 0, 0],
      normalization: 'none',
      decay: 'none',
    };
    expectScores(run('Prioritize_New', onlyFlows, prioritizeKb()).list, [
      [C, 4],
      [B, 3],
      [A, 2],
    ]);
    expectScores(run('Prioritize_New', { ...onlyFlows, normalization: 'max' }, prioritizeKb()).list, [
      [C, 1],
      [B, 0.75],
      [A, 0.5],
    ]);
    // ln(1 + flows) = ln 5, ln 4, ln 3, then min-max.
    expectScores(run('Prioritize_New', { ...onlyFlows, normalization: 'log-min-max' }, prioritizeKb()).list, [
      [C, 1],
      [B, (Math.log(4) - Math.log(3)) / (Math.log(5) - Math.log(3))],
      [A, 0],
    ]);
  });

  it('a constant feature normalises to 0, never NaN (AIP would give NaN)', () => {
    const kb = new KnowledgeBase();
    kb.addDay(
      table('2024-01-01', [
        [A, 1, 0, 1, 10],
        [B, 1, 0, 1, 10],
      ]),
    );
    kb.addDay(table('2024-01-02', [[A, 1, 0, 1, 10]]));
    const { list, warnings } = run('Prioritize_New', {}, kb.asOf('2024-01-03'));
    expect([...list.scores].every(Number.isFinite)).toBe(true);
    expect(warnings).toEqual([]);
    // flows, bytes, packets normalise to 1 (A) and 0 (B); duration and the four means are constant → 0.
    // A = 0.2·3 · 2/(2+1) = 0.4.
    expectScores(list, [
      [A, 0.4],
      [B, 0],
    ]);
  });
});
