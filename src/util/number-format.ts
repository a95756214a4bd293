/**
 * Numbers as the AIP tool writes them with pandas: integers plain, floats in Python's shortest repr with at least
 * one decimal (`0.0`, `18.73475`). Durations are rounded to the microsecond Zeek reports, so sums are stable text.
 */
export function formatCount(n: number): string {
  return String(n);
}

export function formatDuration(seconds: number): string {
  const rounded = Number(seconds.toFixed(6));
  if (Number.isInteger(rounded)) return `${rounded}.0`;
  return String(rounded);
}
