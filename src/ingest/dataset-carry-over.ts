import { chmod, cp, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { VERIFIED_FILE } from '../days/dataset-verify.js';
import { MANIFEST_FILE } from '../days/manifest.js';
import { SENSORS_FOLDER } from '../days/sensor-dirs.js';
import { LOGIN_ASIDE_FOLDER } from './login-filter.js';

/** What ingest writes in a dataset folder (and so does not carry over from the old one; ingestAppend's too). */
export function ingestOwns(name: string): boolean {
  return (
    name === MANIFEST_FILE ||
    name === VERIFIED_FILE ||
    name === SENSORS_FOLDER ||
    name === LOGIN_ASIDE_FOLDER ||
    /^attacks\.\d{4}-\d{2}-\d{2}\.csv\.gz$/.test(name) ||
    /^\.aiplab-tmp-\d+$/.test(name) || // an older aiplab's scratch folder
    /^\..+\.tmp$/.test(name) // writeFileAtomic's temporary files
  );
}

/**
 * Copies what an existing `out` holds that ingest does not write (a README of the user's, a `.git`) into the new
 * dataset, and gives it `out`'s permissions: replacing the folder must not lose them, as writing into it did not.
 * `rewritten`: names the caller writes anew in `next` (ingestAppend's companion files), not copied either.
 */
export async function carryOver(
  out: string,
  next: string,
  rewritten: ReadonlySet<string> = new Set(),
): Promise<void> {
  let names: string[];
  try {
    names = await readdir(out);
  } catch {
    return;
  }
  for (const name of names) {
    if (ingestOwns(name) || rewritten.has(name)) continue;
    await cp(join(out, name), join(next, name), { recursive: true, preserveTimestamps: true });
  }
  await chmod(next, (await stat(out)).mode & 0o7777);
}
