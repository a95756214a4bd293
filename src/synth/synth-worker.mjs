// Entry of a synth worker thread (see aip-day.ts), plain JavaScript: in the aiplab command's compiled build
// (src/dist/) it loads the compiled worker; beside the TypeScript it loads tsx, then the TypeScript worker.
import { existsSync } from 'node:fs';

const compiled = new URL('./synth-worker-main.js', import.meta.url);
if (existsSync(compiled)) await import(compiled.href);
else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./synth-worker-main.ts');
}
