/**
 * Arquero views of a results folder (src/results/tables.ts) on the hand-made mini folder (test/reports/mini-results.ts),
 * every expected value read off that folder's text by hand: models Alpha and Beta, budgets 10 and natural, days
 * 2024-01-01 .. 2024-01-03.
 */
import * as aq from 'arquero';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  metricTable,
  type ResultsFolder,
  readResultsFolder,
  resultsTables,
  summaryByModel,
} from '../../src/results/index.js';
import { tempDir } from '../helpers.js';
import { writeMiniResults } from '../reports/mini-results.js';

let folder: ResultsFolder;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  const temp = await tempDir('aiplab-tables-');
  cleanup = temp.cleanup;
  folder = await readResultsFolder(await writeMiniResults(temp.dir));
});
afterAll(async () => cleanup?.());

/** A column's values as a plain array (arquero may hold them in a typed array). */
const column = (t: aq.ColumnTable, name: string) => Array.from(t.array(name) as ArrayLike<unknown>);

describe('resultsTables', () => {
  it('names the columns as the CSV files do and keeps their rows in order', () => {
    const { perDay, summary, comparisons } = resultsTables(folder);
    expect(perDay.columnNames()).toEqual(['date', 'model', 'budget', 'metric', 'value']);
    expect(summary.columnNames()).toEqual([
      'model',
      'budget',
      'metric',
      'n',
      'mean',
      'median',
      'q1',
      'q3',
      'iqr',
      'ci_low',
      'ci_high',
      'higher_is_better',
    ]);
    expect(comparisons.columnNames()).toEqual([
      'metric',
      'budget',
      'model_a',
      'model_b',
      'n',
      'mean_diff',
      'median_diff',
      'ci_low',
      'ci_high',
      'a_wins',
      'a_losses',
      'ties',
      'p_value',
      'p_holm',
      'significant',
      'verdict',
    ]);
    // per_day: a day holds 4 (model, budget) pairs × recall, attackers, oracle_ceiling, plus jaccard for the two
    // pairs at budget 10: 14 rows a day, 42 in all. summary.csv has 13 rows, comparisons.csv 3.
    expect(perDay.numRows()).toBe(42);
    expect(summary.numRows()).toBe(13);
    expect(comparisons.numRows()).toBe(3);
    expect(perDay.object(0)).toEqual({
      date: '2024-01-01',
      model: 'Alpha',
      budget: '10',
      metric: 'recall',
      value: 0.5,
    });
    expect(summary.object(4)).toEqual({
      model: 'Alpha',
      budget: '10',
      metric: 'recall',
      n: 2,
      mean: 0.375,
      median: 0.375,
      q1: 0.3,
      q3: 0.45,
      iqr: 0.15,
      ci_low: 0.25,
      ci_high: 0.5,
      higher_is_better: true,
    });
    expect(comparisons.object(2)).toMatchObject({
      metric: 'f1',
      budget: '10',
      model_a: 'Alpha',
      model_b: 'Beta',
      n: 3,
      mean_diff: -0.2,
      a_wins: 0,
      a_losses: 3,
      p_holm: 0.02,
      significant: true,
    });
    expect(comparisons.get('verdict', 2)).toMatch(/^Beta beats Alpha on f1 at budget 10/);
  });

  it('keeps NaN where a value is undefined, and arquero aggregates skip it', () => {
    const { perDay, summary } = resultsTables(folder);
    // Beta's natural recall is undefined in summary.csv (n = 0) and every day in per_day.csv.
    const beta = summary.filter(
      aq.escape(
        (d: { model: string; budget: string; metric: string }) =>
          d.model === 'Beta' && d.budget === 'natural' && d.metric === 'recall',
      ),
    );
    expect(beta.get('mean', 0)).toBeNaN();
    // Mean recall at 10 per model: Alpha (0.5 + 0.25) / 2 = 0.375 (its NaN day left out), Beta 0.6 / 3 = 0.2.
    const means = perDay
      .filter(
        aq.escape((d: { budget: string; metric: string }) => d.budget === '10' && d.metric === 'recall'),
      )
      .groupby('model')
      .rollup({ mean: aq.op.mean('value'), days: aq.op.valid('value') })
      .orderby('model');
    expect(column(means, 'model')).toEqual(['Alpha', 'Beta']);
    expect(column(means, 'mean')[0]).toBeCloseTo(0.375, 12);
    expect(column(means, 'mean')[1]).toBeCloseTo(0.2, 12);
    expect(column(means, 'days')).toEqual([2, 3]);
  });

  it('takes an analysis made in memory, without per-day rows', () => {
    const { perDay, summary, comparisons } = resultsTables({
      summary: folder.summary.slice(0, 2),
      comparisons: [],
    });
    expect(perDay.numRows()).toBe(0);
    expect(perDay.columnNames()).toEqual(['date', 'model', 'budget', 'metric', 'value']);
    expect(column(summary, 'model')).toEqual(['Alpha', 'Beta']);
    expect(column(summary, 'metric')).toEqual(['size', 'size']);
    expect(comparisons.numRows()).toBe(0);
  });
});

