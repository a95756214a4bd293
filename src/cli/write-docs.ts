/**
 * `npm run docs`: writes docs/models.md and docs/metrics.md from the registries (registry-docs.ts) and docs/api.md from
 * src/index.ts (api-doc.ts), atomically. Run
 * it after adding or changing a model, a decay function or a metric; test/docs/generated-docs.test.ts fails until
 * then. Runs from the sources (tsx), so the docs folder is the one beside src/.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../util/atomic-write.js';
import { apiDoc } from './api-doc.js';
import { metricsDoc, modelsDoc } from './registry-docs.js';

const docs = fileURLToPath(new URL('../../docs/', import.meta.url));
const index = await readFile(fileURLToPath(new URL('../index.ts', import.meta.url)), 'utf8');
for (const [name, text] of [
  ['api.md', apiDoc(index)],
  ['models.md', modelsDoc()],
  ['metrics.md', metricsDoc()],
] as const) {
  await writeFileAtomic(join(docs, name), text);
  process.stdout.write(`wrote docs/${name}\n`);
}
