import { UsageError } from '../../util/errors.js';

/**
 * Holm–Bonferroni step-down adjusted p-values (Holm 1979), in the input's order: with the m non-NaN p-values sorted
 * ascending, p̃(i) = max over j ≤ i of min(1, (m − j + 1)·p(j)). NaN entries stay NaN and do not count in m; equal
 * p-values get equal adjusted values. Matches R's `p.adjust(p, 'holm')`.
 */
export function holm(pValues: readonly number[]): number[] {
  const order: number[] = [];
  pValues.forEach((p, i) => {
    if (Number.isNaN(p)) return;
    if (!(p >= 0 && p <= 1)) throw new UsageError(`holm: p-value ${i} is ${p}, not in [0, 1]`);
    order.push(i);
  });
  order.sort((i, j) => (pValues[i] as number) - (pValues[j] as number));
  const m = order.length;
  const adjusted = pValues.map(() => Number.NaN);
  let running = 0;
  order.forEach((index, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * (pValues[index] as number)));
    adjusted[index] = running;
  });
  return adjusted;
}
