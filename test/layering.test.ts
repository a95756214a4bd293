/**
 * Imports flow one way along the pipeline (STYLE.md §1): a stage imports only the stages before it. The order is the
 * one the code keeps: util first; enrich (offline AS/country data) and days (the day-table format and datasets) before
 * ingest, which writes day tables; synth beside ingest; then knowledge, models, blocklist, metrics, results (the
 * results folder's writer and reader, a room below backtest), backtest, tune, reports, daily, and the CLI on top.
 * version.ts is a leaf anyone may import; nothing but src/index.ts imports the CLI.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

const SRC = join(ROOT, 'src');
const ORDER = [
  'util',
  'enrich',
  'days',
  'ingest',
  'synth',
  'knowledge',
  'models',
  'blocklist',
  'metrics',
  'results',
  'backtest',
  'tune',
  'reports',
  'daily',
  'cli',
];

function specifiers(text: string): string[] {
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((m) => m[1]!);
}

async function sources(): Promise<string[]> {
  return (await readdir(SRC, { recursive: true }))
    .map(String)
    .filter((n) => /\.(ts|mjs)$/.test(n) && !/^(dist|node_modules)[/\\]/.test(n))
    .map((n) => join(SRC, n));
}

describe('the pipeline in src/', () => {
  it('has exactly these stage folders', async () => {
    const dirs = (await readdir(SRC, { withFileTypes: true }))
      .filter((d) => d.isDirectory() && !['dist', 'node_modules'].includes(d.name))
      .map((d) => d.name)
      .sort();
    expect(dirs).toEqual([...ORDER].sort());
  });

  it('imports only the stages before each stage (and version.ts)', async () => {
    const files = await sources();
    expect(files.length).toBeGreaterThan(200);
    const wrong: string[] = [];
    for (const file of files) {
      const rel = relative(SRC, file);
      const stage = rel.split(/[/\\]/)[0]!;
      if (!ORDER.includes(stage)) continue; // src/index.ts, src/version.ts
      for (const spec of specifiers(await readFile(file, 'utf8'))) {
        const target = relative(SRC, join(file, '..', spec)).split(/[/\\]/)[0]!;
        if (target === 'version.js' || target === stage) continue;
        if (!ORDER.includes(target) || ORDER.indexOf(target) > ORDER.indexOf(stage))
          wrong.push(`${rel} imports ${spec}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
