// Entry of an ingest worker thread (see parallel-parts.ts). Plain JavaScript, so it loads however aiplab runs:
// - the compiled build (src/dist): the worker's JavaScript is next to this file and is imported as it is;
// - the TypeScript sources: the worker's modules are bundled into one JavaScript file with esbuild (tsx's own
//   transpiler), cached in the OS temp folder and rebuilt when one of its sources changes. Loading that takes the
//   worker ~0.07 s of CPU; registering tsx in the worker and loading each module through it took ~0.45 s, a tenth of
//   a parallel ingest of 5 M flows on two cores. Should the bundle fail for any reason, tsx is used after all.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const compiled = new URL('./ingest-worker-main.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const bundle = sourceBundle();
  let loaded = false;
  if (bundle !== null) {
    try {
      // ingest-worker-main reports every error of its work itself: an error here is one of loading the bundle.
      await import(pathToFileURL(bundle.path).href);
      loaded = true;
    } catch {
      // run the sources through tsx below
    } finally {
      if (bundle.once) rmSync(bundle.path, { force: true });
    }
  }
  if (!loaded) {
    const { register } = await import('tsx/esm/api');
    register();
    await import('./ingest-worker-main.ts');
  }
}

/**
 * An up-to-date bundle of ingest-worker-main.ts and everything it imports (`once`: not cached, to be removed after
 * use), or null.
 */
function sourceBundle() {
  try {
    const entry = fileURLToPath(new URL('./ingest-worker-main.ts', import.meta.url));
    const dir = join(tmpdir(), 'aiplab-worker-bundles');
    const base = join(dir, `ingest-worker-${createHash('sha256').update(entry).digest('hex').slice(0, 16)}`);
    // The bundle's sources with their size and mtime when it was made: any change means a new bundle.
    const stamp = (path) => {
      const s = statSync(path);
      return `${s.size}:${s.mtimeMs}`;
    };
    try {
      const inputs = JSON.parse(readFileSync(`${base}.json`, 'utf8'));
      if (Object.entries(inputs).every(([path, was]) => stamp(path) === was))
        return { path: `${base}.mjs`, once: false };
    } catch {
      // no bundle yet, or a source is gone: make one
    }
    const started = Date.now();
    const require = createRequire(createRequire(import.meta.url).resolve('tsx/package.json'));
    const esbuild = require('esbuild');
    const result = esbuild.buildSync({
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      write: false,
      metafile: true,
      logLevel: 'silent',
      // Bundled CommonJS packages (ipaddr.js) may call require.
      banner: {
        js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
    });
    const inputs = Object.fromEntries(
      Object.keys(result.metafile.inputs).map((p) => {
        const path = isAbsolute(p) ? p : join(process.cwd(), p);
        return [path, stamp(path)];
      }),
    );
    // A source saved while it was bundled may be in the bundle either way: then the bundle is used this once only.
    const settled = Object.keys(inputs).every((path) => statSync(path).mtimeMs < started - 2000);
    mkdirSync(dir, { recursive: true });
    // Written aside and renamed, so a worker starting at the same time never reads half a file.
    const tmp = `${base}.${process.pid}.${Date.now()}`;
    writeFileSync(`${tmp}.mjs`, result.outputFiles[0].text);
    if (!settled) return { path: `${tmp}.mjs`, once: true };
    renameSync(`${tmp}.mjs`, `${base}.mjs`);
    writeFileSync(`${tmp}.json`, JSON.stringify(inputs));
    renameSync(`${tmp}.json`, `${base}.json`);
    return { path: `${base}.mjs`, once: false };
  } catch {
    return null;
  }
}
