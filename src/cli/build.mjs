#!/usr/bin/env node
// `npm run build` (npm ci and npm install run it as the `prepare` script of src/package.json): compiles the TypeScript
// of src/ into src/dist/ for the aiplab command (aiplab.mjs), which runs it while build-stamp.json still matches the
// sources. Type errors are `npm test`'s business: tsc only emits here (noCheck in tsconfig.build.json).
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STAMP, sourceListing } from './build-stamp.mjs';

const src = fileURLToPath(new URL('..', import.meta.url));
const out = join(src, 'dist');
// Built aside and renamed into place, so a dist/ with a stamp is always a whole build.
const tmp = join(src, `.dist-build-${process.pid}`);
const t0 = performance.now();
// Listed before compiling: a source edited during the build leaves the stamp behind it, so that build counts as stale.
const sources = sourceListing(src);

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  process.stderr.write(
    'aiplab build: typescript is not installed; the aiplab command runs the TypeScript via tsx\n',
  );
  process.exit(0);
}
rmSync(tmp, { recursive: true, force: true });
const r = spawnSync(process.execPath, [tsc, '-p', join(src, 'tsconfig.build.json'), '--outDir', tmp], {
  stdio: 'inherit',
});
if (r.status !== 0) {
  rmSync(tmp, { recursive: true, force: true });
  process.stderr.write('aiplab build: tsc failed\n');
  process.exit(r.status ?? 1);
}

// Plain-JavaScript modules the compiled code loads by file URL (worker entries); cli/ holds only this tooling.
for (const line of sources) {
  const path = line.slice(0, line.indexOf('\t'));
  if (!path.endsWith('.mjs') || path.startsWith('cli/')) continue;
  mkdirSync(dirname(join(tmp, path)), { recursive: true });
  copyFileSync(join(src, path), join(tmp, path));
}
// The compiled code reads its package.json next to it (version.ts: ./package.json, backtest/results.ts:
// ../package.json), and it marks the .js files as ES modules.
const {
  bin: _bin,
  scripts: _scripts,
  exports: _exports,
  ...pkg
} = JSON.parse(readFileSync(join(src, 'package.json'), 'utf8'));
pkg.exports = { '.': './index.js', './package.json': './package.json' };
writeFileSync(join(tmp, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
writeFileSync(join(tmp, STAMP), `${JSON.stringify({ sources })}\n`);

rmSync(out, { recursive: true, force: true });
renameSync(tmp, out);
const files = readdirSync(out, { recursive: true }).filter((f) => String(f).endsWith('.js')).length;
process.stderr.write(
  `aiplab build: ${files} modules in ${out} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`,
);
