/**
 * The daily stage sits after blocklist on the pipeline (STYLE.md §1: imports flow one way): src/daily/ imports only
 * the stages before it (ingest, days, knowledge, models, blocklist) and util; nothing but the CLI and the public entry
 * imports it.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

const SRC = join(ROOT, 'src');
const ALLOWED = new Set([
  'ingest',
  'days',
  'knowledge',
  'models',
  'blocklist',
  'util',
  'version.js',
  'daily',
]);

/** Relative module specifiers of a source file (static and dynamic imports, re-exports). */
function specifiers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)) out.push(m[1]!);
  return out;
}

async function sources(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true }))
    .map(String)
    .filter((n) => n.endsWith('.ts'))
    .map((n) => join(dir, n));
}

describe('the daily stage', () => {
  it('imports only the stages before it', async () => {
    const files = await sources(join(SRC, 'daily'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files)
      for (const spec of specifiers(await readFile(file, 'utf8'))) {
        const stage = relative(SRC, join(file, '..', spec)).split('/')[0]!;
        expect(ALLOWED.has(stage), `${relative(ROOT, file)} imports ${spec}`).toBe(true);
      }
  });

  it('is imported by the CLI and the public entry only', async () => {
    const files = (await sources(SRC)).filter((f) => {
      const rel = relative(SRC, f);
      return rel !== 'index.ts' && !/^(dist|daily|cli)[/\\]/.test(rel);
    });
    expect(files.length).toBeGreaterThan(100);
    for (const file of files)
      for (const spec of specifiers(await readFile(file, 'utf8')))
        expect(
          relative(SRC, join(file, '..', spec)).split('/')[0],
          `${relative(ROOT, file)} imports ${spec}`,
        ).not.toBe('daily');
  });
});
