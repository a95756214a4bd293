// What a build of src/ compiled: the path, size and mtime of every source file (.ts, .mjs, .json), written by the
// build (build.mjs) into dist/build-stamp.json and checked by the aiplab command (aiplab.mjs) before it runs the
// build. Plain JavaScript, since it decides whether TypeScript must be loaded at all.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const STAMP = 'build-stamp.json';
const SOURCE = /\.(ts|mjs|json)$/;

function entry(path, stats) {
  return `${path}\t${stats.size}\t${stats.mtimeMs}`;
}

/** One `path<TAB>size<TAB>mtimeMs` line per source file under `srcDir`, sorted; skips dist/, node_modules/ and dot folders. */
export function sourceListing(srcDir) {
  const lines = [];
  const walk = (dir, rel) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) {
        const skip = e.name.startsWith('.') || e.name === 'node_modules' || (rel === '' && e.name === 'dist');
        if (!skip) walk(join(dir, e.name), `${rel}${e.name}/`);
      } else if (SOURCE.test(e.name)) lines.push(entry(`${rel}${e.name}`, statSync(join(dir, e.name))));
    }
  };
  walk(srcDir, '');
  return lines.sort();
}

/**
 * Whether `outDir` holds a finished build of the sources now in `srcDir`: every file the build compiled still has
 * its size and mtime (equality, not "older than", so a file copied in with an old mtime counts as a change too). It
 * stats those files only, no folder walk (a few milliseconds): a file added since changes nothing until an import of
 * it is written into a listed file, and a file removed is missing.
 */
export function buildIsCurrent(srcDir, outDir) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(outDir, STAMP), 'utf8'));
  } catch {
    return false;
  }
  if (!Array.isArray(stamp.sources) || stamp.sources.length === 0) return false;
  for (const line of stamp.sources) {
    const path = line.slice(0, line.indexOf('\t'));
    const stats = statSync(`${srcDir}/${path}`, { throwIfNoEntry: false });
    if (stats === undefined || entry(path, stats) !== line) return false;
  }
  return true;
}
