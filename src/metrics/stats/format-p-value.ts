/** A p-value as the summaries print it: two significant digits, or `1.2e-5` below 1e-4; `missing` for NaN. */
export function formatPValue(p: number, missing = 'n/a'): string {
  if (Number.isNaN(p)) return missing;
  return p < 1e-4 ? p.toExponential(1) : String(Number(p.toPrecision(2)));
}
