import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { DataError } from '../util/errors.js';
import { pathExists, processAlive } from '../util/fs-checks.js';
import { MANIFEST_FILE } from './manifest.js';

/**
 * Replacing a dataset folder atomically. A rename cannot replace a non-empty folder, so the new dataset is built
 * beside the old one, in a sibling `.<name>.aiplab-next-<pid>` (same parent: the renames stay on one filesystem),
 * with its manifest.json written last; then `out` → `.<name>.aiplab-prev-<pid>`, next → `out`, prev removed.
 * A process killed anywhere in between leaves `out` as it was, or the complete new dataset, or (between the two
 * renames) no `out` and both siblings: recoverDatasetFolder, run by the next open or ingest, rolls that forward.
 */

/** A sibling folder of a dataset replacement: `.<name>.aiplab-<kind>-<pid>`. */
function siblingName(name: string, kind: 'next' | 'prev', pid: number): string {
  return `.${name}.aiplab-${kind}-${pid}`;
}

/** Where the new dataset for `out` is built by this process. */
export function nextFolderOf(out: string): string {
  const full = resolve(out);
  return join(dirname(full), siblingName(basename(full), 'next', process.pid));
}

/**
 * Starts the new dataset for `out`: its sibling folder `.<name>.aiplab-next-<pid>` (emptied), with the scratch folder
 * (scratchOf) inside it where the parts write. Removed by the caller when the commit does not happen.
 */
export async function startDatasetFolder(out: string): Promise<string> {
  const next = nextFolderOf(out);
  await rm(next, { recursive: true, force: true });
  await mkdir(scratchOf(next), { recursive: true });
  return next;
}

/** The scratch folder inside a new dataset folder: the parts' day tables; removed before the manifest is written. */
export function scratchOf(next: string): string {
  return join(next, '.aiplab-tmp');
}

/**
 * Test hook: with the environment variable `AIPLAB_CRASH_AT=<step>`, the process kills itself (SIGKILL, so no
 * `finally` and no exit handler runs) when it reaches that step of a dataset commit, as `kill -9` or the OOM killer
 * would. test/ingest/atomic-replace.test.ts kills ingest at each step and checks the dataset is then exactly the old
 * one or exactly the new one. The steps, in order: `next-first-day` (one day table moved into the new folder),
 * `next-days` (all moved, no manifest yet), `next-complete` (manifest written), `out-moved` (out renamed away, the
 * new folder not yet in its place), `next-moved` (new folder in place, old one not yet removed), `done`.
 */
export function crashPoint(step: string): void {
  if (process.env.AIPLAB_CRASH_AT === step) process.kill(process.pid, 'SIGKILL');
}

/**
 * Puts the folder `next` (complete, its manifest written) in the place of `out`: `out` (if any, an aiplab dataset or
 * an empty folder) is renamed to a sibling prev folder, `next` to `out`, and prev removed. A failed second rename
 * puts `out` back.
 */
export async function replaceDatasetFolder(out: string, next: string): Promise<void> {
  const full = resolve(out);
  const prev = join(dirname(full), siblingName(basename(full), 'prev', process.pid));
  await rm(prev, { recursive: true, force: true });
  // A mount point (EBUSY), or a folder the user may not rename: say so, the dataset is left as it was.
  const cannot = (error: unknown) =>
    new DataError(
      `cannot replace the dataset folder (${(error as NodeJS.ErrnoException).code ?? String(error)}): ingest renames it and the new one built beside it, so it must not be a mount point; write into a folder inside it`,
      { file: out },
    );
  let moved = false;
  try {
    await rename(full, prev);
    moved = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw cannot(error);
  }
  crashPoint('out-moved');
  try {
    await rename(next, full);
  } catch (error) {
    if (moved) await rename(prev, full).catch(() => undefined);
    throw cannot(error);
  }
  crashPoint('next-moved');
  if (moved) await rm(prev, { recursive: true, force: true });
  crashPoint('done');
}

interface Leftover {
  kind: 'next' | 'prev';
  pid: number;
  path: string;
  /** A next folder whose completion marker (a dataset's manifest.json) is written. */
  complete: boolean;
  mtimeMs: number;
}

/** The sibling folders of `out` that dead processes left, and whether a live process has one (is replacing it). */
async function leftovers(out: string, marker: string): Promise<{ dead: Leftover[]; busy: boolean }> {
  const full = resolve(out);
  const parent = dirname(full);
  const name = basename(full);
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return { dead: [], busy: false };
  }
  const prefix = `.${name}.aiplab-`;
  const dead: Leftover[] = [];
  let busy = false;
  for (const entry of names) {
    if (!entry.startsWith(prefix)) continue;
    const m = /^(next|prev)-(\d+)$/.exec(entry.slice(prefix.length));
    if (!m) continue;
    const pid = Number(m[2]);
    // Never touch the folders of a live process (a concurrent ingest), nor this process's own.
    if (pid === process.pid || processAlive(pid)) {
      busy = true;
      continue;
    }
    const path = join(parent, entry);
    const manifest = await stat(join(path, marker)).catch(() => null);
    dead.push({
      kind: m[1] as 'next' | 'prev',
      pid,
      path,
      complete: manifest?.isFile() === true,
      mtimeMs: manifest?.mtimeMs ?? 0,
    });
  }
  return { dead, busy };
}

/**
 * Finishes or undoes a dataset replacement a dead process left half done, and removes what it left: when `out` is
 * missing, a complete new folder (its manifest written) is rolled forward, else the old one (prev) rolled back; then
 * the leftover prev/next folders of dead processes are removed. While a live process is replacing `out` (its folders
 * are there) and `out` is missing, nothing is touched. Run by openDataset and by ingest before they look at `out`;
 * a partial ingest's folder is recovered the same way, complete when `marker` (its ingest-partial.json) is written.
 * Cheap when there is nothing to do (one readdir of the parent).
 */
export async function recoverDatasetFolder(out: string, marker = MANIFEST_FILE): Promise<void> {
  let { dead, busy } = await leftovers(out, marker);
  if (dead.length === 0) return;
  const full = resolve(out);
  if (!(await pathExists(full))) {
    if (busy) return;
    const newest = (list: Leftover[]) => [...list].sort((a, b) => b.mtimeMs - a.mtimeMs)[0];
    // The complete next of the process whose prev is here is the replacement it was making; else the newest.
    const nexts = dead.filter((f) => f.kind === 'next' && f.complete);
    const prevs = dead.filter((f) => f.kind === 'prev');
    const target = nexts.find((n) => prevs.some((p) => p.pid === n.pid)) ?? newest(nexts) ?? newest(prevs);
    if (target) {
      try {
        await rename(target.path, full);
      } catch (error) {
        // Another process may have recovered it at the same time: fine if `out` is there now.
        if (!(await pathExists(full)))
          throw new DataError(
            `cannot recover the dataset an interrupted ingest left in ${target.path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
            { file: out },
          );
      }
      ({ dead, busy } = await leftovers(out, marker));
    }
  }
  // What is left is an old dataset already replaced, or a new one never finished (or not chosen): nothing of value.
  for (const f of dead) await rm(f.path, { recursive: true, force: true }).catch(() => undefined);
}
