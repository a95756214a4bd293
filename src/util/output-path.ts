import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UsageError } from './errors.js';

/** Options of {@link checkOutputFolder}. */
export interface OutputFolderOptions {
  /** How the folder was given, first in the message: `--out` on the command line, `out` through the API. @default '--out' */
  flag?: string;
  /** What goes there, ending the message: "choose a folder you can write to for the results". @default none */
  purpose?: string;
  /**
   * The folder is made beside it and renamed into place (synth, ingest): its parent must be writable too, even when
   * the folder itself exists. @default false
   */
  viaSibling?: boolean;
}

/** Why a folder cannot be written, in words, from an error code of access() or stat(). */
function denial(code: string | undefined): string {
  if (code === 'EROFS') return 'read-only file system';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return code ?? 'not writable';
}

/**
 * Checks, before any work, that `path` can become an output folder: it is no file and lies under no file, and the
 * folder that would receive it (the nearest existing one of it and its ancestors; with `viaSibling`, its parent too)
 * is writable. Throws a one-line UsageError that names the path and what to do; creates nothing.
 */
export async function checkOutputFolder(path: string, options: OutputFolderOptions = {}): Promise<void> {
  const { flag = '--out', purpose, viaSibling = false } = options;
  const what = purpose === undefined ? '' : ` for ${purpose}`;
  if (typeof path !== 'string' || path === '') throw new UsageError(`${flag} must name a folder`);
  const fail = (why: string, todo: string) => new UsageError(`${flag} ${path}: ${why}: ${todo}${what}`);
  const cannotWrite = (dir: string, code: string | undefined) =>
    fail(
      `cannot write ${dir === path ? 'there' : `in ${dir}`} (${denial(code)})`,
      'choose a folder you can write to',
    );

  // The nearest existing one of path and its ancestors; a file on the way is found as that "existing" entry.
  let at = path;
  for (;;) {
    try {
      const info = await stat(at);
      if (!info.isDirectory()) {
        throw at === path
          ? fail('is a file, not a folder', 'choose a folder path')
          : fail(`${at} is a file, not a folder`, 'choose a folder path');
      }
      break;
    } catch (error) {
      if (error instanceof UsageError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      // ENOTDIR: a file further up; ENOENT: not made yet. Either way the answer is further up.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw cannotWrite(path, code);
      const up = dirname(at);
      if (up === at) throw cannotWrite(path, code);
      at = up;
    }
  }
  const writable = async (dir: string) => {
    try {
      // X_OK too: making an entry in a folder needs search permission on it as well as write.
      await access(dir, constants.W_OK | constants.X_OK);
    } catch (error) {
      throw cannotWrite(dir, (error as NodeJS.ErrnoException).code);
    }
  };
  await writable(at);
  if (viaSibling && at === path) {
    const parent = dirname(path);
    if (parent !== path) await writable(parent);
  }
}
