import { describe, expect, it } from 'vitest';
import { formatScore } from '../../src/blocklist/index.js';
import { seededRandom } from './helpers.js';

describe('formatScore writes a float64 as pandas to_csv does (Python repr)', () => {
  // Expected texts are Python 3.11's repr() of the same doubles; NaN is pandas' default na_rep.
  it.each([
    [0.38645596731784154, '0.38645596731784154'],
    [1, '1.0'],
    [0, '0.0'],
    [-0, '-0.0'],
    [100, '100.0'],
    [0.1, '0.1'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1 / 3, '0.3333333333333333'],
    [1234.5, '1234.5'],
    [123456789, '123456789.0'],
    [2e-5, '2e-05'], // AIP's threshold: JavaScript would write 0.00002
    [1.5e-5, '1.5e-05'],
    [1e-5, '1e-05'],
    [0.0001, '0.0001'],
    [0.00012, '0.00012'],
    [0.000123456789, '0.000123456789'],
    [-2.5e-7, '-2.5e-07'],
    [6.666666666666666e-7, '6.666666666666666e-07'],
    [1e-100, '1e-100'],
    [5e-324, '5e-324'],
    [9999999999999998, '9999999999999998.0'],
    [1e16, '1e+16'],
    [1.5e16, '1.5e+16'],
    [123456789012345680, '1.2345678901234568e+17'],
    [1e22, '1e+22'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [Number.POSITIVE_INFINITY, 'inf'],
    [Number.NEGATIVE_INFINITY, '-inf'],
    [Number.NaN, ''],
  ])('%d → %s', (x, text) => {
    expect(formatScore(x)).toBe(text);
  });

  it('reads back to the same double, on random doubles of every magnitude', () => {
    const random = seededRandom(42);
    const view = new DataView(new ArrayBuffer(8));
    for (let i = 0; i < 20_000; i++) {
      view.setUint32(0, Math.floor(random() * 2 ** 32));
      view.setUint32(4, Math.floor(random() * 2 ** 32));
      const x = i % 2 === 0 ? view.getFloat64(0) : random() * 10 ** Math.floor(random() * 30 - 15);
      if (!Number.isFinite(x)) continue;
      const text = formatScore(x);
      expect(Number(text), text).toBe(x);
      expect(text).toMatch(/^-?(\d+\.\d+|\d(\.\d+)?e[+-]\d{2,3})$/);
    }
  });
});
