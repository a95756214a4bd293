import { open, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { DataError } from '../util/errors.js';
import { processAlive } from '../util/fs-checks.js';

/** The lock file of a dataset: `.<name>.aiplab-daily.lock` beside it (the dataset folder itself is swapped). */
export function lockPathOf(data: string): string {
  const full = resolve(data);
  return join(dirname(full), `.${basename(full)}.aiplab-daily.lock`);
}

/**
 * Takes the lock of a dataset for one aiplab daily run (two runs at once, from an overlapping cron job, would each
 * swap in their own extension and lose the other's), runs `work`, and releases it. A lock left by a process that is
 * gone (killed) is taken over; one held by a live process is a DataError naming it.
 */
export async function withDatasetLock<T>(data: string, work: () => Promise<T>): Promise<T> {
  const path = lockPathOf(data);
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(`${process.pid}\n`);
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST')
        throw new DataError(`cannot take the lock: ${code ?? String(error)}`, { file: path });
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid))
        throw new DataError(
          `another aiplab daily (pid ${pid}) is extending ${data}: let it finish (remove the lock only if no such process runs)`,
          { file: path },
        );
      if (attempt > 0)
        throw new DataError('cannot take the lock (another run keeps taking it)', { file: path });
      await rm(path, { force: true });
    }
  }
  try {
    return await work();
  } finally {
    await rm(path, { force: true });
  }
}
