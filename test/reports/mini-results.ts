/**
 * A small hand-made results folder (the layout `aiplab backtest` writes), small enough to check every chart value by
 * hand: models Alpha and Beta, budgets 10 and natural, three days 2024-01-01 .. 2024-01-03.
 *
 * By hand:
 * - attackers 10, 20, 8 and oracle ceiling 0, 0.35, 0.625 ⇒ returning 0, 7, 5 and new 10, 13, 3;
 * - recall at 10: Alpha 0.5, NaN, 0.25 (the NaN day is left out); Beta 0.1, 0.2, 0.3;
 *   at natural: Alpha 0.6, 0.7, 0.8; Beta NaN every day (no line);
 * - jaccard_previous only at 10 (NaN on the first day): Alpha 0.5, 1; Beta 0.25, 0.75;
 * - precision, ndcg, f1, coverage_flows: not in per_day.csv (no chart over time);
 * - summary: recall_at_k Alpha 0.4 [0.3, 0.5] and Beta 0.2 [0.1, 0.3] at 10, Alpha 0.6 [0.5, 0.7] at natural (as
 *   folders written before recall_at_k became undefined for a natural list hold; the charts leave it out), Beta
 *   natural NaN (n = 0, left out); recall Alpha 0.375 [0.25, 0.5] and Beta 0.2 [0.1, 0.3] at 10, Alpha 0.7
 *   [0.6, 0.8] at natural (natural mean size 30), Beta natural NaN; coverage_flows Alpha at 10 without CI;
 *   no precision_at_k (no budget chart);
 * - comparisons: recall at 10 Alpha − Beta 0.1 [0.05, 0.2] not significant, recall at natural NaN (left out),
 *   f1 at 10 −0.2 [−0.3, −0.1] significant.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const MINI_MANIFEST = {
  aiplab: '0.1.0',
  experiment: {
    id: 'mini',
    version: 1,
    description: 'hand-made <results> & "quotes"',
    dataset: '/data/mini',
    from: '2024-01-01',
    to: '2024-01-03',
    models: [
      { name: 'Alpha', label: 'Alpha', params: { lookback: 1 } },
      { name: 'Alpha7', label: 'Beta', params: { lookback: 7 } },
    ],
    budgets: [10, 'natural'],
    metrics: ['size', 'recall', 'recall_at_k', 'coverage_flows', 'f1', 'attackers', 'oracle_ceiling'],
    horizons: [0],
    seed: 1,
    bootstrap: { resamples: 1000, level: 0.9 },
  },
  dataset: {
    dir: '/data/mini',
    fingerprint: 'ab12',
    fingerprintOf: 'manifest.json',
    firstDay: '2023-12-31',
    lastDay: '2024-01-03',
    days: 4,
    missingDays: [],
  },
  git: { commit: 'deadbeef', dirty: false },
  versions: { aiplab: '0.1.0', node: 'v20' },
  seed: 1,
  startedAt: '2024-02-01T00:00:00.000Z',
  command: ['backtest', 'mini.json'],
  days: 3,
  scoredDays: 3,
  skipped: [{ date: '2024-01-04', horizon: 1, reason: 'after the <last> day' }],
  knownIps: 42,
  warnings: [{ message: 'Beta: a <warning>', count: 2 }],
  timings: { totalMs: 1234, foldMs: 1, truthMs: 1, scoreMs: 1, analysisMs: 1, rankMs: {} },
  files: ['per_day.csv', 'summary.csv', 'comparisons.csv', 'summary.txt'],
};

const DAYS = ['2024-01-01', '2024-01-02', '2024-01-03'];
const ATTACKERS = [10, 20, 8];
const CEILING = [0, 0.35, 0.625];

function perDayCsv(): string {
  const lines = ['date,model,budget,metric,value'];
  const recall: Record<string, (number | string)[]> = {
    'Alpha,10': [0.5, 'NaN', 0.25],
    'Beta,10': [0.1, 0.2, 0.3],
    'Alpha,natural': [0.6, 0.7, 0.8],
    'Beta,natural': ['NaN', 'NaN', 'NaN'],
  };
  const jaccard: Record<string, (number | string)[]> = {
    'Alpha,10': ['NaN', 0.5, 1],
    'Beta,10': ['NaN', 0.25, 0.75],
  };
  DAYS.forEach((date, i) => {
    for (const key of ['Alpha,10', 'Beta,10', 'Alpha,natural', 'Beta,natural']) {
      lines.push(`${date},${key},recall,${recall[key]![i]}`);
      if (jaccard[key]) lines.push(`${date},${key},jaccard_previous,${jaccard[key]![i]}`);
      lines.push(`${date},${key},attackers,${ATTACKERS[i]}`);
      lines.push(`${date},${key},oracle_ceiling,${CEILING[i]}`);
    }
  });
  return `${lines.join('\n')}\n`;
}

const SUMMARY = `model,budget,metric,n,mean,median,q1,q3,iqr,ci_low,ci_high,higher_is_better
Alpha,10,size,3,10,10,10,10,0,10,10,false
Beta,10,size,3,10,10,10,10,0,10,10,false
Alpha,natural,size,3,30,30,30,30,0,30,30,false
Beta,natural,size,3,50,50,50,50,0,50,50,false
Alpha,10,recall,2,0.375,0.375,0.3,0.45,0.15,0.25,0.5,true
Beta,10,recall,3,0.2,0.2,0.15,0.25,0.1,0.1,0.3,true
Alpha,natural,recall,3,0.7,0.7,0.65,0.75,0.1,0.6,0.8,true
Beta,natural,recall,0,NaN,NaN,NaN,NaN,NaN,NaN,NaN,true
Alpha,10,recall_at_k,3,0.4,0.4,0.35,0.45,0.1,0.3,0.5,true
Beta,10,recall_at_k,3,0.2,0.2,0.15,0.25,0.1,0.1,0.3,true
Alpha,natural,recall_at_k,3,0.6,0.6,0.55,0.65,0.1,0.5,0.7,true
Beta,natural,recall_at_k,0,NaN,NaN,NaN,NaN,NaN,NaN,NaN,true
Alpha,10,coverage_flows,1,0.7,0.7,0.7,0.7,0,NaN,NaN,true
`;

const COMPARISONS = `metric,budget,model_a,model_b,n,mean_diff,median_diff,ci_low,ci_high,a_wins,a_losses,ties,p_value,p_holm,significant,verdict
recall,10,Alpha,Beta,2,0.1,0.1,0.05,0.2,2,0,0,0.5,0.5,false,"Alpha is ahead of Beta on recall at budget 10 but not significantly: mean difference +0.1 (90% CI 0.05 .. 0.2), Holm p = 0.5, n = 2 days"
recall,natural,Alpha,Beta,0,NaN,NaN,NaN,NaN,0,0,0,NaN,NaN,false,Alpha and Beta: no day with both values of recall at budget natural
f1,10,Alpha,Beta,3,-0.2,-0.2,-0.3,-0.1,0,3,0,0.01,0.02,true,"Beta beats Alpha on f1 at budget 10: mean difference +0.2 (90% CI 0.1 .. 0.3), Holm p = 0.02, n = 3 days; significant"
`;

export type MiniFile = 'manifest.json' | 'per_day.csv' | 'summary.csv' | 'comparisons.csv';

/** The folder's files as text; `edit` may replace any of them (null: leave the file out). */
export function miniFiles(
  edit: Partial<Record<MiniFile, string | null>> = {},
): Record<MiniFile, string | null> {
  return {
    'manifest.json': `${JSON.stringify(MINI_MANIFEST, null, 2)}\n`,
    'per_day.csv': perDayCsv(),
    'summary.csv': SUMMARY,
    'comparisons.csv': COMPARISONS,
    ...edit,
  };
}

/** Writes the folder into `dir` (made if missing) and returns `dir`. */
export async function writeMiniResults(
  dir: string,
  edit: Partial<Record<MiniFile, string | null>> = {},
): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(miniFiles(edit)))
    if (text !== null) await writeFile(join(dir, name), text);
  return dir;
}
