import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CsvError, parse } from 'csv-parse/sync';
import type { ZodError } from 'zod';
import { isDay } from '../util/dates.js';
import { DataError, UsageError } from '../util/errors.js';
import { COMPARISON_COLUMNS, PER_DAY_COLUMNS, SUMMARY_COLUMNS } from './csv.js';
import { manifestSchema, type ResultsManifest } from './manifest.js';
import type { ComparisonRow, PerDayRow, SummaryRow } from './rows.js';

/** A results folder read back (DESIGN §6): what the report and the notebooks work from. */
export interface ResultsFolder {
  /** The folder, as an absolute path. */
  dir: string;
  manifest: ResultsManifest;
  /** per_day.csv: one value per day, model, budget and metric; NaN where the metric is undefined that day. */
  perDay: PerDayRow[];
  /** summary.csv: statistics across days per model, budget and metric. */
  summary: SummaryRow[];
  /** comparisons.csv: paired differences between models per metric and budget. */
  comparisons: ComparisonRow[];
}

function zodMessage(error: ZodError): { field: string; message: string } {
  const issue = error.issues[0]!;
  const field = issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
  return { field: field || '(root)', message: issue.message };
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DataError(
      code === 'ENOENT' ? 'missing: not a complete results folder' : `unreadable (${code})`,
      {
        file,
      },
    );
  }
}

async function readManifest(file: string): Promise<ResultsManifest> {
  const text = await readText(file);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DataError(`not valid JSON: ${(error as Error).message}`, { file });
  }
  // A tuning folder (`aiplab tune`) holds the test window's backtest files; its manifest keeps that backtest's facts
  // under `test`. Reading them in place of the top level makes the report of a tuning run the report of Best vs
  // Default (and the baselines) on the test window; the search facts pass through untouched. A manifest with folds
  // keeps each test window's experiment under `folds[i].test.experiment`: the pooled test windows are the first
  // one's experiment running to the last one's `to` (as tune's poolRuns makes them).
  if (isTuneManifest(json)) json = { ...json, experiment: testExperiment(json), ...json.test };
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const { field, message } = zodMessage(parsed.error);
    throw new DataError(message, { file, field });
  }
  return parsed.data as unknown as ResultsManifest;
}

function testExperiment(manifest: object): unknown {
  const json = manifest as { experiment?: unknown; folds?: unknown };
  const folds = Array.isArray(json.folds) ? (json.folds as { test?: { experiment?: unknown } }[]) : [];
  const first = folds[0]?.test?.experiment as Record<string, unknown> | undefined;
  const last = folds[folds.length - 1]?.test?.experiment as Record<string, unknown> | undefined;
  if (typeof first !== 'object' || first === null || typeof last !== 'object' || last === null)
    return json.experiment;
  return { ...first, to: last.to };
}

function isTuneManifest(json: unknown): json is { kind: 'tune'; test: Record<string, unknown> } {
  if (typeof json !== 'object' || json === null) return false;
  const { kind, test } = json as { kind?: unknown; test?: unknown };
  return kind === 'tune' && typeof test === 'object' && test !== null;
}

/** Reads one cell of a record: a typed value, or a DataError naming the file, line and column. */
type Cell = (column: string) => string;

function number(cell: Cell, column: string, where: { file: string; line: number }): number {
  const text = cell(column);
  // The writer spells an undefined value NaN (results.ts formatValue); anything else must be a number.
  if (text === 'NaN') return Number.NaN;
  const x = text.trim() === '' ? Number.NaN : Number(text);
  if (Number.isNaN(x))
    throw new DataError(`expected a number or NaN, got '${text}'`, { ...where, field: column });
  return x;
}

function integer(cell: Cell, column: string, where: { file: string; line: number }): number {
  const x = number(cell, column, where);
  if (!Number.isInteger(x))
    throw new DataError(`expected a whole number, got '${cell(column)}'`, { ...where, field: column });
  return x;
}

function boolean(cell: Cell, column: string, where: { file: string; line: number }): boolean {
  const text = cell(column);
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new DataError(`expected true or false, got '${text}'`, { ...where, field: column });
}

function text(cell: Cell, column: string, where: { file: string; line: number }): string {
  const t = cell(column);
  if (t === '') throw new DataError('empty', { ...where, field: column });
  return t;
}

/**
 * A budget label as budgetLabel writes it: a whole number ≥ 1, `natural`, or a matched budget `size(<label>)` /
 * `<share>*size(<label>)` (a model label: letters, digits and . _ + = -).
 */
