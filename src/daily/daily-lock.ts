import { link, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { DataError } from '../util/errors.js';
import { processAlive } from '../util/fs-checks.js';

/** The lock file of a dataset: `.<name>.aiplab-daily.lock` beside it (the dataset folder itself is swapped). */
export function lockPathOf(data: string): string {
  const full = resolve(data);
  return join(dirname(full), `.${basename(full)}.aiplab-daily.lock`);
}

/** An empty or unreadable lock this young may be one another run is still writing: held, not stale. */
const YOUNG_LOCK_MS = 5000;

let serial = 0;
/** A name beside the lock no other run uses at once (a live pid is unique; the serial within this process). */
const uniqueBeside = (path: string, tag: string) => `${path}.${tag}.${process.pid}.${++serial}`;

/**
 * Creates the lock holding this process's pid, or returns false when one exists. The pid is written to a temporary
 * file first, then linked to the lock path, so the lock never appears without its pid (where the file system refuses
 * hard links, an exclusive create and write: the young-empty rule below covers its gap).
 */
async function createLock(path: string): Promise<boolean> {
  const tmp = uniqueBeside(path, 'new');
  await writeFile(tmp, `${process.pid}\n`, { flag: 'wx' });
  try {
    await link(tmp, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
  } finally {
    await rm(tmp, { force: true });
  }
  try {
    const handle = await open(path, 'wx');
    try {
      await handle.writeFile(`${process.pid}\n`);
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** What a lock file says: a live holder's pid, 'young' (empty or unreadable, just made), or 'stale'; 'gone' if none. */
async function lockHolder(path: string): Promise<number | 'young' | 'stale' | 'gone'> {
  let text: string;
  let mtimeMs: number | undefined;
  try {
    mtimeMs = (await stat(path)).mtimeMs;
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    text = '';
  }
  const trimmed = text.trim();
  const pid = Number(trimmed);
  if (trimmed !== '' && Number.isInteger(pid) && pid > 0) {
    return pid !== process.pid && processAlive(pid) ? pid : 'stale';
  }
  // An unknown age (unreadable even to stat) counts as young: held.
  return mtimeMs === undefined || Date.now() - mtimeMs < YOUNG_LOCK_MS ? 'young' : 'stale';
}

/**
 * Takes the lock of a dataset for one aiplab daily run (two runs at once, from an overlapping cron job, would each
 * swap in their own extension and lose the other's), runs `work`, and releases it. A lock left by a process that is
 * gone (killed) is taken over: renamed aside to a name of this run's own, its pid checked again there (two runs that
 * both found it stale: only one renames it; one that renamed a lock another run had just taken puts it back), then
 * removed. One held by a live process, or empty and only seconds old (being written), is a DataError naming it.
 */
export async function withDatasetLock<T>(data: string, work: () => Promise<T>): Promise<T> {
  const path = lockPathOf(data);
  const held = (who: number | 'young') =>
    new DataError(
      who === 'young'
        ? `another aiplab daily is taking the lock of ${data} (the lock is empty and seconds old): let it finish`
        : `another aiplab daily (pid ${who}) is extending ${data}: let it finish (remove the lock only if no such process runs)`,
      { file: path },
    );
  for (let attempt = 0; ; attempt++) {
    try {
      if (await createLock(path)) break;
    } catch (error) {
      throw new DataError(`cannot take the lock: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
        file: path,
      });
    }
    if (attempt >= 3)
      throw new DataError('cannot take the lock (another run keeps taking it)', { file: path });
    const who = await lockHolder(path);
    if (who === 'gone') continue;
    if (who !== 'stale') throw held(who);
    const aside = uniqueBeside(path, 'stale');
    try {
      await rename(path, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // another run took it over first
      throw new DataError(`cannot take the lock: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
        file: path,
      });
    }
    const renamed = await lockHolder(aside);
    if (renamed !== 'stale' && renamed !== 'gone') {
      // Between the check and the rename another run took the lock: give it back (unless a third holds it now).
      await link(aside, path).catch(() => {});
      await rm(aside, { force: true });
      throw held(renamed);
    }
    await rm(aside, { force: true });
  }
  try {
    return await work();
  } finally {
    await rm(path, { force: true });
  }
}
