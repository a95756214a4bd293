/**
 * enrich/ is a stage between days/ and blocklist/ (STYLE.md: imports flow forward only): it imports nothing of aiplab
 * but util/, and neither util/ nor the stages before it (ingest/, days/) import it.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

const SRC = join(ROOT, 'src');

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sources(path)));
    else if (/\.(ts|mjs)$/.test(entry.name)) out.push(path);
  }
  return out;
}

/** The stage folders (first path segment under src/) a file imports from, by its relative import specifiers. */
async function importedStages(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  const stages = new Set<string>();
  for (const m of text.matchAll(/(?:from|import\()\s*['"](\.[^'"]+)['"]/g)) {
    const target = relative(SRC, join(file, '..', m[1]!));
    stages.add(target.includes('/') ? target.split('/')[0]! : '.');
  }
  return [...stages].sort();
}

describe('the enrich stage', () => {
  it('imports only itself and util/', async () => {
    const files = await sources(join(SRC, 'enrich'));
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      const stages = (await importedStages(file)).filter((s) => s !== 'enrich');
      expect(
        stages.filter((s) => s !== 'util'),
        relative(ROOT, file),
      ).toEqual([]);
    }
  });

  it('is imported by no earlier stage (util, ingest, days)', async () => {
    for (const stage of ['util', 'ingest', 'days']) {
      for (const file of await sources(join(SRC, stage)))
        expect(await importedStages(file), relative(ROOT, file)).not.toContain('enrich');
    }
  });

  it('is imported by a later stage (the check above can see an import)', async () => {
    expect(await importedStages(join(SRC, 'blocklist', 'entry-details.ts'))).toContain('enrich');
  });
});
