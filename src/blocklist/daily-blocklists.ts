import { openDataset } from '../days/dataset.js';
import { buildKnowledge } from '../knowledge/fold-days.js';
// The models' index registers the built-in models.
import { createModel, knowledgeOptionsFor, modelContext, modelNames, selectList } from '../models/index.js';
import { addDays, parseDay } from '../util/dates.js';
import { DataError, UsageError } from '../util/errors.js';
import { checkOutputFolder } from '../util/output-path.js';
import type { Allowlist } from './allowlist.js';
import { getListFormat } from './formats/registry.js';
import { readAllowlist } from './read-allowlist.js';

export interface DailyBlocklistOptions {
  /** Dataset folder (ingest output, or an AIP data/processed folder). */
  data: string;
  /** The day the lists are for, `YYYY-MM-DD`: they use the data of the days before it only. */
  date: string;
  /** Model names, or 'all' for every registered model. @default 'all' */
  models?: string[] | 'all';
  /** AIP `do_not_block_these_ips.csv` (IPs and CIDR ranges): never listed. */
  allowlist?: string | undefined;
  /** Cut every list to its top K instead of the model's own rule. */
  budget?: number | undefined;
  /** Output format: aip, txt, ipset, nft. @default 'aip' */
  format?: string;
  /** Output root (AIP's `data/output`). */
  out: string;
  /** Seed for models that draw random numbers. @default 0 */
  seed?: number;
  /** Receives warnings (missing days in a window, empty history, the dataset's own, …). */
  warn?: (message: string) => void;
  /** Accept day tables edited since ingest, re-fingerprinting the dataset (see openDataset). @default false */
  trustChanges?: boolean;
}

export interface DailyBlocklistResult {
  date: string;
  lists: { model: string; entries: number; removedByAllowlist: number; files: string[] }[];
}

/**
 * The daily command AIP users know (DESIGN §4): knowledge from the days before `date` → each model's ranking →
 * allowlist removed → the model's list rule or the budget → one file per model, written atomically.
 */
export async function dailyBlocklists(options: DailyBlocklistOptions): Promise<DailyBlocklistResult> {
  const day = parseDay(options.date);
  if (day === undefined) throw new UsageError(`--date must be a date YYYY-MM-DD, not '${options.date}'`);
  await checkOutputFolder(options.out, { flag: 'out', purpose: 'the blocklists' });
  const format = getListFormat(options.format ?? 'aip');
  const names = options.models === undefined || options.models === 'all' ? modelNames() : options.models;
  const budget = options.budget;
  if (budget !== undefined && !(Number.isInteger(budget) && budget >= 1)) {
    throw new UsageError(`--budget must be a whole number >= 1, not '${budget}'`);
  }
  const models = names.map((name) => createModel(name, budget === undefined ? {} : { budget }));
  const allowlist: Allowlist | undefined = options.allowlist
    ? await readAllowlist(options.allowlist)
    : undefined;
  const dataset = await openDataset(options.data, options.trustChanges ? { trustChanges: true } : {});
  for (const w of dataset.warnings ?? []) options.warn?.(w);
  if (dataset.lastDay === undefined) throw new DataError('the dataset has no day', { file: options.data });
  const latest = addDays(dataset.lastDay, 1);
  if (options.date > latest) {
    throw new UsageError(
      `--date ${options.date} is after the day after the dataset's last day (${dataset.lastDay}): the lists for it would use data nobody has yet (latest possible: ${latest})`,
    );
  }
  const knowledge = await buildKnowledge(dataset, options.date, knowledgeOptionsFor(models));
  const view = knowledge.asOf(options.date);
  const ctx = modelContext(view, { seed: options.seed ?? 0, warn: options.warn ?? (() => {}) });
  const exclude = allowlist ? (ip: string) => allowlist.contains(ip) : undefined;
  const result: DailyBlocklistResult = { date: options.date, lists: [] };
  for (const model of models) {
    const ranked = model.rank(ctx);
    const kept = exclude ? selectList(ranked, { exclude }) : ranked;
    const list = selectList(kept, { rule: budget === undefined ? model.listRule : undefined, budget });
    const removed = ranked.ips.length - kept.ips.length;
    const files = await format.writeList(list, {
      model: model.name,
      date: options.date,
      out: options.out,
      unranked: model.unranked,
    });
    result.lists.push({ model: model.name, entries: list.ips.length, removedByAllowlist: removed, files });
  }
  return result;
}
