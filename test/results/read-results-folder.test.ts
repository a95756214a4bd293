/**
 * readResultsFolder: typed rows from the hand-made folder, and one clear error per kind of damage, naming the file,
 * the line and the field (DataError), or a UsageError when the path is not a results folder at all.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, readResultsFolder, UsageError } from '../../src/index.js';
import { tempDir } from '../helpers.js';
import { MINI_MANIFEST, type MiniFile, miniFiles, writeMiniResults } from '../reports/mini-results.js';

const dirs: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of dirs) await cleanup();
});

async function folder(edit: Partial<Record<MiniFile, string | null>> = {}): Promise<string> {
  const { dir, cleanup } = await tempDir('aiplab-read-results-');
  dirs.push(cleanup);
  return writeMiniResults(dir, edit);
}

/** Replaces line `line` (1-based) of one of the mini folder's files. */
function withLine(file: MiniFile, line: number, text: string): Partial<Record<MiniFile, string>> {
  const lines = miniFiles()[file]!.split('\n');
  lines[line - 1] = text;
  return { [file]: lines.join('\n') };
}

describe('readResultsFolder', () => {
  it('reads the four files, typed; NaN stays NaN', async () => {
    const dir = await folder();
    const r = await readResultsFolder(dir);
    expect(r.dir).toBe(dir);
    expect(r.manifest.experiment.id).toBe('mini');
    expect(r.perDay).toHaveLength(3 * (4 * 3 + 2));
    expect(r.perDay[0]).toEqual({
      date: '2024-01-01',
      model: 'Alpha',
      budget: '10',
      metric: 'recall',
      value: 0.5,
    });
    expect(r.perDay.filter((row) => Number.isNaN(row.value))).toHaveLength(1 + 3 + 2);
    expect(r.summary.find((s) => s.metric === 'coverage_flows')).toMatchObject({
      model: 'Alpha',
      budget: '10',
      n: 1,
      mean: 0.7,
      higherIsBetter: true,
    });
    expect(r.summary.find((s) => s.metric === 'coverage_flows')!.ciLow).toBeNaN();
    expect(r.comparisons).toHaveLength(3);
    expect(r.comparisons[2]).toMatchObject({
      metric: 'f1',
      modelA: 'Alpha',
      modelB: 'Beta',
      wins: 0,
      losses: 3,
      significant: true,
    });
    expect(r.comparisons[0]!.verdict).toContain('(90% CI 0.05 .. 0.2), Holm p = 0.5');
  });

  const header = 'date,model,budget,metric,value';
  it.each([
    { what: 'a missing file', edit: { 'summary.csv': null }, file: 'summary.csv', says: 'missing' },
    {
      what: 'a bad number',
      edit: withLine('per_day.csv', 3, '2024-01-01,Alpha,10,jaccard_previous,abc'),
      file: 'per_day.csv',
      line: 3,
      field: 'value',
      says: "expected a number or NaN, got 'abc'",
    },
    {
      what: 'an empty value',
      edit: withLine('per_day.csv', 4, '2024-01-01,Alpha,10,attackers,'),
      file: 'per_day.csv',
      line: 4,
      field: 'value',
      says: "expected a number or NaN, got ''",
    },
    {
      what: 'a bad date',
      edit: withLine('per_day.csv', 2, '2024-02-30,Alpha,10,recall,0.5'),
      file: 'per_day.csv',
      line: 2,
      field: 'date',
      says: 'expected a date',
    },
    {
      what: 'a bad budget',
      edit: withLine('per_day.csv', 2, '2024-01-01,Alpha,ten,recall,0.5'),
      file: 'per_day.csv',
      line: 2,
      field: 'budget',
      says: "got 'ten'",
    },
    {
      what: 'a missing column',
      edit: withLine('per_day.csv', 1, header.replace('budget,', '')),
      file: 'per_day.csv',
      line: 1,
      field: 'budget',
      says: 'missing column',
    },
    {
      what: 'a short record',
      edit: withLine('per_day.csv', 5, '2024-01-01,Alpha,10'),
      file: 'per_day.csv',
      line: 5,
      says: '3 fields where the header has 5',
    },
    {
      what: 'a bad boolean',
      edit: withLine('summary.csv', 3, 'Beta,10,size,3,10,10,10,10,0,10,10,yes'),
      file: 'summary.csv',
      line: 3,
      field: 'higher_is_better',
      says: "expected true or false, got 'yes'",
    },
    {
      what: 'a fractional count',
      edit: withLine(
        'comparisons.csv',
        4,
        miniFiles()['comparisons.csv']!.split('\n')[3]!.replace(',3,0,0.01', ',2.5,0,0.01'),
      ),
      file: 'comparisons.csv',
      line: 4,
      field: 'a_losses',
      says: "expected a whole number, got '2.5'",
    },
    {
      what: 'an unclosed quote',
      edit: withLine(
        'comparisons.csv',
        2,
        'recall,10,Alpha,Beta,2,0.1,0.1,0.05,0.2,2,0,0,0.5,0.5,false,"unclosed',
      ),
      file: 'comparisons.csv',
      // The quote runs on to the next quote, two lines down, where csv-parse finds out.
      line: 4,
      says: 'instead of delimiter',
    },
    { what: 'an empty file', edit: { 'summary.csv': '' }, file: 'summary.csv', says: 'empty' },
    {
      what: 'manifest JSON that does not parse',
      edit: { 'manifest.json': '{"aiplab": ' },
      file: 'manifest.json',
      says: 'not valid JSON',
    },
    {
      what: 'a manifest field of the wrong type',
      edit: {
        'manifest.json': JSON.stringify({
          ...MINI_MANIFEST,
          experiment: { ...MINI_MANIFEST.experiment, models: [{ name: 'Alpha', label: 7, params: {} }] },
        }),
      },
      file: 'manifest.json',
      field: 'experiment.models[0].label',
      says: 'Expected string',
    },
    {
      what: 'a manifest without its experiment',
      edit: { 'manifest.json': JSON.stringify({ ...MINI_MANIFEST, experiment: undefined }) },
      file: 'manifest.json',
      field: 'experiment',
      says: 'Required',
    },
  ] as {
    what: string;
    edit: Partial<Record<MiniFile, string | null>>;
    file: MiniFile;
    line?: number;
    field?: string;
    says: string;
  }[])(
    '$what: a DataError naming $file, line $line, field $field',
    async ({ edit, file, line, field, says }) => {
      const dir = await folder(edit);
      const error = await readResultsFolder(dir).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DataError);
      const e = error as DataError;
      expect(e.file).toBe(join(dir, file));
      expect(e.line).toBe(line);
      expect(e.field).toBe(field);
      expect(e.message).toContain(says);
      const prefix = `${join(dir, file)}${line !== undefined ? `:${line}` : ''}: ${field !== undefined ? `field '${field}': ` : ''}`;
      expect(e.message.startsWith(prefix), e.message).toBe(true);
      expect(e.message).not.toContain('\n');
    },
  );

  it('a path that is no results folder is a UsageError', async () => {
    const dir = await folder();
    await expect(readResultsFolder(join(dir, 'nope'))).rejects.toThrow(UsageError);
    await expect(readResultsFolder(join(dir, 'nope'))).rejects.toThrow('no such results folder');
    // The experiment's folder, one level above its runs.
    const parent = join(dir, 'runs');
    await mkdir(join(parent, '20240201T000000Z'), { recursive: true });
    await expect(readResultsFolder(parent)).rejects.toThrow(/not a results folder \(no manifest\.json\)/);
    await expect(readResultsFolder(join(dir, 'per_day.csv'))).rejects.toThrow(UsageError);
  });
});
