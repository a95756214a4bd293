// Entry of a day-table reader thread (see day-table-reader-thread.ts): the compiled JavaScript beside this file when
// there is one (src/dist), else tsx and the TypeScript (tests, notebooks, the CLI without a build).
import { existsSync } from 'node:fs';

const compiled = new URL('./day-table-reader-worker-main.js', import.meta.url);
if (existsSync(compiled)) await import(compiled.href);
else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./day-table-reader-worker-main.ts');
}