describe('metricTable', () => {
  it('spreads one metric at one budget over the days, one column per model', () => {
    const t = metricTable(folder, 'recall', 10);
    expect(t.columnNames()).toEqual(['date', 'Alpha', 'Beta']);
    expect(column(t, 'date')).toEqual(['2024-01-01', '2024-01-02', '2024-01-03']);
    const alpha = column(t, 'Alpha');
    expect(alpha[0]).toBe(0.5);
    expect(alpha[1]).toBeNaN();
    expect(alpha[2]).toBe(0.25);
    expect(column(t, 'Beta')).toEqual([0.1, 0.2, 0.3]);
  });

  it('gives a model undefined every day NaN throughout, and a budget as text or number alike', () => {
    const t = metricTable(folder, 'recall', 'natural');
    expect(column(t, 'Alpha')).toEqual([0.6, 0.7, 0.8]);
    const beta = column(t, 'Beta');
    expect(beta).toHaveLength(3);
    for (const v of beta) expect(v).toBeNaN();
    expect(metricTable(folder, 'jaccard_previous', '10').objects()).toEqual(
      metricTable(folder, 'jaccard_previous', 10).objects(),
    );
  });

  it('is empty, with its date column, for a metric the run does not have at that budget', () => {
    const t = metricTable(folder, 'jaccard_previous', 'natural');
    expect(t.numRows()).toBe(0);
    expect(t.columnNames()).toEqual(['date']);
  });

  it('takes a run’s rows in memory', () => {
    const t = metricTable({ perDay: folder.perDay }, 'oracle_ceiling', 10);
    expect(column(t, 'Alpha')).toEqual([0, 0.35, 0.625]);
    expect(column(t, 'Beta')).toEqual([0, 0.35, 0.625]);
  });
});

describe('summaryByModel', () => {
  it('spreads the means at one budget, one column per metric in the summary’s order', () => {
    const t = summaryByModel(folder, { budget: 10 });
    expect(t.columnNames()).toEqual(['model', 'size', 'recall', 'recall_at_k', 'coverage_flows']);
    expect(column(t, 'model')).toEqual(['Alpha', 'Beta']);
    expect(t.object(0)).toEqual({
      model: 'Alpha',
      size: 10,
      recall: 0.375,
      recall_at_k: 0.4,
      coverage_flows: 0.7,
    });
    const beta = t.object(1) as Record<string, number>;
    expect([beta.size, beta.recall, beta.recall_at_k]).toEqual([10, 0.2, 0.2]);
    // Beta has no coverage_flows row at 10: NaN, not missing.
    expect(beta.coverage_flows).toBeNaN();
  });

  it('takes the metrics in the order asked and any statistic, NaN where undefined or absent', () => {
    const t = summaryByModel(folder, {
      budget: 'natural',
      metrics: ['recall', 'f1', 'size'],
      stat: 'ci_low',
    });
    expect(t.columnNames()).toEqual(['model', 'recall', 'f1', 'size']);
    const [alpha, beta] = t.objects() as Record<string, number | string>[];
    expect(alpha!.model).toBe('Alpha');
    expect(alpha!.recall).toBe(0.6);
    expect(alpha!.f1).toBeNaN();
    expect(alpha!.size).toBe(30);
    expect(beta!.model).toBe('Beta');
    expect(beta!.recall).toBeNaN();
    expect(beta!.f1).toBeNaN();
    expect(beta!.size).toBe(50);
    expect(column(summaryByModel(folder, { budget: 10, metrics: ['recall'], stat: 'n' }), 'recall')).toEqual([
      2, 3,
    ]);
  });

  it('keeps a row per model and budget when no budget is asked', () => {
    const t = summaryByModel(folder, { metrics: ['size', 'recall_at_k'] });
    expect(t.columnNames()).toEqual(['model', 'budget', 'size', 'recall_at_k']);
    // summary.csv's order: Alpha 10, Beta 10, Alpha natural, Beta natural (the size rows come first).
    expect(column(t, 'model')).toEqual(['Alpha', 'Beta', 'Alpha', 'Beta']);
    expect(column(t, 'budget')).toEqual(['10', '10', 'natural', 'natural']);
    expect(column(t, 'size')).toEqual([10, 10, 30, 50]);
    const atK = column(t, 'recall_at_k');
    expect(atK.slice(0, 3)).toEqual([0.4, 0.2, 0.6]);
    expect(atK[3]).toBeNaN();
  });

  it('spreads a value made of each row, such as a mean with its CI as text', () => {
    const t = summaryByModel(folder, {
      budget: 10,
      metrics: ['recall_at_k', 'coverage_flows'],
      stat: (s) => `${s.mean} [${s.ciLow}, ${s.ciHigh}]`,
    });
    expect(t.objects()[0]).toEqual({
      model: 'Alpha',
      recall_at_k: '0.4 [0.3, 0.5]',
      coverage_flows: '0.7 [NaN, NaN]',
    });
    expect(t.get('recall_at_k', 1)).toBe('0.2 [0.1, 0.3]');
    // Beta has no coverage_flows row at 10: the cell is NaN, as for a statistic.
    expect(t.get('coverage_flows', 1)).toBeNaN();
  });
});
