import * as aq from 'arquero';
import type { ChartResults } from './chart-common.js';
import { definedPerDay } from './chart-tables.js';

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
 * ceiling are the same for every model and budget, so any defined value of a day is taken. There is no
 * direct count of returning attackers in the results: it is attackers × ceiling (the ceiling is returning /
 * attackers), rounded to undo the float division.
 */
export function dataOverviewDays(results: ChartResults): DataOverviewDay[] {
  const perDate = (metric: string, as: string) =>
    definedPerDay(results, metric)
      .groupby('date')
      .rollup({ [as]: aq.op.any('value') });
  const days = perDate('attackers', 'attackers')
    .lookup(perDate('oracle_ceiling', 'ceiling'), 'date', 'ceiling')
    .orderby('date')
    .objects() as { date: string; attackers: number; ceiling?: number }[];
  return days.map(({ date, attackers: n, ceiling: c }) => {
    if (c === undefined) return { date, attackers: n };
    const returning = Math.round(n * c);
    return { date, attackers: n, returning, new: n - returning, oracleCeiling: c };
  });
}
