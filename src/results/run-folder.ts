import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** `20261204T235901Z`: sortable, no characters file systems dislike. */
export function utcStamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/** A results folder once written: its path and its files' paths. */
export interface WrittenResults {
  dir: string;
  files: string[];
}

/** `<parent>/<stamp>`, or `<stamp>-2`, `-3`, … when two runs start in the same second. */
export async function freeRunDir(parent: string, stamp: string): Promise<string> {
  let dir = join(parent, stamp);
  for (let n = 2; ; n++) {
    try {
      await stat(dir);
      dir = join(parent, `${stamp}-${n}`);
    } catch {
      return dir;
    }
  }
}

/**
 * Writes a run folder `<out>/<id>/<UTC timestamp of startedAt>/` atomically: `write` fills a temporary folder (it
 * returns the file names it wrote) and the folder is renamed into place when complete, so a killed run leaves no
 * half-written result folder.
 */
export async function writeRunFolder(
  out: string,
  id: string,
  startedAt: Date,
  write: (dir: string) => Promise<string[]>,
): Promise<WrittenResults> {
  const parent = resolve(out, id);
  await mkdir(parent, { recursive: true });
  const stamp = utcStamp(startedAt);
  const dir = await freeRunDir(parent, stamp);
  const tmp = join(parent, `.tmp-${stamp}-${process.pid}`);
  await rm(tmp, { recursive: true, force: true });
  const files = await write(tmp);
  await rename(tmp, dir);
  return { dir, files: files.map((f) => join(dir, f)) };
}
