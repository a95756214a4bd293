/**
 * A dataset knows its content (issue 12): openDataset checks each day table against the sha256 the manifest gives it
 * (re-hashing only what changed since it was last checked: the record of size and times is the hidden
 * .aiplab-verified.json); an edit is a data error naming the file, --trust-changes accepts it and re-fingerprints the
 * dataset; a folder without a manifest (an AIP folder) is recorded on first use and checked after.
 */
import { chmod, mkdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { datasetFingerprint } from '../../src/backtest/dataset-source.js';
import { DataError, type DatasetManifest, ingest, openDataset } from '../../src/index.js';
import { rejection, runCli } from '../helpers.js';
import { DAY_HEADER, put, tempFolders } from '../ingest/ingest-helpers.js';

const tmp = tempFolders('aiplab-integrity-test-');
afterAll(() => tmp.cleanupAll());

const DAYS = ['2024-01-01', '2024-01-02', '2024-01-03'];
const VERIFIED = '.aiplab-verified.json';

/** An AIP folder of three day files (plain CSV), as AIP's data/processed holds them. */
async function aipFolder(dir: string): Promise<string> {
  for (const [k, date] of DAYS.entries())
    await put(
      join(dir, `attacks.${date}.csv`),
      `${DAY_HEADER}\n10.0.0.1,${k + 5},1.5,3,100\n10.0.0.2,2,0,1,40\n`,
    );
  return dir;
}

/** A dataset ingest made of aipFolder's files. */
async function dataset(): Promise<{ dir: string; out: string }> {
  const dir = await tmp.make();
  const out = join(dir, 'ds');
  await ingest({ format: 'aip', inputs: [await aipFolder(join(dir, 'aip'))], out });
  return { dir, out };
}

const manifestOf = async (out: string) =>
  JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as DatasetManifest;

/** Flips a bit of the gzip header's MTIME field: same size, still a valid gzip of the same table, other sha256. */
async function flipHeaderByte(path: string): Promise<void> {
  const bytes = await readFile(path);
  bytes[4] = bytes[4]! ^ 1;
  await writeFile(path, bytes);
}

/** Rewrites a day table with 10.0.0.2's flows 7 more (a real edit: rows the same, flows +7). */
async function editFlows(path: string): Promise<void> {
  const text = gunzipSync(await readFile(path)).toString('utf8');
  expect(text).toMatch(/^10\.0\.0\.2,\d+,/m);
  const edited = text.replace(/^10\.0\.0\.2,(\d+),/m, (_, flows: string) => `10.0.0.2,${Number(flows) + 7},`);
  await writeFile(path, gzipSync(edited));
}

/** The real CLI; `asOther` runs it as another user (nobody) when this process is root, so a chmod binds it. */
const aiplab = (args: string[], asOther = false) =>
  runCli(args, { spawn: asOther && process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {} });

const runArgs = (data: string, out: string) => [
  'run',
  '--data',
  data,
  '--date',
  '2024-01-04',
  '--model',
  'Alpha',
  '--out',
  out,
];

describe('a dataset with a manifest', () => {
  it('an edited day table (same size, one byte changed) is a data error naming the file', async () => {
    const { out } = await dataset();
    await openDataset(out);
    const path = join(out, 'attacks.2024-01-02.csv.gz');
    const before = await stat(path);
    const sha = (await manifestOf(out)).days[1]!.sha256;
    await flipHeaderByte(path);
    expect((await stat(path)).size).toBe(before.size);
    const e = await rejection(openDataset(out));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(
      new RegExp(
        `^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: day table changed since ingest \\(sha256 [0-9a-f]{12}…, manifest says ${sha.slice(0, 12)}…\\): re-run ingest, or pass --trust-changes to accept it$`,
      ),
    );
    // Its mtime put back as it was: still found (the size and times recorded are only a shortcut to the hash).
    await utimes(path, before.atime, before.mtime);
    expect((await rejection(openDataset(out))).message).toContain(`${path}: day table changed since ingest`);
    // The CLI says the same in one line, exit code 1.
    const r = await aiplab(runArgs(out, join(out, '..', 'lists')));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`aiplab: data error: ${e.message}\n`);
  });

  it('a day table named by the manifest that is gone is a data error naming it', async () => {
    const { out } = await dataset();
    const path = join(out, 'attacks.2024-01-03.csv.gz');
    await rm(path);
    const e = await rejection(openDataset(out));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toBe(
      `${path}: day table named by the manifest is missing: re-run ingest, or pass --trust-changes to accept it (its day becomes missing)`,
    );
  });

  it('ingest records the tables it wrote; a touched but unchanged table is re-hashed, passes, and is recorded anew', async () => {
    const { out } = await dataset();
    const record = async () =>
      (
        JSON.parse(await readFile(join(out, VERIFIED), 'utf8')) as {
          files: Record<string, { mtimeNs: string }>;
        }
      ).files;
    const path = join(out, 'attacks.2024-01-02.csv.gz');
    const mtimeNs = async () => String((await stat(path, { bigint: true })).mtimeNs);
    // Written by ingest with each table's stat: the first open hashes nothing.
    expect(Object.keys(await record()).sort()).toEqual(DAYS.map((d) => `attacks.${d}.csv.gz`));
    expect((await record())['attacks.2024-01-02.csv.gz']!.mtimeNs).toBe(await mtimeNs());
    const fingerprint = await datasetFingerprint(await openDataset(out));

    const later = new Date(Date.now() + 3_600_000);
    await utimes(path, later, later);
    const reopened = await openDataset(out);
    expect(reopened.warnings).toEqual([]);
    expect(await datasetFingerprint(reopened)).toBe(fingerprint);
    expect((await record())['attacks.2024-01-02.csv.gz']!.mtimeNs).toBe(await mtimeNs());
    expect((await reopened.readDayTable('2024-01-02')).ip).toEqual(['10.0.0.1', '10.0.0.2']);
  });

  it('--trust-changes accepts an edit: the manifest entries are rewritten, a warning names the table, the fingerprint changes', async () => {
    const { dir, out } = await dataset();
    const before = await manifestOf(out);
    const fingerprint = await datasetFingerprint(await openDataset(out));
    const path = join(out, 'attacks.2024-01-02.csv.gz');
    await editFlows(path);
    await rejection(openDataset(out));

    const opened = await openDataset(out, { trustChanges: true });
    expect(opened.warnings).toEqual([
      `${out}: --trust-changes: accepted 1 changed day table(s) and rewrote manifest.json, so the dataset fingerprint changes: attacks.2024-01-02.csv.gz (rows 2 → 2, flows 8 → 15)`,
    ]);
    const after = await manifestOf(out);
    expect(opened.manifest).toEqual(after);
    expect(after.days[1]).toMatchObject({ rows: 2, flows: 15 });
    expect(after.days[1]!.sha256).not.toBe(before.days[1]!.sha256);
    expect(after.days[0]).toEqual(before.days[0]);
    expect(after.attackFlows).toBe(before.attackFlows + 7);
    expect(after.warnings.at(-1)).toBe(
      'day table(s) changed after ingest, accepted with --trust-changes: attacks.2024-01-02.csv.gz',
    );
    expect(await datasetFingerprint(opened)).not.toBe(fingerprint);
    // Accepted once: later opens pass without the flag.
    expect((await openDataset(out)).warnings).toEqual([]);

    // The CLI flag does the same and prints the warning on stderr.
    await editFlows(path);
    const lists = join(dir, 'lists');
    const refused = await aiplab(runArgs(out, lists));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`aiplab: data error: ${path}: day table changed since ingest`);
    const r = await aiplab([...runArgs(out, lists), '--trust-changes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      `warning: ${out}: --trust-changes: accepted 1 changed day table(s) and rewrote manifest.json, so the dataset fingerprint changes: attacks.2024-01-02.csv.gz (rows 2 → 2, flows 15 → 22)\n`,
    );
    expect((await manifestOf(out)).days[1]!.flows).toBe(22);
  });

  it('--trust-changes makes the day of a vanished table a missing day', async () => {
    const { out } = await dataset();
    await rm(join(out, 'attacks.2024-01-02.csv.gz'));
    const opened = await openDataset(out, { trustChanges: true });
    expect(opened.days).toEqual(['2024-01-01', '2024-01-03']);
    expect(opened.missingDays).toEqual(['2024-01-02']);
    expect(opened.warnings[0]).toContain('attacks.2024-01-02.csv.gz (gone: 2024-01-02 is now a missing day)');
    expect((await openDataset(out)).missingDays).toEqual(['2024-01-02']);
  });
});

