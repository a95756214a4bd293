#!/usr/bin/env node
// The `aiplab` command. `npm ci` compiles src/ into src/dist/ (the `prepare` script: build.mjs); this runs that
// JavaScript while it is a build of exactly the sources now in src/ (build-stamp.mjs), and otherwise the TypeScript
// itself through tsx: no build yet, or a source changed since, so a stale build never runs. AIPLAB_TSX=1 always runs
// the TypeScript.
import { fileURLToPath } from 'node:url';
import { buildIsCurrent } from './build-stamp.mjs';

const src = new URL('../', import.meta.url);
const dist = new URL('dist/', src);
let main;
if (process.env.AIPLAB_TSX !== '1' && buildIsCurrent(fileURLToPath(src), fileURLToPath(dist))) {
  ({ main } = await import(new URL('cli/main.js', dist).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('./main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
