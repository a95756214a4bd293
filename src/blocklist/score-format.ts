/**
 * A float64 as pandas `to_csv` writes it with no `float_format`: numpy's `astype(str)`, which is Python's `repr` —
 * the shortest text that reads back to the same double, with `.0` on integral values (`1.0`), scientific notation
 * when the decimal exponent is below -4 or at least 16 (`1e-05`, `1.5e+16`, exponent at least two digits), `inf`,
 * and NaN as pandas' default `na_rep`, the empty string. (util's formatFloat follows JavaScript's thresholds
 * instead, 1e-7 and 1e21, which differ from Python's for tiny scores such as AIP's threshold 0.00002.)
 */
export function formatScore(x: number): string {
  if (Number.isNaN(x)) return '';
  if (x === Number.POSITIVE_INFINITY) return 'inf';
  if (x === Number.NEGATIVE_INFINITY) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // toExponential() with no argument gives the shortest round-trip digits, as repr does.
  const [mantissa, expText] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp).toString().padStart(2, '0');
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${sign}${intPart}.${frac === '' ? '0' : frac}`;
}
