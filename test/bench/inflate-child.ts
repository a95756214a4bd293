// The floor for ingest: Node's own zlib inflating the same files, one after the other, with nothing else done.
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';

const files = process.argv.slice(2);
const t0 = performance.now();
let bytes = 0;
for (const f of files) {
  const gunzip = createReadStream(f, { highWaterMark: 1 << 20 }).pipe(createGunzip({ chunkSize: 1 << 18 }));
  for await (const chunk of gunzip) bytes += (chunk as Buffer).length;
}
process.stdout.write(
  `${JSON.stringify({ ms: performance.now() - t0, bytes, maxRssKb: process.resourceUsage().maxRSS })}\n`,
);
