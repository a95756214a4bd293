import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { DataError } from '../util/errors.js';
import { sha256 } from '../util/sha256.js';
import { totalFlows } from './day-table.js';
import { readDayTableFile } from './day-table-csv.js';
import { type DatasetManifest, type DayEntry, MANIFEST_FILE } from './manifest.js';
import { SENSORS_FOLDER } from './sensor-dirs.js';

/**
 * A dataset knows its content. manifest.json holds each day table's sha256; this file (hidden, in the dataset
 * folder) holds what each table's sha256 was checked against last: its size, mtime and ctime. openDataset re-hashes
 * only the tables whose size or times changed since (or that have no record), so a cached open costs a stat per
 * table. The record is not in manifest.json, which must stay byte-identical for the same input. In a folder without
 * a manifest (an AIP `data/processed/` folder) the record is also the reference: the sha256 each file had when aiplab
 * first saw it. A folder that cannot be written keeps no record (every open re-hashes).
 */
export const VERIFIED_FILE = '.aiplab-verified.json';
const FORMAT = 'aiplab-verified';
const VERSION = 1;

/** A file's sha256 and the stat it was taken at (times in ns, as text: they exceed 2^53). */
export interface VerifiedFile {
  size: number;
  mtimeNs: string;
  ctimeNs: string;
  sha256: string;
}

interface VerifiedRecordFile {
  format: typeof FORMAT;
  version: number;
  files: Record<string, VerifiedFile>;
}

/** The record of a folder; an unreadable or foreign one counts as none (it is only a cache of hashes). */
export async function readVerified(dir: string): Promise<Map<string, VerifiedFile>> {
  try {
    const data = JSON.parse(await readFile(join(dir, VERIFIED_FILE), 'utf8')) as VerifiedRecordFile;
    if (data?.format !== FORMAT || data.version !== VERSION || typeof data.files !== 'object')
      return new Map();
    return new Map(Object.entries(data.files));
  } catch {
    return new Map();
  }
}

/** Writes the record atomically; false (and nothing written) when the folder cannot be written. */
export async function writeVerified(dir: string, files: Map<string, VerifiedFile>): Promise<boolean> {
  const record: VerifiedRecordFile = {
    format: FORMAT,
    version: VERSION,
    files: Object.fromEntries([...files].sort(([a], [b]) => (a < b ? -1 : 1))),
  };
  try {
    await writeFileAtomic(join(dir, VERIFIED_FILE), `${JSON.stringify(record)}\n`);
    return true;
  } catch {
    return false;
  }
}

type FileStat = Omit<VerifiedFile, 'sha256'>;

/** size, mtime and ctime of a file; undefined when it is not there. */
async function statOf(path: string): Promise<FileStat | undefined> {
  try {
    const s = await stat(path, { bigint: true });
    return { size: Number(s.size), mtimeNs: String(s.mtimeNs), ctimeNs: String(s.ctimeNs) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DataError(`cannot read day table: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      file: path,
    });
  }
}

function sameStat(a: FileStat, b: FileStat): boolean {
  return a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

async function hashFile(path: string): Promise<string> {
  try {
    return sha256(await readFile(path));
  } catch (error) {
    throw new DataError(`cannot read day table: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      file: path,
    });
  }
}

