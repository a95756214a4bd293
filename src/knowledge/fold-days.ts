import type { Dataset } from '../days/dataset.js';
import { formatDay, parseDay } from '../util/dates.js';
import { UsageError } from '../util/errors.js';
import { KnowledgeBase, type KnowledgeOptions } from './knowledge-base.js';
import { LookaheadError } from './lookahead-error.js';

export interface FoldReport {
  /** Days folded with their table. */
  folded: string[];
  /** Days folded as missing: inside the dataset's gaps, or outside its first..last days. */
  missing: string[];
}

/**
 * Folds the days of `dataset` from the knowledge base's next day (for an empty one: `from`, default the dataset's
 * first day) up to the day before `date`, so that `kb.asOf(date)` is ready. A day without a table is folded as
 * missing, never as empty. Only days before `date` are read.
 */
export async function foldDaysBefore(
  kb: KnowledgeBase,
  dataset: Dataset,
  date: string,
  options: { from?: string } = {},
): Promise<FoldReport> {
  const until = parseDay(date);
  if (until === undefined) throw new UsageError(`foldDaysBefore: not a YYYY-MM-DD date: '${date}'`);
  const startText = kb.nextDay ?? options.from ?? dataset.firstDay;
  const report: FoldReport = { folded: [], missing: [] };
  if (startText === undefined) return report;
  const start = parseDay(startText);
  if (start === undefined) throw new UsageError(`foldDaysBefore: not a YYYY-MM-DD date: '${startText}'`);
  if (kb.nextDay !== undefined && until < start) {
    throw new LookaheadError(
      `foldDaysBefore(${date}): the knowledge base has already folded through ${formatDay(start - 1)}`,
    );
  }
  for (let d = start; d < until; d++) {
    const day = formatDay(d);
    if (dataset.has(day)) {
      kb.addDay(await dataset.readDayTable(day));
      report.folded.push(day);
    } else {
      kb.addMissingDay(day);
      report.missing.push(day);
    }
  }
  return report;
}

/** A knowledge base holding every day of `dataset` before `date` (from `from`, default its first day). */
export async function buildKnowledge(
  dataset: Dataset,
  date: string,
  options: KnowledgeOptions & { from?: string } = {},
): Promise<KnowledgeBase> {
  const kb = new KnowledgeBase(options);
  await foldDaysBefore(kb, dataset, date, options.from === undefined ? {} : { from: options.from });
  return kb;
}
