import { join } from 'node:path';
import { openDataset } from '../days/dataset.js';
import { buildKnowledge } from '../knowledge/fold-days.js';
// The models' index registers the built-in models.
import { createModel, knowledgeOptionsFor, modelContext, modelNames, selectList } from '../models/index.js';
import { addDays, parseDay } from '../util/dates.js';
import { DataError, UsageError } from '../util/errors.js';
import { checkOutputFolder } from '../util/output-path.js';
import type { Allowlist } from './allowlist.js';
import { bogons } from './bogons.js';
import { listEntryDetails } from './entry-details.js';
import { parseCsvColumns } from './formats/csv-columns.js';
import type { ListFile } from './formats/list-format.js';
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
  /** Several output formats at once, each list written in every one (replaces `format`). */
  formats?: string[];
  /** Never list private, reserved and bogon addresses (bogons.ts), as the allowlist never lists its own. @default false */
  bogonFilter?: boolean;
  /** Write the files; false: write nothing and return them in `lists[].rendered` (the caller writes them). @default true */
  write?: boolean;
  /** Optional columns of the csv format (country, asn, as_name, first_seen, last_seen, days_seen; CSV_COLUMNS). */
  columns?: string | readonly string[] | undefined;
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
  /** Where the csv columns' enrichment data came from (package, version, attribution); absent when none was read. */
  dataSources?: readonly string[];
  lists: {
    model: string;
    entries: number;
    removedByAllowlist: number;
    /** Removed by `bogonFilter` (after the allowlist). */
    removedAsBogons: number;
    /** Paths written (or, with `write: false`, to write), every format's. */
    files: string[];
    /** With `write: false`: the files, relative to `out`, with their bytes. */
    rendered?: ListFile[];
  }[];
}

/**
 * The daily command AIP users know (DESIGN §4): knowledge from the days before `date` → each model's ranking →
 * allowlist removed → the model's list rule or the budget → one file per model, written atomically.
 */
export async function dailyBlocklists(options: DailyBlocklistOptions): Promise<DailyBlocklistResult> {
  const day = parseDay(options.date);
  if (day === undefined) throw new UsageError(`--date must be a date YYYY-MM-DD, not '${options.date}'`);
  await checkOutputFolder(options.out, { flag: 'out', purpose: 'the blocklists' });
  const formats = (options.formats ?? [options.format ?? 'aip']).map((name) => getListFormat(name));
  const columns = parseCsvColumns(options.columns ?? []);
  if (columns.length > 0 && !formats.some((f) => f.name === 'csv'))
    throw new UsageError('--columns chooses the columns of the csv format: add --format csv');
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
  const bogon = options.bogonFilter ? (ip: string) => bogons().contains(ip) : undefined;
  const details = await listEntryDetails(view, columns);
  const result: DailyBlocklistResult = { date: options.date, lists: [] };
  if (details?.notes?.length) result.dataSources = details.notes;
  for (const model of models) {
    const ranked = model.rank(ctx);
    const allowed = exclude ? selectList(ranked, { exclude }) : ranked;
    const kept = bogon ? selectList(allowed, { exclude: bogon }) : allowed;
    const list = selectList(kept, { rule: budget === undefined ? model.listRule : undefined, budget });
    const removed = ranked.ips.length - allowed.ips.length;
    const writeOptions = {
      model: model.name,
      date: options.date,
      out: options.out,
      unranked: model.unranked,
      ...(details ? { columns, details } : {}),
    };
    const files: string[] = [];
    const rendered: ListFile[] = [];
    for (const format of formats) {
      if (options.write !== false) files.push(...(await format.writeList(list, writeOptions)));
      else rendered.push(...format.render(list, writeOptions));
    }
    for (const f of rendered) files.push(join(options.out, f.path));
    result.lists.push({
      model: model.name,
      entries: list.ips.length,
      removedByAllowlist: removed,
      removedAsBogons: allowed.ips.length - kept.ips.length,
      files,
      ...(options.write === false ? { rendered } : {}),
    });
  }
  return result;
}
