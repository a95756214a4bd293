import { describe, expect, it } from 'vitest';
import { createDecay, type DecaySpec, decayNames, registerDecay, UsageError } from '../../src/index.js';
import { noDecay } from '../../src/models/decay/none.js';

// [spec, d, t, expected] — hand-computed.
const cases: [DecaySpec, number, number, number][] = [
  ['aip-consistent', 1, 0, 0], // seen on one day only: 1 - 1/1
  ['aip-consistent', 1, 3, 0.75], // 1 - 1/4
  ['aip-consistent', 2, 2, 0.5],
  ['aip-consistent', 5, 15, 0.75],
  ['aip-consistent', 0, 0, 1], // 0/0 defined as 1 (never happens in a view: d ≥ 1)
  ['aip-consistent', 0, 4, 1],
  ['aip-new', 1, 0, 2 / 3],
  ['aip-new', 2, 9, 0.5],
  ['aip-new', 8, 0, 0.2],
  ['hyperbolic', 2, 0, 0.5], // default k = 2 (= aip-new)
  [{ name: 'hyperbolic', k: 6 }, 3, 0, 6 / 9], // the 2020 AIP's 6/(d+6)
  [{ name: 'hyperbolic', k: 1 }, 4, 7, 0.2],
  ['exponential', 7, 0, 0.5], // default half-life 7
  [{ name: 'exponential', halfLife: 2 }, 4, 0, 0.25],
  [{ name: 'exponential', halfLife: 2 }, 1, 0, Math.SQRT1_2],
  ['linear', 15, 0, 0.5], // default window 30
  [{ name: 'linear', window: 10 }, 4, 0, 0.6],
  [{ name: 'linear', window: 10 }, 10, 0, 0],
  [{ name: 'linear', window: 10 }, 25, 0, 0],
  ['step', 7, 0, 1], // default 7 days
  ['step', 8, 0, 0],
  [{ name: 'step', days: 1 }, 1, 0, 1],
  [{ name: 'step', days: 1 }, 2, 0, 0],
  ['aip-seed', 1, 0, 1],
  ['aip-seed', 2, 0, 2 / 7],
  ['aip-seed', 5, 0, 0.5],
  ['aip-seed', 95, 0, 0.95], // grows with d: rewards staleness
  ['none', 1, 0, 1],
  ['none', 1000, 3, 1],
];

describe('decay functions (DESIGN §3)', () => {
  it.each(cases)('%j at d=%d, t=%d is %d', (spec, d, t, expected) => {
    expect(createDecay(spec).at(d, t)).toBeCloseTo(expected, 15);
  });

  it('aip-new and the AIP formulas are bit-exact', () => {
    for (let d = 1; d < 400; d++) {
      expect(createDecay('aip-new').at(d, 0)).toBe(2 / (2 + d));
      expect(createDecay({ name: 'hyperbolic', k: 2 }).at(d, 0)).toBe(2 / (2 + d));
      for (const t of [0, 1, 17]) expect(createDecay('aip-consistent').at(d, t)).toBe(1 - d / (d + t));
    }
  });

  it('aging does not increase with d — except aip-seed, which grows from d = 2 on', () => {
    for (const name of decayNames()) {
      const f = createDecay(name);
      const values = [2, 3, 10, 50].map((d) => f.at(d, 10));
      const sorted = [...values].sort((a, b) => (name === 'aip-seed' ? a - b : b - a));
      expect(values, name).toEqual(sorted);
    }
  });

  it('serialises with its defaults filled', () => {
    expect(createDecay('hyperbolic').toJSON()).toEqual({
      name: 'hyperbolic',
      k: 2,
    });
    expect(createDecay({ name: 'step', days: 3 }).toJSON()).toEqual({
      name: 'step',
      days: 3,
    });
    expect(createDecay('none').toJSON()).toEqual({ name: 'none' });
    expect(Object.isFrozen(createDecay('linear').params)).toBe(true);
  });

  it('validates parameters, naming the bad key', () => {
    expect(() => createDecay({ name: 'hyperbolic', k: -1 })).toThrow(
      /decay function 'hyperbolic': parameter 'k'/,
    );
    expect(() => createDecay({ name: 'exponential', halfLife: 'x' })).toThrow(/parameter 'halfLife'/);
    expect(() => createDecay({ name: 'linear', windo: 3 })).toThrow(/unknown parameter 'windo'/);
    expect(() => createDecay('exponentail')).toThrow(
      /unknown decay function 'exponentail'; did you mean 'exponential'/,
    );
    expect(() => createDecay(42 as unknown as string)).toThrow(UsageError);
  });

  it('the registry refuses a taken name unless told to override', () => {
    expect(() => registerDecay(noDecay)).toThrow(/'none' is already registered/);
    registerDecay(noDecay, { override: true });
    expect(decayNames()).toEqual([
      'aip-consistent',
      'aip-new',
      'hyperbolic',
      'exponential',
      'linear',
      'step',
      'aip-seed',
      'none',
    ]);
  });
});
