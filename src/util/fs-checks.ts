import { access, readdir } from 'node:fs/promises';
import { DataError } from './errors.js';

/**
 * Whether a process is alive, for the temp folders a killed run leaves (named by its pid): only those of processes
 * gone may be removed. A permission error means it is alive and belongs to someone else.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether something is at `path` (any error of access, a missing path or one that cannot be reached, is no). */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The entries of an output folder, or undefined when it does not exist yet; a folder that cannot be read is a
 * DataError naming it.
 */
export async function outputFolderEntries(path: string): Promise<string[] | undefined> {
  try {
    return await readdir(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new DataError(`cannot use output folder: ${code ?? String(error)}`, { file: path });
  }
}