describe('a folder without a manifest (AIP data/processed)', () => {
  it('is recorded on first use; an edited file is then a data error, a new day file is added', async () => {
    const dir = await aipFolder(join(await tmp.make(), 'aip'));
    const first = await openDataset(dir);
    expect(first.warnings).toEqual([]);
    const recorded = JSON.parse(await readFile(join(dir, VERIFIED), 'utf8')) as {
      files: Record<string, unknown>;
    };
    expect(Object.keys(recorded.files).sort()).toEqual(DAYS.map((d) => `attacks.${d}.csv`));

    // A new day, as AIP adds one each day: simply added.
    await put(join(dir, 'attacks.2024-01-04.csv'), `${DAY_HEADER}\n10.0.0.3,1,0,1,40\n`);
    expect((await openDataset(dir)).days).toEqual([...DAYS, '2024-01-04']);

    const fingerprint = await datasetFingerprint(first);
    const path = join(dir, 'attacks.2024-01-02.csv');
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.replace('10.0.0.2,2,', '10.0.0.2,3,')); // same size
    const e = await rejection(openDataset(dir));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(
      new RegExp(
        `^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: day table changed since aiplab first recorded it \\(sha256 [0-9a-f]{12}…, recorded [0-9a-f]{12}…\\): restore it, or pass --trust-changes to accept it$`,
      ),
    );

    const trusted = await openDataset(dir, { trustChanges: true });
    expect(trusted.warnings).toEqual([
      `${dir}: --trust-changes: accepted 1 changed day file(s), so the dataset fingerprint changes: attacks.2024-01-02.csv`,
    ]);
    expect(await datasetFingerprint(trusted)).not.toBe(fingerprint);
    expect((await openDataset(dir)).warnings).toEqual([]);
  });
});

