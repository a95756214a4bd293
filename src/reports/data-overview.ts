import { type ChartResults, CONFIG, dayAxis, SCHEMA, WIDTH } from './chart-common.js';
import { runDays } from './chart-tables.js';
import { dataOverviewDays } from './data-overview-days.js';
import type { VegaLiteSpec } from './render.js';

/**
 * The data behind a run: attackers per day split into returning (seen before) and new, and the oracle ceiling (the
 * share of a day's attackers any list from history could hold). Undefined when `attackers` was not computed; without
 * `oracle_ceiling` the bars are not split and the ceiling panel is left out.
 */
export function dataOverview(results: ChartResults): VegaLiteSpec | undefined {
  const days = dataOverviewDays(results);
  if (days.length === 0) return undefined;
  const split = days.some((d) => d.returning !== undefined);
  const ceiling = new Map(
    days.flatMap((d) => (d.oracleCeiling === undefined ? [] : [[d.date, d.oracleCeiling]])),
  );
  const bars = days.flatMap((d) =>
    d.returning === undefined
      ? [{ date: d.date, kind: 'attackers', count: d.attackers }]
      : [
          { date: d.date, kind: 'returning (seen before)', count: d.returning },
          { date: d.date, kind: 'new', count: d.new! },
        ],
  );
  const x = { ...dayAxis(), timeUnit: 'utcyearmonthdate' } as const;
  const attackersPanel = {
    title: { text: 'attackers per day', fontSize: 13 },
    width: WIDTH,
    height: 200,
    data: { values: bars },
    mark: { type: 'bar' },
    encoding: {
      x: { ...x, title: null },
      y: { field: 'count', type: 'quantitative', title: 'attackers', stack: 'zero' },
      color: {
        field: 'kind',
        type: 'nominal',
        title: 'attackers',
        scale: split
          ? { domain: ['returning (seen before)', 'new'], range: ['#4c78a8', '#f2a541'] }
          : { domain: ['attackers'], range: ['#4c78a8'] },
      },
      order: { field: 'kind', sort: 'descending' },
    },
  };
  const ceilingPanel = {
    title: { text: 'oracle ceiling: share of the day’s attackers seen on an earlier day', fontSize: 13 },
    width: WIDTH,
    height: 140,
    // Every day of the run, null where there is no ceiling (a missing day): the line breaks there.
    data: {
      values: runDays(results).map((date) => ({ date, ceiling: ceiling.get(date) ?? null })),
    },
    mark: { type: 'line', point: { size: 16 }, color: '#2a7f62', strokeWidth: 1.6 },
    encoding: {
      x,
      y: { field: 'ceiling', type: 'quantitative', title: 'oracle ceiling', scale: { domain: [0, 1] } },
    },
  };
  return {
    $schema: SCHEMA,
    title: {
      text: 'Data overview',
      subtitle: split
        ? 'returning = attackers × oracle ceiling (seen on any day before); the ceiling bounds the recall of any list built from history'
        : 'attackers per day (oracle_ceiling not computed: no split into returning and new)',
    },
    vconcat: split ? [attackersPanel, ceilingPanel] : [attackersPanel],
    resolve: { scale: { x: 'shared', color: 'independent' } },
    config: CONFIG,
  } as VegaLiteSpec;
}
