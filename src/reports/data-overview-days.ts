import { type ChartResults, definedRows } from './chart-common.js';

/** One day of the data overview. */
export interface DataOverviewDay {
  date: string;
  attackers: number;
  /** Attackers seen on some day before (attackers × oracle ceiling, rounded); undefined without the ceiling. */
  returning?: number;
  /** attackers − returning. */
  new?: number;
  /** Share of the day's attackers seen before: the best recall a list from history can reach. */
  oracleCeiling?: number;
}

/**
 * The days of a run as the data overview shows them (DESIGN §5 oracle ceiling). The number of attackers and the
 * ceiling are the same for every model and budget, so the first defined value of a day is taken. There is no
 * direct count of returning attackers in the results: it is attackers × ceiling (the ceiling is returning /
 * attackers), rounded to undo the float division.
 */
export function dataOverviewDays(results: ChartResults): DataOverviewDay[] {
  const attackers = new Map<string, number>();
  for (const r of definedRows(results, 'attackers'))
    if (!attackers.has(r.date)) attackers.set(r.date, r.value);
  const ceiling = new Map<string, number>();
  for (const r of definedRows(results, 'oracle_ceiling'))
    if (!ceiling.has(r.date)) ceiling.set(r.date, r.value);
  return [...attackers.keys()].sort().map((date) => {
    const n = attackers.get(date)!;
    const c = ceiling.get(date);
    if (c === undefined) return { date, attackers: n };
    const returning = Math.round(n * c);
    return { date, attackers: n, returning, new: n - returning, oracleCeiling: c };
  });
}