/** Runs `f` over `items`, at most `limit` at a time, results in order. */
async function mapLimited<T, R>(items: T[], limit: number, f: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const k = next++;
      out[k] = await f(items[k]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** How a file stands against its expected sha256. */
interface Checked {
  name: string;
  path: string;
  /** Undefined: the file is not there. */
  stat: FileStat | undefined;
  /** Its sha256 now (from the record when its stat did not change). */
  sha256: string | undefined;
  /** Whether it was hashed now. */
  hashed: boolean;
}

/** Stats every file, and hashes those whose stat differs from the record's (or that have none). */
async function check(
  dir: string,
  names: string[],
  record: Map<string, VerifiedFile>,
  expected: (name: string) => string | undefined,
): Promise<Checked[]> {
  return mapLimited(names, 8, async (name) => {
    const path = join(dir, name);
    const s = await statOf(path);
    if (!s) return { name, path, stat: s, sha256: undefined, hashed: false };
    const r = record.get(name);
    // The record counts only for the sha256 expected now: a record of another content is re-checked.
    if (r && sameStat(r, s) && (expected(name) === undefined || r.sha256 === expected(name)))
      return { name, path, stat: s, sha256: r.sha256, hashed: false };
    return { name, path, stat: s, sha256: await hashFile(path), hashed: true };
  });
}

const short = (sha: string | undefined) => `${(sha ?? '').slice(0, 12)}…`;

export interface VerifyOptions {
  /** Accept changed day tables: re-read them and record their new sha256 (the fingerprint changes). @default false */
  trustChanges?: boolean;
}

/**
 * Checks a manifest dataset's day tables (and its sensors' day tables, `ingest --per-sensor`) against the sha256
 * manifest.json gives them. A changed or vanished table is a DataError naming it; with trustChanges it is accepted
 * instead: the changed tables are re-read, their manifest entries (sha256, rows, flows; attackFlows) rewritten
 * atomically, a vanished table's day becomes missing (for the dataset and every sensor alike, so every sensor keeps a
 * table for every day of the dataset), and a warning says what changed. Returns the manifest (updated when changes
 * were accepted) and the warnings.
 */
export async function verifyManifestDataset(
  dir: string,
  manifest: DatasetManifest,
  options: VerifyOptions = {},
): Promise<{ manifest: DatasetManifest; warnings: string[] }> {
  const warnings: string[] = [];
  const record = await readVerified(dir);
  const sensorDays = (manifest.sensors ?? []).flatMap((s) => s.days);
  const all = [...manifest.days, ...sensorDays];
  const expected = new Map(all.map((d) => [d.file, d.sha256]));
  const checked = await check(
    dir,
    all.map((d) => d.file),
    record,
    (name) => expected.get(name),
  );
  const gone = checked.filter((c) => c.stat === undefined);
  const changed = checked.filter((c) => c.stat !== undefined && c.sha256 !== expected.get(c.name));
  if ((gone.length > 0 || changed.length > 0) && !options.trustChanges) {
    const others = gone.length + changed.length - 1;
    const also =
      others > 0 ? `; ${others} other day table${others === 1 ? '' : 's'} changed or gone too` : '';
    const first = gone[0];
    const what = (name: string) => (name.startsWith(`${SENSORS_FOLDER}/`) ? 'sensor day table' : 'day table');
    if (first)
      throw new DataError(
        `${what(first.name)} named by the manifest is missing${also}: re-run ingest, or pass --trust-changes to accept it (its day becomes missing)`,
        { file: first.path },
      );
    const c = changed[0]!;
    throw new DataError(
      `${what(c.name)} changed since ingest (sha256 ${short(c.sha256)}, manifest says ${short(expected.get(c.name))}${also}): re-run ingest, or pass --trust-changes to accept it`,
      { file: c.path },
    );
  }
  let result = manifest;
  if (gone.length > 0 || changed.length > 0) {
    const byFile = new Map(checked.map((c) => [c.name, c]));
    const notes: string[] = [];
    const missing = new Set(manifest.missingDays);
    for (const d of all) if (byFile.get(d.file)!.stat === undefined) missing.add(d.date);
    const accept = async (entries: DayEntry[]): Promise<DayEntry[]> => {
      const kept: DayEntry[] = [];
      for (const d of entries) {
        const c = byFile.get(d.file)!;
        if (c.stat === undefined) {
          notes.push(`${d.file} (gone: ${d.date} is now a missing day)`);
          continue;
        }
        if (missing.has(d.date)) continue;
        if (c.sha256 === d.sha256) {
          kept.push(d);
          continue;
        }
        const table = await readDayTableFile(c.path, d.date);
        const entry: DayEntry = { ...d, rows: table.ip.length, flows: totalFlows(table), sha256: c.sha256! };
        notes.push(`${d.file} (rows ${d.rows} → ${entry.rows}, flows ${d.flows} → ${entry.flows})`);
        kept.push(entry);
      }
      return kept;
    };
    const days = await accept(manifest.days);
    const sensors =
      manifest.sensors === undefined
        ? undefined
        : await Promise.all(manifest.sensors.map(async (s) => ({ ...s, days: await accept(s.days) })));
    result = {
      ...manifest,
      days,
      missingDays: [...missing].sort(),
      attackFlows: days.reduce((a, x) => a + x.flows, 0),
      warnings: [
        ...manifest.warnings,
        `day table(s) changed after ingest, accepted with --trust-changes: ${notes.map((n) => n.split(' ')[0]).join(', ')}`,
      ],
      ...(sensors === undefined ? {} : { sensors }),
    };
    try {
      await writeFileAtomic(join(dir, MANIFEST_FILE), `${JSON.stringify(result, null, 2)}\n`);
    } catch (error) {
      throw new DataError(
        `cannot update the manifest to accept the changed day tables (--trust-changes): ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
        { file: join(dir, MANIFEST_FILE) },
      );
    }
    warnings.push(
      `${dir}: --trust-changes: accepted ${notes.length} changed day table(s) and rewrote ${MANIFEST_FILE}, so the dataset fingerprint changes: ${notes.join(', ')}`,
    );
  }
  if (checked.some((c) => c.hashed) || record.size !== checked.filter((c) => c.stat).length) {
    const files = new Map<string, VerifiedFile>();
    for (const c of checked) if (c.stat) files.set(c.name, { ...c.stat, sha256: c.sha256! });
    await writeVerified(dir, files);
  }
  return { manifest: result, warnings };
}

/**
 * Checks the day files of a folder without a manifest (an AIP folder) against the sha256 recorded when aiplab first
 * saw each: a changed file is a DataError naming it, or with trustChanges accepted (recorded anew, with a warning);
 * a new file is recorded; a recorded file that is gone is dropped from the record with a warning. Where the record
 * cannot be written, a warning says the files it lacks cannot be verified later.
 */
export async function verifyAipFolder(
  dir: string,
  names: string[],
  options: VerifyOptions = {},
): Promise<{ warnings: string[] }> {
  const warnings: string[] = [];
  const record = await readVerified(dir);
  const checked = await check(dir, names, record, () => undefined);
  const changed = checked.filter((c) => record.has(c.name) && record.get(c.name)!.sha256 !== c.sha256);
  if (changed.length > 0 && !options.trustChanges) {
    const c = changed[0]!;
    const others = changed.length - 1;
    const also = others > 0 ? `; ${others} other day file${others === 1 ? '' : 's'} changed too` : '';
    throw new DataError(
      `day table changed since aiplab first recorded it (sha256 ${short(c.sha256)}, recorded ${short(record.get(c.name)!.sha256)}${also}): restore it, or pass --trust-changes to accept it`,
      { file: c.path },
    );
  }
  if (changed.length > 0)
    warnings.push(
      `${dir}: --trust-changes: accepted ${changed.length} changed day file(s), so the dataset fingerprint changes: ${changed.map((c) => c.name).join(', ')}`,
    );
  const present = new Set(names);
  const gone = [...record.keys()].filter((n) => !present.has(n)).sort();
  if (gone.length > 0)
    warnings.push(
      `${dir}: ${gone.length} day file(s) recorded earlier are gone, their days now missing: ${gone.join(', ')}`,
    );
  const unrecorded = checked.filter((c) => !record.has(c.name)).length;
  if (checked.some((c) => c.hashed) || gone.length > 0) {
    const files = new Map<string, VerifiedFile>();
    for (const c of checked) files.set(c.name, { ...c.stat!, sha256: c.sha256! });
    if (!(await writeVerified(dir, files)) && unrecorded > 0)
      warnings.push(
        `${dir}: cannot write ${VERIFIED_FILE} (folder not writable): the sha256 of ${unrecorded} day file(s) is not recorded, so later edits to them cannot be detected`,
      );
  }
  return { warnings };
}

/**
 * Records the day tables ingest just wrote (their sha256 are the manifest's), so the first open of the dataset need
 * not re-hash them. Silently nothing where the folder cannot be written.
 */
export async function recordDayTables(dir: string, days: { file: string; sha256: string }[]): Promise<void> {
  const files = new Map<string, VerifiedFile>();
  await mapLimited(days, 16, async (d) => {
    const s = await statOf(join(dir, d.file));
    if (s) files.set(d.file, { ...s, sha256: d.sha256 });
  });
  await writeVerified(dir, files);
}