describe('a read-only dataset folder', () => {
  it('without a manifest: the CLI warns its day files cannot be verified; with one: checked silently, every open', async () => {
    const dir = await tmp.make();
    await chmod(dir, 0o755); // mkdtemp makes it 0700: the other user must get in
    const lists = join(dir, 'lists');
    await mkdir(lists, { mode: 0o777 });
    await chmod(lists, 0o777);
    const aip = await aipFolder(join(dir, 'aip'));
    const out = join(dir, 'ds');
    await ingest({ format: 'aip', inputs: [aip], out });
    await chmod(aip, 0o555);
    await chmod(out, 0o555);
    try {
      const r = await aiplab(runArgs(aip, lists), true);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(
        `warning: ${aip}: cannot write ${VERIFIED} (folder not writable): the sha256 of 3 day file(s) is not recorded, so later edits to them cannot be detected\n`,
      );
      const ok = await aiplab(runArgs(out, lists), true);
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stderr).not.toContain('warning');
      // An edit (its record now stale and not rewritable) is still found.
      const path = join(out, 'attacks.2024-01-02.csv.gz');
      await flipHeaderByte(path);
      const bad = await aiplab(runArgs(out, lists), true);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain(`aiplab: data error: ${path}: day table changed since ingest`);
    } finally {
      await chmod(aip, 0o755);
      await chmod(out, 0o755);
    }
  });
});
