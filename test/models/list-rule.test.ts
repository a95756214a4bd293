import { describe, expect, it } from 'vitest';
import type { RankedList } from '../../src/index.js';
import { listRuleLength, selectList } from '../../src/models/list-rule.js';
import { sortByScoreDesc } from '../../src/util/sort-by-score.js';
import { testRng } from '../knowledge/memory-dataset.js';

function ranked(scores: number[]): RankedList {
  return {
    ids: Int32Array.from(scores, (_, i) => i),
    scores: Float64Array.from(scores),
    ips: scores.map((_, i) => `10.0.0.${i}`),
  };
}

describe("AIP's list rule (DESIGN §3) and the budget (DESIGN §4)", () => {
  // [scores (sorted desc), threshold, minimum, kept]
  const cases: [number[], number, number, number][] = [
    [[0.5, 0.3, 1e-4, 2e-5, 1e-6, 0], 2e-5, 2, 3], // 3 strictly above 2e-5 ≥ minimum 2: keep those 3
    [[0.5, 0.3, 1e-4, 2e-5, 1e-6, 0], 2e-5, 4, 4], // fewer than 4 above: the top 4 (2e-5 is not above)
    [[0.5, 0.3, 1e-4, 2e-5, 1e-6, 0], 2e-5, 5000, 6], // minimum larger than the list: everything (the reference case)
    [[0.5, 0.3], 0.9, 0, 0],
    [[0, 0, 0], 2e-5, 2, 2],
    [[], 2e-5, 5000, 0],
  ];
  it.each(cases)('%j threshold %d minimum %d keeps %d', (scores, threshold, minimum, kept) => {
    expect(listRuleLength(Float64Array.from(scores), { threshold, minimum })).toBe(kept);
    expect(selectList(ranked(scores), { rule: { threshold, minimum } }).ips).toHaveLength(kept);
  });

  it('a budget K keeps the top K instead of the rule', () => {
    const list = ranked([0.5, 0.3, 1e-4, 2e-5, 1e-6, 0]);
    const rule = { threshold: 2e-5, minimum: 5000 };
    expect(selectList(list, { rule, budget: 2 }).ips).toEqual(['10.0.0.0', '10.0.0.1']);
    expect(selectList(list, { rule, budget: 100 }).ips).toHaveLength(6);
    expect(() => selectList(list, { budget: 0 })).toThrow(/budget/);
    expect(() => selectList(list, { budget: 1.5 })).toThrow(/budget/);
  });

  it('the allowlist is removed before the rule and the budget, as AIP sanitizes before cutting', () => {
    const list = ranked([0.5, 0.3, 1e-4, 2e-5, 1e-6, 0]);
    const exclude = (ip: string) => ip === '10.0.0.0' || ip === '10.0.0.4';
    expect(selectList(list, { budget: 2, exclude }).ips).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(selectList(list, { rule: { threshold: 2e-5, minimum: 3 }, exclude }).ips).toEqual([
      '10.0.0.1',
      '10.0.0.2',
      '10.0.0.3',
    ]);
    expect(list.ips).toHaveLength(6); // input untouched
  });
});

describe('sortByScoreDesc (radix) = a stable comparison sort', () => {
  it('on random scores with many ties, negatives, zeros and -0', () => {
    const r = testRng(99);
    for (let trial = 0; trial < 30; trial++) {
      const n = r(0, 3000);
      const palette = [0, -0, 1, 2.5, 1e-300, -3, 0.1 + 0.2, 0.3, Number.MAX_VALUE, -Number.MIN_VALUE, 7e-17];
      const keys = Float64Array.from({ length: n }, () =>
        r(0, 2) === 0 ? palette[r(0, palette.length - 1)]! : (r(0, 1 << 30) - (1 << 29)) / r(1, 1000),
      );
      const order = Int32Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = r(0, i);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const want = [...order].sort((a, b) => keys[b]! + 0 - (keys[a]! + 0)); // Array sort is stable
      expect([...sortByScoreDesc(order, keys)]).toEqual(want);
    }
  });

  it('refuses NaN', () => {
    expect(() => sortByScoreDesc(Int32Array.of(0, 1), Float64Array.of(1, Number.NaN))).toThrow(/NaN/);
  });
});
