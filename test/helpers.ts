import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Project root and the shared real data beside it (../shared/data, read-only). */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SHARED_DATA = join(ROOT, '..', 'shared', 'data');

export async function tempDir(prefix = 'aiplab-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface ExpectedRow {
  flows: number;
  duration: number;
  packets: number;
  bytes: number;
}

/**
 * Reads a folder of reference `attacks.YYYY-MM-DD.csv` files (plain CSV, parsed here independently of the code under
 * test) into date → ip → row.
 */
export async function readReferenceDays(dir: string): Promise<Map<string, Map<string, ExpectedRow>>> {
  const out = new Map<string, Map<string, ExpectedRow>>();
  for (const name of (await readdir(dir)).sort()) {
    const m = /^attacks\.(\d{4}-\d{2}-\d{2})\.csv$/.exec(name);
    if (!m) continue;
    const lines = (await readFile(join(dir, name), 'utf8')).trim().split(/\r?\n/);
    const header = lines[0]!.split(',');
    const rows = new Map<string, ExpectedRow>();
    for (const line of lines.slice(1)) {
      const cells = line.split(',');
      const get = (c: string) => Number(cells[header.indexOf(c)]);
      rows.set(cells[header.indexOf('orig')]!, {
        flows: get('flows'),
        duration: get('duration'),
        packets: get('packets'),
        bytes: get('bytes'),
      });
    }
    out.set(m[1]!, rows);
  }
  return out;
}

/**
 * Runs of a property-based test: `FUZZ_RUNS` when set (a longer search, e.g. `FUZZ_RUNS=20000 npm run test:unit`),
 * else the given default that keeps `npm test` bounded. Every property also fixes its seed, so a run is repeatable.
 */
export function fuzzRuns(defaultRuns: number): number {
  const env = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(env) && env > 0 ? env : defaultRuns;
}