const BUDGET_LABEL =
  /^(?:[1-9]\d*|natural|(?:(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?\*)?size\([A-Za-z0-9][A-Za-z0-9._+=-]*\))$/;

function budget(cell: Cell, column: string, where: { file: string; line: number }): string {
  const t = cell(column);
  if (!BUDGET_LABEL.test(t))
    throw new DataError(
      `expected a budget (a whole number, 'natural' or a matched budget such as size(Alpha) or 0.25*size(Alpha7)), got '${t}'`,
      {
        ...where,
        field: column,
      },
    );
  return t;
}

/** Parses a CSV file whose first line names its columns; `row` turns each record into a typed row. */
async function readCsv<T>(
  file: string,
  columns: readonly string[],
  row: (cell: Cell, where: { file: string; line: number }) => T,
): Promise<T[]> {
  const source = await readText(file);
  // Line numbers come from csv-parse's `info`, which costs twice the parse; without a quote in the file no record
  // spans lines, so record i is simply on line i + 1 (per_day.csv, the large file, never has one).
  const quoted = source.includes('"');
  let records: string[][];
  let lines: number[] | undefined;
  try {
    if (quoted) {
      const withInfo = parse(source, { info: true, relax_column_count: true }) as unknown as {
        record: string[];
        info: { lines: number };
      }[];
      records = withInfo.map((r) => r.record);
      lines = withInfo.map((r) => r.info.lines);
    } else records = parse(source, { relax_column_count: true }) as string[][];
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      throw new DataError(
        error.message.replace(/^Invalid [^:]*: /, ''),
        line !== undefined ? { file, line } : { file },
      );
    }
    throw error;
  }
  const header = records[0];
  if (!header) throw new DataError(`empty: expected a header line ${columns.join(',')}`, { file });
  const index = new Map(header.map((name, i) => [name, i]));
  for (const c of columns)
    if (!index.has(c)) throw new DataError('missing column', { file, line: 1, field: c });
  const out: T[] = [];
  for (let r = 1; r < records.length; r++) {
    const record = records[r]!;
    const line = lines ? lines[r]! : r + 1;
    // Counted here rather than by csv-parse, so a header short of a column is reported as such (above).
    if (record.length !== header.length)
      throw new DataError(`${record.length} fields where the header has ${header.length}`, { file, line });
    const cell: Cell = (c) => record[index.get(c)!]!;
    out.push(row(cell, { file, line }));
  }
  return out;
}

/**
 * Reads a results folder written by `aiplab backtest` (`<out>/<id>/<timestamp>/`): manifest.json, per_day.csv,
 * summary.csv and comparisons.csv, typed. A missing or malformed file is a DataError naming the file, the line and
 * the field; a path that is no folder at all is a UsageError (the caller named the wrong thing).
 */
export async function readResultsFolder(dir: string): Promise<ResultsFolder> {
  const abs = resolve(dir);
  const info = await stat(abs).catch(() => undefined);
  if (!info?.isDirectory()) throw new UsageError(`${dir}: no such results folder`);
  const manifestFile = join(abs, 'manifest.json');
  if (!(await stat(manifestFile).catch(() => undefined))) {
    // A common slip: the experiment's folder (`<out>/<id>`), which holds one folder per run.
    throw new UsageError(
      `${dir}: not a results folder (no manifest.json); pass a run folder such as <out>/<id>/<timestamp>`,
    );
  }
  const manifest = await readManifest(manifestFile);
  const [perDay, summary, comparisons] = await Promise.all([
    readCsv(join(abs, 'per_day.csv'), PER_DAY_COLUMNS, (cell, where) => {
      const date = cell('date');
      if (!isDay(date))
        throw new DataError(`expected a date YYYY-MM-DD, got '${date}'`, { ...where, field: 'date' });
      return {
        date,
        model: text(cell, 'model', where),
        budget: budget(cell, 'budget', where),
        metric: text(cell, 'metric', where),
        value: number(cell, 'value', where),
      } satisfies PerDayRow;
    }),
    readCsv(
      join(abs, 'summary.csv'),
      SUMMARY_COLUMNS,
      (cell, where) =>
        ({
          model: text(cell, 'model', where),
          budget: budget(cell, 'budget', where),
          metric: text(cell, 'metric', where),
          n: integer(cell, 'n', where),
          mean: number(cell, 'mean', where),
          median: number(cell, 'median', where),
          q1: number(cell, 'q1', where),
          q3: number(cell, 'q3', where),
          iqr: number(cell, 'iqr', where),
          ciLow: number(cell, 'ci_low', where),
          ciHigh: number(cell, 'ci_high', where),
          higherIsBetter: boolean(cell, 'higher_is_better', where),
        }) satisfies SummaryRow,
    ),
    readCsv(
      join(abs, 'comparisons.csv'),
      COMPARISON_COLUMNS,
      (cell, where) =>
        ({
          metric: text(cell, 'metric', where),
          budget: budget(cell, 'budget', where),
          modelA: text(cell, 'model_a', where),
          modelB: text(cell, 'model_b', where),
          n: integer(cell, 'n', where),
          meanDiff: number(cell, 'mean_diff', where),
          medianDiff: number(cell, 'median_diff', where),
          ciLow: number(cell, 'ci_low', where),
          ciHigh: number(cell, 'ci_high', where),
          wins: integer(cell, 'a_wins', where),
          losses: integer(cell, 'a_losses', where),
          ties: integer(cell, 'ties', where),
          pValue: number(cell, 'p_value', where),
          pHolm: number(cell, 'p_holm', where),
          significant: boolean(cell, 'significant', where),
          verdict: cell('verdict'),
        }) satisfies ComparisonRow,
    ),
  ]);
  return { dir: abs, manifest, perDay, summary, comparisons };
}
